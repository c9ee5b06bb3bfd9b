#!/bin/bash
# A fix whose hook fails: the real fixd rolls the fix back and reports it
# failed, and fixsrv's events (fixctl events) say why in the hook's own
# words: the report's reason ends with the tail of the hook's output.
. server/test/lib.sh
. server/test/fixdrun.sh

fx_start
fx_key
printf 'new definitions\n' > "$T/defs.dat"
cat > "$T/check.sh" <<'HOOK'
echo "checking the AV engine"
echo "engine.lock held by pid 4242: cannot update" >&2
exit 3
HOOK
"$FIXCTL" bundle create --id av-defs --serial 1 --put "$T/defs.dat=etc/av/defs.dat:0644" \
	--hook "$T/check.sh:30" -o "$T/av.fix" >/dev/null || fail "bundle create"
"$FIXCTL" bundle sign --key "$KEY" "$T/av.fix" >/dev/null || fail "bundle sign"
fixctl client add $MAC --name pc1 >/dev/null || fail "client add"
fixctl fix add "$T/av.fix" >/dev/null || fail "fix add"
fixctl assign av-defs --client pc1 >/dev/null || fail "assign"

mkdir -p "$T/target/etc/av" "$T/work"
echo "old definitions" > "$T/target/etc/av/defs.dat"
TOK=$(fx_boot $MAC | fx_token)
"$FIXD" apply --server "$URL" --token "$TOK" --mac $MAC --target "$T/target" \
	--keys "$T/keys" --work-dir "$T/work" > "$T/fixd.log" 2>&1 ||
	{ cat "$T/fixd.log" >&2; fail "fixd apply exited $?"; }
echo "old definitions" | cmp -s - "$T/target/etc/av/defs.dat" || fail "not rolled back"
[ "$(fixctl status av-defs --json | fx_json '$.clients[0].state')" = failed ] ||
	fail "the pair is not failed"
fixctl events --client pc1 --fix av-defs --json > "$T/events"
msg=$(sqlite3 :memory: "SELECT json_extract(value, '\$.message') FROM json_each(readfile('$T/events'))
	WHERE json_extract(value, '\$.kind') = 'report'")
echo "report event: $msg"
case $msg in
*"hook exited with status 3"*"; hook output: checking the AV engine engine.lock held by pid 4242: cannot update") ;;
*) fail "the report event does not end with the hook's output" ;;
esac
fixctl events --client pc1 | grep -q "engine.lock held by pid 4242" || fail "fixctl events text"
fx_stop
echo "PASS"
