# shellcheck shell=bash disable=SC2034
# jansson: JSON for the agent protocol and the bundle manifest.
SOURCE=jansson
OUTPUTS=lib/libjansson.a

recipe_build() {
	autoreconf -fi
	musl_configure
	make -j"$JOBS"
	make install
}
