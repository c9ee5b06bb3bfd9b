#!/bin/bash
# Boot requests queued while fixsrv cannot answer.  fixsrv is stopped
# (SIGSTOP: alive, listening, answering nothing) while a pending client asks
# /boot.ipxe three times, giving up on each after a second as iPXE does
# after its timeout; then fixsrv resumes and reads the three requests.  None
# may count: no boot recorded, no token issued, the pair still pending with
# no quarantine boot used; before this check the three phantoms used up the
# boot-loop cap (max_boots = 3) and failed the pair without a single real
# boot.  The client's next live request is then quarantined as boot 1.
. server/test/lib.sh

MAC=52:54:00:5a:1e:01
fx_start
fx_key
fx_bundle av-defs 1 "$T/av1.fix"
fixctl client add "$MAC" --name stale1 >/dev/null || fail "client add"
fixctl fix add "$T/av1.fix" >/dev/null || fail "fix add"
fixctl assign av-defs --client stale1 >/dev/null || fail "assign"

kill -STOP "$FX_PID"
for i in 1 2 3; do
	curl -s -o /dev/null --max-time 1 \
		"$URL/boot.ipxe?mac=$MAC&uuid=&arch=x86_64&platform=pcbios" &&
		{ kill -CONT "$FX_PID"; fail "request $i answered by a stopped fixsrv"; }
done
kill -CONT "$FX_PID"
for _ in $(seq 50); do
	[ "$(grep -c "$MAC hung up before its answer" "$T/fixsrv.log")" -ge 3 ] && break
	sleep 0.1
done
[ "$(grep -c "$MAC hung up before its answer" "$T/fixsrv.log")" = 3 ] ||
	fail "fixsrv did not log the 3 abandoned requests as such"
db=$T/state/inventory.db
[ "$(sqlite3 "$db" "SELECT count(*) FROM boots")" = 0 ] || fail "an abandoned request was recorded as a boot"
[ "$(sqlite3 "$db" "SELECT count(*) FROM tokens")" = 0 ] || fail "an abandoned request got a token"
st=$(fixctl status av-defs --json)
[ "$(echo "$st" | fx_json '$.clients[0].state')" = pending ] ||
	fail "the pair is not pending after the abandoned requests: $st"
ok "3 requests abandoned while fixsrv was stopped: no boot, no token, the pair pending"

fx_boot "$MAC" | grep -q fixtoken= || fail "the live request after the stop is not quarantined"
[ "$(sqlite3 "$db" "SELECT boots FROM pairs")" = 1 ] || fail "the live boot is not boot 1"
ok "the next live request: quarantine boot 1 of 3"
echo "PASS"
