#!/bin/bash
# Benchmark 6, fleet: BENCH_AGENTS (32) simulated agents, each in a network
# namespace of its own with a veth on the lab's bridge, download at once
# what a quarantined PC downloads: /os/vmlinuz, /os/initramfs (the real
# secondary OS) and a BENCH_FLEET_MB (16) MB fix bundle (with its boot token),
# in one keep-alive curl each; from fixsrv, then from nginx serving the same
# files at the same paths from the same namespace.  Aggregate throughput
# (all bytes / time from the first start to the last end), and the slowest
# agent's time against the median agent's.  BENCH_RUNS (5) rounds, medians.
# Goal: slowest <= 1.5x median (and the throughput beside nginx's).
#
# Runs in the netboot lab of qemu-tests/lab.sh (namespace, bridge, fixsrv),
# torn down on exit with the agents' namespaces.
. bench/common.sh
# shellcheck source=qemu-tests/lab.sh
. qemu-tests/lab.sh
bench_init fleet
N=${BENCH_AGENTS:-32}
MB=${BENCH_FLEET_MB:-16}

lab_init fleet
AGENT_NS=()
fleet_cleanup() {
	local ns
	for ns in "${AGENT_NS[@]+"${AGENT_NS[@]}"}"; do ip netns del "$ns" 2>/dev/null; done
	[ -f "${NGINX_DIR:-/nonexistent}/nginx.pid" ] && kill "$(cat "$NGINX_DIR/nginx.pid")" 2>/dev/null
}
trap 'rc=$?; fleet_cleanup; (exit $rc); lab_teardown' EXIT
lab_net_up
lab_fixsrv_start

# The fix: one MB-MB payload file; every agent a client with it assigned.
head -c $((MB << 20)) /dev/urandom > "$LAB_RUN/payload"
lab_fixctl bundle create --id fleet --serial 1 --put "$LAB_RUN/payload=opt/fleet.bin" \
	-o "$LAB_RUN/fleet.fix" >/dev/null || lab_fail "bundle create"
lab_fixctl bundle sign --key "$LAB_PUBLISHER" "$LAB_RUN/fleet.fix" >/dev/null || lab_fail "sign"
lab_fixctl fix add "$LAB_RUN/fleet.fix" >/dev/null || lab_fail "fix add"
for i in $(seq "$N"); do
	printf '52:54:00:f1:00:%02x agent%d\n' "$i" "$i"
done > "$LAB_RUN/ethers"
lab_fixctl client import "$LAB_RUN/ethers" >/dev/null || lab_fail "import"
lab_fixctl assign fleet --all >/dev/null || lab_fail "assign"

