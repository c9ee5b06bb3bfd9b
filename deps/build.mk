# deps/: Debian packages for the host, static musl libraries for fixd.
#
#   PKG_STAMP    exists once every Debian package in deps/packages.txt is installed
#   MUSL_STAMP   exists once the static musl libraries are built (or found in the cache)
#   MUSL_PREFIX  where they are: a link into $(FIXNET_CACHE)/musl-deps
#   MUSL_INC     compiler flags for them (and for the kernel headers musl-gcc hides)
#   MUSL_LIBS    linker flags, in link order
#   MUSL_NFT     the static nft for the secondary OS (absent when the Debian
#                archive did not serve its sources: check with test -x)
#
# FIXNET_TLS=mbedtls (default: fixd speaks https) or none chooses libcurl's TLS.  deps/README.md
# says more.

FIXNET_TLS ?= mbedtls
ifeq ($(filter none mbedtls,$(FIXNET_TLS)),)
$(error FIXNET_TLS=$(FIXNET_TLS): choose none or mbedtls)
endif

PKG_STAMP   := $(B)/stamp/packages
MUSL_STAMP  := $(B)/stamp/musl-deps-$(FIXNET_TLS)
MUSL_PREFIX := $(B)/musl-deps
# Kernel headers as system headers: musl's <sys/ioctl.h> and <linux/ioctl.h>
# both define _IOC and friends, a redefinition warning only outside them.
MUSL_INC    := -I$(MUSL_PREFIX)/include -isystem $(MUSL_PREFIX)/kernel-include
MUSL_LIBS   := -L$(MUSL_PREFIX)/lib -lcurl \
               $(if $(filter mbedtls,$(FIXNET_TLS)),-lmbedtls -lmbedx509 -lmbedcrypto) \
               -larchive -lzstd -llzma -lz -lsodium -lnettle -ljansson -lblkid
MUSL_NFT    := $(MUSL_PREFIX)/bin/nft

.PHONY: deps

## deps: install missing Debian packages, build the static musl libraries
deps: $(PKG_STAMP) $(MUSL_STAMP)

$(PKG_STAMP): deps/packages.txt deps/install-packages
	./deps/install-packages deps/packages.txt
	@mkdir -p $(@D) && touch $@

# One stamp per TLS flavour: switching flavours re-points MUSL_PREFIX.  The
# MANIFEST prerequisite rebuilds the stamp when the cache entry went away.
$(MUSL_STAMP): $(PKG_STAMP) deps/build-musl-libs $(wildcard deps/recipes/*) $(MUSL_PREFIX)/MANIFEST
	FIXNET_CACHE=$(FIXNET_CACHE) FIXNET_TLS=$(FIXNET_TLS) MUSL_CC=$(MUSL_CC) \
		./deps/build-musl-libs $(MUSL_PREFIX)
	@rm -f $(B)/stamp/musl-deps-*
	@mkdir -p $(@D) && touch $@

$(MUSL_PREFIX)/MANIFEST: ;

# Integration test: everything linked into one static program that runs.
DEPS_CHECK := $(B)/deps/check-static

$(DEPS_CHECK): deps/check-static.c $(MUSL_STAMP)
	@mkdir -p $(@D)
	$(MUSL_CC) $(MUSL_CFLAGS) $(MUSL_INC) $(MUSL_LDFLAGS) $< -o $@ $(MUSL_LIBS)

INTEG_TESTS += deps/test/static-libs deps/test/static-nft
INTEG_DEPS  += $(DEPS_CHECK)
