# shellcheck shell=bash
# Shared by the loopback benchmarks (sourced from the top of the tree,
# then bench_init NAME).  fixsrv is started with server/test/lib.sh helpers
# (fx_config, fx_start, fx_key, fx_bundle: a temp state dir, loopback);
# the peers (nginx, lighttpd) get a config of their own in the same temp
# dir.  Everything started here is stopped by the EXIT trap of that lib.
#
#   (and bench/common.sh's bench_* and nginx_start)
#   lighttpd_start ROOT        lighttpd serving ROOT: LIGHTTPD_URL, LIGHTTPD_PIDS
#   wrk_run URL CONNS SECS [wrk args...]   sets W_REQS W_BYTES W_SECS W_ERRS W_P50 W_P99 (µs)

# shellcheck source=bench/common.sh
. bench/common.sh

# FX_LOG_LEVEL: fixsrv at its default level (info), not the tests' debug.
FX_LOG_LEVEL=${FX_LOG_LEVEL:-info}
# shellcheck source=server/test/lib.sh
. server/test/lib.sh
FX_CLEANUP+=('rm -f "${BENCH_RESULT:-}.tmp"')
for t in wrk curl; do
	command -v $t >/dev/null ||
		fail "$t is missing: ./deps/install-packages bench/packages.txt"
done

# lighttpd_start ROOT: lighttpd with its defaults serving ROOT.
lighttpd_start() {
	local root=$1 port
	command -v lighttpd >/dev/null ||
		fail "lighttpd is missing: ./deps/install-packages bench/packages.txt"
	port=$(fx_port)
	mkdir -p "$T/lighttpd"
	chown "$FX_USER" "$T/lighttpd"	# it opens its log after dropping root
	cat > "$T/lighttpd/lighttpd.conf" <<-EOF
	server.document-root = "$root"
	server.bind = "127.0.0.1"
	server.port = $port
	server.username = "$FX_USER"
	server.pid-file = "$T/lighttpd/lighttpd.pid"
	server.errorlog = "$T/lighttpd/error.log"
	server.max-fds = 65536
	server.max-connections = ${LIGHTTPD_CONNS:-1024}
	server.max-keep-alive-requests = 1000000
	EOF
	lighttpd -D -f "$T/lighttpd/lighttpd.conf" 2>>"$T/lighttpd/stderr" &
	LIGHTTPD_PIDS=$!
	FX_CLEANUP+=("kill $LIGHTTPD_PIDS 2>/dev/null; wait $LIGHTTPD_PIDS 2>/dev/null")
	for _ in $(seq 50); do
		curl -so /dev/null "http://127.0.0.1:$port/" && break
		sleep 0.1
	done
	LIGHTTPD_URL=http://127.0.0.1:$port
}

lighttpd_stop() {
	kill "$LIGHTTPD_PIDS" 2>/dev/null
	wait "$LIGHTTPD_PIDS" 2>/dev/null
}

# wrk_run URL CONNS SECS [wrk args...]: one wrk run with the Lua script
# W_SCRIPT (default bench/wrk-report.lua; others dofile() that one for its
# report).  Sets W_REQS W_BYTES W_SECS W_ERRS (socket errors) W_NON2XX
# W_P50 W_P99 (µs).
wrk_run() {
	local url=$1 conns=$2 secs=$3 out threads=2
	shift 3
	[ "$conns" -lt 2 ] && threads=1
	out=$(wrk -t $threads -c "$conns" -d "${secs}s" --timeout 30s \
		-s "${W_SCRIPT:-$BENCH_DIR/wrk-report.lua}" "$@" "$url" 2>&1) || {
		echo "$out" >&2
		fail "wrk failed"
	}
	local line
	line=$(echo "$out" | grep '^BENCH ') || { echo "$out" >&2; fail "wrk gave no report"; }
	eval "${line#BENCH }"
}
