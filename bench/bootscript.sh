#!/bin/bash
# Benchmark 2, boot script: GET /boot.ipxe?mac=... for random clients of a
# 10,000-client inventory (each answered after its lookup; its record, the
# boots row and the client's last boot, written behind within 0.1 s, and
# every one of them checked at the end), against nginx serving a static
# 1 KB file at the same URL.  wrk, 64 connections, keep-alive and not (Connection: close);
# requests per server CPU-second (utime+stime of the server's processes)
# and p99 latency; then 10,000 connections open at once (keep-alive,
# requests going on all of them): errors, and server memory (peak of the
# summed VmRSS, sampled every 0.2 s; VmHWM after).
# Goal: >= 0.8x nginx's requests per CPU-second; 10,000 connections with
# zero errors and memory <= 1.2x nginx's.
#
# BENCH_RUNS (5) rounds of BENCH_SECS (8) s per server and mode, medians;
# one 10,000-connection run of BENCH_SECS_MANY (15) s per server.
. bench/lib.sh
bench_init bootscript
SECS=${BENCH_SECS:-8}
SECS_MANY=${BENCH_SECS_MANY:-15}
export BENCH_CLIENTS=${BENCH_CLIENTS:-10000}
MANY=${BENCH_MANY:-10000}
CONNS=64

for i in $(seq 0 $((BENCH_CLIENTS - 1))); do
	printf '02:00:00:%02x:%02x:%02x pc%d\n' $((i / 65536)) $((i / 256 % 256)) $((i % 256)) "$i"
done > "$T/ethers"
mkdir -p "$T/www"
head -c 1024 /dev/zero | tr '\0' '#' > "$T/www/boot.ipxe"
chmod -R a+rX "$T/www"
fx_config "max_connections = $((MANY + 1000))"
fx_start
fixctl client import "$T/ethers" >/dev/null || fail "import"
NGINX_CONNS=$((MANY + 1000)) nginx_start "$T/www"
declare -A URLS=([fixsrv]=$URL [nginx]=$NGINX_URL)
declare -A PIDS=([fixsrv]=$FX_PID [nginx]=$NGINX_PIDS)
declare -A RPC P99
ANSWERED=0
export W_SCRIPT=$BENCH_DIR/wrk-boot.lua
curl -sf "$URL/boot.ipxe?mac=02:00:00:00:00:07&uuid=&arch=x86_64&platform=pcbios" |
	grep -q "local boot (no fix pending)" || fail "fixsrv does not answer a local boot"
size=$(curl -sf "$URL/boot.ipxe?mac=02:00:00:00:00:07&uuid=&arch=x86_64&platform=pcbios" | wc -c)

for s in fixsrv nginx; do wrk_run "${URLS[$s]}/boot.ipxe" $CONNS 1; done	# warm up
for run in $(seq "$BENCH_RUNS"); do
	for mode in keepalive close; do
		hdr=()
		[ $mode = close ] && hdr=(-H "Connection: close")
		for s in fixsrv nginx; do
			# shellcheck disable=SC2086
			c0=$(bench_cpu ${PIDS[$s]})
			wrk_run "${URLS[$s]}/boot.ipxe" $CONNS "$SECS" "${hdr[@]}"
			# shellcheck disable=SC2086
			c1=$(bench_cpu ${PIDS[$s]})
			[ "$W_ERRS" = 0 ] && [ "$W_NON2XX" = 0 ] ||
				fail "$s $mode: $W_ERRS socket errors, $W_NON2XX bad answers"
			r=$(awk -v n="$W_REQS" -v a="$c0" -v b="$c1" 'BEGIN { printf "%.0f", n / (b - a) }')
			[ $s = fixsrv ] && ANSWERED=$((ANSWERED + W_REQS))
			RPC[$s.$mode]+="$r "
			P99[$s.$mode]+="$W_P99 "
			echo "run $run $mode $s: $(awk -v n="$W_REQS" -v s="$W_SECS" 'BEGIN { printf "%.0f", n / s }') req/s," \
				"$r req per CPU-s, p99 ${W_P99} µs"
		done
	done
done
# every boot wrk saw answered is recorded (an admin request writes what is
# still queued; wrk's count leaves out the answers in flight at its end)
fixctl status >/dev/null || fail "fixctl status"
recorded=$(sqlite3 "$T/state/inventory.db" 'SELECT count(*) FROM boots')
[ "$recorded" -ge "$ANSWERED" ] || fail "$ANSWERED boots answered, $recorded recorded"

# 10,000 connections at once: sample the servers' memory meanwhile.
declare -A PEAK HWM ERRS
for s in fixsrv nginx; do
	# shellcheck disable=SC2086
	( peak=0; while :; do m=$(bench_mem VmRSS ${PIDS[$s]}); [ "$m" -gt $peak ] && peak=$m
	  echo $peak > "$T/peak"; sleep 0.2; done ) &
	sampler=$!
	wrk_run "${URLS[$s]}/boot.ipxe" "$MANY" "$SECS_MANY"
	kill $sampler; wait $sampler 2>/dev/null
	PEAK[$s]=$(cat "$T/peak")
	# shellcheck disable=SC2086
	HWM[$s]=$(bench_mem VmHWM ${PIDS[$s]})
	ERRS[$s]="$W_ERRS socket errors, $W_NON2XX bad answers, $W_REQS requests"
	echo "$MANY connections $s: ${ERRS[$s]}, peak RSS ${PEAK[$s]} KiB"
done

bench_out "GET /boot.ipxe?mac=<random of $BENCH_CLIENTS clients> (fixsrv: lookup, boot recorded," \
	"local-boot script of $size bytes) vs nginx: static 1024-byte file;"
bench_out "wrk -t2 -c$CONNS; $BENCH_RUNS runs of ${SECS}s per server and mode, medians"
bench_out "$(printf '%-22s %14s %14s %12s' '' 'fixsrv' 'nginx' 'fixsrv/nginx')"
for mode in keepalive close; do
	# shellcheck disable=SC2086
	f=$(bench_median ${RPC[fixsrv.$mode]}); n=$(bench_median ${RPC[nginx.$mode]})
	bench_out "$(printf '%-22s %14s %14s %12s' "req/CPU-s, $mode" "$f" "$n" "$(bench_ratio "$f" "$n")")"
	# shellcheck disable=SC2086
	f=$(bench_median ${P99[fixsrv.$mode]}); n=$(bench_median ${P99[nginx.$mode]})
	bench_out "$(printf '%-22s %14s %14s %12s' "p99 µs, $mode" "$f" "$n" "$(bench_ratio "$f" "$n")")"
done
bench_out "$MANY connections at once (wrk -t2 -c$MANY, ${SECS_MANY}s, keep-alive):"
for s in fixsrv nginx; do
	bench_out "  $s: ${ERRS[$s]}"
done
bench_out "$(printf '%-22s %14s %14s %12s' 'peak RSS KiB' "${PEAK[fixsrv]}" "${PEAK[nginx]}" \
	"$(bench_ratio "${PEAK[fixsrv]}" "${PEAK[nginx]}")")"
bench_out "$(printf '%-22s %14s %14s %12s' 'VmHWM KiB (lifetime)' "${HWM[fixsrv]}" "${HWM[nginx]}" \
	"$(bench_ratio "${HWM[fixsrv]}" "${HWM[nginx]}")")"
bench_out "goal: >= 0.8x nginx per CPU-second; $MANY connections, 0 errors, memory <= 1.2x nginx"
bench_finish
