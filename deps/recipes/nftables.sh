# shellcheck shell=bash disable=SC2034
# nft, static: the secondary OS loads its egress ruleset with it.  mini-gmp,
# no CLI, no JSON, no Python, no man pages.  Debian patches src/scanner.l:
# flex regenerates the scanner.  Only the binary is installed (make install
# would also write to sysconfdir).
SOURCE=nftables
OUTPUTS=bin/nft

recipe_build() {
	musl_configure --sysconfdir=/etc --with-mini-gmp --without-cli \
		--without-json --without-xtables --disable-python \
		--disable-man-doc --disable-debug
	make -C src -j"$JOBS" LDFLAGS="$LDFLAGS -all-static -Wl,--gc-sections"
	install -D -s -m 755 src/nft "$PREFIX/bin/nft"
	file "$PREFIX/bin/nft" | grep -q 'statically linked'
	"$PREFIX/bin/nft" --version
}
