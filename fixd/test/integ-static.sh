#!/bin/bash
# The agent is one static binary (it runs in a BusyBox initramfs): `file`
# says so, it runs, and its size is reported (the aim is 2 MB at most).
set -u
B=${B:-${FIXNET_BUILD:-build}}
FIXD=$B/bin/fixd
command -v file >/dev/null || { echo "SKIPPED: file(1) missing"; exit 77; }
[ -x "$FIXD" ] || { echo "FAIL: $FIXD not built"; exit 1; }
desc=$(file -b "$FIXD")
case $desc in
*"statically linked"*) echo "ok - $FIXD: $desc" ;;
*) echo "FAIL: $FIXD is not statically linked: $desc"; exit 1 ;;
esac
"$FIXD" --version | grep -q '^fixd ' || { echo "FAIL: fixd --version"; exit 1; }
size=$(stat -c %s "$FIXD")
echo "ok - fixd stripped size: $size bytes (aim: at most 2097152)"
[ "$size" -le 2097152 ] || { echo "FAIL: fixd is larger than 2 MB"; exit 1; }
