# shellcheck shell=bash disable=SC2034
# libblkid from util-linux: finds the target filesystem by label, UUID or
# type.  Only the library.  Debian patches configure.ac: autogen.sh
# regenerates the build system (autoreconf would want gtkdocize).
SOURCE=util-linux
OUTPUTS=lib/libblkid.a

recipe_build() {
	./autogen.sh
	musl_configure --disable-all-programs --enable-libblkid \
		--disable-nls --disable-bash-completion --disable-asciidoc \
		--disable-poman --without-systemd --without-udev --without-python \
		--without-readline --without-ncursesw --without-ncurses \
		--without-tinfo --without-libz --without-libmagic --without-cap-ng \
		--without-selinux --without-audit --without-smack --without-econf \
		--sysconfdir=/etc --localstatedir=/var --runstatedir=/run
	make -j"$JOBS"
	make install
}
