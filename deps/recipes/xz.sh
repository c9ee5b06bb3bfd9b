# shellcheck shell=bash disable=SC2034
# liblzma from xz-utils: .xz bundles.  The library only.
SOURCE=xz-utils
OUTPUTS=lib/liblzma.a

recipe_build() {
	musl_configure --disable-xz --disable-xzdec --disable-lzmadec \
		--disable-lzmainfo --disable-lzma-links --disable-scripts \
		--disable-doc --disable-nls
	make -j"$JOBS"
	make install
}
