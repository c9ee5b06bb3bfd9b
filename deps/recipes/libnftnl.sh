# shellcheck shell=bash disable=SC2034
# libnftnl: the nf_tables netlink messages, for nft.
SOURCE=libnftnl
OUTPUTS=lib/libnftnl.a

recipe_build() {
	musl_configure
	make -j"$JOBS"
	make install
}
