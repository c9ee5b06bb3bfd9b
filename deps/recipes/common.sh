# shellcheck shell=bash disable=SC2034
# Sourced before every recipe, in the unpacked Debian source tree.
# PREFIX is the staging prefix; MUSL_CC and JOBS come from build-musl-libs.

export CC=$MUSL_CC AR=ar RANLIB=ranlib
export CFLAGS="-Os -ffunction-sections -fdata-sections"
export CPPFLAGS="-I$PREFIX/include -I$PREFIX/kernel-include"
export LDFLAGS="-L$PREFIX/lib"

# musl_configure ARG...: an autoconf configure for a static musl library.
musl_configure() {
	./configure --host=x86_64-linux-musl --prefix="$PREFIX" \
		--disable-shared --enable-static --disable-dependency-tracking "$@"
}
