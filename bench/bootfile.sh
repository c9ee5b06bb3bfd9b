#!/bin/bash
# Benchmark 1, large boot file: a 32 MiB initramfs to 64 concurrent
# clients (wrk, keep-alive) from fixsrv (/os/initramfs), nginx and lighttpd
# serving the same file on loopback.  Throughput, and server CPU-seconds
# (utime+stime of every server process) per GB sent.
# Goal: fixsrv >= 0.95x nginx's throughput and <= 1.1x its CPU per GB.
#
# BENCH_RUNS (5) rounds, each running the three servers in turn for
# BENCH_SECS (8) seconds; medians are reported.
. bench/lib.sh
bench_init bootfile
SECS=${BENCH_SECS:-8}
CONNS=64

head -c $((32 << 20)) /dev/urandom > "$T/os/initramfs"
fx_start
nginx_start "$T"
lighttpd_start "$T"
declare -A URLS=([fixsrv]=$URL [nginx]=$NGINX_URL [lighttpd]=$LIGHTTPD_URL)
declare -A PIDS=([fixsrv]=$FX_PID [nginx]=$NGINX_PIDS [lighttpd]=$LIGHTTPD_PIDS)
declare -A TPUT CPUGB
SERVERS="fixsrv nginx lighttpd"

for s in $SERVERS; do	# warm the page cache and each server
	curl -sf -o /dev/null "${URLS[$s]}/os/initramfs" || fail "$s does not serve the file"
	wrk_run "${URLS[$s]}/os/initramfs" $CONNS 1
done
for run in $(seq "$BENCH_RUNS"); do
	for s in $SERVERS; do
		# shellcheck disable=SC2086
		c0=$(bench_cpu ${PIDS[$s]})
		wrk_run "${URLS[$s]}/os/initramfs" $CONNS "$SECS"
		# shellcheck disable=SC2086
		c1=$(bench_cpu ${PIDS[$s]})
		[ "$W_ERRS" = 0 ] && [ "$W_NON2XX" = 0 ] ||
			fail "$s: $W_ERRS socket errors, $W_NON2XX bad answers"
		t=$(awk -v b="$W_BYTES" -v s="$W_SECS" 'BEGIN { printf "%.1f", b / s / 1e6 }')
		g=$(awk -v c0="$c0" -v c1="$c1" -v b="$W_BYTES" 'BEGIN { printf "%.3f", (c1 - c0) / (b / 1e9) }')
		TPUT[$s]+="$t "
		CPUGB[$s]+="$g "
		echo "run $run $s: $t MB/s, $g CPU-s/GB"
	done
done

bench_out "32 MiB file, $CONNS concurrent keep-alive clients (wrk -t2), loopback;" \
	"$BENCH_RUNS runs of ${SECS}s per server, medians"
bench_out "$(printf '%-10s %12s %14s %16s %16s' server 'MB/s' 'CPU-s/GB' 'tput/nginx' 'CPU/GB / nginx')"
# shellcheck disable=SC2086
nt=$(bench_median ${TPUT[nginx]}); ng=$(bench_median ${CPUGB[nginx]})
for s in $SERVERS; do
	# shellcheck disable=SC2086
	t=$(bench_median ${TPUT[$s]}); g=$(bench_median ${CPUGB[$s]})
	bench_out "$(printf '%-10s %12s %14s %16s %16s' $s "$t" "$g" \
		"$(bench_ratio "$t" "$nt")" "$(bench_ratio "$g" "$ng")")"
done
bench_out "goal: fixsrv throughput >= 0.95x nginx, CPU per GB <= 1.1x nginx"
bench_finish
