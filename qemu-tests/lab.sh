# shellcheck shell=bash
# The fixnet netboot lab, sourced by the e2e scenarios and the demo.
#
# One run = one network namespace holding
#   br0         a bridge with no link to the host,
#   srv0        the fix server's NIC (10.77.0.1/24, fd77::1/64), a veth whose
#               peer srv0-br is a bridge port,
#   tap-NAME    one tap per QEMU client, a bridge port,
# and the processes started in it: dnsmasq (config from `fixctl
# dnsmasq-conf`), fixsrv, the Wake-on-LAN listener (wol-listen on br0) and
# the QEMU clients it powers on (SeaBIOS, or OVMF for UEFI clients).  Everything is torn down on exit, also on
# failure or Ctrl-C; the logs of a failed run are kept in $LAB_FAILED_DIR.
#
# Environment:
#   FIXNET_QEMU_ACCEL   tcg (default) or kvm
#   FIXNET_QEMU_CPU     -cpu model (default: QEMU's for tcg, host for kvm)
#   FIXNET_E2E_VM_MAX   seconds one client may run before it is killed (600)
#   FIXNET_E2E_KEEP=1   keep the run directory of a passing run too
#
# Serial logs, one line per console line, each prefixed with the Unix time
# it arrived: clients/NAME/serial.log in the run directory.

# Times are compared as text with a decimal point.
export LC_ALL=C

LAB_REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
LAB_B=${LAB_B:-$LAB_REPO/build}
LAB_FIXSRV=$LAB_B/bin/fixsrv
LAB_FIXCTL=$LAB_B/bin/fixctl
LAB_WOL=$LAB_B/host/qemu-tests/wol-listen
LAB_OS=$LAB_B/e2e/os			# secondary OS built with the e2e key
LAB_KEYS=$LAB_B/e2e/keys		# the trusted keys: fixnet-e2e.pub
LAB_TLS=$LAB_B/e2e/tls			# test CA (in the secondary OS), server cert
LAB_PUBLISHER=$LAB_B/e2e/publisher/fixnet-e2e	# the secret signing key
LAB_PRIMARY=$LAB_B/e2e/primary		# the clients' primary OS
LAB_FAILED_DIR=$LAB_B/e2e/failed
LAB_OVMF_CODE=/usr/share/OVMF/OVMF_CODE_4M.fd
LAB_OVMF_VARS=/usr/share/OVMF/OVMF_VARS_4M.fd

LAB_NET=10.77.0
LAB_SRV_IP=$LAB_NET.1
LAB_PORT=8080
LAB_URL=http://$LAB_SRV_IP:$LAB_PORT
LAB_RETRIES=3		# fixsrv's boot_retries, and the TFTP entry script's
LAB_KERNEL_ARGS=${LAB_KERNEL_ARGS:-}	# a scenario's additions to kernel_args
LAB_TLS_PORT=8443			# fixsrv's https listener (agents only)
LAB_AGENT_URL=${LAB_AGENT_URL:-}	# a scenario's agent_url (default public_url)
LAB_VM_MAX=${FIXNET_E2E_VM_MAX:-600}
LAB_ACCEL=${FIXNET_QEMU_ACCEL:-tcg}

LAB_NS='' LAB_RUN='' LAB_T0='' LAB_OK=0

# --- narration and timing

# Seconds since the run started, for the narration.
lab_elapsed() {
	awk -v a="$LAB_T0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%7.2f", b - a }'
}

# Narrate one step: wall clock, seconds since start, message.
lab_say() {
	local now=$EPOCHREALTIME
	printf '%s [+%ss] %s\n' "$(date -d "@$now" +%H:%M:%S.%2N)" "$(lab_elapsed)" "$*"
	[ -z "$LAB_RUN" ] || printf '%s %s\n' "$now" "$*" >>"$LAB_RUN/events.log"
}

# Fail the run (also from a command substitution: the message goes to
# stderr, and the caller's assignment fails).
lab_fail() {
	lab_say "FAIL: $*" >&2
	exit 1
}

