#!/bin/bash
# Bad input, each answered with a clear 4xx (or, for /boot.ipxe, a
# local-boot script) and no change to the inventory: the inventory is
# dumped before and after and must be identical.  Boot tokens: a spent
# (replayed) token, one revoked by a newer boot of its client, client A's
# token presented for client B (and for a MAC the inventory does not know),
# and an expired one are refused by every agent endpoint with 403 and the
# reason docs/protocol.md gives; expiry is checked by restarting fixsrv with
# its clock moved past token_ttl (libfaketime).
. server/test/lib.sh

FAKETIME_LIB=$(compgen -G '/usr/lib/*/faketime/libfaketimeMT.so.1' | head -n 1)
[ -n "$FAKETIME_LIB" ] || fail "libfaketime is missing (faketime in deps/packages.txt)"
# faketime_start SECONDS: fx_start with fixsrv's clock moved ahead (fixsrv
# itself, not a wrapper process, gets the pid and SIGTERM).  libfaketime
# makes a semaphore and a shared memory object named after the pid, which
# fixsrv, no longer root, cannot remove: the cleanup does.
faketime_start() {
	FX_WRAP="env LD_PRELOAD=$FAKETIME_LIB FAKETIME=+$1" fx_start
	FX_CLEANUP+=("rm -f /dev/shm/faketime_shm_$FX_PID /dev/shm/sem.faketime_sem_$FX_PID")
}
MAC_A=52:54:00:00:00:0a
MAC_B=52:54:00:00:00:0b
MAC_X=52:54:00:00:00:ee		# in no inventory
TTL=60				# the shortest token_ttl fixsrv takes
fx_config "token_ttl = $TTL"
fx_start
fx_key
fx_bundle av-defs 1 "$T/av.fix"
fixctl client add $MAC_A --name pc1 --group lab1 >/dev/null || fail "client add"
fixctl client add $MAC_B --name pc2 --group lab1 >/dev/null || fail "client add"
fixctl fix add "$T/av.fix" >/dev/null || fail "fix add"
fixctl assign av-defs --all >/dev/null || fail "assign"
TA1=$(fx_boot $MAC_A | fx_token)		# revoked by the next boot
TA2=$(fx_boot $MAC_A | fx_token)		# spent by its log below
TB=$(fx_boot $MAC_B | fx_token)		# active
[ ${#TA1} = 64 ] && [ ${#TA2} = 64 ] && [ ${#TB} = 64 ] || fail "tokens"
[ "$(fx_code POST /api/v1/log -H "Authorization: Bearer $TA2" \
	-H "X-Fixnet-Client: $MAC_A" --data-binary done)" = 204 ] || fail "log"
TA3=$(fx_boot $MAC_A | fx_token)		# active: A's current token
[ ${#TA3} = 64 ] || fail "token TA3"
# TA3 works for A (so that its refusals below are the client's doing), and
# its plan expires token_ttl after now
now=$(date +%s)
plan=$(curl -sf -H "Authorization: Bearer $TA3" -H "X-Fixnet-Client: $MAC_A" \
	"$URL/api/v1/plan") || fail "plan with A's own token"
exp=$(echo "$plan" | fx_json '$.expires')
[ $((exp - now)) -ge $((TTL - 5)) ] && [ $((exp - now)) -le $TTL ] ||
	fail "plan expires $((exp - now)) s from now, token_ttl is $TTL"
# a second key that fixsrv does not trust
"$FIXCTL" key gen --no-password -o "$T/pub/other" >/dev/null || fail "key gen"
cp "$T/av.fix" "$T/untrusted.fix"
"$FIXCTL" bundle sign --key "$T/pub/other" "$T/untrusted.fix" >/dev/null || fail "sign"
head -c $((4 * 1024 * 1024 + 1)) /dev/zero | tr '\0' ' ' > "$T/big"
printf 'x%.0s' $(seq 65536) > "$T/hdr"

fx_dump "$T/before.sql"
n=0
# expect CODE METHOD PATH [curl args]: the status must be CODE
expect() {
	local want=$1 got
	shift
	got=$(fx_code "$@")
	[ "$got" = "$want" ] || fail "$2 $*: got $got, want $want"
	n=$((n + 1))
}
# expect4xx METHOD PATH [curl args]: any 4xx
expect4xx() {
	local got
	got=$(fx_code "$@")
	case $got in 4??) ;; *) fail "$*: got $got, want a 4xx" ;; esac
	n=$((n + 1))
}
# boot_local QUERY: a local-boot script, never an error page
boot_local() {
	local out
	out=$(curl -s -w '\n%{http_code}' "$URL/boot.ipxe?$1")
	[ "$(tail -n 1 <<<"$out")" = 200 ] || fail "boot.ipxe?$1: not 200"
	grep -q '^#!ipxe' <<<"$out" && grep -q 'malformed request' <<<"$out" ||
		fail "boot.ipxe?${1:0:60}: not a local-boot script"
	n=$((n + 1))
}
AUTH_B=(-H "Authorization: Bearer $TB" -H "X-Fixnet-Client: $MAC_B")
# Every agent endpoint, each with a body a valid token would have accepted.
AGENT_EPS=("GET /api/v1/plan" "GET /api/v1/fix/av-defs/bundle"
	"GET /api/v1/fix/av-defs/signature"
	'POST /api/v1/event {"fix":"av-defs","state":"downloading"}'
	'POST /api/v1/report {"fix":"av-defs","serial":1,"result":"applied","evidence":[]}'
	"POST /api/v1/log fixd: done")
# refused_everywhere CODE WHY TOKEN MAC: each endpoint answers CODE, with
# an error that says WHY, to TOKEN presented for MAC
refused_everywhere() {
	local want=$1 why=$2 ep m p body got
	for ep in "${AGENT_EPS[@]}"; do
		read -r m p body <<<"$ep"
		got=$(curl -s -o "$T/answer" -w '%{http_code}' -X "$m" \
			-H "Authorization: Bearer $3" -H "X-Fixnet-Client: $4" \
			${body:+--data-binary "$body"} "$URL$p")
		[ "$got" = "$want" ] || fail "$m $p, token ${3:0:8}.. for $4: got $got, want $want"
		grep -qF "$why" "$T/answer" ||
			fail "$m $p, token ${3:0:8}.. for $4: '$(cat "$T/answer")' does not say '$why'"
		n=$((n + 1))
	done
}

# /boot.ipxe: malformed and oversized queries, SQL in values
boot_local "mac=zz"
boot_local "mac=52:54:00:00:00:0a%27;DROP%20TABLE%20clients;--"
boot_local "mac=ff:ff:ff:ff:ff:ff&platform=efi"
boot_local "mac=$MAC_A&uuid=not-a-uuid"
boot_local "mac=$MAC_A&arch=%0Ashell"
boot_local "mac=$(printf 'a%.0s' $(seq 3000))"
boot_local "uuid=&arch=x86_64"
expect4xx GET "/boot.ipxe?mac=$(printf 'a%.0s' $(seq 40000))"
expect4xx GET /boot.ipxe -H "X-Big: $(cat "$T/hdr")"
expect 405 POST /boot.ipxe --data-binary x
# paths: .. and unknown names
expect 400 GET /os/../../etc/passwd --path-as-is
expect 400 GET /api/v1/fix/../../../etc/passwd/bundle --path-as-is "${AUTH_B[@]}"
expect 404 GET /os/passwd
expect 404 GET /api/v1/fix/av-defs/manifest "${AUTH_B[@]}"
expect4xx GET "/api/v1/fix/a%2Fb/bundle" "${AUTH_B[@]}"
expect 404 GET /nothing/here
# tokens: none, unknown, malformed client header
expect 401 GET /api/v1/plan
expect 401 GET /api/v1/plan -H "Authorization: Bearer $(printf '0%.0s' $(seq 64))" -H "X-Fixnet-Client: $MAC_B"
expect 401 GET /api/v1/plan -H "Authorization: Bearer ' OR 1=1 --" -H "X-Fixnet-Client: $MAC_B"
expect 400 GET /api/v1/plan -H "Authorization: Bearer $TB" -H "X-Fixnet-Client: zz"
# tokens refused by every agent endpoint, each request one the token's
# owner would have had accepted: replayed after its log (spent), revoked by
# a newer boot, A's for B (B's MAC in either spelling), A's for a MAC no
# one has, B's for A
refused_everywhere 403 "already spent" "$TA2" $MAC_A
refused_everywhere 403 "revoked by a newer boot" "$TA1" $MAC_A
refused_everywhere 403 "another client" "$TA3" $MAC_B
refused_everywhere 403 "another client" "$TA3" 52-54-00-00-00-0B
refused_everywhere 403 "another client" "$TA3" $MAC_X
refused_everywhere 403 "another client" "$TB" $MAC_A
# bodies: invalid JSON, over the limit, fix not in the plan, bad state
expect 400 POST /api/v1/report "${AUTH_B[@]}" --data-binary '{"fix": "av-defs", '
expect 400 POST /api/v1/report "${AUTH_B[@]}" --data-binary '{"fix":"av-defs","serial":1,"result":"done","evidence":[]}'
expect 413 POST /api/v1/report "${AUTH_B[@]}" --data-binary "@$T/big"
expect 403 POST /api/v1/report "${AUTH_B[@]}" --data-binary '{"fix":"other","serial":1,"result":"applied","evidence":[]}'
expect 400 POST /api/v1/event "${AUTH_B[@]}" --data-binary '{"fix":"av-defs","state":"applied"}'
expect 403 POST /api/v1/event "${AUTH_B[@]}" --data-binary '{"fix":"zz-other","state":"applying"}'
expect 413 POST /api/v1/log "${AUTH_B[@]}" --data-binary "@$T/big"

# admin API: invalid MACs, SQL metacharacters in names, invalid JSON
A=(--unix-socket "$SOCK")
aexpect() {
	local want=$1 got
	shift
	got=$(curl -s -o /dev/null -w '%{http_code}' "${A[@]}" -X "$1" "${@:3}" "http://x$2")
	[ "$got" = "$want" ] || fail "admin $*: got $got, want $want"
	n=$((n + 1))
}
aexpect 400 POST /admin/v1/clients --data-binary '{"mac":"52:54:00:00:00"}'
aexpect 400 POST /admin/v1/clients --data-binary '{"mac":"01:00:5e:00:00:01"}'
aexpect 400 POST /admin/v1/clients --data-binary "{\"mac\":\"52:54:00:00:00:0c\",\"name\":\"pc3'); DROP TABLE clients;--\"}"
aexpect 409 POST /admin/v1/clients --data-binary '{"mac":"52:54:00:00:00:0c","name":"pc1"}'
aexpect 400 POST /admin/v1/clients --data-binary '{"mac": 5'
aexpect 400 POST /admin/v1/groups --data-binary "{\"name\":\"lab'; DELETE FROM groups;--\"}"
aexpect 400 POST /admin/v1/import --data-binary "{\"format\":\"ethers\",\"text\":\"52:54:00:00:00:0d ok\\n52:54:00:00:00 bad\\n\"}"
aexpect 404 POST /admin/v1/assign --data-binary '{"fix":"nope","all":true}'
aexpect 404 POST /admin/v1/assign --data-binary '{"fix":"av-defs","clients":["52:54:00:00:00:ee"]}'
aexpect 400 POST /admin/v1/assign --data-binary '{"fix":"av-defs","all":true,"group":"lab1"}'
aexpect 409 POST /admin/v1/wake --data-binary '{"pending":true}'
aexpect 400 GET "/admin/v1/clients/x%27%3B--"
aexpect 404 GET /admin/v1/clients/nobody
aexpect 400 GET "/admin/v1/events?limit=abc"
aexpect 400 GET /admin/v1/clients/.. --path-as-is
aexpect 400 POST /admin/v1/fixes --data-binary "@$T/av.fix"
# signed by a key fixsrv does not trust; a body its signature does not cover
aexpect 403 POST /admin/v1/fixes --data-binary "@$T/untrusted.fix" \
	-H "X-Fixnet-Signature: $(base64 -w0 "$T/untrusted.fix.minisig")"
aexpect 403 POST /admin/v1/fixes --data-binary "@$T/av.fix.minisig" \
	-H "X-Fixnet-Signature: $(base64 -w0 "$T/av.fix.minisig")"
aexpect 404 GET /api/v1/plan		# agent paths are not on the admin socket

# fixctl's exit codes: usage 1, refused 100, unreachable 111
fixctl client add zz 2>/dev/null; [ $? = 100 ] || fail "fixctl refused: exit not 100"
fixctl client add 2>/dev/null; [ $? = 1 ] || fail "fixctl usage: exit not 1"
"$FIXCTL" --socket "$T/none.sock" client list 2>/dev/null; [ $? = 111 ] ||
	fail "fixctl unreachable: exit not 111"
fixctl fix add "$T/untrusted.fix" 2>/dev/null; [ $? = 100 ] || fail "untrusted fix: exit not 100"
# fixsrv's: --help 0 (the usage on stdout), a bad option or argument 1
"$FIXSRV" --help | grep -q -- "--config CONFIG" || fail "fixsrv --help"
"$FIXSRV" --no-such-option 2>/dev/null; [ $? = 1 ] || fail "fixsrv bad option: exit not 1"
"$FIXSRV" stray 2>/dev/null; [ $? = 1 ] || fail "fixsrv stray argument: exit not 1"

fx_dump "$T/after.sql"
diff -u "$T/before.sql" "$T/after.sql" || fail "the inventory changed"
ls "$T/state/fixes" | grep -q upload && fail "an upload was left behind"
kill -0 "$FX_PID" || fail "fixsrv died"
ok "$n bad requests refused, inventory unchanged"

# Expiry: TB and TA3 were issued with token_ttl = 60.  fixsrv restarted
# with its clock 30 s ahead still takes TB (a restart keeps tokens); 90 s
# ahead, every endpoint refuses both as expired, and the inventory stays.
fx_stop
faketime_start $((TTL / 2))
[ "$(fx_code GET /api/v1/plan "${AUTH_B[@]}")" = 200 ] ||
	fail "TB refused $((TTL / 2)) s after it was issued"
fx_stop
faketime_start $((TTL + 30))
fx_dump "$T/before.sql"
n=0
refused_everywhere 403 "expired" "$TB" $MAC_B
refused_everywhere 403 "expired" "$TA3" $MAC_A
fx_dump "$T/after.sql"
diff -u "$T/before.sql" "$T/after.sql" || fail "the inventory changed (expired tokens)"
fx_stop
echo "PASS: expired tokens refused ($n requests), inventory unchanged"
