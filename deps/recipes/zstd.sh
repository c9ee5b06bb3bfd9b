# shellcheck shell=bash disable=SC2034
# zstd: the default compression of fix bundles.  No legacy formats, no
# dictionary builder.
SOURCE=libzstd
OUTPUTS=lib/libzstd.a

recipe_build() {
	local opts="PREFIX=$PREFIX ZSTD_LEGACY_SUPPORT=0 ZSTD_LIB_DICTBUILDER=0"
	# shellcheck disable=SC2086
	make -C lib -j"$JOBS" libzstd.a $opts
	# shellcheck disable=SC2086
	make -C lib install-static install-includes install-pc $opts
}
