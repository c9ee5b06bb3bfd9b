# fuzz/: a libFuzzer target for every parser of untrusted input, with seed
# corpora (fuzz/corpus/TARGET/) and dictionaries (fuzz/dict/TARGET.dict).
# fuzz/README.md says how to run them, add a seed, reproduce a crash.
#
#   make fuzz               every target for FUZZ_SECONDS (default 60) each,
#                           clang + libFuzzer + ASan + UBSan; new inputs go
#                           to FUZZ_OUT, outside the clone; `make -k -j2
#                           fuzz` runs two at once, past a failing one
#   make fuzz-TARGET        one target
#   make fuzz-coverage      line coverage the seeds and FUZZ_OUT reach
#   make check-fuzz-replay  (part of `make check`) every target built with
#                           gcc and fuzz/replay_main.c, replaying its
#                           committed corpus: no libFuzzer needed

FUZZ_CC      ?= clang-14
FUZZ_SECONDS ?= 60
FUZZ_OUT     ?= $(FIXNET_CACHE)/fuzz

# The parsers of common/; the server's and fixd's are added below.
FUZZ_TARGETS := manifest minisign_pubkey minisign_sig minisign_seckey plan \
	report report_event wol ident keyring_revoked

# fixd's bundle reader, from memory (fixd/bundle.h).
FUZZ_TARGETS   += bundle
FUZZ_OBJS_bundle := fixd/bundle.c fixd/bundle_paths.c fixd/sha.c
FUZZ_LIBS_bundle := $(shell pkg-config --libs libarchive nettle)
FUZZ_COV_bundle  := fixd/bundle.c fixd/bundle_paths.c

# fixsrv's client list import, CSV and /etc/ethers (server/import.h); its
# name check lives in the inventory's db.c.
FUZZ_TARGETS   += import
FUZZ_OBJS_import := server/import.c server/db.c server/db_stmt.c server/db_tx.c \
	server/db_reader.c server/log.c
FUZZ_LIBS_import := $(shell pkg-config --libs sqlite3) -lpthread
FUZZ_COV_import  := server/import.c

# The /boot.ipxe query string through fixsrv's bootserve(): the decision
# against an in-memory inventory and the rendered script.
FUZZ_TARGETS   += bootquery
FUZZ_OBJS_bootquery := server/bootserve.c server/bootdecide.c \
	server/boottoken.c server/bootscript.c server/bootlog.c server/db.c \
	server/db_stmt.c server/db_tx.c server/db_reader.c server/inv_client.c \
	server/inv_fix.c server/inv_event.c server/state.c server/log.c
FUZZ_LIBS_bootquery := $(shell pkg-config --libs sqlite3 jansson) -lpthread
FUZZ_COV_bootquery  := server/bootserve.c server/bootdecide.c \
	server/bootscript.c

# fixd's kernel command line (fixd/cmdline.h) and the receipt it reads
# back from the target disk (fixd/receipt.h, through a file).
FUZZ_TARGETS   += cmdline receipt
FUZZ_OBJS_cmdline := fixd/cmdline.c
FUZZ_COV_cmdline  := fixd/cmdline.c
FUZZ_OBJS_receipt := fixd/receipt.c fixd/safe.c fixd/sha.c
FUZZ_LIBS_receipt := $(shell pkg-config --libs jansson nettle)
FUZZ_COV_receipt  := fixd/receipt.c

# The NTFS volume state fixd reads from a client's disk before it writes
# (fixd/ntfs.h): a boot sector followed by $Volume's MFT record.
FUZZ_TARGETS   += ntfs
FUZZ_OBJS_ntfs := fixd/ntfs.c
FUZZ_COV_ntfs  := fixd/ntfs.c

