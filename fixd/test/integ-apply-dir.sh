#!/bin/bash
# fixd apply against a directory target, through the test server: bytes and
# modes on disk, receipt, evidence in the report, events, log upload; the
# same plan again; a download cut short and resumed; the server away.
. "$(dirname "$0")/lib.sh"

T=$W/target
mkdir -p "$T/etc/app" "$T/var/log"
printf 'old settings\n' > "$T/etc/app/app.conf"
printf 'a' > "$T/var/log/old1.log"
printf 'b' > "$T/var/log/old2.log"
printf 'keep' > "$T/var/log/keep.txt"
mkdir "$W/src"
printf 'new settings\n' > "$W/src/app.conf"
head -c 300000 /dev/urandom > "$W/src/defs.dat"
printf 'echo "hook in $PWD for $FIXNET_FIX_ID/$FIXNET_SERIAL"\necho ran > hook-ran\n' \
	> "$W/src/hook.sh"

new_key pub
trust pub
"$FIXCTL" bundle create --id av-1 --serial 1 --put "$W/src/app.conf=etc/app/app.conf:0600" \
	--put "$W/src/defs.dat=etc/app/defs/defs.dat:0640" --delete 'var/log/old*.log:5' \
	--hook "$W/src/hook.sh:20" -o "$W/av-1.fix" >/dev/null || fail "bundle create"
"$FIXCTL" bundle sign --key "$W/pub" "$W/av-1.fix" >/dev/null || fail "bundle sign"
publish av-1 "$W/av-1.fix"
start_srv

run_fixd "$T"
[ $RC -eq 0 ] || fail "apply: exit $RC"
cmp -s "$W/src/app.conf" "$T/etc/app/app.conf" || fail "app.conf differs"
cmp -s "$W/src/defs.dat" "$T/etc/app/defs/defs.dat" || fail "defs.dat differs"
[ "$(stat -c %a "$T/etc/app/app.conf")" = 600 ] || fail "app.conf mode"
[ "$(stat -c %a "$T/etc/app/defs/defs.dat")" = 640 ] || fail "defs.dat mode"
[ ! -e "$T/var/log/old1.log" ] && [ ! -e "$T/var/log/old2.log" ] || fail "old logs left"
[ -f "$T/var/log/keep.txt" ] || fail "keep.txt deleted"
[ "$(cat "$T/hook-ran")" = ran ] || fail "hook did not run in the target"
grep -q "hook: hook in $T for av-1/1" "$W/fixd.err" || fail "hook output not logged"
# the commit at info: the first change and a summary, each path at debug only
grep -q "info: commit: 1 of 4 path(s) done" "$W/fixd.err" || fail "no commit progress line"
grep -q "info: committed: 2 file(s) put, 2 deleted" "$W/fixd.err" || fail "no commit summary"
grep -q "info: put " "$W/fixd.err" && fail "a path logged at info"
pass "bytes, modes, deletes and hook on the target"

R=$T/.fixnet/receipts/av-1.json
[ -f "$R" ] || fail "no receipt"
grep -q '"serial": 1' "$R" && grep -q "\"bundle_sha256\": \"$(sha "$W/av-1.fix")\"" "$R" &&
	grep -q "\"sha256\": \"$(sha "$W/src/defs.dat")\"" "$R" || fail "receipt content"
pass "receipt"

expect_report 1 '"result":"applied"' "report"
expect_report 1 "{\"path\":\"etc/app/app.conf\",\"op\":\"put\",\"before\":\"$(printf 'old settings\n' | sha256sum | cut -d' ' -f1)\",\"after\":\"$(sha "$W/src/app.conf")\"}" "evidence of app.conf"
expect_report 1 "{\"path\":\"etc/app/defs/defs.dat\",\"op\":\"put\",\"before\":null,\"after\":\"$(sha "$W/src/defs.dat")\"}" "evidence of defs.dat"
expect_report 1 "{\"path\":\"var/log/old1.log\",\"op\":\"delete\",\"before\":\"$(printf a | sha256sum | cut -d' ' -f1)\",\"after\":null}" "evidence of old1.log"
grep -q '"state":"downloading"' "$W/srv/record/events" &&
	grep -q '"state":"applying"' "$W/srv/record/events" || fail "events"
grep -q 'fix av-1 serial 1: applied' "$W/srv/record/log.txt" || fail "log upload"
[ "$(tail -1 "$W/srv/record/requests" | cut -d' ' -f1-2)" = "POST /api/v1/log" ] ||
	fail "the log upload is not the last request"
pass "report with evidence, events, log upload last"

snapshot "$T" > "$W/before.snap"
start_srv
run_fixd "$T"
[ $RC -eq 0 ] || fail "second apply: exit $RC"
expect_unchanged "$T" "$W/before.snap" "the same fix again"
expect_report 1 '"result":"applied"' "second report"
grep -q "already applied" "$W/fixd.err" || fail "not recognised as already applied"
pass "the same plan again: reported applied, nothing rewritten"

"$FIXCTL" bundle create --id av-1 --serial 2 --put "$W/src/defs.dat=etc/app/defs/defs2.dat" \
	-o "$W/av-1s2.fix" >/dev/null && "$FIXCTL" bundle sign --key "$W/pub" "$W/av-1s2.fix" >/dev/null ||
	fail "serial 2 bundle"
publish av-1 "$W/av-1s2.fix"
start_srv /api/v1/fix/av-1/bundle:drop=100000
run_fixd "$T"
[ $RC -eq 0 ] || fail "apply after a cut download: exit $RC"
grep -q "GET /api/v1/fix/av-1/bundle range=bytes=100000- if-range=\"" "$W/srv/record/requests" ||
	fail "no resumed request"
cmp -s "$W/src/defs.dat" "$T/etc/app/defs/defs2.dat" || fail "defs2.dat differs"
pass "a download cut at 100000 bytes resumed with Range and If-Range"

start_srv /api/v1/plan:status=503:10
run_fixd "$T" --retries 2
[ $RC -eq 111 ] || fail "server errors: exit $RC, want 111"
! grep -q "POST /api/v1/log" "$W/srv/record/requests" || fail "log uploaded after a temporary failure"
stop_srv
run_fixd "$T" --retries 2
[ $RC -eq 111 ] || fail "server away: exit $RC, want 111"
pass "5xx and a server away: exit 111, token not spent"

start_srv
"$FIXD" apply --server "$URL" --token "$(echo $TOKEN | tr 0 1)" --mac "$MAC" \
	--target "$T" --keys "$W/keys" --work-dir "$W/work" 2> "$W/fixd.err"
[ $? -eq 100 ] || fail "refused token: want exit 100"
pass "refused token: exit 100"

"$FIXD" --help | grep -q "fixd apply" || fail "--help"
"$FIXD" --version | grep -q "^fixd " || fail "--version"
[ "$(ls -A "$W/work")" = "" ] || fail "work directory not cleaned: $(ls -A "$W/work")"
pass "--help, --version, work directory left empty"
