# deps/: Debian packages for the host, static musl libraries for fixd.
# (owned by the deps work; this first version fixes the interface)
#
#   PKG_STAMP    exists once every Debian package in deps/packages.txt is installed
#   MUSL_STAMP   exists once the static musl libraries are built (or found in the cache)
#   MUSL_PREFIX  where they are: a link into $(FIXNET_CACHE)
#   MUSL_INC     compiler flags for them (and for the kernel headers musl-gcc hides)
#   MUSL_LIBS    linker flags, in link order

PKG_STAMP   := $(B)/stamp/packages
MUSL_STAMP  := $(B)/stamp/musl-deps
MUSL_PREFIX := $(B)/musl-deps
MUSL_INC    := -I$(MUSL_PREFIX)/include -I$(MUSL_PREFIX)/kernel-include
MUSL_LIBS   := -L$(MUSL_PREFIX)/lib -lcurl -larchive -lzstd -llzma -lz -lsodium -ljansson -lblkid

.PHONY: deps

## deps: install missing Debian packages, build the static musl libraries
deps: $(PKG_STAMP) $(MUSL_STAMP)

$(PKG_STAMP): deps/packages.txt deps/install-packages
	./deps/install-packages deps/packages.txt
	@mkdir -p $(@D) && touch $@

$(MUSL_STAMP): $(PKG_STAMP) deps/build-musl-libs $(wildcard deps/recipes/*)
	FIXNET_CACHE=$(FIXNET_CACHE) ./deps/build-musl-libs $(MUSL_PREFIX)
	@mkdir -p $(@D) && touch $@
