#!/bin/bash
# A restart of fixsrv keeps every client, group, fix, pair state, event and
# token: the inventory dump, the admin API's view and the stored fix files
# are the same before and after, and a token issued before still works.
. server/test/lib.sh

MAC_A=52:54:00:00:01:0a
MAC_B=52:54:00:00:01:0b
fx_start
fx_key
fx_bundle av-defs 1 "$T/av.fix"
fx_bundle driver-fix 4 "$T/drv.fix"
printf '%s pc1\n%s pc2\n' $MAC_A $MAC_B > "$T/ethers"
fixctl client import "$T/ethers" >/dev/null || fail "import"
printf 'mac,name,group,power_group\n52:54:00:00:01:0c,pc3,lab2,rack9\n' > "$T/more.csv"
fixctl client import "$T/more.csv" >/dev/null || fail "import csv"
fixctl group add lab1 >/dev/null || fail "group add"
fixctl fix add "$T/av.fix" >/dev/null && fixctl fix add "$T/drv.fix" >/dev/null ||
	fail "fix add"
fixctl assign av-defs --client pc1 pc2 >/dev/null || fail "assign"
fixctl assign driver-fix --group lab2 >/dev/null || fail "assign group"
TOK=$(fx_boot $MAC_A | fx_token)	# pc1: booting, with a live token
[ ${#TOK} = 64 ] || fail "token"
H=(-H "Authorization: Bearer $TOK" -H "X-Fixnet-Client: $MAC_A")
curl -sf "${H[@]}" -X POST --data-binary '{"fix":"av-defs","state":"downloading"}' \
	"$URL/api/v1/event" || fail "event"

view() {
	fixctl client list --json > "$1.clients" &&
	fixctl fix list --json > "$1.fixes" &&
	fixctl status --json > "$1.status" &&
	fixctl group list --json > "$1.groups" &&
	fixctl events --limit 1000 --json > "$1.events" &&
	ls -l --time-style=+%s "$T/state/fixes" > "$1.files"
}
view "$T/v1" || fail "view before"
fx_stop
fx_dump "$T/before.sql"
fx_start
fx_dump "$T/after.sql"
view "$T/v2" || fail "view after"
diff -u "$T/before.sql" "$T/after.sql" || fail "inventory differs after restart"
for k in clients fixes status groups events files; do
	diff -u "$T/v1.$k" "$T/v2.$k" || fail "$k differ after restart"
done
[ "$(fx_json '$.counts.downloading' < "$T/v2.status")" = 1 ] || fail "state lost"
[ "$(sqlite3 "$T/state/inventory.db" 'SELECT count(*) FROM clients')" = 3 ] ||
	fail "clients lost"
# The session goes on: the token and the fix files are still good.
curl -sf "${H[@]}" "$URL/api/v1/fix/av-defs/bundle" | cmp - "$T/av.fix" ||
	fail "bundle after restart"
curl -sf "${H[@]}" "$URL/api/v1/plan" | grep -q driver-fix && fail "plan has another client's fix"
[ "$(sqlite3 "$T/state/inventory.db" 'SELECT version FROM schema_version')" = 4 ] ||
	fail "schema version"
fx_stop
echo "PASS"
