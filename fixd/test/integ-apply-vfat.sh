#!/bin/bash
# fixd apply against a loop-mounted vfat image (an EFI system partition, a
# USB stick): found by label and fstype, mounted, written (vfat keeps no
# modes: none are set), receipt, unmounted.  Needs root and loop devices.
. "$(dirname "$0")/lib.sh"

[ "$(id -u)" = 0 ] || skip "needs root to attach loop devices and mount"
command -v losetup >/dev/null && command -v mkfs.vfat >/dev/null ||
	skip "losetup or mkfs.vfat missing (util-linux, dosfstools)"
[ -e /dev/loop-control ] || skip "no loop devices (/dev/loop-control missing)"
grep -qw vfat /proc/filesystems || modprobe -q vfat 2>/dev/null
grep -qw vfat /proc/filesystems || skip "this kernel has no vfat driver"

LABEL=FXV$$
LOOP=
M=$W/mnt
cleanup_extra() {
	mountpoint -q "$M" 2>/dev/null && umount "$M"
	[ -n "$LOOP" ] && losetup -d "$LOOP"
}

mkdir -p "$M" "$W/src"
truncate -s 32M "$W/esp.img"
mkfs.vfat -n "$LABEL" "$W/esp.img" >/dev/null || fail "mkfs.vfat"
LOOP=$(losetup -f --show "$W/esp.img" 2>/dev/null) || skip "cannot attach a loop device"

printf 'timeout 3\n' > "$W/src/loader.conf"
new_key pub
trust pub
"$FIXCTL" bundle create --id esp --serial 1 --target "label=$LABEL,fstype=vfat" \
	--put "$W/src/loader.conf=EFI/fixnet/loader.conf" -o "$W/esp.fix" >/dev/null &&
	"$FIXCTL" bundle sign --key "$W/pub" "$W/esp.fix" >/dev/null || fail "bundle"
publish esp "$W/esp.fix"
start_srv
run_fixd ""
[ $RC -eq 0 ] || fail "apply on vfat: exit $RC"
expect_report 1 '"fstype":"vfat"' "report target"
mount -o ro "$LOOP" "$M" || fail "mount to check"
cmp -s "$W/src/loader.conf" "$M/EFI/fixnet/loader.conf" || fail "bytes on vfat"
grep -q '"serial": 1' "$M/.fixnet/receipts/esp.json" || fail "receipt on vfat"
umount "$M"
pass "vfat found by label, written, receipt, unmounted"
