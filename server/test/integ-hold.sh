#!/bin/bash
# fixctl hold, the emergency stop of a rollout.  The fix is pending for the
# three clients of group lab; pc2 and pc3 are quarantined (boot tokens
# issued), pc2's agent already applying.  Then
# `fixctl hold av-defs --group lab --reason ...`:
#  - pc1 (pending) boots locally, its quarantine boots not counted, held in
#    fixctl status, the reason in its events;
#  - pc3's agent, quarantined before the hold: a progress event (what
#    fixd sends before it downloads and before it applies) is refused with
#    409, which stops fixd; the real fixd run after the hold gets an empty
#    plan, writes nothing and exits 0;
#  - pc2's report of the apply under way still records what its disk has
#    (held -> applied);
#  - an applied pair is never held; bad requests (unknown fix, no target,
#    a reason with control characters) are refused and change nothing;
#  - fixctl assign makes the held pairs pending again: pc1 is quarantined.
. server/test/lib.sh

[ -x "$FIXD" ] || fail "$FIXD is not built"
MAC1=52:54:00:00:07:01
MAC2=52:54:00:00:07:02
MAC3=52:54:00:00:07:03
DB=$T/state/inventory.db
fx_start
fx_publish av-defs 1
for i in 1 2 3; do
	fixctl client add "52:54:00:00:07:0$i" --name "pc$i" --group lab >/dev/null ||
		fail "client add pc$i"
done
fixctl assign av-defs --group lab >/dev/null || fail "assign"

