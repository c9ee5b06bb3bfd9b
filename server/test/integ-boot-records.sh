#!/bin/bash
# The boot records of local boots, written behind the answer (bootlog.h):
# each boot leaves its boots row and the client's last boot, visible to the
# very next admin request (every admin request writes the queue first) and
# kept through a stop (SIGTERM writes what is queued); a local boot that
# changes nothing is not an event, a quarantine boot is.  The fast path reads
# the committed inventory: the first boot after an acknowledged assignment
# is quarantined, and the boot limit still fails the pair and boots it
# locally.
. server/test/lib.sh

MAC1=52:54:00:b0:07:01
MAC2=52:54:00:b0:07:02
NEW=52:54:00:b0:07:99
db=$T/state/inventory.db
metric() {
	curl -sf --unix-socket "$SOCK" http://fixsrv/metrics |
		sed -n "s/^fixnet_boot_records_total{outcome=\"$1\"} //p"
}
boots_of() { sqlite3 "$db" "SELECT count(*) FROM boots b JOIN clients c ON c.id = b.client_id WHERE c.mac = '$1'"; }

fx_start
fx_key
fx_bundle av-defs 1 "$T/av1.fix"
fixctl client add "$MAC1" --name rec1 >/dev/null || fail "client add"
fixctl client add "$MAC2" --name rec2 >/dev/null || fail "client add"
fixctl fix add "$T/av1.fix" >/dev/null || fail "fix add"

for i in $(seq 20); do
	fx_boot "$MAC1" efi | grep -q "local boot (no fix pending)" || fail "boot $i not local"
done
show=$(fixctl client show rec1 --json) || fail "client show"
[ "$(echo "$show" | fx_json '$.last_decision')" = local ] &&
	[ "$(echo "$show" | fx_json '$.last_reason')" = "no fix pending" ] &&
	[ "$(echo "$show" | fx_json '$.platform')" = efi ] &&
	[ -n "$(echo "$show" | fx_json '$.last_boot')" ] || fail "the last boot is not shown at once: $show"
fixctl client show rec1 | grep -q "^last boot .*  local (no fix pending)" || fail "fixctl client show: no last boot"
[ "$(boots_of "$MAC1")" = 20 ] || fail "$(boots_of "$MAC1") boots recorded, not 20"
[ "$(metric queued)" = 20 ] && [ "$(metric written)" = 20 ] && [ "$(metric refused)" = 0 ] &&
	[ "$(metric lost)" = 0 ] || fail "metrics: $(curl -sf --unix-socket "$SOCK" http://fixsrv/metrics | grep boot_records)"
[ "$(sqlite3 "$db" "SELECT count(*) FROM events WHERE kind = 'boot'")" = 0 ] ||
	fail "local boots were logged as events"
ok "20 local boots: written behind, every one visible to the next admin request, no event"

# An unknown MAC: discovered in a transaction, its next boots behind.
fx_boot "$NEW" | grep -q "local boot (unknown client)" || fail "unknown client not local"
fx_boot "$NEW" >/dev/null || fail "second boot"
fixctl events --client "$NEW" | grep -q " discovered " || fail "no discovered event"
[ "$(boots_of "$NEW")" = 2 ] || fail "the discovered client's boots: $(boots_of "$NEW")"
[ "$(metric queued)" = 21 ] || fail "the discovered client's second boot was not written behind"
ok "an unknown MAC is discovered in a transaction, its next boot written behind"

# Acknowledged assignment: the very next boot reads it.
fixctl assign av-defs --client rec1 >/dev/null || fail "assign"
fx_boot "$MAC1" > "$T/q1" || fail "boot after assign"
grep -q "fixtoken=" "$T/q1" || fail "the boot right after the assignment was not quarantined: $(cat "$T/q1")"
[ "$(sqlite3 "$db" "SELECT count(*) FROM events WHERE kind = 'boot' AND message = '1 fix pending'")" = 1 ] ||
	fail "the quarantine boot is not an event"
[ "$(fixctl client show rec1 --json | fx_json '$.last_decision')" = quarantine ] || fail "last decision"
# boots 2 and 3, then the limit: failed, local
fx_boot "$MAC1" | grep -q fixtoken= || fail "quarantine boot 2"
fx_boot "$MAC1" | grep -q fixtoken= || fail "quarantine boot 3"
fx_boot "$MAC1" | grep -q "local boot (boot limit reached" || fail "boot limit: not local"
[ "$(fixctl status av-defs --json | fx_json '$.clients[0].state')" = failed ] || fail "pair not failed at the limit"
fx_boot "$MAC1" | grep -q "local boot (no fix pending)" || fail "after the limit: not local"
ok "the first boot after an assignment is quarantined; the boot limit fails the pair"

# Boots answered just before a stop are written by the stop.
before=$(boots_of "$MAC2")
for i in $(seq 30); do fx_boot "$MAC2" >/dev/null || fail "boot $i"; done
fx_stop
[ "$(boots_of "$MAC2")" = $((before + 30)) ] || fail "$(( $(boots_of "$MAC2") - before )) of 30 boots kept through the stop"
ok "30 boots answered just before SIGTERM: all written"
