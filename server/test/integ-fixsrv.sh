#!/bin/bash
# fixsrv on loopback, driven by fixctl and by curl playing the agent:
# publish, assign, quarantine boot with a token, plan, ranged downloads,
# progress events, report (once, then as a duplicate), log (spends the
# token), local boot afterwards; a new serial re-pends; the boot-loop
# breaker fails a pair after max_boots.
. server/test/lib.sh

MAC=52:54:00:12:34:56
APORT=$(fx_port)
printf 'tcp-admin-token-0123456789\n' > "$T/token"
fx_config "admin_listen = 127.0.0.1:$APORT" "admin_token_file = $T/token"
fx_start
fx_key
fx_bundle av-defs 1 "$T/av1.fix"

fixctl group add lab1 >/dev/null || fail "group add"
fixctl client add "$MAC" --name pc1 --group lab1 --power-group rack1 >/dev/null ||
	fail "client add"
fixctl fix add "$T/av1.fix" >/dev/null || fail "fix add"
fixctl assign av-defs --group lab1 >/dev/null || fail "assign"
[ "$(fixctl status av-defs --json | fx_json '$.counts.pending')" = 1 ] ||
	fail "status does not count 1 pending"
ok "published and assigned"

# The entry script, then the decision: quarantine with a token.
curl -sf "$URL/boot.ipxe" | grep -q "boot.ipxe?mac=" || fail "entry script"
script=$(fx_boot "$MAC") || fail "boot.ipxe"
echo "$script" | grep -q "^kernel .*/os/vmlinuz" || fail "not a quarantine script: $script"
echo "$script" | grep -q "BOOTIF=01-52-54-00-12-34-56" || fail "no BOOTIF"
TOK=$(echo "$script" | fx_token)
[ ${#TOK} -eq 64 ] || fail "no token in the script"
[ "$(fixctl status av-defs --json | fx_json '$.clients[0].state')" = booting ] ||
	fail "pair not booting"
ok "quarantine script with a token"

# Boot files: whole, ranged, If-Range.
H=(-H "Authorization: Bearer $TOK" -H "X-Fixnet-Client: $MAC")
[ "$(fx_code GET /os/vmlinuz)" = 200 ] || fail "vmlinuz"
curl -s -r 100-199 "$URL/os/initramfs" | cmp - <(tail -c +101 "$T/os/initramfs" | head -c 100) ||
	fail "range of initramfs"
etag=$(curl -sI "$URL/os/initramfs" | sed -n 's/^ETag: *\(.*\)\r$/\1/Ip')
[ "$(fx_code GET /os/initramfs -r 10- -H "If-Range: $etag")" = 206 ] || fail "If-Range match"
[ "$(fx_code GET /os/initramfs -r 10- -H 'If-Range: "other"')" = 200 ] || fail "If-Range mismatch"
[ "$(fx_code GET /os/initramfs -r 999999-)" = 416 ] || fail "416"
ok "boot files with Range, ETag and If-Range"

# The plan, and the files of the fix.
plan=$(curl -sf "${H[@]}" "$URL/api/v1/plan") || fail "plan"
[ "$(echo "$plan" | fx_json '$.fixes[0].id')" = av-defs ] || fail "plan: $plan"
[ "$(echo "$plan" | fx_json '$.fixes[0].bundle.sha256')" = "$(sha256sum < "$T/av1.fix" | cut -d' ' -f1)" ] ||
	fail "plan sha256"
burl=$(echo "$plan" | fx_json '$.fixes[0].bundle.url')
curl -sf "${H[@]}" "$URL$burl" | cmp - "$T/av1.fix" || fail "bundle download"
curl -sf "${H[@]}" -r 5- "$URL$burl" | cmp - <(tail -c +6 "$T/av1.fix") || fail "bundle range"
curl -sf "${H[@]}" "$URL/api/v1/fix/av-defs/signature" | cmp - "$T/av1.fix.minisig" ||
	fail "signature download"
ok "plan and fix downloads"

post() { curl -s -o "$T/out" -w '%{http_code}' "${H[@]}" -X POST --data-binary "$2" "$URL$1"; }
[ "$(post /api/v1/event '{"fix":"av-defs","state":"downloading"}')" = 204 ] || fail "event"
[ "$(post /api/v1/event '{"fix":"av-defs","state":"applying","message":"1 file"}')" = 204 ] ||
	fail "event applying"
[ "$(fixctl status av-defs --json | fx_json '$.clients[0].state')" = applying ] ||
	fail "pair not applying"
# the evidence fixsrv checks against the manifest: the put's new content
after=$(sha256sum < "$T/defs-av-defs-1.dat" | cut -d' ' -f1)
report='{"fix":"av-defs","serial":1,"result":"applied","reason":"","target":{"device":"/dev/vda1","fstype":"ext4"},"evidence":[{"path":"etc/av/defs.dat","op":"put","before":null,"after":"'$after'"}]}'
[ "$(post /api/v1/report "$report")" = 200 ] || fail "report: $(cat "$T/out")"
[ "$(fx_json '$.state' < "$T/out")" = applied ] || fail "report answer"
[ "$(post /api/v1/report "$report")" = 200 ] || fail "duplicate report"
[ "$(fx_json '$.duplicate' < "$T/out")" = 1 ] || fail "duplicate not flagged"
[ "$(sqlite3 "$T/state/inventory.db" 'SELECT count(*) FROM reports')" = 1 ] ||
	fail "report recorded twice"
[ "$(post /api/v1/log 'fixd: all done')" = 204 ] || fail "log"
[ "$(post /api/v1/log 'again')" = 403 ] || fail "spent token accepted"
ok "events, report (idempotent), log"

show=$(fixctl client show pc1 --json)
[ "$(echo "$show" | fx_json '$.fixes[0].state')" = applied ] || fail "not applied"
[ "$(echo "$show" | fx_json '$.reports[0].evidence[0].path')" = etc/av/defs.dat ] ||
	fail "evidence not stored"
fx_boot "$MAC" | grep -q "sanboot" || fail "second boot is not local"
fx_boot "$MAC" efi | grep -q "^exit 1" || fail "EFI local boot"
ok "applied, and the next boot is local"

# A new serial re-pends the client; the old serial is refused.
fixctl fix add "$T/av1.fix" 2>"$T/err"; rc=$?
[ $rc = 100 ] && grep -q "not above" "$T/err" || fail "same serial: rc $rc $(cat "$T/err")"
fx_bundle av-defs 2 "$T/av2.fix"
[ "$(fixctl fix add "$T/av2.fix" --json | fx_json '$.repended')" = 1 ] || fail "no re-pend"
TOK=$(fx_boot "$MAC" | fx_token)
[ ${#TOK} -eq 64 ] || fail "no quarantine after a new serial"
H=(-H "Authorization: Bearer $TOK" -H "X-Fixnet-Client: $MAC")
[ "$(post /api/v1/report "${report/\"serial\":1/\"serial\":1}")" = 409 ] ||
	fail "report of an old serial not refused"
[ "$(post /api/v1/report "${report/\"serial\":1/\"serial\":3}")" = 409 ] ||
	fail "report of an unknown serial not refused"
ok "new serial re-pends; old serial refused (exit 100, HTTP 409)"

# Boot-loop breaker: boots 2 and 3 quarantine, the 4th fails the pair.
fx_boot "$MAC" | grep -q fixtoken= || fail "boot 2"
fx_boot "$MAC" | grep -q fixtoken= || fail "boot 3"
fx_boot "$MAC" | grep -q "boot limit reached" || fail "boot 4 not local"
st=$(fixctl status av-defs --json)
[ "$(echo "$st" | fx_json '$.clients[0].state')" = failed ] || fail "pair not failed"
echo "$st" | fx_json '$.clients[0].reason' | grep -q "boot limit" || fail "reason"
ok "boot-loop breaker"

# Unknown MACs are discovered and boot locally; metrics count it all.
fx_boot 52:54:00:99:99:99 | grep -q "unknown client" || fail "unknown client"
fixctl client list --json | grep -q '"discovered": true' || fail "not discovered"
fixctl client add 52:54:00:99:99:99 --name found1 >/dev/null || fail "adopt a discovered client"
[ "$(fixctl client show found1 --json | fx_json '$.discovered')" = 0 ] || fail "still discovered"
fixctl client add 52:54:00:99:99:99 2>/dev/null && fail "client added twice"
curl -sf --unix-socket "$SOCK" http://x/metrics | grep -q '^fixnet_boots_total{decision="quarantine"} 4$' ||
	fail "metrics"
metrics=$(curl -sf --unix-socket "$SOCK" http://x/metrics) || fail "metrics"
commits=$(sed -n 's/^fixnet_db_commits_total //p' <<<"$metrics")
waiters=$(sed -n 's/^fixnet_db_commit_waiters_total //p' <<<"$metrics")
[ "${commits:-0}" -gt 0 ] && [ "${waiters:-0}" -ge "$commits" ] ||
	fail "group commit metrics: $commits commits, $waiters waiters"
grep -q '^fixnet_db_commit_seconds_total [0-9.]*$' <<<"$metrics" || fail "commit time metric"
fixctl events --client pc1 --limit 5 >/dev/null || fail "events"

# TCP admin: only with the bearer token; a refused upload is not stored.
AURL=http://127.0.0.1:$APORT
[ "$(curl -s -o /dev/null -w '%{http_code}' "$AURL/admin/v1/clients")" = 401 ] ||
	fail "TCP admin without a token"
[ "$(curl -s -o /dev/null -w '%{http_code}' -H 'Authorization: Bearer wrong-token-0123456789' \
	"$AURL/admin/v1/clients")" = 401 ] || fail "TCP admin with a wrong token"
curl -sf -H "Authorization: Bearer $(cat "$T/token")" "$AURL/admin/v1/clients" |
	grep -q '"name":"pc1"' || fail "TCP admin with the token"
[ "$(curl -s -o /dev/null -w '%{http_code}' --data-binary "@$T/av2.fix" "$AURL/admin/v1/fixes")" = 401 ] ||
	fail "TCP upload without a token"
[ "$(curl -s -o /dev/null -w '%{http_code}' "$URL/admin/v1/clients")" = 404 ] ||
	fail "admin API on the public listener"
[ -z "$(ls -A "$T/state/fixes" | grep upload)" ] || fail "refused upload stored"
ok "TCP admin with a bearer token"
fixctl status >/dev/null || fail "status"
fx_stop
echo "PASS"
