# shellcheck shell=bash disable=SC2034
# nettle: fixd's SHA-256.  A "fat" build picks the SHA-NI code at run time
# where the CPU has it (about 1.5 GB/s here against libsodium's 0.3 GB/s):
# fixd hashes every byte of a fix twice (before writing, and the evidence).
# Only the hash functions are needed: no public-key code, no GMP.
SOURCE=nettle
OUTPUTS=lib/libnettle.a

recipe_build() {
	musl_configure --libdir="$PREFIX/lib" --enable-fat --disable-public-key \
		--disable-openssl --disable-documentation
	make -j"$JOBS"
	make install
}
