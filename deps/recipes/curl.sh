# shellcheck shell=bash disable=SC2034
# libcurl: HTTP only (HTTPS through mbedTLS with FIXNET_TLS=mbedtls), with
# the threaded resolver.  Debian's series ends with the patches that turn the
# source into its GnuTLS and NSS flavours: undo them, last first.
SOURCE=curl
OUTPUTS=lib/libcurl.a

recipe_build() {
	local tls=--without-ssl
	[ ! -f "$PREFIX/lib/libmbedtls.a" ] || tls=--with-mbedtls="$PREFIX"
	patch -R -p1 <debian/patches/99_nss.patch
	patch -R -p1 <debian/patches/90_gnutls.patch
	autoreconf -fi
	musl_configure "$tls" --without-ca-bundle --without-ca-path \
		--enable-http --enable-threaded-resolver \
		--disable-ftp --disable-file --disable-ldap --disable-ldaps \
		--disable-rtsp --disable-dict --disable-telnet --disable-tftp \
		--disable-pop3 --disable-imap --disable-smb --disable-smtp \
		--disable-gopher --disable-mqtt --disable-ntlm-wb \
		--disable-unix-sockets --disable-manual \
		--with-zlib="$PREFIX" --without-zstd --without-brotli \
		--without-libidn2 --without-libpsl --without-librtmp \
		--without-libssh2 --without-libssh --without-nghttp2 \
		--without-ngtcp2 --without-nghttp3 --without-quiche \
		--without-gssapi --without-libgsasl
	make -C lib -j"$JOBS"
	make -C lib install
	make -C include install
	make install-pkgconfigDATA
}
