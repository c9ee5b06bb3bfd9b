#!/bin/bash
# Anti-rollback on both sides, the real fixsrv and the real fixd on a
# directory target.  Each check is named after what it proves:
#   fixsrv: fix add of the stored serial, and of a lower one, is 409
#           (fixctl exits 100) and changes nothing; a report of the applied
#           serial, or of a lower one, is 409 and recorded nowhere;
#   fixd:   a validly signed older bundle, served by a fix server that lost
#           its inventory (or by a rogue one with a stolen old bundle), is
#           refused against the receipt on the disk: exit 100, a failed
#           report, the target unchanged.
. server/test/lib.sh
. server/test/fixdrun.sh

TGT=$T/target
mkdir -p "$TGT/etc/av" "$T/work"
echo "old definitions" > "$TGT/etc/av/defs.dat"

# session: one quarantine session of pc1 onto TGT; sets RC, TOK
session() {
	TOK=$(fx_boot $MAC | fx_token)
	[ ${#TOK} = 64 ] || fail "no quarantine script"
	"$FIXD" apply --server "$URL" --token "$TOK" --mac $MAC --target "$TGT" \
		--keys "$T/keys" --work-dir "$T/work" > "$T/fixd.log" 2>&1
	RC=$?
}
state() { fixctl status av-defs --json | fx_json '$.clients[0].state'; }
serial_on_disk() { fx_json '$.serial' < "$TGT/.fixnet/receipts/av-defs.json"; }
# add_code BUNDLE: the HTTP status of POST /admin/v1/fixes
add_code() {
	curl -s -o "$T/answer" -w '%{http_code}' --unix-socket "$SOCK" \
		-H "X-Fixnet-Signature: $(base64 -w0 "$1.minisig")" \
		--data-binary "@$1" http://fixsrv/admin/v1/fixes
}

fx_agent_setup			# av-defs serial 1, assigned to pc1
session
[ $RC = 0 ] && [ "$(state)" = applied ] || fail "serial 1: exit $RC, $(state)"
fx_bundle av-defs 3 "$T/av3.fix"
fixctl fix add "$T/av3.fix" >/dev/null || fail "fix add serial 3"
session
[ $RC = 0 ] && [ "$(state)" = applied ] || fail "serial 3: exit $RC, $(state)"
[ "$(serial_on_disk)" = 3 ] || fail "receipt serial $(serial_on_disk), want 3"
cmp -s "$TGT/etc/av/defs.dat" "$T/defs-av-defs-3.dat" || fail "serial 3 not on the disk"
ok "serials 1 then 3 applied; the receipt on the disk says 3"

fx_bundle av-defs 2 "$T/av2.fix"
cp "$T/av3.fix" "$T/again3.fix" && cp "$T/av3.fix.minisig" "$T/again3.fix.minisig"
fx_dump "$T/before.sql"
[ "$(add_code "$T/again3.fix")" = 409 ] || fail "fix add of the stored serial: $(cat "$T/answer")"
grep -q "not above the stored serial 3" "$T/answer" || fail "message: $(cat "$T/answer")"
ok "fixsrv_refuses_fix_add_of_the_stored_serial (409)"
[ "$(add_code "$T/av2.fix")" = 409 ] || fail "fix add of a lower serial: $(cat "$T/answer")"
fixctl fix add "$T/av2.fix" 2> "$T/err"; rc=$?
[ $rc = 100 ] && grep -q "not above" "$T/err" || fail "fixctl fix add serial 2: exit $rc"
ok "fixsrv_refuses_fix_add_of_a_lower_serial (409, fixctl exit 100)"
fx_dump "$T/after.sql"
diff -u "$T/before.sql" "$T/after.sql" || fail "a refused fix add changed the inventory"
[ -z "$(ls "$T/state/fixes" | grep -v '^av-defs@[13]\.fix')" ] ||
	fail "a refused fix left files: $(ls "$T/state/fixes")"
ok "refused fix adds changed nothing (inventory, fix store)"

# A token whose plan holds av-defs (serial 4 re-pends pc1), then reports
# of serials the inventory holds as applied (3) or below.
fx_bundle av-defs 4 "$T/av4.fix"
fixctl fix add "$T/av4.fix" >/dev/null || fail "fix add serial 4"
TOK=$(fx_boot $MAC | fx_token)
[ ${#TOK} = 64 ] || fail "no token for serial 4"
fx_dump "$T/before.sql"
report() {
	curl -s -o "$T/answer" -w '%{http_code}' -H "Authorization: Bearer $TOK" \
		-H "X-Fixnet-Client: $MAC" --data-binary \
		'{"fix":"av-defs","serial":'"$1"',"result":"applied","evidence":[]}' \
		"$URL/api/v1/report"
}
[ "$(report 3)" = 409 ] && grep -q "not above the applied serial 3" "$T/answer" ||
	fail "report of the applied serial: $(cat "$T/answer")"
ok "fixsrv_refuses_a_report_of_the_applied_serial (409)"
[ "$(report 2)" = 409 ] && grep -q "not above the applied serial 3" "$T/answer" ||
	fail "report of a lower serial: $(cat "$T/answer")"
ok "fixsrv_refuses_a_report_of_a_lower_serial (409)"
fx_dump "$T/after.sql"
diff -u "$T/before.sql" "$T/after.sql" || fail "a refused report changed the inventory"
ok "refused reports recorded nowhere"

# fixd: the fix server loses its inventory (or a rogue one takes its
# place) and serves serial 2, validly signed, to the client whose disk
# holds serial 3.
fx_stop
rm -rf "${T:?}/state/"*
fx_start
fixctl client add $MAC --name pc1 >/dev/null || fail "client add (new inventory)"
fixctl fix add "$T/av2.fix" >/dev/null || fail "fix add serial 2 (new inventory)"
fixctl assign av-defs --client pc1 >/dev/null || fail "assign"
snapshot() { (cd "$TGT" && find . -printf '%p %y %m %s %T@\n' | LC_ALL=C sort &&
	find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum); }
snapshot > "$T/target.before"
session
[ $RC = 100 ] || { cat "$T/fixd.log" >&2; fail "fixd took serial 2 over receipt 3: exit $RC"; }
snapshot | diff - "$T/target.before" || fail "the target changed"
[ "$(state)" = failed ] || fail "inventory says $(state), want failed"
fixctl client show pc1 --json | fx_json '$.reports[0].reason' |
	grep -q "serial 2 is not above 3, the serial of the receipt" || fail "report reason"
ok "fixd_refuses_a_serial_not_above_the_receipt (exit 100, failed report, target unchanged)"
fx_stop
echo "PASS"