# Longest input libFuzzer makes, per target (default 4096): a little over
# the parser's own limit where that limit is small, so that it is tried.
FUZZ_MAXLEN_manifest        := 16384
FUZZ_MAXLEN_plan            := 16384
FUZZ_MAXLEN_report          := 16384
FUZZ_MAXLEN_report_event    := 4200
FUZZ_MAXLEN_minisign_pubkey := 4200
FUZZ_MAXLEN_minisign_sig    := 4200
FUZZ_MAXLEN_minisign_seckey := 4200
FUZZ_MAXLEN_wol             := 256
FUZZ_MAXLEN_ident           := 128
FUZZ_MAXLEN_bundle          := 65536
FUZZ_MAXLEN_import          := 8192
FUZZ_MAXLEN_bootquery       := 512
FUZZ_MAXLEN_cmdline         := 4200
FUZZ_MAXLEN_ntfs            := 4700

FUZZ_SAN     := -fsanitize=address,undefined -fno-sanitize-recover=undefined
FUZZ_CFLAGS  := -g -O1 -fno-omit-frame-pointer $(FUZZ_SAN) \
	-fsanitize=fuzzer-no-link $(BASE_CFLAGS)
FUZZ_LDFLAGS := $(FUZZ_SAN) -fsanitize=fuzzer
CFLAGS_fuzz  := $(CFLAGS_common)

# clang objects, instrumented for coverage: the code under test too.
$(B)/fuzz/%.o: %.c | $(PKG_STAMP)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CLANG   $@")
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) $(CFLAGS_$(<D)) -MMD -MP -c $< -o $@

FUZZ_COMMON_LIB := $(B)/fuzz/common/libcommon.a

$(FUZZ_COMMON_LIB): $(COMMON_SRCS:%.c=$(B)/fuzz/%.o)
	rm -f $@ && $(AR) rcs $@ $^

# A target links its own objects (FUZZ_OBJS_TARGET, sources without the
# build prefix), common/ and its libraries (FUZZ_LIBS_TARGET).
FUZZ_BINS := $(FUZZ_TARGETS:%=$(B)/fuzz/bin/fuzz_%)

$(FUZZ_BINS): $(B)/fuzz/bin/fuzz_%: $(B)/fuzz/fuzz/fuzz_%.o \
		$(B)/fuzz/fuzz/fuzz_util.o $(FUZZ_COMMON_LIB)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_LDFLAGS) -o $@ $(filter %.o,$^) $(FUZZ_COMMON_LIB) \
		$(FUZZ_LIBS_$*) $(COMMON_LDLIBS)

# The replay: the same sources with gcc, the house flags and a plain main.
FUZZ_REPLAY_BINS := $(FUZZ_TARGETS:%=$(B)/host/fuzz/replay-%)

$(FUZZ_REPLAY_BINS): $(B)/host/fuzz/replay-%: $(B)/host/fuzz/fuzz_%.o \
		$(B)/host/fuzz/fuzz_util.o $(B)/host/fuzz/replay_main.o \
		$(COMMON_HOST_LIB)
	$(HOST_CC) $(HOST_LDFLAGS) -o $@ $(filter %.o,$^) $(COMMON_HOST_LIB) \
		$(FUZZ_LIBS_$*) $(COMMON_LDLIBS)

# Line coverage that the corpora reach: the replay again, built by clang
# with source-based coverage; FUZZ_COV_TARGET names the sources reported.
FUZZ_COV_CFLAGS := -O0 -g -fprofile-instr-generate -fcoverage-mapping \
	$(BASE_CFLAGS)
FUZZ_COV_COMMON_LIB := $(B)/fuzz/cov/common/libcommon.a
FUZZ_COV_BINS := $(FUZZ_TARGETS:%=$(B)/fuzz/cov/bin/cov-%)

FUZZ_COV_manifest        := common/manifest.c common/manifest_ops.c \
	common/manifest_check.c common/manifest_format.c common/jsonx.c
