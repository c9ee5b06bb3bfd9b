# shellcheck shell=bash
# The real fixd against the real fixsrv (sourced after lib.sh by the
# integ-fixd-*.sh tests): fx_agent_session TARGET runs one quarantine
# session for client pc1 and checks what the inventory and the next boot
# say afterwards.

[ -x "$FIXD" ] || fail "$FIXD is not built"
MAC=52:54:00:12:34:56

fx_agent_setup() {
	fx_start
	fx_key
	fx_bundle av-defs 1 "$T/av.fix"
	fixctl client add $MAC --name pc1 --group lab1 >/dev/null || fail "client add"
	fixctl fix add "$T/av.fix" >/dev/null || fail "fix add"
	fixctl assign av-defs --client pc1 >/dev/null || fail "assign"
}

# fx_agent_session TARGET: boot, run fixd apply onto TARGET, check.
fx_agent_session() {
	local tok rc
	tok=$(fx_boot $MAC | fx_token)
	[ ${#tok} = 64 ] || fail "no quarantine script"
	mkdir -p "$T/work"
	"$FIXD" apply --server "$URL" --token "$tok" --mac $MAC --target "$1" \
		--keys "$T/keys" --work-dir "$T/work" > "$T/fixd.log" 2>&1
	rc=$?
	[ $rc = 0 ] || { cat "$T/fixd.log" >&2; fail "fixd apply exited $rc"; }
	[ "$(fixctl status av-defs --json | fx_json '$.clients[0].state')" = applied ] ||
		fail "inventory does not say applied"
	fixctl client show pc1 --json > "$T/show"
	[ "$(fx_json '$.reports[0].result' < "$T/show")" = applied ] || fail "no report"
	[ "$(fx_json '$.reports[0].evidence[0].path' < "$T/show")" = etc/av/defs.dat ] ||
		fail "no evidence"
	[ "$(fx_json '$.reports[0].evidence[0].after' < "$T/show")" = \
	  "$(sha256sum < "$T/defs-av-defs-1.dat" | cut -d' ' -f1)" ] || fail "evidence hash"
	fixctl events --client pc1 | grep -q " log " || fail "log not stored"
	[ "$(fx_code GET /api/v1/plan -H "Authorization: Bearer $tok" \
		-H "X-Fixnet-Client: $MAC")" = 403 ] || fail "token not spent"
	fx_boot $MAC | grep -q "local boot (no fix pending)" || fail "next boot not local"
}