# Stamp each line of stdin with its arrival time; strip CRs and ANSI escapes.
lab_stamp() {
	local line
	shopt -s extglob
	while IFS= read -r line || [ -n "$line" ]; do
		line=${line//$'\r'/}
		line=${line//$'\e'[\[]*([0-9;?])[a-zA-Z]/}
		line=${line//$'\e'c/}
		printf '%s %s\n' "$EPOCHREALTIME" "$line"
	done
}

# --- preconditions

lab_skip() {
	echo "SKIPPED: $*"
	exit 77
}

# Skip (exit 77) where the lab cannot run: not root, no QEMU, no network
# namespaces, no tap devices, no dnsmasq.
lab_require() {
	[ "$(id -u)" -eq 0 ] || lab_skip "needs root (network namespaces, tap devices)"
	command -v qemu-system-x86_64 >/dev/null || lab_skip "no qemu-system-x86_64 (Debian package qemu-system-x86)"
	command -v dnsmasq >/dev/null || lab_skip "no dnsmasq (Debian package dnsmasq-base)"
	[ -c /dev/net/tun ] || lab_skip "no /dev/net/tun: tap devices unavailable"
	local probe=fixnet-probe-$$
	ip netns add "$probe" 2>/dev/null || lab_skip "cannot create a network namespace here"
	ip netns del "$probe"
	local f
	for f in "$LAB_FIXSRV" "$LAB_FIXCTL" "$LAB_WOL" "$LAB_OS/vmlinuz" "$LAB_OS/initramfs" \
		"$LAB_PRIMARY/vmlinuz" "$LAB_PRIMARY/initrd" "$LAB_PRIMARY/BOOTX64.EFI" "$LAB_KEYS/fixnet-e2e.pub" "$LAB_PUBLISHER"; do
		[ -e "$f" ] || { echo "lab: $f is missing: run this through 'make check-e2e' or 'make demo'" >&2; exit 2; }
	done
	if [ "$LAB_ACCEL" = kvm ] && [ ! -w /dev/kvm ]; then
		lab_skip "FIXNET_QEMU_ACCEL=kvm but /dev/kvm is not usable"
	fi
}

# --- the run and its teardown

# Start a run: run directory, traps.  $1: scenario name.
lab_init() {
	lab_require
	LAB_T0=$EPOCHREALTIME
	mkdir -p "$LAB_B/e2e/runs"
	LAB_RUN=$(mktemp -d "$LAB_B/e2e/runs/$1.XXXXXX")
	chmod 0755 "$LAB_RUN"
	mkdir -p "$LAB_RUN/clients" "$LAB_RUN/macs"
	: >"$LAB_RUN/pids"
	LAB_NAME=$1
	trap lab_teardown EXIT
	trap 'lab_say "interrupted"; exit 130' INT TERM HUP
}

# Remember a process to kill at teardown.
lab_track() {
	echo "$1" >>"$LAB_RUN/pids"
}

# True if a process is a descendant of this script (a recorded pid may have
# been reused by then).
lab_is_descendant() {
	local p=$1
	for _ in $(seq 32); do
		p=$(ps -o ppid= -p "$p" 2>/dev/null | tr -d ' ')
		[ -n "$p" ] || return 1
		[ "$p" = "$$" ] && return 0
		[ "$p" -gt 1 ] || return 1
	done
	return 1
}

# Stop every process in a namespace of a helper host (its daemons are not
# children of ours): SIGTERM, then SIGKILL, then delete the namespace.
#   lab_ns_delete NS
lab_ns_delete() {
	local pid
	for pid in $(ip netns pids "$1" 2>/dev/null); do
		kill "$pid" 2>/dev/null
	done
	sleep 0.3
	for pid in $(ip netns pids "$1" 2>/dev/null); do
		kill -9 "$pid" 2>/dev/null
	done
	ip netns del "$1" 2>/dev/null
}

# Kill what the run started and delete its namespace; keep the logs of a
# failed run.  Runs once, from the EXIT trap.
lab_teardown() {
	local rc=$? pid pids
	set +e
	trap - EXIT INT TERM HUP
	[ -n "$LAB_RUN" ] || exit "$rc"
	if [ "$LAB_OK" != 1 ] && [ "$rc" -eq 0 ]; then rc=1; fi
	# The processes this script started (still its descendants), then
	# every process in our namespace (only ours ever enter it).
	pids=
	for pid in $(cat "$LAB_RUN/pids" 2>/dev/null); do
		lab_is_descendant "$pid" && pids="$pids $pid"
	done
	if [ -n "$LAB_NS" ] && ip netns list | grep -w "$LAB_NS" >/dev/null; then
		pids="$pids $(ip netns pids "$LAB_NS" 2>/dev/null)"
	fi
	for pid in $pids; do kill "$pid" 2>/dev/null; done
	sleep 0.3
	for pid in $pids; do kill -9 "$pid" 2>/dev/null; done
	if [ -n "$LAB_NS" ]; then
		ip netns del "$LAB_NS" 2>/dev/null
	fi
	if [ "$rc" -ne 0 ]; then
		local kept
		kept=$LAB_FAILED_DIR/$LAB_NAME-$(date +%Y%m%d-%H%M%S)
		mkdir -p "$LAB_FAILED_DIR"
		rm -f "$LAB_RUN"/clients/*/disk.img
		mv "$LAB_RUN" "$kept"
		echo "lab: FAILED; serial consoles, fixsrv, dnsmasq and WOL logs kept in $kept"
	elif [ "${FIXNET_E2E_KEEP:-0}" = 1 ]; then
		echo "lab: logs of this run kept in $LAB_RUN (FIXNET_E2E_KEEP=1)"
	else
		rm -rf "$LAB_RUN"
	fi
	exit "$rc"
}

# --- the network

# Namespace, bridge, the server's veth.
lab_net_up() {
	LAB_NS=fixnet-$LAB_NAME-$$
	ip netns add "$LAB_NS" || lab_fail "cannot create namespace $LAB_NS"
	ip -n "$LAB_NS" link set lo up
	ip -n "$LAB_NS" link add br0 type bridge
	ip -n "$LAB_NS" link add srv0 type veth peer name srv0-br
	ip -n "$LAB_NS" link set srv0-br master br0
	ip -n "$LAB_NS" addr add "$LAB_SRV_IP/24" dev srv0
	# dnsmasq answers iPXE's IPv6 router solicitation at once (router
	# lifetime 0) from this prefix: iPXE would wait for one ~13 s.
	ip -n "$LAB_NS" addr add fd77::1/64 dev srv0 nodad
	ip -n "$LAB_NS" link set br0 up
	ip -n "$LAB_NS" link set srv0-br up
	ip -n "$LAB_NS" link set srv0 up
	lab_say "lab network up: namespace $LAB_NS, bridge br0, fix server $LAB_SRV_IP on srv0"
}

# Run a command inside the lab namespace.
lab_ns() {
	ip netns exec "$LAB_NS" "$@"
}

# --- fixsrv and fixctl

lab_fixctl() {
	"$LAB_FIXCTL" --socket "$LAB_RUN/admin.sock" "$@"
}

# Write the config and start fixsrv; wait until its admin socket answers.
lab_fixsrv_start() {
	local state=$LAB_RUN/state i
	mkdir -p "$state"
	chown nobody:nogroup "$state"
	cat >"$LAB_RUN/fixsrv.conf" <<-EOF
		# fixsrv configuration of one e2e run
		listen = $LAB_SRV_IP:$LAB_PORT
		public_url = $LAB_URL
		admin_socket = $LAB_RUN/admin.sock
		state_dir = $state
		boot_dir = ${LAB_BOOT_DIR:-$LAB_OS}
		script_dir = $LAB_REPO/ipxe-scripts
		keys_dir = $LAB_KEYS
		user = nobody
		log_level = debug
		kernel_args = console=ttyS0,115200 quiet panic=0${LAB_KERNEL_ARGS:+ $LAB_KERNEL_ARGS}
		max_boots = 3
		boot_retries = $LAB_RETRIES
		wol_broadcast = $LAB_NET.255
		wol_trailer = yes
		tls_listen = $LAB_SRV_IP:$LAB_TLS_PORT
		tls_cert = $LAB_TLS/server.pem
		tls_key = $LAB_TLS/server.key
		${LAB_AGENT_URL:+agent_url = $LAB_AGENT_URL}
	EOF
	"$LAB_FIXSRV" -n -f "$LAB_RUN/fixsrv.conf" >>"$LAB_RUN/fixsrv.log" 2>&1 ||
		lab_fail "fixsrv -n rejects the lab config: $(tail -n 3 "$LAB_RUN/fixsrv.log")"
	# Its log lines are stamped with their arrival time, like the consoles.
	lab_ns "$LAB_FIXSRV" -f "$LAB_RUN/fixsrv.conf" > >(lab_stamp >>"$LAB_RUN/fixsrv.log") 2>&1 &
	lab_track $!
	for i in $(seq 50); do
		lab_fixctl status >/dev/null 2>&1 && break
		kill -0 "$!" 2>/dev/null || lab_fail "fixsrv exited: $(tail -n 5 "$LAB_RUN/fixsrv.log")"
		sleep 0.1
	done
	lab_fixctl status >/dev/null || lab_fail "fixsrv does not answer on $LAB_RUN/admin.sock"
	lab_say "fixsrv up at $LAB_URL (log: fixsrv.log)"
}

# dnsmasq for PXE: full DHCP on srv0, by TFTP the iPXE binaries and, for
# iPXE clients, the entry script (fixctl dnsmasq-conf copies the one and
# renders the other from ipxe-scripts/ with fixsrv's URL and retries).
# --no-ping: every run starts with an empty lease file, and dnsmasq would
# ping each new address for 3 s before offering it.
#   lab_dnsmasq_start [CONF-LINE...]   lines a scenario adds to the config
# shellcheck disable=SC2120  # the extra lines are optional
lab_dnsmasq_start() {
	"$LAB_FIXCTL" dnsmasq-conf --mode full --interface srv0 --server-url "$LAB_URL" \
		--tftp-root "$LAB_RUN/tftp" --range "$LAB_NET.100,$LAB_NET.200,255.255.255.0" \
		--script-dir "$LAB_REPO/ipxe-scripts" --boot-retries "$LAB_RETRIES" \
		-o "$LAB_RUN/dnsmasq.conf" >>"$LAB_RUN/fixctl.log" 2>&1 ||
		lab_fail "fixctl dnsmasq-conf failed: $(tail -n 3 "$LAB_RUN/fixctl.log")"
	[ $# -eq 0 ] || printf '%s\n' "# added by the scenario $LAB_NAME" "$@" >>"$LAB_RUN/dnsmasq.conf"
	lab_ns dnsmasq --conf-file="$LAB_RUN/dnsmasq.conf" --pid-file="$LAB_RUN/dnsmasq.pid" \
		--dhcp-leasefile="$LAB_RUN/dnsmasq.leases" --log-facility="$LAB_RUN/dnsmasq.log" \
		--log-dhcp --no-ping ||
		lab_fail "dnsmasq did not start: $(tail -n 3 "$LAB_RUN/dnsmasq.log" 2>/dev/null)"
	lab_say "dnsmasq up on srv0 (configuration from fixctl dnsmasq-conf)"
}

# --- clients

# Define a powered-off client: its disk, its tap, how QEMU runs it.
#   lab_client_define NAME MAC NIC DISKBUS DATADIR SHOW [FIRMWARE]
# NIC: virtio-net-pci, e1000 or e1000e; DISKBUS: virtio, ahci or nvme; DATADIR: content of
# its data filesystem (label PRIMARY); SHOW: files the primary OS prints;
# FIRMWARE: bios (SeaBIOS, the default), efi (OVMF, with a VARS copy) or
# efi-pxe (OVMF booting the network with its own PXE, see lab_qemu_cmd).
lab_client_define() {
	local name=$1 mac=$2 nic=$3 bus=$4 data=$5 show=$6 fw=${7:-bios} dir
	dir=$LAB_RUN/clients/$name
	mkdir -p "$dir"
	"$LAB_REPO/qemu-tests/build-client-disk" --os "$LAB_PRIMARY" --data "$data" \
		--out "$dir/disk.img" --label PRIMARY --show "$show" ||
		lab_fail "cannot build the disk of $name"
	ip -n "$LAB_NS" tuntap add dev "tap-$name" mode tap
	ip -n "$LAB_NS" link set "tap-$name" master br0
	ip -n "$LAB_NS" link set "tap-$name" up
	[ "$fw" = bios ] || cp "$LAB_OVMF_VARS" "$dir/efivars.fd"
	cat >"$dir/conf" <<-EOF
		name=$name mac=$mac nic=$nic bus=$bus fw=$fw
	EOF
	echo "$name" >"$LAB_RUN/macs/$mac"
	lab_say "client $name defined, powered off: MAC $mac, $fw, $nic, $bus disk (PRIMARY: $(cd "$data" && find . -type f | sed 's|^\./||' | paste -s -d ' '))"
}

# The QEMU command line of a client, into the array LAB_QEMU.  $1: name.
lab_qemu_cmd() {
	local name mac nic bus fw dir=$LAB_RUN/clients/$1 pxe=n
	# shellcheck disable=SC1091
	. "$dir/conf"
	LAB_QEMU=(qemu-system-x86_64 -name "$name")
	# efi-pxe: OVMF's own UEFI PXE, as on a real PC, with the NIC's iPXE
	# ROM off: the firmware loads snponly.efi by TFTP (virtio-net only:
	# OVMF has no driver for the Intel NICs).
	[ "$fw" != efi-pxe ] || { pxe=y; LAB_QEMU+=(-global "$nic.romfile="); }
	# shellcheck disable=SC2054
	[ "$fw" = bios ] || LAB_QEMU+=(
		-drive "if=pflash,format=raw,readonly=on,file=$LAB_OVMF_CODE"
		-drive "if=pflash,format=raw,file=$dir/efivars.fd"
		-fw_cfg "name=opt/org.tianocore/IPv4PXESupport,string=$pxe"
		-fw_cfg name=opt/org.tianocore/IPv6PXESupport,string=n
		-fw_cfg name=opt/org.tianocore/IPv6Support,string=n)
	if [ "$LAB_ACCEL" = kvm ]; then
		LAB_QEMU+=(-accel kvm -cpu "${FIXNET_QEMU_CPU:-host}")
	else
		LAB_QEMU+=(-accel tcg)
		[ -z "${FIXNET_QEMU_CPU:-}" ] || LAB_QEMU+=(-cpu "$FIXNET_QEMU_CPU")
	fi
	# shellcheck disable=SC2054  # commas in QEMU options
	LAB_QEMU+=(-machine q35,graphics=off -vga none -m 512 -nodefaults -no-user-config
		-display none -monitor none -serial stdio
		-netdev "tap,id=n0,ifname=tap-$name,script=no,downscript=no"
		-device "$nic,netdev=n0,mac=$mac,bootindex=1"
		-drive "file=$dir/disk.img,format=raw,if=none,id=d0")
	# shellcheck disable=SC2054
	case $bus in
	virtio) LAB_QEMU+=(-device virtio-blk-pci,drive=d0,bootindex=2) ;;
	ahci) LAB_QEMU+=(-device ide-hd,drive=d0,bus=ide.0,bootindex=2) ;;
	nvme) LAB_QEMU+=(-device "nvme,drive=d0,serial=fixnet-$name,bootindex=2") ;;
	esac
	LAB_QEMU+=(-pidfile "$dir/qemu.pid")
}

# Power a client on (what the WOL listener does for a magic packet).  A
# client that is already running is left alone.
#   lab_power_on MAC [HOW]
lab_power_on() {
	local mac=$1 how=${2:-by its magic packet} name dir
	name=$(cat "$LAB_RUN/macs/$mac" 2>/dev/null) || {
		lab_say "magic packet for $mac: no such client here, ignored"
		return 0
	}
	dir=$LAB_RUN/clients/$name
	if [ -f "$dir/qemu.pid" ] && kill -0 "$(cat "$dir/qemu.pid")" 2>/dev/null; then
		return 0
	fi
	rm -f "$dir/qemu.pid"
	lab_say "$name: powered on $how"
	echo "$EPOCHREALTIME on" >>"$dir/power.log"
	lab_qemu_cmd "$name"
	( timeout -k 5 "$LAB_VM_MAX" ip netns exec "$LAB_NS" "${LAB_QEMU[@]}" \
		</dev/null 2>>"$dir/qemu.err" | lab_stamp >>"$dir/serial.log"
	  echo "$EPOCHREALTIME off ${PIPESTATUS[0]}" >>"$dir/power.log" ) &
	lab_track $!
	# Wait for the pidfile so that a second packet does not start it twice.
	local i
	for i in $(seq 50); do
		[ -s "$dir/qemu.pid" ] && break
		sleep 0.1
	done
}

# The Wake-on-LAN listener on the bridge: every magic packet powers on the
# client with that MAC, as libvirt-wakeonlan does for libvirt domains.
lab_wol_start() {
	(
		set +e
		trap - EXIT
		lab_ns "$LAB_WOL" br0 2>>"$LAB_RUN/wol.log" | while read -r verb mac rest; do
			[ "$verb" = wake ] || continue
			echo "$EPOCHREALTIME $verb $mac $rest" >>"$LAB_RUN/wol.log"
			lab_power_on "$mac"
		done
	) &
	lab_track $!
	local i
	for i in $(seq 50); do
		grep -q 'watching br0' "$LAB_RUN/wol.log" 2>/dev/null && break
		sleep 0.1
	done
	grep -q 'watching br0' "$LAB_RUN/wol.log" 2>/dev/null ||
		lab_fail "the Wake-on-LAN listener did not start: $(tail -n 2 "$LAB_RUN/wol.log" 2>/dev/null)"
	lab_say "Wake-on-LAN listener on br0 (powers on the client a magic packet names)"
}

# True while the client's QEMU runs.
lab_running() {
	local pidf=$LAB_RUN/clients/$1/qemu.pid
	[ -f "$pidf" ] && kill -0 "$(cat "$pidf")" 2>/dev/null
}

# True if the client's last power event is an "off" at or after time T (a
# client just woken may not be on yet).  lab_went_off NAME T
lab_went_off() {
	local last
	last=$(tail -n 1 "$LAB_RUN/clients/$1/power.log" 2>/dev/null || true)
	set -- "$1" "$2" $last
	[ "${4:-}" = off ] && ! lab_running "$1" &&
		awk -v a="$3" -v t="$2" 'BEGIN { exit !(a >= t) }'
}

# Why a client's QEMU ended: its exit status, and what it said on stderr.
lab_off_reason() {
	local rc err
	rc=$(tail -n 1 "$LAB_RUN/clients/$1/power.log" | cut -d' ' -f3)
	err=$(grep -v '^$' "$LAB_RUN/clients/$1/qemu.err" 2>/dev/null | head -n 1 || true)
	case $rc in
	0) echo "powered off" ;;
	124 | 137) echo "killed after FIXNET_E2E_VM_MAX=${LAB_VM_MAX}s${err:+ (QEMU: $err)}" ;;
	*) echo "QEMU exited $rc${err:+: $err}" ;;
	esac
}

# Wait for a serial line matching an extended regex; print it (without its
# stamp).  Fails if the client powers off or the time runs out.
#   lab_wait_serial NAME REGEX SECONDS [FROM_LINE]
lab_wait_serial() {
	local name=$1 re=$2 max=$3 from=${4:-1} log=$LAB_RUN/clients/$1/serial.log line end
	local t0=$EPOCHREALTIME
	end=$(($(date +%s) + max))
	while :; do
		line=$(tail -n "+$from" "$log" 2>/dev/null | grep -a -E -m 1 -- "$re" || true)
		if [ -n "$line" ]; then
			printf '%s\n' "${line#* }"
			return 0
		fi
		if [ "$(date +%s)" -ge "$end" ]; then
			lab_fail "$name: no serial line matching /$re/ within ${max}s"
		fi
		if lab_went_off "$name" "$t0"; then
			sleep 0.3	# the last lines may still be in the pipe
			line=$(tail -n "+$from" "$log" 2>/dev/null | grep -a -E -m 1 -- "$re" || true)
			[ -z "$line" ] || { printf '%s\n' "${line#* }"; return 0; }
			lab_fail "$name went off ($(lab_off_reason "$name")) before a serial line matching /$re/"
		fi
		sleep 0.2
	done
}

# Wait for a serial line (as lab_wait_serial) and narrate it.
#   lab_step NAME REGEX SECONDS [FROM_LINE]
lab_step() {
	local line
	line=$(lab_wait_serial "$@") || exit 1
	lab_say "$1: $line"
}

# Wait until a client has powered off.  lab_wait_off NAME SECONDS
lab_wait_off() {
	local name=$1 max=$2 i
	for i in $(seq $((max * 5))); do
		lab_running "$name" || return 0
		sleep 0.2
	done
	lab_fail "$name still running after ${max}s"
}

# Number of lines in a client's serial log (to wait for lines after it).
lab_serial_lines() {
	wc -l <"$LAB_RUN/clients/$1/serial.log" 2>/dev/null || echo 0
}

# Time (Unix) of the first serial line matching a regex from a line on.
#   lab_serial_time NAME REGEX [FROM_LINE]
lab_serial_time() {
	{ tail -n "+${3:-1}" "$LAB_RUN/clients/$1/serial.log" | grep -a -E -m 1 -- "$2" || true; } | cut -d' ' -f1
}

# --- fixes and the inventory

# A data directory for a client's PRIMARY filesystem with one file.
#   lab_data DIR RELPATH CONTENT
lab_data() {
	mkdir -p "$1/$(dirname "$2")"
	printf '%s\n' "$3" >"$1/$2"
}

# Build a fix from `fixctl bundle create` arguments (its target selector
# among them), sign it with the lab's publisher key and add it to fixsrv.
#   lab_publish_bundle ID SERIAL CREATE-ARGS...
lab_publish_bundle() {
	local id=$1 serial=$2 dir=$LAB_RUN/fixes
	shift 2
	mkdir -p "$dir"
	lab_fixctl bundle create --id "$id" --serial "$serial" "$@" \
		-o "$dir/$id.fix" >>"$LAB_RUN/fixctl.log" 2>&1 ||
		lab_fail "fixctl bundle create: $(tail -n 3 "$LAB_RUN/fixctl.log")"
	lab_fixctl bundle sign --key "$LAB_PUBLISHER" "$dir/$id.fix" >>"$LAB_RUN/fixctl.log" 2>&1 ||
		lab_fail "fixctl bundle sign: $(tail -n 3 "$LAB_RUN/fixctl.log")"
	lab_fixctl fix add "$dir/$id.fix" >>"$LAB_RUN/fixctl.log" 2>&1 ||
		lab_fail "fixctl fix add: $(tail -n 3 "$LAB_RUN/fixctl.log")"
}

# Publish a fix that puts one file on the PRIMARY filesystem and, if HOOK is
# given, runs that script in the secondary OS after it.
#   lab_publish_fix ID SERIAL RELPATH CONTENT [HOOK]
lab_publish_fix() {
	local id=$1 serial=$2 path=$3 content=$4 hook=${5:-}
	mkdir -p "$LAB_RUN/fixes"
	printf '%s\n' "$content" >"$LAB_RUN/fixes/$id.payload"
	lab_publish_bundle "$id" "$serial" --target label=PRIMARY \
		--put "$LAB_RUN/fixes/$id.payload=$path:0644" ${hook:+--hook "$hook:60"}
	lab_say "fix $id (serial $serial) signed and published: puts $path = \"$content\"${hook:+, then runs hook $(basename "$hook")}"
}

# --- the isolator, seen from inside

LAB_ISOLATION_FILE=etc/fixnet-e2e/isolation.txt
LAB_ISOLATION_EXPECTED="isolation: fixsrv-http=reached fixsrv-port9=blocked fixsrv-ping=blocked lan-host=blocked"

# Write a hook script that, run by fixd in the secondary OS with the target
# as its working directory, tries what a hostile hook would try, and
# records the outcome on the target for the primary OS to print:
#   fixsrv-http   the fix server's HTTP port: must be reached (the control)
#   fixsrv-port9  another port of the fix server: only nftables stops it
#   fixsrv-ping   ICMP to the fix server: only nftables stops it
#   lan-host      another address of the boot network: no route to it
# A probe counts as reached when anything came back (data, an HTTP error,
# a refused connection), blocked when the kernel refused to send or nothing
# came back in 2 s.  $1: where to write the script.
lab_isolation_hook() {
	cat >"$1" <<-EOF
		#!/bin/sh
		# fixnet e2e isolation probe (runs in the secondary OS)
		probe_tcp() {
			out=\$(timeout 2 wget -q -O /dev/null "http://\$1:\$2/" 2>&1)
			rc=\$?
			[ \$rc -eq 0 ] && { echo reached; return; }
			case \$out in
			*"server returned error"* | *refused*) echo reached ;;
			*) echo blocked ;;
			esac
		}
		probe_ping() {
			if timeout 3 ping -c 1 -W 2 "\$1" >/dev/null 2>&1; then echo reached; else echo blocked; fi
		}
		line="isolation: fixsrv-http=\$(probe_tcp $LAB_SRV_IP $LAB_PORT)"
		line="\$line fixsrv-port9=\$(probe_tcp $LAB_SRV_IP 9)"
		line="\$line fixsrv-ping=\$(probe_ping $LAB_SRV_IP)"
		line="\$line lan-host=\$(probe_tcp $LAB_NET.254 80)"
		echo "\$line"
		mkdir -p "$(dirname "$LAB_ISOLATION_FILE")"
		echo "\$line" >"$LAB_ISOLATION_FILE"
	EOF
}

# Fail unless the primary OS printed the expected isolation probe line.
#   lab_expect_isolated NAME [FROM_LINE]
lab_expect_isolated() {
	local line
	line=$(lab_wait_serial "$1" "FIXNET-PRIMARY file $LAB_ISOLATION_FILE:" 5 "${2:-1}")
	line=${line#*: }
	[ "$line" = "$LAB_ISOLATION_EXPECTED" ] ||
		lab_fail "$1: the secondary OS was not isolated as it must be: '$line', expected '$LAB_ISOLATION_EXPECTED'"
	lab_say "$1: seen from a hook in the secondary OS: $line"
}

# --- measurements

# The phases of one quarantine cycle, from the serial log's arrival stamps:
# each marker is looked for after the previous one, from the power-on that
# followed the wake on.  Prints a table; fails if a marker is missing.
# The UART sometimes drops iPXE's last characters when the kernel takes it
# over ("fixnet: starting the secondary Ofixnet-init: ... secondary OS up"):
# that marker is matched without its last word, and one line may hold two
# markers (the phase between them then reads 0).
#   lab_phases NAME T_WAKE
lab_phases() {
	local name=$1 t_wake=$2 dir=$LAB_RUN/clients/$1 t_on
	t_on=$(awk -v w="$t_wake" '$2 == "on" && $1 >= w { print $1; exit }' "$dir/power.log")
	[ -n "$t_on" ] || lab_fail "$name: no power-on after the wake"
	awk -v w="$t_wake" -v on="$t_on" '
	BEGIN {
		n = split("fixnet: quarantine boot for|fixnet: starting the secondary|" \
			"fixnet-init: .*secondary OS up|" \
			"fixnet-init: .*running fixd|fixnet-init: .*rebooting|" \
			"fixnet: local boot|FIXNET-PRIMARY file", re, "|")
		split("PXE + iPXE (power on -> quarantine script)|" \
			"kernel + initramfs download|" \
			"boot to fixd: kernel start -> /init|" \
			"boot to fixd: /init -> fixd (modules, nft, DHCP)|" \
			"apply (fixd: plan, download, verify, write, report)|" \
			"reboot (firmware, PXE, iPXE -> local-boot script)|" \
			"local boot (local-boot script -> primary OS marker)", label, "|")
		i = 1; t[0] = on
	}
	$1 >= on {
		line = substr($0, index($0, " ") + 1)
		while (i <= n && line ~ re[i])
			t[i++] = $1
	}
	END {
		if (i <= n) { printf "missing marker /%s/\n", re[i]; exit 1 }
		printf "  %-52s %7.2f s\n", "wake -> power on (Wake-on-LAN listener)", on - w
		for (k = 1; k <= n; k++)
			printf "  %-52s %7.2f s\n", label[k], t[k] - t[k - 1]
		printf "  %-52s %7.2f s\n", "total: wake -> primary OS marker", t[n] - w
	}' "$dir/serial.log" || lab_fail "$name: the serial log lacks a phase marker"
}

# Sizes of the secondary OS the lab serves.
lab_sizes() {
	local k i
	k=$(stat -c %s "$LAB_OS/vmlinuz")
	i=$(stat -c %s "$LAB_OS/initramfs")
	printf '\nSecondary OS served: vmlinuz %d bytes, initramfs %d bytes, total %d bytes (%.1f MB)\n' \
		"$k" "$i" $((k + i)) "$(awk -v t=$((k + i)) 'BEGIN { print t / 1e6 }')"
}

# Number of quarantine decisions fixsrv logged for a MAC.
lab_quarantines() {
	grep -c -- "\[boot\] [a-z]*: $1: quarantine" "$LAB_RUN/fixsrv.log" || true
}

# One field of a (client, fix) pair from `fixctl status --json`.
#   lab_pair_field MAC FIX FIELD
lab_pair_field() {
	lab_fixctl status --json |
		jq -r --arg m "$1" --arg f "$2" --arg k "$3" \
			'.clients[] | select(.mac == $m and .fix == $f) | .[$k]'
}

# Fail unless the pair is in the state.  lab_expect_state NAME MAC FIX STATE
lab_expect_state() {
	local st
	st=$(lab_pair_field "$2" "$3" state)
	[ "$st" = "$4" ] || lab_fail "fixctl status: $1 / $3 is '$st' ($(lab_pair_field "$2" "$3" reason)), expected $4"
	lab_say "fixctl status: $1 / $3 is $st"
}

# fixsrv's side of the cycle: its Wake-on-LAN, boot-decision and agent log
# lines since the wake, with their times relative to it.
#   lab_server_timeline T_WAKE
lab_server_timeline() {
	awk -v w="$1" '$1 >= w && /\[(wol|boot|agent)\]/ {
		t = $1; sub(/^[^ ]* /, "")
		printf "  +%6.2f s  %s\n", t - w, $0
	}' "$LAB_RUN/fixsrv.log"
}
