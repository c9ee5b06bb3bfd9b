#!/bin/bash
# fixd's downloads against a fix server that fails: the test server as a
# process, killed (SIGKILL) mid-body and started again on the same port;
# 20 restarts during one download; a bundle file rewritten while the
# server was away (new ETag: restart from zero); endless data after the
# bundle (cut at the declared size); a server below the minimum rate
# (--speed-limit/--speed-time) and one too slow for the deadline
# (--deadline).  Every download that ends must end in a verified bundle.
. "$(dirname "$0")/lib.sh"

B_PATH=/api/v1/fix/dl/bundle
mkdir -p "$W/src" "$W/target"
head -c 2500000 /dev/urandom > "$W/src/big.dat"
new_key pub
trust pub
"$FIXCTL" bundle create --id dl --serial 1 --put "$W/src/big.dat=big.dat" \
	-o "$W/dl.fix" >/dev/null && "$FIXCTL" bundle sign --key "$W/pub" "$W/dl.fix" >/dev/null ||
	fail "bundle"
publish dl "$W/dl.fix"
SIZE=$(stat -c %s "$W/dl.fix")

# serve [FAULT...]: (re)start the server on $PORT once it is known, keeping
# what it recorded so far
PORT=
serve() {
	local args=() f
	for f in "$@"; do args+=(--fault "$f"); done
	rm -f "$W/port"
	"$TESTSRV" --dir "$W/srv" --token "$TOKEN" --client "$MAC" \
		--port-file "$W/port" ${PORT:+--port "$PORT"} "${args[@]+"${args[@]}"}" &
	SRV_PID=$!
	for _ in $(seq 200); do [ -s "$W/port" ] && break; sleep 0.01; done
	[ -s "$W/port" ] || fail "testsrv did not start"
	PORT=$(cat "$W/port")
	URL=http://127.0.0.1:$PORT
}

# crash: SIGKILL the server, as a power cut or an OOM kill would
crash() {
	kill -KILL "$SRV_PID" && wait "$SRV_PID" 2>/dev/null
	SRV_PID=
}

# fresh: a new record and target for the next case
fresh() {
	stop_srv
	rm -rf "$W/srv/record" "$W/target" && mkdir "$W/target"
}

# fixd_bg [OPTION...]: fixd in the background; FIXD_PID
fixd_bg() {
	"$FIXD" apply --server "$URL" --token "$TOKEN" --mac "$MAC" --target "$W/target" \
		--keys "$W/keys" --work-dir "$W/work" "$@" 2> "$W/fixd.err" &
	FIXD_PID=$!
}

# wait_bundle: until the bundle's first request reached the server
wait_bundle() {
	for _ in $(seq 500); do
		grep -q "GET $B_PATH" "$W/srv/record/requests" 2>/dev/null && return
		sleep 0.01
	done
	fail "fixd never asked for the bundle"
}

# verified WHAT: fixd ended 0 with the bundle verified and applied
verified() {
	wait "$FIXD_PID"
	RC=$?
	[ $RC -eq 0 ] || fail "$1: fixd exit $RC"
	grep -q "signature good" "$W/fixd.err" || fail "$1: bundle not verified"
	expect_report 1 '"result":"applied"' "$1"
	cmp -s "$W/src/big.dat" "$W/target/big.dat" || fail "$1: bytes on the target"
}

# resumes: GETs of the bundle that asked for a range
resumes() { grep -c "GET $B_PATH range=bytes=[1-9]" "$W/srv/record/requests"; }

# The server killed mid-body, then back: Range resume.
fresh
serve "$B_PATH:slow=2000000:100"
t0=$(date +%s.%N)
fixd_bg --retries 8 --retry-delay 50
wait_bundle
sleep 0.5
crash
sleep 0.3
serve "$B_PATH:slow=2000000:100"
verified "server killed mid-body"
[ "$(resumes)" -ge 1 ] || fail "server killed mid-body: no Range request"
grep -q " 206 bytes [1-9]" "$W/srv/record/answers" || fail "no 206 after the restart"
pass "server killed mid-body and restarted: resumed with Range, bundle verified ($(printf '%.1f' "$(echo "$(date +%s.%N) - $t0" | bc)") s)"

# 20 restarts during one download.
fresh
serve "$B_PATH:slow=400000:1000"
t0=$(date +%s.%N)
fixd_bg --retries 8 --retry-delay 50
wait_bundle
for i in $(seq 20); do
	sleep 0.25
	kill -0 "$FIXD_PID" 2>/dev/null || fail "the download ended after $((i - 1)) restarts"
	crash
	sleep 0.05
	serve "$B_PATH:slow=400000:1000"
done
verified "20 restarts"
n=$(resumes)
[ "$n" -ge 20 ] || fail "20 restarts: only $n resumed requests"
[ "$(grep -c "GET $B_PATH range=-" "$W/srv/record/requests")" -eq 1 ] ||
	fail "20 restarts: the download started again from zero"
pass "20 server restarts during one download of $SIZE bytes: $n resumes, one start, bundle verified ($(printf '%.1f' "$(echo "$(date +%s.%N) - $t0" | bc)") s)"

# The bundle file rewritten while the server was away (same bytes, new
# inode: a new ETag): the resume asks If-Range, gets the whole file.
fresh
serve "$B_PATH:slow=2000000:100"
fixd_bg --retries 8 --retry-delay 50
wait_bundle
sleep 0.5
crash
cp "$W/srv/fixes/dl.fix" "$W/srv/fixes/dl.fix.new" && mv "$W/srv/fixes/dl.fix.new" "$W/srv/fixes/dl.fix"
serve
verified "bundle rewritten"
grep -q "GET $B_PATH range=bytes=[1-9][0-9]*- if-range=\"" "$W/srv/record/requests" ||
	fail "bundle rewritten: no resume asked"
[ "$(grep -c "^GET $B_PATH 200" "$W/srv/record/answers")" -eq 2 ] ||
	fail "bundle rewritten: the server did not send it whole again"
pass "bundle rewritten while the server was away: new ETag, restarted from zero, verified"

# Endless data after the bundle: cut at the declared size, verified.
fresh
serve "$B_PATH:endless"
fixd_bg
verified "endless body"
grep -q "cut there" "$W/fixd.err" || fail "endless body: not cut"
pass "endless data after the bundle: cut at the declared size, verified"

# Below the minimum rate: that attempt aborted after --speed-time, resumed.
fresh
serve "$B_PATH:slow=20000"
t0=$(date +%s)
fixd_bg --speed-limit 100000 --speed-time 1 --retry-delay 50
verified "slow server"
grep -q "too slow" "$W/fixd.err" || fail "slow server: no low-speed abort"
[ "$(resumes)" -ge 1 ] || fail "slow server: not resumed"
pass "a server below --speed-limit for --speed-time: aborted, resumed, verified ($(( $(date +%s) - t0 )) s)"

# Too slow for the deadline: exit 111 at the deadline, the log not sent.
fresh
serve "$B_PATH:slow=100000:100"
t0=$(date +%s)
fixd_bg --deadline 2 --retry-delay 50
wait "$FIXD_PID"
RC=$?
t=$(( $(date +%s) - t0 ))
[ $RC -eq 111 ] || fail "deadline: exit $RC, want 111"
[ $t -le 6 ] || fail "deadline: took $t s"
grep -q "deadline of 2 s" "$W/fixd.err" || fail "deadline: not said"
! grep -q "POST /api/v1/log" "$W/srv/record/requests" || fail "deadline: log uploaded"
pass "a download slower than --deadline 2: exit 111 after $t s"
