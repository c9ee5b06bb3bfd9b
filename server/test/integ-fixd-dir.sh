#!/bin/bash
# The real fixd runs the whole agent protocol against the real fixsrv onto
# a directory: the file lands, the inventory says applied, the token is
# spent, and the next /boot.ipxe renders the local-boot script.
. server/test/lib.sh
. server/test/fixdrun.sh

fx_agent_setup
mkdir -p "$T/target/etc/av"
echo "old definitions" > "$T/target/etc/av/defs.dat"
fx_agent_session "$T/target"
cmp "$T/target/etc/av/defs.dat" "$T/defs-av-defs-1.dat" || fail "file not applied"
[ "$(fixctl client show pc1 --json | fx_json '$.reports[0].evidence[0].before')" = \
  "$(echo "old definitions" | sha256sum | cut -d' ' -f1)" ] || fail "evidence before"
fx_stop
echo "PASS"
