# shellcheck shell=bash disable=SC2034
# libmnl: netlink helpers, for libnftnl and nft.
SOURCE=libmnl
OUTPUTS=lib/libmnl.a

recipe_build() {
	musl_configure
	make -j"$JOBS"
	make install
}
