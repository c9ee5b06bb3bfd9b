#!/bin/bash
# Benchmark 5, secondary OS boot: QEMU direct kernel boot (-kernel,
# -initrd) of our kernel + initramfs until /init says it runs fixd (modules,
# nftables allowlist, DHCP from the lab's dnsmasq done), against the same
# kernel with a BusyBox-only initramfs whose /init prints a line and powers
# off at once.  Seconds from QEMU's start to the marker line on the serial
# console (stamped on arrival by the lab's lab_stamp); medians of
# BENCH_OSBOOT_RUNS (3) each, under TCG and, where it works, KVM.
# Goal: ours <= baseline + 300 ms with KVM (the TCG figure is reported too).
# And the size of kernel + initramfs against Tinkerbell's Hook (180 MB,
# its published size).
#
# Runs in the netboot lab of qemu-tests/lab.sh (a network namespace with a
# bridge, dnsmasq and fixsrv), which it tears down on exit.
. bench/common.sh
# shellcheck source=qemu-tests/lab.sh
. qemu-tests/lab.sh
bench_init osboot
RUNS=${BENCH_OSBOOT_RUNS:-3}
VM_MAX=${BENCH_OSBOOT_MAX:-180}
HOOK_BYTES=$((180 * 1000 * 1000))
MAC=52:54:00:be:00:01

lab_init osboot
lab_net_up
lab_dnsmasq_start
lab_fixsrv_start
ip -n "$LAB_NS" tuntap add dev tap-boot mode tap
ip -n "$LAB_NS" link set tap-boot master br0
ip -n "$LAB_NS" link set tap-boot up

# The baseline: BusyBox alone, /init prints its marker and powers off.
bb=$(initramfs/deb-unpack busybox-static) || lab_fail "busybox-static"
base=$LAB_RUN/baseline
mkdir -p "$base/root/bin" "$base/root/dev" "$base/root/proc"
cp "$bb/bin/busybox" "$base/root/bin/busybox"
printf '#!/bin/busybox sh\n/bin/busybox echo BASELINE-INIT\n/bin/busybox poweroff -f\n' \
	> "$base/root/init"
chmod 0755 "$base/root/init"
initramfs/mkcpio "$base/root" "$base/initramfs" || lab_fail "mkcpio"

ARGS="console=ttyS0,115200 quiet panic=-1"
OURS="$ARGS fixsrv=$LAB_URL fixtoken=$(printf '0%.0s' $(seq 64)) BOOTIF=01-${MAC//:/-}"

# boot_time ACCEL INITRD APPEND MARKER: seconds from QEMU's start to the
# first serial line matching MARKER; the VM is then stopped.
boot_time() {
	local accel=$1 initrd=$2 append=$3 marker=$4 log=$LAB_RUN/serial.log t0 pid line
	local cpu=()
	[ "$accel" = kvm ] && cpu=(-cpu "${FIXNET_QEMU_CPU:-host,-arch-capabilities}")
	: > "$log"
	rm -f "$LAB_RUN/qemu.pid"
	t0=$EPOCHREALTIME
	( timeout -k 5 "$VM_MAX" ip netns exec "$LAB_NS" qemu-system-x86_64 -accel "$accel" \
		"${cpu[@]}" -machine q35 -m 512 -nodefaults -no-user-config -display none \
		-monitor none -serial stdio -no-reboot -pidfile "$LAB_RUN/qemu.pid" \
		-kernel "$LAB_OS/vmlinuz" -initrd "$initrd" -append "$append" \
		-netdev tap,id=n0,ifname=tap-boot,script=no,downscript=no \
		-device "virtio-net-pci,netdev=n0,mac=$MAC" </dev/null 2>"$LAB_RUN/qemu.err" |
		lab_stamp >> "$log" ) &
	pid=$!
	lab_track $pid
	while :; do
		line=$(grep -a -m 1 -E -- "$marker" "$log" || true)
		[ -n "$line" ] && break
		kill -0 $pid 2>/dev/null || { echo "QEMU ended before /$marker/: $(tail -n 3 "$log")" >&2; return 1; }
		sleep 0.05
	done
	[ -s "$LAB_RUN/qemu.pid" ] && kill "$(cat "$LAB_RUN/qemu.pid")" 2>/dev/null
	wait $pid 2>/dev/null
	# the console lines of this boot, as seconds since QEMU's start
	awk -v a="$t0" '{ t = $1; $1 = ""; printf "%8.3f %s\n", t - a, substr($0, 2) }' \
		"$log" > "$LAB_RUN/last-$accel.log"
	awk -v a="$t0" -v b="${line%% *}" 'BEGIN { printf "%.3f\n", b - a }'
}

declare -A OURS_T BASE_T NOTE
for accel in tcg kvm; do
	if [ $accel = kvm ] && [ ! -w /dev/kvm ]; then
		NOTE[kvm]="/dev/kvm is not usable here"
		continue
	fi
	[ $accel = kvm ] && VM_MAX=${BENCH_OSBOOT_KVM_MAX:-60}
	for run in $(seq "$RUNS"); do
		b=$(boot_time $accel "$base/initramfs" "$ARGS" "BASELINE-INIT") || {
			NOTE[$accel]="no marker within ${VM_MAX}s (see qemu-tests' notes on this KVM)"
			break
		}
		o=$(boot_time $accel "$LAB_OS/initramfs" "$OURS" "fixnet-init: .*running fixd") || break
		BASE_T[$accel]+="$b "
		OURS_T[$accel]+="$o "
		lab_say "$accel run $run: baseline $b s, fixnet to fixd $o s"
	done
done

kb=$(stat -c %s "$LAB_OS/vmlinuz"); ib=$(stat -c %s "$LAB_OS/initramfs")
bb_size=$(stat -c %s "$base/initramfs")
bench_out "QEMU direct kernel boot (q35, 512 MiB, virtio-net on the lab bridge), seconds from QEMU start"
bench_out "to the marker on the serial console; medians of $RUNS runs"
bench_out "$(printf '%-6s %26s %26s %12s' accel 'baseline (BusyBox /init)' 'fixnet (/init runs fixd)' 'difference')"
for accel in tcg kvm; do
	if [ -z "${OURS_T[$accel]:-}" ]; then
		bench_out "$(printf '%-6s %s' $accel "not measured: ${NOTE[$accel]:-no run}")"
		continue
	fi
	# shellcheck disable=SC2086
	b=$(bench_median ${BASE_T[$accel]}); o=$(bench_median ${OURS_T[$accel]})
	bench_out "$(printf '%-6s %26s %26s %12s' $accel "$b" "$o" \
		"$(awk -v a="$o" -v b="$b" 'BEGIN { printf "%+.3f", a - b }')")"
done
bench_out "goal: fixnet <= baseline + 0.300 s with KVM"
bench_out ""
bench_out "/init's steps in the last TCG boot of ours (s since QEMU's start):"
[ -f "$LAB_RUN/last-tcg.log" ] &&
	grep -a -E "fixnet-init|Run /init|Freeing unused" "$LAB_RUN/last-tcg.log" | head -n 20 |
	while IFS= read -r l; do bench_out "  $l"; done
bench_out ""
bench_out "size: vmlinuz $kb + initramfs $ib = $((kb + ib)) bytes" \
	"($(bench_ratio $((kb + ib)) $HOOK_BYTES)x Tinkerbell Hook's 180 MB);" \
	"baseline initramfs $bb_size bytes"
LAB_OK=1
bench_finish
