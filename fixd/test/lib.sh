# Shared by fixd's integration scripts (sourced).  A scratch directory $W,
# a test server serving $W/srv, keys in $W/keys, targets, and helpers to
# publish bundles, run fixd and compare trees.
set -u

B=${B:-${FIXNET_BUILD:-build}}
FIXD=$B/bin/fixd
FIXCTL=$B/bin/fixctl
TESTSRV=$B/host/fixd/test/testsrv
TOKEN=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
MAC=52:54:00:12:34:56
SRV_PID=

skip() { echo "SKIPPED: $*"; exit 77; }
fail() { echo "FAIL: $*"; [ -f "$W/fixd.err" ] && sed 's/^/  fixd: /' "$W/fixd.err" | tail -20; exit 1; }
pass() { echo "ok - $*"; }

for p in "$FIXD" "$FIXCTL" "$TESTSRV"; do
	[ -x "$p" ] || fail "$p is not built (make check-integration builds it)"
done

W=$(mktemp -d "${TMPDIR:-/tmp}/fixd-integ.XXXXXX")
mkdir -p "$W/srv/fixes" "$W/keys" "$W/work"
cleanup_extra() { :; }
cleanup() {
	[ -n "$SRV_PID" ] && kill "$SRV_PID" 2>/dev/null && wait "$SRV_PID" 2>/dev/null
	cleanup_extra
	rm -rf "$W"
}
trap cleanup EXIT

# start_srv [FAULT...]: serve $W/srv; sets URL.  Faults as testsrv --fault.
start_srv() {
	local args=() f
	stop_srv
	for f in "$@"; do args+=(--fault "$f"); done
	rm -f "$W/port" && rm -rf "$W/srv/record"
	"$TESTSRV" --dir "$W/srv" --token "$TOKEN" --client "$MAC" \
		--port-file "$W/port" "${args[@]+"${args[@]}"}" &
	SRV_PID=$!
	for _ in $(seq 100); do [ -s "$W/port" ] && break; sleep 0.05; done
	[ -s "$W/port" ] || fail "testsrv did not start"
	URL=http://127.0.0.1:$(cat "$W/port")
}

stop_srv() {
	[ -n "$SRV_PID" ] && kill "$SRV_PID" 2>/dev/null && wait "$SRV_PID" 2>/dev/null
	SRV_PID=
}

# new_key NAME: an unencrypted key pair $W/NAME, $W/NAME.pub
new_key() { "$FIXCTL" key gen -o "$W/$1" --no-password >/dev/null || fail "key gen"; }

# trust NAME: put $W/NAME.pub in fixd's keys directory
trust() { cp "$W/$1.pub" "$W/keys/$1.pub"; }

sha() { sha256sum "$1" | cut -d' ' -f1; }

# publish ID FILE [SIGFILE]: serve FILE as fix ID and plan it alone
# (PLAN_SHA overrides the hash the plan gives, PLAN_SERIAL the serial)
publish() {
	local id=$1 f=$2 sig=${3:-$2.minisig} serial
	cp "$f" "$W/srv/fixes/$id.fix"
	cp "$sig" "$W/srv/fixes/$id.fix.minisig"
	serial=${PLAN_SERIAL:-$("$FIXCTL" bundle show "$f" 2>/dev/null |
		sed -n 's/^serial: *//p')}
	serial=${serial:-1}
	printf '{"version": 1, "client": "%s", "expires": 4102444800, "fixes": [{"id": "%s", "serial": %s, "bundle": {"url": "/api/v1/fix/%s/bundle", "size": %s, "sha256": "%s"}, "signature": {"url": "/api/v1/fix/%s/signature", "size": %s}}]}\n' \
		"$MAC" "$id" "$serial" "$id" "$(stat -c %s "$f")" \
		"${PLAN_SHA:-$(sha "$f")}" "$id" "$(stat -c %s "$sig")" \
		> "$W/srv/plan.json"
}

# run_fixd TARGET [OPTION...]: one session; sets RC, stderr in $W/fixd.err
run_fixd() {
	local target=$1; shift
	"$FIXD" apply --server "$URL" --token "$TOKEN" --mac "$MAC" \
		${target:+--target "$target"} --keys "$W/keys" --work-dir "$W/work" \
		--retries 3 --retry-delay 20 "$@" 2> "$W/fixd.err"
	RC=$?
}

# snapshot DIR: every entry with type, mode, owner, size, mtime, link
# target, and the SHA-256 of every file
snapshot() {
	(cd "$1" && find . -printf '%p %y %m %U:%G %s %T@ %l\n' | LC_ALL=C sort &&
		find . -type f -print0 | LC_ALL=C sort -z | xargs -0 -r sha256sum)
}

# expect_unchanged DIR BEFORE-FILE WHAT
expect_unchanged() {
	snapshot "$1" > "$W/after.snap"
	cmp -s "$2" "$W/after.snap" || {
		diff "$2" "$W/after.snap" | head -20
		fail "$3: the target changed"
	}
}

# report N: the Nth report the server received (compact JSON)
report() { cat "$W/srv/record/report.$1.json" 2>/dev/null; }

# expect_report N TEXT WHAT: report N contains TEXT
expect_report() {
	report "$1" | grep -qF -- "$2" || { report "$1"; echo; fail "$3: report lacks $2"; }
}

# flip_bit FILE OFFSET: flip the lowest bit of one byte in place
flip_bit() {
	local b
	b=$(od -An -tu1 -j "$2" -N1 "$1" | tr -d ' ')
	printf "$(printf '\\%03o' $((b ^ 1)))" |
		dd of="$1" bs=1 seek="$2" conv=notrunc status=none
}

# offset_of FILE TEXT: byte offset of the first TEXT in FILE
offset_of() { grep -obUaF -- "$2" "$1" | head -1 | cut -d: -f1; }
