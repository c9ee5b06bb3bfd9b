#!/bin/bash
# fixctl client set: a PC renamed, moved to another group and power group
# (the group made if new); what the inventory then does with it follows
# (assign --group reaches it in its new group, not in its old one); every
# change is an event.  A discovered client set gets its name and becomes an
# added one, in dnsmasq's hosts file too.  Refused, changing nothing: an
# unknown client, a name another client has, a bad name, no change given.
. server/test/lib.sh

MAC1=52:54:00:00:09:01
MAC2=52:54:00:00:09:02
MAC9=52:54:00:00:09:09
fx_hosts_dir
fx_config "dhcp_hosts_dir = $HD"
fx_start
fx_publish av-defs 1
fixctl client add $MAC1 --name pc1 --group lab1 >/dev/null || fail "client add pc1"
fixctl client add $MAC2 --name pc2 --group lab1 >/dev/null || fail "client add pc2"
show() { fixctl client show "$1" --json | fx_json "\$.$2"; }

out=$(fixctl client set pc1 --name lab2-pc1 --group lab2 --power-group row2) || fail "set: $out"
[ "$out" = "client $MAC1: name lab2-pc1, group lab2, power group row2" ] || fail "set said: $out"
[ "$(show $MAC1 name)" = lab2-pc1 ] && [ "$(show $MAC1 group)" = lab2 ] &&
	[ "$(show $MAC1 power_group)" = row2 ] || fail "the inventory does not hold the change"
fixctl group list | grep -q "^lab2 " || fail "group lab2 was not made"
fixctl events --client lab2-pc1 | grep -q "client-changed .*name lab2-pc1, group lab2, power group row2" ||
	fail "no client-changed event"
fixctl assign av-defs --group lab1 >/dev/null || fail "assign lab1"
[ "$(show pc2 'fixes[0].state')" = pending ] || fail "pc2 (still in lab1) not pending"
[ -z "$(show lab2-pc1 'fixes[0].state')" ] || fail "the moved client was assigned with its old group"
fixctl assign av-defs --group lab2 >/dev/null || fail "assign lab2"
[ "$(show lab2-pc1 'fixes[0].state')" = pending ] || fail "the moved client is not in lab2"
ok "renamed and moved: the new group made, assign follows the move, an event recorded"

fx_boot $MAC9 >/dev/null || fail "boot of an unknown MAC"
[ "$(show $MAC9 discovered)" = 1 ] || fail "$MAC9 not discovered"
grep -q $MAC9 "$HD/fixnet-clients.hosts" && fail "a discovered MAC in the hosts file"
fixctl client set $MAC9 --name found9 >/dev/null || fail "set of a discovered client"
[ "$(show found9 discovered)" = 0 ] || fail "the discovered client set is still discovered"
grep -q $MAC9 "$HD/fixnet-clients.hosts" || fail "the adopted client is not in the hosts file"
ok "a discovered client set: named, added, in dnsmasq's hosts file"

fx_dump "$T/before.sql"
fixctl client set nosuch --name x >/dev/null 2>&1
[ $? = 100 ] || fail "an unknown client: not exit 100"
fixctl client set pc2 --name found9 > /dev/null 2> "$T/err"
[ $? = 100 ] && grep -q "the name found9 is another client's" "$T/err" ||
	fail "a taken name: $(cat "$T/err")"
fixctl client set pc2 --group "x;DROP TABLE clients" >/dev/null 2>&1
[ $? = 100 ] || fail "a bad group name: not exit 100"
fixctl client set pc2 >/dev/null 2>&1
[ $? = 1 ] || fail "no change given: not a usage error"
[ "$(fx_code PATCH /admin/v1/clients/pc2 --unix-socket "$SOCK" --data-binary '{"name": 7}')" = 400 ] ||
	fail "a name that is not a string: not 400"
fx_dump "$T/after.sql"
cmp -s "$T/before.sql" "$T/after.sql" || fail "a refused set changed the inventory"
ok "refused: unknown client, taken name, bad name, nothing to change, a number for a name; nothing changed"
echo "PASS"
