#!/bin/bash
# fixsrv marks a pair applied only if the report's evidence matches the
# fix's manifest (issue 6, item 5).  Reports forged with curl, each with a
# real boot token: a wrong hash, a missing put, a delete outside the glob
# (another name, a subdirectory) are each answered 200 {"state": "failed"};
# the pair is failed with the first mismatch as its reason, the report is
# stored with its evidence, an event carries the reason; the right evidence
# is applied.  Then the inventory is taken back to schema version 1 (the
# manifest column gone): fixsrv migrates it at start, reads the manifest of
# the fix from its stored bundle, and checks the same way.  Last, a report
# of a serial older than the stored one is failed: it cannot be checked.
. server/test/lib.sh

MAC1=52:54:00:00:05:01
MAC2=52:54:00:00:05:02
DB=$T/state/inventory.db
fx_start
fx_key
printf 'engine 7.1\n' > "$T/engine.conf"
"$FIXCTL" bundle create --id cs-291 --serial 1 \
	--put "$T/engine.conf=etc/av/engine.conf:0644" --delete 'drv/C-291*.sys:2' \
	-o "$T/cs.fix" >/dev/null || fail "bundle create"
"$FIXCTL" bundle sign --key "$KEY" "$T/cs.fix" >/dev/null || fail "bundle sign"
fixctl client add $MAC1 --name pc1 >/dev/null && fixctl client add $MAC2 --name pc2 >/dev/null ||
	fail "client add"
fixctl fix add "$T/cs.fix" >/dev/null || fail "fix add"
[ "$(sqlite3 "$DB" "SELECT manifest IS NOT NULL FROM fixes WHERE id = 'cs-291'")" = 1 ] ||
	fail "fix add did not store the manifest"
fixctl assign cs-291 --client pc2 >/dev/null || fail "assign pc2"
GOOD=$(sha256sum < "$T/engine.conf" | cut -d' ' -f1)
OTHER=$(printf 'engine 6.0\n' | sha256sum | cut -d' ' -f1)