# The agents: namespace, veth into the bridge, an address, a boot token.
for i in $(seq "$N"); do
	ns=fixnet-agent$i-$$
	ip netns add "$ns" || lab_fail "netns $ns"
	AGENT_NS+=("$ns")
	ip -n "$ns" link set lo up
	ip -n "$ns" link add eth0 type veth peer name ag$i netns "$LAB_NS"
	ip -n "$LAB_NS" link set "ag$i" master br0
	ip -n "$LAB_NS" link set "ag$i" up
	ip -n "$ns" addr add "$LAB_NET.$((100 + i))/24" dev eth0
	ip -n "$ns" link set eth0 up
	mac=$(printf '52:54:00:f1:00:%02x' "$i")
	tok=$(ip netns exec "$ns" curl -sf "$LAB_URL/boot.ipxe?mac=$mac&uuid=&arch=x86_64&platform=pcbios" |
		sed -n 's/.*fixtoken=\([0-9a-f]\{64\}\).*/\1/p' | head -n 1)
	[ ${#tok} = 64 ] || lab_fail "agent $i got no quarantine script"
	echo "$mac $tok" > "$LAB_RUN/agent$i.tok"
done

# nginx beside fixsrv in the lab namespace, the same files at the same paths.
www=$LAB_RUN/www
mkdir -p "$www/os" "$www/api/v1/fix/fleet"
cp "$LAB_OS/vmlinuz" "$LAB_OS/initramfs" "$www/os/"
cp "$LAB_RUN/fleet.fix" "$www/api/v1/fix/fleet/bundle"
chmod -R a+rX "$www"
T=$LAB_RUN FX_USER=nobody NGINX_DIR=$LAB_RUN/nginx NGINX_LISTEN=$LAB_SRV_IP:8081 \
	NGINX_WRAP="ip netns exec $LAB_NS" nginx_start "$www"
FX_USER=nobody
TOTAL=$(( $(stat -c %s "$LAB_OS/vmlinuz") + $(stat -c %s "$LAB_OS/initramfs") +
	$(stat -c %s "$LAB_RUN/fleet.fix") ))

# fleet_round BASE_URL: every agent at once; prints "aggregate_MBps slowest median".
# First one byte per agent, not timed: an agent's first connection after a
# pause waited ~5 s for its neighbour entry (seen with both servers).
fleet_round() {
	local base=$1 i mac tok
	for i in $(seq "$N"); do
		ip netns exec "${AGENT_NS[$((i - 1))]}" curl -sf -r 0-0 -o /dev/null \
			"$base/os/vmlinuz" &
	done
	wait || lab_fail "an agent cannot reach $base"
	for i in $(seq "$N"); do
		read -r mac tok < "$LAB_RUN/agent$i.tok"
		ip netns exec "${AGENT_NS[$((i - 1))]}" sh -c '
			s=$(date +%s.%N)
			curl -sf -H "Authorization: Bearer $2" -H "X-Fixnet-Client: $1" \
				-o /dev/null -o /dev/null -o /dev/null \
				-w "%{size_download} %{http_code} %{time_connect} %{time_total} %{url_effective}\n" \
				"$3/os/vmlinuz" "$3/os/initramfs" \
				"$3/api/v1/fix/fleet/bundle" > "$4.bytes" || exit 1
			e=$(date +%s.%N)
			echo "$s $e" > "$4.time"' sh "$mac" "$tok" "$base" "$LAB_RUN/round$i" &
	done
	wait || lab_fail "an agent's download failed"
	for i in $(seq "$N"); do
		[ "$(awk '{ n += $1 } END { print n }' "$LAB_RUN/round$i.bytes")" = "$TOTAL" ] ||
			lab_fail "agent $i got $(awk '{ n += $1 } END { print n }' "$LAB_RUN/round$i.bytes") bytes, not $TOTAL: $(paste -s -d';' "$LAB_RUN/round$i.bytes")"
	done
	local first last med slow
	first=$(cat "$LAB_RUN"/round*.time | cut -d' ' -f1 | sort -g | head -n 1)
	last=$(cat "$LAB_RUN"/round*.time | cut -d' ' -f2 | sort -g | tail -n 1)
	# shellcheck disable=SC2046
	med=$(bench_median $(awk '{ print $2 - $1 }' "$LAB_RUN"/round*.time))
	slow=$(awk '{ print $2 - $1 }' "$LAB_RUN"/round*.time | sort -g | tail -n 1)
	awk -v n="$N" -v t="$TOTAL" -v a="$first" -v b="$last" -v s="$slow" -v m="$med" \
		'BEGIN { printf "%.1f %.3f %.3f\n", n * t / (b - a) / 1e6, s, m }'
}

declare -A AGG SLOW MED
for run in $(seq "$BENCH_RUNS"); do
	for s in fixsrv nginx; do
		url=$LAB_URL
		[ $s = nginx ] && url=$NGINX_URL
		read -r agg slow med < <(fleet_round "$url")
		AGG[$s]+="$agg "; SLOW[$s]+="$slow "; MED[$s]+="$med "
		lab_say "run $run $s: $agg MB/s aggregate, slowest $slow s, median $med s"
	done
done

bench_out "$N agents in their own namespaces on one bridge, each downloading vmlinuz + initramfs +"
bench_out "a ${MB} MiB bundle ($TOTAL bytes) at once; $BENCH_RUNS runs, medians"
bench_out "$(printf '%-8s %14s %12s %12s %16s' '' 'aggregate MB/s' 'slowest s' 'median s' 'slowest/median')"
for s in fixsrv nginx; do
	# shellcheck disable=SC2086
	a=$(bench_median ${AGG[$s]}); sl=$(bench_median ${SLOW[$s]}); m=$(bench_median ${MED[$s]})
	bench_out "$(printf '%-8s %14s %12s %12s %16s' $s "$a" "$sl" "$m" "$(bench_ratio "$sl" "$m")")"
done
# shellcheck disable=SC2086
bench_out "aggregate fixsrv / nginx: $(bench_ratio "$(bench_median ${AGG[fixsrv]})" "$(bench_median ${AGG[nginx]})")"
bench_out "goal: slowest <= 1.5x median"
LAB_OK=1
bench_finish
