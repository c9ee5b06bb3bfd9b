# shellcheck shell=bash disable=SC2034
# libsodium: Ed25519 signatures (minisign), BLAKE2b, SHA-256.
# Debian's source has no configure script.
SOURCE=libsodium
OUTPUTS=lib/libsodium.a

recipe_build() {
	autoreconf -fi
	musl_configure --disable-pie --disable-debug
	make -j"$JOBS"
	make install
}
