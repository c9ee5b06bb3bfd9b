#!/bin/bash
# docs/fixsrv.conf.example: `fixsrv -n` finds no syntax error in it, and
# accepts it whole once its paths and user point at what exists here; the
# example names every option fixsrv knows (and nothing else).
. server/test/lib.sh

EX=docs/fixsrv.conf.example
[ -f "$EX" ] || fail "$EX is missing"
# As shipped: only complaints about this machine (no fixnet user, no
# /etc/fixnet/keys, ...) are allowed, never one about a line.
"$FIXSRV" -n -f "$EX" > "$T/out" 2>&1
if grep -q "$EX:[0-9]" "$T/out"; then
	cat "$T/out" >&2
	fail "syntax errors in $EX"
fi
# Pointed at this machine: fully good.
sed -e "s|^state_dir = .*|state_dir = $T/state|" \
	-e "s|^boot_dir = .*|boot_dir = $T/os|" \
	-e "s|^script_dir = .*|script_dir = $PWD/ipxe-scripts|" \
	-e "s|^keys_dir = .*|keys_dir = $T/keys|" \
	-e "s|^user = .*|user = $FX_USER|" \
	-e "s|^admin_socket = .*|admin_socket = $T/run/admin.sock|" \
	-e "s|^#admin_listen|admin_listen|" -e "s|^#admin_token_file = .*|admin_token_file = $T/token|" \
	-e "s|^#wol_broadcast|wol_broadcast|" \
	-e "s|^#dhcp_hosts_dir = .*|dhcp_hosts_dir = $T/state|" "$EX" > "$T/conf"
printf 'abcdefghijklmnopqrstuvwxyz012345\n' > "$T/token"
"$FIXSRV" -n -f "$T/conf" 2>&1 | grep -q "configuration OK" ||
	fail "fixsrv -n refuses the example: $("$FIXSRV" -n -f "$T/conf" 2>&1)"
# Every option documented, each once: the keys of the example are those
# fixsrv accepts (an unknown key fails -n above).
keys=$(sed -n 's/^#\{0,1\}\([a-z_]*\) = .*/\1/p' "$EX" | LC_ALL=C sort -u | tr '\n' ' ')
want="admin_listen admin_socket admin_token_file agent_url boot_dir boot_retries dhcp_hosts_dir kernel_args keys_dir listen log_level max_boots max_connections public_url script_dir state_dir threads tls_cert tls_key tls_listen token_ttl user wol_broadcast wol_global_per_sec wol_group_interval_ms wol_trailer "
[ "$keys" = "$want" ] || fail "options in the example: $keys"
# An https agent_url with no tls_listen of fixsrv's own: accepted, with a warning.
sed 's|^#agent_url|agent_url|' "$T/conf" > "$T/https.conf"
"$FIXSRV" -n -f "$T/https.conf" > "$T/out" 2>&1 || fail "fixsrv -n refuses agent_url alone: $(cat "$T/out")"
grep -q "agent_url is https but tls_listen is not set" "$T/out" || fail "no warning for agent_url without tls_listen"
# -n reports each bad line with its number.
printf 'public_url = http://x\nmax_boots = many\nbogus = 1\n' > "$T/bad.conf"
"$FIXSRV" -n -f "$T/bad.conf" > "$T/out" 2>&1; rc=$?
[ $rc = 100 ] || fail "fixsrv -n on a bad file: exit $rc"
grep -q "bad.conf:2: not a number in range" "$T/out" && grep -q "bad.conf:3: unknown option" "$T/out" ||
	fail "errors without line numbers: $(cat "$T/out")"
echo "PASS"
