#!/bin/bash
# The real fixd against the real fixsrv onto a loop-mounted ext4 image (as
# a quarantined PC's disk): the file is in the image afterwards, the
# inventory says applied, and the next /boot.ipxe boots locally.
. server/test/lib.sh

[ "$(id -u)" -eq 0 ] || skip "needs root (loop devices)"
command -v mkfs.ext4 >/dev/null && command -v debugfs >/dev/null ||
	fail "e2fsprogs missing (deps/packages.txt)"
. server/test/fixdrun.sh

truncate -s 32M "$T/disk.img"
mkfs.ext4 -q -L PRIMARY "$T/disk.img" || fail "mkfs.ext4"
DEV=$(losetup -f --show "$T/disk.img" 2>/dev/null) || skip "no loop device available"
FX_CLEANUP+=("losetup -d $DEV")
fx_agent_setup
fx_agent_session "$DEV"
grep -q " $DEV " /proc/mounts && fail "fixd left $DEV mounted"
debugfs -R "cat /etc/av/defs.dat" "$DEV" 2>/dev/null | cmp - "$T/defs-av-defs-1.dat" ||
	fail "file not in the ext4 image"
[ "$(fixctl client show pc1 --json | fx_json '$.reports[0].target.fstype')" = ext4 ] ||
	fail "report target"
fx_stop
echo "PASS"
