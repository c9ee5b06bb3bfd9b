#!/bin/bash
# fixd apply against a loop-mounted ext4 image: fixd finds the filesystem
# by its label among the block devices (libblkid), mounts it on a private
# mount point, applies, unmounts; then the same with --target DEVICE; and a
# refused bundle leaves the filesystem's tree unchanged.  Needs root and
# loop devices.
. "$(dirname "$0")/lib.sh"

[ "$(id -u)" = 0 ] || skip "needs root to attach loop devices and mount"
command -v losetup >/dev/null && command -v mkfs.ext4 >/dev/null ||
	skip "losetup or mkfs.ext4 missing (util-linux, e2fsprogs)"
[ -e /dev/loop-control ] || skip "no loop devices (/dev/loop-control missing)"

LABEL=FXT$$
LOOP=
M=$W/mnt
cleanup_extra() {
	mountpoint -q "$M" 2>/dev/null && umount "$M"
	[ -n "$LOOP" ] && losetup -d "$LOOP"
}

mkdir -p "$W/seed/etc/app" "$M" "$W/src"
printf 'old\n' > "$W/seed/etc/app/app.conf"
truncate -s 32M "$W/disk.img"
mkfs.ext4 -q -F -L "$LABEL" -d "$W/seed" "$W/disk.img" || fail "mkfs.ext4"
LOOP=$(losetup -f --show "$W/disk.img" 2>/dev/null) || skip "cannot attach a loop device"

printf 'new on ext4\n' > "$W/src/app.conf"
head -c 50000 /dev/urandom > "$W/src/blob"
new_key pub
trust pub
"$FIXCTL" bundle create --id app --serial 1 --target "label=$LABEL,fstype=ext4,path=etc/app" \
	--put "$W/src/app.conf=etc/app/app.conf:0640" --put "$W/src/blob=opt/blob:0755" \
	-o "$W/app1.fix" >/dev/null && "$FIXCTL" bundle sign --key "$W/pub" "$W/app1.fix" >/dev/null ||
	fail "bundle"
publish app "$W/app1.fix"
start_srv

run_fixd ""
[ $RC -eq 0 ] || fail "apply by label: exit $RC"
grep -q "target label=$LABEL,fstype=ext4,path=etc/app: $LOOP" "$W/fixd.err" ||
	fail "the target was not found by its label on $LOOP"
expect_report 1 "\"device\":\"$LOOP\"" "report target"
expect_report 1 "\"label\":\"$LABEL\"" "report target"
[ -z "$(ls -A "$W/work")" ] || fail "mount point left in the work directory"
mount -o ro "$LOOP" "$M" || fail "mount to check"
cmp -s "$W/src/app.conf" "$M/etc/app/app.conf" && cmp -s "$W/src/blob" "$M/opt/blob" ||
	fail "bytes on ext4"
[ "$(stat -c %a "$M/etc/app/app.conf")" = 640 ] && [ "$(stat -c %a "$M/opt/blob")" = 755 ] ||
	fail "modes on ext4"
grep -q '"serial": 1' "$M/.fixnet/receipts/app.json" || fail "receipt on ext4"
expect_report 1 "\"after\":\"$(sha "$W/src/blob")\"" "evidence"
snapshot "$M" > "$W/before.snap"
umount "$M"
pass "found by label, mounted, applied, unmounted; bytes, modes, receipt"

"$FIXCTL" bundle create --id app --serial 2 --target "label=$LABEL" \
	--put "$W/src/app.conf=etc/app/second.conf" -o "$W/app2.fix" >/dev/null &&
	"$FIXCTL" bundle sign --key "$W/pub" "$W/app2.fix" >/dev/null || fail "bundle 2"
cp "$W/app2.fix" "$W/bad.fix"
flip_bit "$W/bad.fix" 60
publish app "$W/bad.fix" "$W/app2.fix.minisig"
start_srv
run_fixd "$LOOP"
[ $RC -eq 100 ] || fail "flipped bundle on ext4: exit $RC"
mount -o ro "$LOOP" "$M" || fail "mount to check"
expect_unchanged "$M" "$W/before.snap" "flipped bundle on ext4"
umount "$M"
pass "a flipped bundle leaves the ext4 tree unchanged"

publish app "$W/app2.fix"
start_srv
run_fixd "$LOOP"
[ $RC -eq 0 ] || fail "apply with --target $LOOP: exit $RC"
mount -o ro "$LOOP" "$M" || fail "mount to check"
cmp -s "$W/src/app.conf" "$M/etc/app/second.conf" || fail "second.conf"
grep -q '"serial": 2' "$M/.fixnet/receipts/app.json" || fail "receipt serial 2"
umount "$M"
pass "--target $LOOP"

"$FIXCTL" bundle create --id other --serial 1 --target "label=NO-SUCH-FS" \
	--put "$W/src/app.conf=x" -o "$W/other.fix" >/dev/null &&
	"$FIXCTL" bundle sign --key "$W/pub" "$W/other.fix" >/dev/null || fail "bundle other"
publish other "$W/other.fix"
start_srv
run_fixd ""
[ $RC -eq 0 ] || fail "no matching filesystem: exit $RC"
expect_report 1 '"result":"skipped"' "no matching filesystem"
pass "no filesystem with the label: reported skipped"