# session MAC NAME: assign the fix (again) and boot: TOK, the boot token
session() {
	fixctl assign cs-291 --client "$2" >/dev/null || fail "assign $2"
	TOK=$(fx_boot "$1" | fx_token)
	[ ${#TOK} = 64 ] || fail "$2: no quarantine script"
	SMAC=$1
}
put() { printf '{"path":"%s","op":"put","before":null,"after":"%s"}' "$1" "$2"; }
del() { printf '{"path":"%s","op":"delete","before":"%s","after":null}' "$1" "$OTHER"; }
# report ENTRY...: an applied report with that evidence, on TOK; prints the
# answer's state (200 expected)
report() {
	local ev code
	ev=$(IFS=,; echo "$*")
	code=$(curl -s -o "$T/answer" -w '%{http_code}' -H "Authorization: Bearer $TOK" \
		-H "X-Fixnet-Client: $SMAC" --data-binary \
		'{"fix":"cs-291","serial":1,"result":"applied","reason":"","evidence":['"$ev"']}' \
		"$URL/api/v1/report")
	[ "$code" = 200 ] || fail "report: $code $(cat "$T/answer")"
	fx_json '$.state' < "$T/answer"
}
# events_with NAME MESSAGE: how many of the client's events carry MESSAGE
events_with() {
	local j
	j=$(fixctl events --client "$1" --limit 1000 --json) || fail "events"
	sqlite3 :memory: "SELECT count(*) FROM json_each('${j//\'/\'\'}')
		WHERE json_extract(value, '\$.message') = '${2//\'/\'\'}'"
}
# expect_failed NAME REASON FIRST_AFTER: the pair failed with REASON, the
# last report stored as the agent sent it (result applied, its evidence)
# with state failed, an event carrying REASON, the next boot local
expect_failed() {
	fixctl client show "$1" --json > "$T/show" || fail "client show"
	[ "$(fx_json '$.fixes[0].state' < "$T/show")" = failed ] || fail "$1: pair not failed"
	[ "$(fx_json '$.fixes[0].reason' < "$T/show")" = "$2" ] ||
		fail "$1: reason '$(fx_json '$.fixes[0].reason' < "$T/show")', want '$2'"
	[ "$(fx_json '$.reports[#-1].result' < "$T/show")" = applied ] &&
	[ "$(fx_json '$.reports[#-1].state' < "$T/show")" = failed ] &&
	[ "$(fx_json '$.reports[#-1].evidence[0].after' < "$T/show")" = "$3" ] ||
		fail "$1: report not stored as sent with its state: $(cat "$T/show")"
	[ "$(fx_json '$.fixes[0].applied_serial' < "$T/show")" = 0 ] || fail "$1: applied serial set"
	[ "$(events_with "$1" "$2")" -ge 2 ] || fail "$1: no state and report events carry '$2'"
	fx_boot "$SMAC" | grep -q "local boot" || fail "$1: next boot not local"
}
# check_all NAME MAC: the four mismatches, then the right evidence
check_all() {
	session "$2" "$1"
	[ "$(report "$(put etc/av/engine.conf "$OTHER")" "$(del drv/C-291a.sys)")" = failed ] ||
		fail "$1: wrong hash: $(cat "$T/answer")"
	expect_failed "$1" "evidence: etc/av/engine.conf: after is $OTHER, the manifest says $GOOD" "$OTHER"
	[ "$(report "$(put etc/av/engine.conf "$OTHER")")" = failed ] &&
		[ "$(fx_json '$.duplicate' < "$T/answer")" = 1 ] || fail "$1: duplicate: $(cat "$T/answer")"
	ok "$1: a wrong hash: failed, with the mismatch as the reason (a duplicate says failed too)"

	session "$2" "$1"
	[ "$(report "$(del drv/C-291a.sys)")" = failed ] || fail "$1: missing put"
	expect_failed "$1" "evidence: etc/av/engine.conf: missing, the manifest puts it ($GOOD)" ""
	ok "$1: a missing put: failed"

	session "$2" "$1"
	[ "$(report "$(put etc/av/engine.conf "$GOOD")" "$(del drv/C-292.sys)")" = failed ] ||
		fail "$1: delete outside the glob"
	expect_failed "$1" "evidence: drv/C-292.sys: deleted, but no delete glob of the manifest matches it" "$GOOD"
	session "$2" "$1"
	[ "$(report "$(put etc/av/engine.conf "$GOOD")" "$(del drv/x/C-291a.sys)")" = failed ] ||
		fail "$1: delete in a subdirectory"
	expect_failed "$1" "evidence: drv/x/C-291a.sys: deleted, but no delete glob of the manifest matches it" "$GOOD"
	ok "$1: a delete outside the glob (another name, a subdirectory): failed"

	session "$2" "$1"
	[ "$(report "$(put etc/av/engine.conf "$GOOD")" "$(del drv/C-291a.sys)" \
		"$(del drv/C-291b.sys)")" = applied ] || fail "$1: right evidence: $(cat "$T/answer")"
	fixctl client show "$1" --json > "$T/show"
	[ "$(fx_json '$.fixes[0].state' < "$T/show")" = applied ] &&
	[ "$(fx_json '$.fixes[0].applied_serial' < "$T/show")" = 1 ] &&
	[ "$(fx_json '$.reports[#-1].state' < "$T/show")" = applied ] ||
		fail "$1: not applied: $(cat "$T/show")"
	fx_boot "$2" | grep -q "local boot (no fix pending)" || fail "$1: next boot not local"
	ok "$1: the right evidence: applied"
}

check_all pc1 $MAC1

# A version-1 inventory: migrations 2 to 4 taken back, as an older fixsrv
# left it.
fx_stop
sqlite3 "$DB" "ALTER TABLE fixes DROP COLUMN manifest; ALTER TABLE reports DROP COLUMN state;
	ALTER TABLE clients DROP COLUMN last_decision; ALTER TABLE clients DROP COLUMN last_reason;
	ALTER TABLE clients DROP COLUMN removed;
	UPDATE schema_version SET version = 1" || fail "downgrade"
fx_start
[ "$(sqlite3 "$DB" 'SELECT version FROM schema_version')" = 4 ] || fail "not migrated to 4"
for v in 2 3 4; do
	grep -q "inventory schema migrated to version $v" "$T/fixsrv.log" || fail "migration $v not logged"
done
[ "$(sqlite3 "$DB" "SELECT count(*) FROM fixes WHERE manifest IS NULL")" = 1 ] ||
	fail "migrated fix has a manifest"
[ "$(fixctl client show pc1 --json | fx_json '$.fixes[0].state')" = applied ] ||
	fail "pc1's pair lost in the migration"
ok "a version-1 inventory is migrated to version 4, its rows kept"
check_all pc2 $MAC2
grep -q "manifest of cs-291 serial 1 read from .*cs-291@1.fix" "$T/fixsrv.log" ||
	fail "the manifest was not read from the stored bundle"
ok "the manifest of a fix added before version 2 is read from its stored bundle"

# A serial published during a session: the report of the older serial
# cannot be checked (only the stored serial's manifest is kept): failed.
for n in 2 3; do
	"$FIXCTL" bundle create --id cs-291 --serial $n \
		--put "$T/engine.conf=etc/av/engine.conf:0644" -o "$T/cs$n.fix" >/dev/null &&
		"$FIXCTL" bundle sign --key "$KEY" "$T/cs$n.fix" >/dev/null || fail "bundle $n"
	fixctl fix add "$T/cs$n.fix" >/dev/null || fail "fix add $n"
	[ $n = 2 ] && session $MAC1 pc1	# a token for serial 2, then serial 3
done
code=$(curl -s -o "$T/answer" -w '%{http_code}' -H "Authorization: Bearer $TOK" \
	-H "X-Fixnet-Client: $MAC1" --data-binary \
	'{"fix":"cs-291","serial":2,"result":"applied","evidence":['"$(put etc/av/engine.conf "$GOOD")"']}' \
	"$URL/api/v1/report")
[ "$code" = 200 ] && [ "$(fx_json '$.state' < "$T/answer")" = failed ] ||
	fail "report of an older serial: $code $(cat "$T/answer")"
[ "$(fixctl client show pc1 --json | fx_json '$.fixes[0].reason')" = \
  "evidence: not checked: the report is of serial 2, the server keeps the manifest of serial 3 only" ] ||
	fail "reason of an older serial: $(fixctl client show pc1 --json | fx_json '$.fixes[0].reason')"
ok "a report of a serial older than the stored one: failed (its manifest is gone)"
fx_stop
echo "PASS"
