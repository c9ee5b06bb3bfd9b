#!/bin/bash
# fixctl client remove: a PC taken out of service (scrapped, replaced) is
# out of every listing and target, and its history is kept.  pc1 and pc2
# of group lab have a fix pending; pc1 is removed:
#  - client list, group show, status, fix list and /metrics count pc2 only;
#    assign --group, wake --pending reach pc2 only; naming pc1 as a target
#    is refused; dnsmasq's hosts file leaves its MAC out;
#  - its pending pair is held: if it boots again, it boots its own disk;
#  - client show by its MAC keeps its reports and events, with when it was
#    removed; its name is free for the PC that replaces it;
#  - client add of its MAC brings it back, its history with it.
. server/test/lib.sh

MAC1=52:54:00:00:0a:01
MAC2=52:54:00:00:0a:02
MAC3=52:54:00:00:0a:03
fx_hosts_dir
fx_config "dhcp_hosts_dir = $HD"
fx_start
fx_publish av-defs 1
fixctl client add $MAC1 --name pc1 --group lab >/dev/null || fail "client add pc1"
fixctl client add $MAC2 --name pc2 --group lab >/dev/null || fail "client add pc2"
fixctl assign av-defs --group lab >/dev/null || fail "assign"
show() { fixctl client show "$1" --json | fx_json "\$.$2"; }

out=$(fixctl client remove pc1) || fail "remove: $out"
[ "$out" = "client $MAC1 (pc1) removed: out of every list and target, its history kept; 1 pair(s) held" ] ||
	fail "remove said: $out"
[ "$(fixctl client list --json | fx_json '$[0].mac')" = $MAC2 ] &&
	[ -z "$(fixctl client list --json | fx_json '$[1].mac')" ] ||
	fail "client list: $(fixctl client list)"
[ "$(fixctl group show lab --json | fx_json '$.clients[0].mac')" = $MAC2 ] &&
	[ -z "$(fixctl group show lab --json | fx_json '$.clients[1].mac')" ] || fail "group show lists pc1"
st=$(fixctl status av-defs --json)
[ "$(echo "$st" | fx_json '$.counts.pending')" = 1 ] && [ "$(echo "$st" | fx_json '$.counts.held')" = 0 ] &&
	[ -z "$(echo "$st" | fx_json '$.clients[1].mac')" ] || fail "status counts pc1: $st"
[ "$(fixctl fix list --json | fx_json '$[0].states.pending')" = 1 ] || fail "fix list counts pc1"
curl -s --unix-socket "$SOCK" http://fixsrv/metrics | grep -qx "fixnet_clients 1" || fail "metrics count pc1"
[ "$(cat "$HD/fixnet-clients.hosts")" = $MAC2 ] || fail "hosts file: $(cat "$HD/fixnet-clients.hosts")"
ok "removed: out of list, group, status, fix list, metrics and the hosts file"

fx_dump "$T/before.sql"
fixctl assign av-defs --client $MAC1 >/dev/null 2>&1
[ $? = 100 ] || fail "assign to a removed client: not refused"
fixctl wake pc1 >/dev/null 2>&1
[ $? = 100 ] || fail "wake of a removed client: not refused"
fixctl client set $MAC1 --group lab >/dev/null 2>&1
[ $? = 100 ] || fail "set of a removed client: not refused"
fixctl client remove $MAC1 >/dev/null 2>&1
[ $? = 100 ] || fail "a second remove: not refused"
fx_dump "$T/after.sql"
cmp -s "$T/before.sql" "$T/after.sql" || fail "a refused command changed the inventory"
out=$(fixctl assign av-defs --all) || fail "assign --all"
[ "$out" = "fix av-defs assigned to 1 clients (0 newly pending)" ] || fail "assign --all reached pc1: $out"
ok "a removed client is no target: assign, wake, set, remove refused; --all passes it by"

script=$(fx_boot $MAC1)
echo "$script" | grep -q fixtoken= && fail "the removed client is quarantined"
echo "$script" | grep -q "local boot (no fix pending, 1 held)" || fail "its script: $script"
[ "$(show $MAC1 'fixes[0].state')" = held ] || fail "its pair is not held"
[ -n "$(show $MAC1 removed)" ] && [ -z "$(show $MAC1 name)" ] || fail "client show: not removed"
fixctl events --client $MAC1 | grep -q "client-removed .*pc1" || fail "no client-removed event"
fixctl client show $MAC1 | grep -q "^removed " || fail "client show does not say removed"
ok "the removed client boots its own disk; its history shows, with the removal"

fixctl client add $MAC3 --name pc1 --group lab >/dev/null || fail "the name pc1 is not free"
fixctl client add $MAC1 --name pc1-back --group lab >/dev/null || fail "add of the removed MAC"
[ -z "$(show pc1-back removed)" ] || fail "the client added back is still removed"
fixctl events --client pc1-back | grep -q "client-removed" || fail "its history was lost"
[ "$(show pc1-back 'fixes[0].state')" = held ] || fail "its pair: $(show pc1-back 'fixes[0].state')"
fixctl assign av-defs --group lab >/dev/null || fail "assign again"
[ "$(show pc1-back 'fixes[0].state')" = pending ] || fail "not pending after assign"
grep -q $MAC1 "$HD/fixnet-clients.hosts" || fail "the client added back is not in the hosts file"
fixctl client remove $MAC3 >/dev/null || fail "remove the new pc1"
printf '%s pc1\n' $MAC3 > "$T/ethers"
[ "$(fixctl client import "$T/ethers" --json | fx_json '$.added')" = 1 ] || fail "import of a removed MAC"
[ -z "$(show pc1 removed)" ] || fail "the imported client is still removed"
ok "its name free for a new PC; added back (add or import), it keeps its history, and assign makes it pending"
echo "PASS"