TOK2=$(fx_boot $MAC2 | fx_token)
TOK3=$(fx_boot $MAC3 | fx_token)
[ ${#TOK2} = 64 ] && [ ${#TOK3} = 64 ] || fail "pc2, pc3: no quarantine script"
# agent TOKEN MAC PATH BODY: an agent call, its status code
agent() {
	curl -s -o "$T/answer" -w '%{http_code}' -H "Authorization: Bearer $1" \
		-H "X-Fixnet-Client: $2" --data-binary "$4" "$URL$3"
}
[ "$(agent "$TOK2" $MAC2 /api/v1/event '{"fix":"av-defs","state":"applying"}')" = 204 ] ||
	fail "pc2: applying event refused before the hold: $(cat "$T/answer")"
state() { fixctl client show "$1" --json | fx_json '$.fixes[0].state'; }

# Refused holds change nothing.
fx_dump "$T/before.sql"
fixctl hold no-such-fix --group lab >/dev/null 2>&1
[ $? = 100 ] || fail "hold of an unknown fix: not exit 100"
fixctl hold av-defs --group no-such-group >/dev/null 2>&1
[ $? = 100 ] || fail "hold of an unknown group: not exit 100"
fixctl hold av-defs >/dev/null 2>&1
[ $? = 1 ] || fail "hold without a target: not a usage error (exit 1)"
[ "$(fx_code POST /admin/v1/hold --unix-socket "$SOCK" \
	--data-binary "$(printf '{"fix":"av-defs","all":true,"reason":"a\\u001b[2Jb"}')")" = 400 ] ||
	fail "a reason with control characters is not refused"
[ "$(fx_code POST /admin/v1/hold --unix-socket "$SOCK" \
	--data-binary '{"fix":"av-defs","all":true,"group":"lab"}')" = 400 ] ||
	fail "two targets are not refused"
fx_dump "$T/after.sql"
cmp -s "$T/before.sql" "$T/after.sql" || fail "a refused hold changed the inventory"
ok "refused holds: unknown fix, unknown group, no target, two targets, control characters; nothing changed"

out=$(fixctl hold av-defs --group lab --reason "definitions 1 crash the scanner") ||
	fail "hold: $out"
[ "$out" = "fix av-defs held for 3 clients (3 newly held)" ] || fail "hold said: $out"
for i in 1 2 3; do
	[ "$(state "pc$i")" = held ] || fail "pc$i is $(state "pc$i"), not held"
done
fixctl events --client pc1 | grep -q "definitions 1 crash the scanner" ||
	fail "the hold's reason is not in pc1's events"
fixctl status av-defs | grep -q "held" || fail "fixctl status does not show held"
st=$(fixctl status av-defs --state held --json) || fail "status --state held"
[ "$(echo "$st" | fx_json '$.clients[2].state')" = held ] && [ -z "$(echo "$st" | fx_json '$.clients[3].mac')" ] &&
	[ "$(echo "$st" | fx_json '$.counts.held')" = 3 ] || fail "status --state held: $st"
[ -z "$(fixctl status av-defs --state pending --json | fx_json '$.clients[0].mac')" ] ||
	fail "status --state pending lists a held pair"
fixctl status --state nosuch >/dev/null 2>&1
[ $? = 100 ] || fail "status --state with a bad state: not exit 100"
ok "hold: 3 pairs held, the reason in the events"

script=$(fx_boot $MAC1)
echo "$script" | grep -q fixtoken= && fail "pc1 is quarantined while held"
echo "$script" | grep -q "local boot (no fix pending, 1 held)" || fail "pc1's script: $script"
[ "$(sqlite3 "$DB" "SELECT boots FROM pairs p JOIN clients c ON c.id = p.client_id
	WHERE c.name = 'pc1'")" = 0 ] || fail "pc1's local boot counted as a quarantine boot"
ok "pc1, held: local boot, no quarantine boot counted"

[ "$(agent "$TOK3" $MAC3 /api/v1/event '{"fix":"av-defs","state":"downloading"}')" = 409 ] ||
	fail "pc3: a progress event is not refused while held: $(cat "$T/answer")"
grep -q "is held for this client" "$T/answer" || fail "pc3's refusal does not say held: $(cat "$T/answer")"
mkdir -p "$T/target/etc" "$T/work"
printf 'old definitions\n' > "$T/target/etc/keep"
snap() { (cd "$T/target" && find . -printf '%p %y %m %s %T@\n' | sort && find . -type f -exec sha256sum {} +); }
snap > "$T/target.snap"
"$FIXD" apply --server "$URL" --token "$TOK3" --mac $MAC3 --target "$T/target" \
	--keys "$T/keys" --work-dir "$T/work" > "$T/fixd.log" 2>&1
rc=$?
[ $rc = 0 ] || { cat "$T/fixd.log" >&2; fail "pc3's fixd exited $rc, not 0"; }
grep -q "plan: 0 fix(es)" "$T/fixd.log" || fail "pc3's plan is not empty while held"
snap | cmp -s - "$T/target.snap" || fail "pc3's target changed while its fix was held"
[ "$(state pc3)" = held ] || fail "pc3 is $(state pc3) after its session"
ok "pc3, quarantined before the hold: progress refused (409, stops fixd), fixd's plan empty, target unchanged"

GOOD=$(sha256sum < "$T/defs-av-defs-1.dat" | cut -d' ' -f1)
[ "$(agent "$TOK2" $MAC2 /api/v1/report '{"fix":"av-defs","serial":1,"result":"applied","reason":"","evidence":[{"path":"etc/av/defs.dat","op":"put","before":null,"after":"'"$GOOD"'"}]}')" = 200 ] ||
	fail "pc2's report refused while held: $(cat "$T/answer")"
[ "$(state pc2)" = applied ] || fail "pc2 is $(state pc2) after its report"
out=$(fixctl hold av-defs --client pc2) || fail "hold pc2"
[ "$out" = "fix av-defs held for 1 clients (0 newly held)" ] || fail "hold of an applied pair: $out"
[ "$(state pc2)" = applied ] || fail "an applied pair was held"
ok "pc2's apply under way at the hold: its report records applied; an applied pair is never held"

fixctl assign av-defs --group lab >/dev/null || fail "assign again"
[ "$(state pc1)" = pending ] || fail "pc1 is $(state pc1) after assign"
[ "$(state pc2)" = applied ] || fail "assign changed pc2's applied pair"
fx_boot $MAC1 | grep -q fixtoken= || fail "pc1 is not quarantined after assign"
ok "assign after the hold: pending again, pc1 quarantined"
echo "PASS"
