# shellcheck shell=bash
# Helpers of every benchmark (sourced from the top of the tree; bench/lib.sh
# sources it for the loopback benchmarks, the lab benchmarks source it
# beside qemu-tests/lab.sh):
#
#   bench_init NAME            result file, CLK_TCK, descriptor limits
#   bench_finish               publish bench/results/NAME.txt
#   bench_out TEXT...          print and keep for the result file
#   bench_cpu PID...           CPU seconds (utime+stime) of those processes
#   bench_mem FIELD PID...     sum of VmRSS or VmHWM, KiB
#   bench_median X...          median of numbers
#   bench_ratio A B            A / B, 2 decimals
#   bench_family PID           PID and its children (nginx's workers)
#   bench_fail MESSAGE         print FAIL: MESSAGE and exit 1
#   nginx_start ROOT / nginx_stop   the nginx peer (see below)

export BENCH_DIR=$PWD/bench
BENCH_RUNS=${BENCH_RUNS:-5}

bench_init() {
	BENCH_NAME=$1
	mkdir -p "$BENCH_DIR/results"
	BENCH_RESULT=$BENCH_DIR/results/$1.txt
	: > "$BENCH_RESULT.tmp"
	CLK_TCK=$(getconf CLK_TCK)
	# 10,000 connections on each side need more descriptors than the
	# default; root may raise the hard limit.
	ulimit -Hn 1048576 2>/dev/null || true
	ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
}

# Publish the result file (only a finished run replaces the last one).
bench_finish() {
	{
		echo "# $BENCH_NAME, $(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) cores, $(uname -r)"
		cat "$BENCH_RESULT.tmp"
	} > "$BENCH_RESULT"
	rm -f "$BENCH_RESULT.tmp"
	echo "results: $BENCH_RESULT"
}

bench_out() {
	printf '%s\n' "$*" | tee -a "$BENCH_RESULT.tmp"
}

# bench_cpu PID...: utime+stime of the processes (threads included), s.
bench_cpu() {
	local p t=0 f
	for p in "$@"; do
		f=$(cut -d')' -f2- "/proc/$p/stat" 2>/dev/null) || continue
		# fields after "(comm)": state is $1, utime $12, stime $13
		t=$((t + $(echo "$f" | awk '{print $12 + $13}')))
	done
	awk -v t=$t -v h="$CLK_TCK" 'BEGIN { printf "%.3f\n", t / h }'
}

# bench_mem FIELD PID...: sum of a /proc/PID/status field (VmRSS, VmHWM), KiB.
bench_mem() {
	local field=$1 p t=0 v
	shift
	for p in "$@"; do
		v=$(awk -v f="$field:" '$1 == f { print $2 }' "/proc/$p/status" 2>/dev/null)
		t=$((t + ${v:-0}))
	done
	echo $t
}

bench_median() {
	printf '%s\n' "$@" | sort -g | awk '{ a[NR] = $1 } END {
		if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'
}

bench_ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN { if (b == 0) print "inf"; else printf "%.2f\n", a / b }'
}

# bench_family PID: PID and its child processes (nginx workers).
bench_family() {
	echo "$1" $(cat /proc/"$1"/task/*/children 2>/dev/null)
}

bench_fail() {
	echo "FAIL: $*" >&2
	exit 1
}

# nginx_start ROOT: nginx (the Debian package's defaults: worker_processes
# auto, sendfile on, access log on) serving ROOT, run as FX_USER, its files
# in NGINX_DIR ($T/nginx), on NGINX_LISTEN (127.0.0.1 and a free port),
# started through NGINX_WRAP (e.g. "ip netns exec NS").  Sets NGINX_URL and
# NGINX_PIDS (master and workers); its EXIT cleanup in FX_CLEANUP.
nginx_start() {
	local root=$1 listen=${NGINX_LISTEN:-} d=${NGINX_DIR:-$T/nginx}
	command -v nginx >/dev/null ||
		bench_fail "nginx is missing: ./deps/install-packages bench/packages.txt"
	[ -n "$listen" ] || listen=127.0.0.1:$(fx_port)
	mkdir -p "$d"
	cat > "$d/nginx.conf" <<-EOF
	worker_processes auto;
	worker_rlimit_nofile 1048576;
	pid $d/nginx.pid;
	error_log $d/error.log;
	events { worker_connections ${NGINX_CONNS:-1024}; }
	http {
	  include /etc/nginx/mime.types;
	  default_type application/octet-stream;
	  access_log $d/access.log;
	  sendfile on;
	  tcp_nopush on;
	  keepalive_requests 1000000;
	  client_body_temp_path $d/body;
	  proxy_temp_path $d/proxy;
	  fastcgi_temp_path $d/fastcgi;
	  uwsgi_temp_path $d/uwsgi;
	  scgi_temp_path $d/scgi;
	  server { listen $listen; root $root; }
	}
	EOF
	${NGINX_WRAP:-} nginx -c "$d/nginx.conf" -p "$d" \
		-g "user $FX_USER $(id -gn "$FX_USER");" 2>>"$d/error.log" ||
		{ cat "$d/error.log" >&2; bench_fail "nginx did not start"; }
	FX_CLEANUP+=("kill \$(cat '$d/nginx.pid' 2>/dev/null) 2>/dev/null; sleep 0.3")
	for _ in $(seq 50); do
		[ -s "$d/nginx.pid" ] && ${NGINX_WRAP:-} curl -so /dev/null "http://$listen/" && break
		sleep 0.1
	done
	NGINX_URL=http://$listen
	NGINX_PIDS=$(bench_family "$(cat "$d/nginx.pid")")
}

nginx_stop() {
	local d=${NGINX_DIR:-$T/nginx}

	kill "$(cat "$d/nginx.pid")" 2>/dev/null
	for _ in $(seq 50); do
		[ -e "$d/nginx.pid" ] || break
		sleep 0.1
	done
}

