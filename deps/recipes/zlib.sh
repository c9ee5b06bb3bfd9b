# shellcheck shell=bash disable=SC2034
# zlib: deflate and gzip, for libarchive and libcurl.
SOURCE=zlib
OUTPUTS=lib/libz.a

recipe_build() {
	./configure --static --prefix="$PREFIX"
	make -j"$JOBS" libz.a
	make install
}
