# shellcheck shell=bash disable=SC2034
# libarchive: reads fix bundles (tar with zstd, xz or gzip).  No tools, and
# none of the optional libraries but zlib, zstd and lzma.
SOURCE=libarchive
OUTPUTS=lib/libarchive.a

recipe_build() {
	autoreconf -fi
	musl_configure --disable-bsdtar --disable-bsdcat --disable-bsdcpio \
		--disable-acl --disable-xattr --disable-rpath \
		--with-zlib --with-zstd --with-lzma \
		--without-bz2lib --without-lz4 --without-lzo2 --without-libb2 \
		--without-openssl --without-nettle --without-mbedtls \
		--without-xml2 --without-expat --without-iconv --without-cng
	make -j"$JOBS"
	make install
}
