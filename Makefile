# fixnet — one non-recursive GNU Makefile.
#
# Every directory adds its sources, programs and tests through its own
# build.mk fragment, included below; there is exactly one make process.
# `make help` lists the targets.

.DEFAULT_GOAL := all
.SUFFIXES:
.DELETE_ON_ERROR:
SHELL := /bin/bash

B      := build
# Outside the clone, so that a CI run on the same machine reuses what an
# earlier run built; keyed by the Debian versions of what it holds.
FIXNET_CACHE ?= /var/cache/fixnet

HOST_CC ?= gcc
MUSL_CC ?= musl-gcc

WARN := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
        -Wformat=2 -Wvla -Werror
BASE_CFLAGS := -std=c11 -D_GNU_SOURCE -D_FILE_OFFSET_BITS=64 $(WARN) -I.

# Host (glibc) builds: fixsrv, fixctl, unit tests.
HOST_CFLAGS  ?= -O2 -g
HOST_CFLAGS  += $(BASE_CFLAGS) $(EXTRA_CFLAGS)
HOST_LDFLAGS ?=
HOST_LDFLAGS += $(EXTRA_LDFLAGS)

# musl static builds: fixd.  MUSL_PREFIX is set by deps/build.mk.
MUSL_CFLAGS  := -Os -g -ffunction-sections -fdata-sections $(BASE_CFLAGS)
MUSL_LDFLAGS := -static -Wl,--gc-sections

# Program lists filled in by the fragments.
PROGRAMS      :=   # installed binaries
UNIT_TESTS    :=   # cmocka binaries, run by `make check-unit`
INTEG_TESTS   :=   # scripts: exit 0 pass, 77 skipped (prints SKIPPED), else fail
E2E_TESTS     :=   # QEMU scenarios, run by `make check-e2e`
CLEAN_EXTRA   :=

# deps/ comes first: it defines PKG_STAMP (Debian packages installed) and
# MUSL_STAMP / MUSL_INC / MUSL_LIBS (the static musl libraries).
include deps/build.mk

# `make V=1` shows the compiler's command lines.
ifeq ($(V),1)
Q :=
else
Q := @
endif

# Object rules: one tree per toolchain, dependencies tracked with -MMD.
$(B)/host/%.o: %.c | $(PKG_STAMP)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC      $@")
	$(Q)$(HOST_CC) $(HOST_CFLAGS) $(CFLAGS_$(<D)) -MMD -MP -c $< -o $@

$(B)/musl/%.o: %.c | $(MUSL_STAMP)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  MUSLCC  $@")
	$(Q)$(MUSL_CC) $(MUSL_CFLAGS) $(MUSL_INC) -MMD -MP -c $< -o $@

include common/build.mk
include fixd/build.mk
include server/build.mk
include server/fixctl.mk
include initramfs/build.mk
include qemu-tests/build.mk
include fuzz/build.mk
include bench/build.mk

.PHONY: all check check-unit check-integration check-e2e demo help clean

all: $(PROGRAMS)

## check: everything a change must pass (unit, fuzz replay, integration, e2e)
check: check-unit check-fuzz-replay check-integration check-e2e

## check-unit: the cmocka unit tests
check-unit: $(UNIT_TESTS)
	@./common/test/run-tests unit $(UNIT_TESTS)

## check-integration: loopback integration tests (some need root)
check-integration: all $(INTEG_DEPS)
	@./common/test/run-tests integration $(INTEG_TESTS)

## check-e2e: the QEMU network-boot scenarios (need root, QEMU, namespaces)
check-e2e: all $(E2E_DEPS)
	@./common/test/run-tests e2e $(E2E_TESTS)

## help: this list
help:
	@echo "fixnet targets:"
	@sed -n 's/^## \([a-z0-9-]*\): \(.*\)/  \1\t\2/p' $(MAKEFILE_LIST) | expand -t 24

# sanitize: the unit tests, the fuzz corpora's replay and the integration
# tests, built with ASan + UBSan into a tree of their own ($(B)/sanitize)
# by a second make with B pointing there.  B is exported, so that every test
# script finds the binaries of the tree it was built for.  fixd is static
# musl, which has no sanitizer runtime: its unit tests (host-built) run
# sanitized, the musl fixd that the integration tests run does not.
export B
SAN_FLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer \
	-fno-sanitize-recover=undefined

.PHONY: sanitize
## sanitize: unit, fuzz-replay and integration tests under ASan + UBSan, in build/sanitize
sanitize:
	UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
	ASAN_OPTIONS=detect_leaks=1:verify_asan_link_order=0 \
	$(MAKE) --no-print-directory B=$(B)/sanitize EXTRA_CFLAGS='$(SAN_FLAGS)' \
		EXTRA_LDFLAGS='$(SAN_FLAGS)' check-unit check-fuzz-replay \
		check-integration

## clean: remove build/ (the dependency cache under FIXNET_CACHE stays)
clean:
	rm -rf $(B) $(CLEAN_EXTRA)

-include $(shell find $(B) -name '*.d' 2>/dev/null)
