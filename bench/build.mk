# bench/: fixnet against peer tools on the same work, side by side, as
# ratios (bench/README.md).  Not part of `make check`.
#
#   make bench          every benchmark, one after the other (about 25 min)
#   make bench-NAME     one: bootfile bootscript report apply osboot fleet
#
# Each prints a short table and writes bench/results/NAME.txt (git-ignored).
# The peers and load generators are Debian packages (bench/packages.txt),
# installed first.  BENCH_RUNS (default 5) rounds each; see each script's
# head for its other knobs.  Needs root (loop devices, namespaces, QEMU).

BENCH_NAMES := bootfile bootscript report apply osboot fleet
BENCH_STAMP := $(B)/stamp/bench-packages

$(BENCH_STAMP): bench/packages.txt deps/install-packages
	./deps/install-packages bench/packages.txt
	@mkdir -p $(@D) && touch $@

BENCH_DEPS := $(BENCH_STAMP) $(B)/bin/fixsrv $(B)/bin/fixctl
bench-bootfile bench-bootscript: $(BENCH_DEPS)
bench-report: $(BENCH_DEPS) $(B)/host/server/test/agentload
bench-apply: $(BENCH_DEPS) $(B)/bin/fixd
# the netboot lab's inputs (qemu-tests/build.mk)
bench-osboot bench-fleet: $(BENCH_DEPS) $(WOL_LISTEN) $(E2E_OS) $(E2E_PRIMARY)

.PHONY: bench $(BENCH_NAMES:%=bench-%)

## bench: benchmarks against peer tools (nginx, lighttpd, sqlite3, bsdtar, ...)
bench: $(BENCH_NAMES:%=bench-%)

$(BENCH_NAMES:%=bench-%): bench-%:
	bench/$*.sh
