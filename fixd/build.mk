# fixd/: the agent, a static musl binary for the quarantine OS, with its
# unit tests (cmocka, against the host's libraries) and integration tests
# (a small HTTP server of our own, fixctl-made bundles, the static fixd).

FIXD_MODULES := log cmdline sha safe download http bundle bundle_paths \
	target target_fs target_select receipt hook hook_confine reap apply apply_glob \
	apply_stage apply_commit apply_recover journal journal_decode txn txn_backup \
	txn_commit txn_decide fix agent cmd_apply cmd_verify cmd_keys text ntfs fold
FIXD_LIB_SRCS := $(FIXD_MODULES:%=fixd/%.c)
FIXD_SRCS     := $(FIXD_LIB_SRCS) fixd/main.c

# Host builds (unit tests, and the bundle reader that fixctl shares).
FIXD_HOST_LIBS := $(shell pkg-config --libs libcurl libarchive libsodium nettle \
	jansson blkid)
CFLAGS_fixd/test := $(shell pkg-config --cflags cmocka libmicrohttpd)

# The agent: linked static against musl, shipped stripped.
$(B)/musl/fixd/fixd.full: $(FIXD_SRCS:%.c=$(B)/musl/%.o) $(COMMON_MUSL_LIB) \
		| $(MUSL_STAMP)
	@mkdir -p $(@D)
	$(MUSL_CC) $(MUSL_LDFLAGS) -o $@ $(filter %.o,$^) $(COMMON_MUSL_LIB) \
		$(MUSL_LIBS)

$(B)/bin/fixd: $(B)/musl/fixd/fixd.full
	@mkdir -p $(@D)
	strip -o $@ $<
	@echo "fixd: $$(stat -c %s $@) bytes stripped"

PROGRAMS += $(B)/bin/fixd

# The power-cut test build: the same sources with crash points
# (fixd/crash.h), compiled apart so that the shipped fixd has none.
FIXD_CRASH := $(B)/crash/bin/fixd

$(B)/crash/%.o: %.c | $(MUSL_STAMP)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  MUSLCC  $@")
	$(Q)$(MUSL_CC) $(MUSL_CFLAGS) $(MUSL_INC) -DFIXD_CRASH_POINTS -MMD -MP -c $< -o $@

$(FIXD_CRASH): $(FIXD_SRCS:%.c=$(B)/crash/%.o) $(B)/crash/fixd/crash.o \
		$(COMMON_MUSL_LIB) | $(MUSL_STAMP)
	@mkdir -p $(@D)
	$(MUSL_CC) $(MUSL_LDFLAGS) -o $@ $(filter %.o,$^) $(COMMON_MUSL_LIB) \
		$(MUSL_LIBS)

# Unit tests: fixd/test/test_<unit>.c, each linked with every module but
# main.c and the test helpers.
FIXD_TESTS := cmdline download bundle target apply hook receipt log fix text \
	journal txn recover ntfs
FIXD_TEST_BINS := $(FIXD_TESTS:%=$(B)/host/fixd/test/test_%)
FIXD_TEST_HELPERS := fixd/test/testlib.c fixd/test/srv.c
FIXD_TEST_OBJS := $(FIXD_LIB_SRCS:%.c=$(B)/host/%.o) \
	$(FIXD_TEST_HELPERS:%.c=$(B)/host/%.o)
FIXD_TEST_LIBS := $(COMMON_HOST_LIB) -lcmocka \
	$(shell pkg-config --libs libmicrohttpd) $(FIXD_HOST_LIBS) \
	$(COMMON_LDLIBS) -lpthread

$(FIXD_TEST_BINS): $(B)/host/fixd/test/test_%: $(B)/host/fixd/test/test_%.o \
		$(FIXD_TEST_OBJS) $(COMMON_HOST_LIB)
	$(HOST_CC) $(HOST_LDFLAGS) -o $@ $< $(FIXD_TEST_OBJS) $(FIXD_TEST_LIBS)

UNIT_TESTS += $(FIXD_TEST_BINS)

# Integration: testsrv plays the fix server's agent API on loopback.
FIXD_TESTSRV := $(B)/host/fixd/test/testsrv

$(FIXD_TESTSRV): $(B)/host/fixd/test/testsrv.o $(B)/host/fixd/test/srv.o
	$(HOST_CC) $(HOST_LDFLAGS) -o $@ $^ $(shell pkg-config --libs libmicrohttpd)

FIXD_INTEG := apply-dir apply-ext4 apply-vfat reject minisign bundle-create \
	static powercut download-faults evil-archives
INTEG_TESTS += $(FIXD_INTEG:%=fixd/test/integ-%.sh)
INTEG_DEPS  += $(B)/bin/fixd $(B)/bin/fixctl $(FIXD_TESTSRV) $(FIXD_CRASH)
