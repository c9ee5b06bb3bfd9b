#!/bin/bash
# fixd over https.  fixsrv serves the agents' API on a TLS listener too
# (tls_listen, tls_cert, tls_key: a certificate of a test CA), and its
# quarantine script hands fixd agent_url (https) while iPXE keeps the plain
# HTTP public_url.  fixd with that CA (--ca) applies the fix over https;
# fixd with another CA, or with no CA file, is refused before it sends its
# token (exit 100) and writes nothing; the token stays unspent.
. server/test/lib.sh
. server/test/fixdrun.sh

server/test/make-test-ca "$T/tls" 127.0.0.1 || fail "make-test-ca"
TPORT=$(fx_port)
AGENT=https://127.0.0.1:$TPORT
fx_config "tls_listen = 127.0.0.1:$TPORT" "tls_cert = $T/tls/server.pem" \
	"tls_key = $T/tls/server.key" "agent_url = $AGENT/"
"$FIXSRV" -n -f "$T/fixsrv.conf" > "$T/check" 2>&1 || { cat "$T/check"; fail "fixsrv -n"; }
fx_agent_setup
mkdir -p "$T/target/etc/av" "$T/work"
echo "old definitions" > "$T/target/etc/av/defs.dat"
cp -a "$T/target" "$T/before"

script=$(fx_boot $MAC) || fail "boot.ipxe"
grep -q "^kernel .*$URL/os/vmlinuz .*fixsrv=$AGENT fixtoken=" <<<"$script" ||
	fail "the quarantine script does not give iPXE public_url and fixd agent_url: $script"
tok=$(fx_token <<<"$script")
curl -sf --cacert "$T/tls/ca.pem" -o /dev/null "$AGENT/boot.ipxe" ||
	fail "the https listener does not answer with the test CA's certificate"
ok "public_url for iPXE, agent_url (https, trailing / trimmed) for fixd; the https listener answers"

apply() {	# apply CA: fixd over https with that CA file
	"$FIXD" apply --server "$AGENT" --token "$tok" --mac $MAC --target "$T/target" \
		--keys "$T/keys" --work-dir "$T/work" --ca "$1" --retries 1 > "$T/fixd.log" 2>&1
}
apply "$T/tls/other-ca.pem"; rc=$?
[ $rc = 100 ] || { cat "$T/fixd.log"; fail "fixd with another CA exited $rc, not 100"; }
grep -q "certificate is not signed by the trusted CA" "$T/fixd.log" ||
	{ cat "$T/fixd.log"; fail "no clear error for the wrong CA"; }
apply "$T/tls/none.pem"; rc=$?
[ $rc = 100 ] || { cat "$T/fixd.log"; fail "fixd with no CA file exited $rc, not 100"; }
grep -q "the CA file $T/tls/none.pem cannot be read" "$T/fixd.log" ||
	{ cat "$T/fixd.log"; fail "no clear error for a missing CA file"; }
diff -r "$T/before" "$T/target" >/dev/null || fail "a refused run changed the target"
[ "$(fixctl status av-defs --json | fx_json '$.clients[0].state')" = booting ] ||
	fail "a refused run changed the pair's state"
ok "another CA, no CA file: exit 100, clear errors, target and inventory unchanged"

apply "$T/tls/ca.pem"; rc=$?
[ $rc = 0 ] || { cat "$T/fixd.log"; fail "fixd over https exited $rc"; }
cmp -s "$T/target/etc/av/defs.dat" "$T/defs-av-defs-1.dat" || fail "file not applied over https"
[ "$(fixctl status av-defs --json | fx_json '$.clients[0].state')" = applied ] ||
	fail "inventory does not say applied"
grep -q "server $AGENT" "$T/fixd.log" || fail "fixd did not talk to $AGENT"
ok "fixd with the CA: plan, bundle, report and log over https; applied"
fx_stop
echo "PASS"
