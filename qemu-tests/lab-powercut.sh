# shellcheck shell=bash
# Power cuts and disk inspection for the lab, sourced after lab.sh by the
# e2e-powercut-* and e2e-bootloop-* scenarios.
#
# A power cut is a SIGKILL of the client's QEMU process: the guest's page
# cache and everything in flight die with it, what QEMU had already written
# to the image file stays (as on a disk whose power fails).  The client's
# disk is then read from the host, without a mount: its data partition is
# copied out, e2fsck replays the ext4 journal as a boot would, and debugfs
# reads the files.

# Skip (exit 77) without the tools that read a disk image.
lab_disk_require() {
	local t
	for t in sfdisk e2fsck debugfs; do
		command -v "$t" >/dev/null || lab_skip "no $t (Debian packages fdisk, e2fsprogs)"
	done
}

# Cut a client's power the moment its serial console prints a line matching
# REGEX (from line FROM on); fail if that does not happen within SECONDS.
# Prints the line.  The watch follows the log as it grows (tail -F) and
# ends with QEMU (--pid), so the kill follows the line by milliseconds.
#   lab_power_cut_at NAME REGEX SECONDS [FROM]
lab_power_cut_at() {
	local name=$1 re=$2 max=$3 from=${4:-1} dir=$LAB_RUN/clients/$1 qpid line
	qpid=$(cat "$dir/qemu.pid" 2>/dev/null) || lab_fail "$name is not running"
	line=$(timeout "$max" tail -n "+$from" -s 0.05 -F --pid="$qpid" "$dir/serial.log" 2>/dev/null |
		{ grep -a -m 1 -E -- "$re" && kill -KILL "$qpid"; }) || true
	[ -n "$line" ] || lab_fail "$name: no serial line matching /$re/ within ${max}s ($(lab_off_reason "$name"))"
	for _ in $(seq 50); do
		lab_running "$name" || break
		sleep 0.1
	done
	lab_running "$name" && lab_fail "$name: QEMU survived SIGKILL"
	echo "${line#* }"
}

# Copy the data partition (the second) of a client's disk to FILE and let
# e2fsck replay its journal and check it, as the next mount would.  Prints
# e2fsck's summary line; fails on errors it could not correct.
#   lab_disk_snapshot NAME FILE
lab_disk_snapshot() {
	local img=$LAB_RUN/clients/$1/disk.img start size rc=0
	read -r start size < <(sfdisk -J "$img" |
		jq -r '.partitiontable.partitions[1] | "\(.start) \(.size)"')
	[ -n "$start" ] && [ "$size" != null ] || lab_fail "$1: no second partition on $img"
	dd if="$img" of="$2" bs=512 skip="$start" count="$size" status=none
	e2fsck -fy "$2" >"$2.fsck" 2>&1 || rc=$?
	[ "$rc" -le 1 ] || lab_fail "$1: e2fsck of the data partition exited $rc: $(tail -n 3 "$2.fsck")"
	tail -n 1 "$2.fsck"
}

# SHA-256 of a file of an ext4 image, "-" when it is absent.
#   lab_disk_sha IMG PATH
lab_disk_sha() {
	local out=$1.dump
	rm -f "$out"
	debugfs -R "dump -p /$2 $out" "$1" >/dev/null 2>&1
	if [ -f "$out" ]; then sha256sum "$out" | cut -d' ' -f1; else echo -; fi
	rm -f "$out"
}

# The names in a directory of an ext4 image, one a line (none when it is
# absent).  lab_disk_ls IMG DIR
lab_disk_ls() {
	debugfs -R "ls -p /$2" "$1" 2>/dev/null | awk -F/ 'NF > 6 && $6 != "." && $6 != ".." { print $6 }'
}

# The content of a file of an ext4 image.  lab_disk_cat IMG PATH
lab_disk_cat() {
	debugfs -R "cat /$2" "$1" 2>/dev/null
}
