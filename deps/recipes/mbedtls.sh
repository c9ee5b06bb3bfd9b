# shellcheck shell=bash disable=SC2034
# mbedTLS: HTTPS for libcurl, only with FIXNET_TLS=mbedtls.
SOURCE=mbedtls
OUTPUTS="lib/libmbedtls.a lib/libmbedx509.a lib/libmbedcrypto.a"

recipe_build() {
	make -C library -j"$JOBS" static
	cp -R include/mbedtls include/psa "$PREFIX/include/"
	cp library/libmbedtls.a library/libmbedx509.a library/libmbedcrypto.a "$PREFIX/lib/"
}