FUZZ_COV_minisign_pubkey := common/minisign_pub.c common/minisign_text.c
FUZZ_COV_minisign_sig    := common/minisign_sig.c common/minisign_text.c
FUZZ_COV_minisign_seckey := common/minisign_key.c common/minisign_text.c
FUZZ_COV_plan            := common/plan.c common/plan_format.c common/jsonx.c
FUZZ_COV_report          := common/report.c common/report_format.c \
	common/jsonx.c
FUZZ_COV_report_event    := common/report_event.c common/jsonx.c
FUZZ_COV_wol             := common/wol.c
FUZZ_COV_ident           := common/mac.c common/uuid.c common/token.c \
	common/strnum.c common/hex.c common/minisign_pub.c
FUZZ_COV_keyring_revoked := common/keyring.c

$(B)/fuzz/cov/%.o: %.c | $(PKG_STAMP)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_COV_CFLAGS) $(CFLAGS_$(<D)) -MMD -MP -c $< -o $@

$(FUZZ_COV_COMMON_LIB): $(COMMON_SRCS:%.c=$(B)/fuzz/cov/%.o)
	rm -f $@ && $(AR) rcs $@ $^

$(FUZZ_COV_BINS): $(B)/fuzz/cov/bin/cov-%: $(B)/fuzz/cov/fuzz/fuzz_%.o \
		$(B)/fuzz/cov/fuzz/fuzz_util.o $(B)/fuzz/cov/fuzz/replay_main.o \
		$(FUZZ_COV_COMMON_LIB)
	@mkdir -p $(@D)
	$(FUZZ_CC) -fprofile-instr-generate -o $@ $(filter %.o,$^) \
		$(FUZZ_COV_COMMON_LIB) $(FUZZ_LIBS_$*) $(COMMON_LDLIBS)

# Per-target objects, for the three builds.
define FUZZ_OBJS_RULE
$(B)/fuzz/bin/fuzz_$(1): $(FUZZ_OBJS_$(1):%.c=$(B)/fuzz/%.o)
$(B)/host/fuzz/replay-$(1): $(FUZZ_OBJS_$(1):%.c=$(B)/host/%.o)
$(B)/fuzz/cov/bin/cov-$(1): $(FUZZ_OBJS_$(1):%.c=$(B)/fuzz/cov/%.o)
endef

FUZZ_RUNS := $(FUZZ_TARGETS:%=fuzz-%)

.PHONY: fuzz fuzz-build fuzz-coverage check-fuzz-replay $(FUZZ_RUNS)

## fuzz: run every fuzz target for FUZZ_SECONDS (default 60) each
fuzz: $(FUZZ_RUNS)

## fuzz-build: build the libFuzzer targets without running them
fuzz-build: $(FUZZ_BINS)

$(FUZZ_RUNS): fuzz-%: $(B)/fuzz/bin/fuzz_%
	@./fuzz/run-fuzz $* $< $(FUZZ_SECONDS) $(or $(FUZZ_MAXLEN_$*),4096) \
		$(FUZZ_OUT) $(FUZZ_FLAGS_$*)

## fuzz-coverage: line coverage reached by the seeds and FUZZ_OUT's corpora
fuzz-coverage: $(FUZZ_COV_BINS)
	@$(foreach t,$(FUZZ_TARGETS),FUZZ_OUT=$(FUZZ_OUT) ./fuzz/run-coverage \
		$(t) $(B)/fuzz/cov/bin/cov-$(t) $(B)/fuzz/cov/prof \
		$(FUZZ_COV_$(t)) &&) true

## check-fuzz-replay: replay every committed fuzz corpus (gcc, no libFuzzer)
check-fuzz-replay: $(FUZZ_REPLAY_BINS)
	@for t in $(FUZZ_TARGETS); do \
		$(B)/host/fuzz/replay-$$t fuzz/corpus/$$t || exit 1; \
	done

$(foreach t,$(FUZZ_TARGETS),$(eval $(call FUZZ_OBJS_RULE,$(t))))
