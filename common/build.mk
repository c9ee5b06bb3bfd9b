# common/: the C shared by fixsrv, fixctl and fixd, built twice: for the host
# (glibc, unit tests) and for static musl (fixd).
#
#   COMMON_HOST_LIB  $(B)/host/libcommon.a
#   COMMON_MUSL_LIB  $(B)/musl/libcommon.a (needs the musl libraries of deps/)
#   COMMON_LDLIBS    host link flags the library needs, after it on the line
#                    (musl: put $(MUSL_LIBS) after $(COMMON_MUSL_LIB))
#
# libsodium: common/ initialises it itself (common_crypto_init()).

COMMON_MODULES := err buf file strnum hex mac uuid crypto token wol \
	minisign_text minisign_pub minisign_sig minisign_key keyring \
	jsonx manifest_check manifest manifest_ops manifest_format \
	plan plan_format report report_format report_event

COMMON_SRCS     := $(COMMON_MODULES:%=common/%.c)
COMMON_HOST_LIB := $(B)/host/libcommon.a
COMMON_MUSL_LIB := $(B)/musl/libcommon.a
COMMON_LDLIBS   := $(shell pkg-config --libs jansson libsodium)
CFLAGS_common   := $(shell pkg-config --cflags jansson libsodium)
CFLAGS_common/test := $(CFLAGS_common) $(shell pkg-config --cflags cmocka)

$(COMMON_HOST_LIB): $(COMMON_SRCS:%.c=$(B)/host/%.o)
	@mkdir -p $(@D)
	rm -f $@ && $(AR) rcs $@ $^

$(COMMON_MUSL_LIB): $(COMMON_SRCS:%.c=$(B)/musl/%.o)
	@mkdir -p $(@D)
	rm -f $@ && $(AR) rcs $@ $^

# Unit tests: common/test/test_<module>.c, one binary each.
COMMON_TESTS := err buf strnum hex mac uuid token wol minisign keyring \
	manifest plan report
COMMON_TEST_BINS := $(COMMON_TESTS:%=$(B)/host/common/test/test_%)

$(COMMON_TEST_BINS): $(B)/host/common/test/test_%: \
		$(B)/host/common/test/test_%.o $(COMMON_HOST_LIB)
	$(HOST_CC) $(HOST_LDFLAGS) -o $@ $< $(COMMON_HOST_LIB) -lcmocka \
		$(COMMON_LDLIBS)

UNIT_TESTS += $(COMMON_TEST_BINS)

# Integration: interoperability with Debian's minisign binary.
COMMON_INTEG := $(B)/host/common/test/interop_minisign

$(COMMON_INTEG): $(B)/host/%: $(B)/host/%.o $(COMMON_HOST_LIB)
	$(HOST_CC) $(HOST_LDFLAGS) -o $@ $< $(COMMON_HOST_LIB) -lcmocka \
		$(COMMON_LDLIBS)

INTEG_TESTS += $(COMMON_INTEG)
INTEG_DEPS  += $(COMMON_INTEG)
