#!/bin/bash
# Publisher key rotation and revocation, end to end without QEMU, following
# the operator's procedure of docs/security.md.  One keys directory is the
# only configuration: fixsrv's keys_dir, and (through initramfs/stage-keys,
# the step of the initramfs build) the secondary OS's /etc/fixnet/keys that
# fixd reads.
#   1. key 1 alone: a fix signed by it is published and applied.
#   2. rotation: key 2 added; fixes signed by either key are published,
#      verified and applied in one session.
#   3. key 1 revoked (its id in `revoked`, its .pub still there): fixctl fix
#      add refuses a key-1 fix (403, exit 100), fixd verify refuses it, and
#      fixd apply refuses a key-1 fix published before the revocation (exit
#      100, failed report, target unchanged); key 2 goes on working.
#   4. key 1's .pub removed: its id stays revoked; still refused everywhere.
. server/test/lib.sh

[ -x "$FIXD" ] || fail "$FIXD is not built"
MAC=52:54:00:12:34:56
K=$T/keys			# fixsrv's keys_dir
OS=$T/osroot			# the secondary OS's root, keys staged by the build
OSKEYS=$OS/etc/fixnet/keys
TGT=$T/target
mkdir -p "$T/pub" "$T/work" "$TGT"

# newkey NAME: a key pair $T/pub/NAME(.pub); prints its key id
newkey() {
	"$FIXCTL" key gen --no-password -o "$T/pub/$1" |
		sed -n 's/^key \([0-9A-F]\{16\}\):.*/\1/p'
}
# stage: what `make initramfs FIXNET_KEYS_DIR=$K` puts in the secondary OS
stage() {
	rm -rf "$OS"
	initramfs/stage-keys --keys "$K" --root "$OS" --fixd "$FIXD" > "$T/stage.log" 2>&1 ||
		{ cat "$T/stage.log"; fail "stage-keys"; }
}
# mkbundle ID SERIAL KEY: $T/ID-SERIAL.fix putting etc/ID.conf, signed by KEY
mkbundle() {
	local b=$T/$1-$2.fix
	rm -f "$b" "$b.minisig"
	printf '%s serial %s\n' "$1" "$2" > "$T/$1-$2.conf"
	"$FIXCTL" bundle create --id "$1" --serial "$2" \
		--put "$T/$1-$2.conf=etc/$1.conf:0644" -o "$b" >/dev/null &&
		"$FIXCTL" bundle sign --key "$T/pub/$3" "$b" >/dev/null || fail "bundle $1 $2"
}
# add_code BUNDLE: the HTTP status of publishing it
add_code() {
	curl -s -o "$T/answer" -w '%{http_code}' --unix-socket "$SOCK" \
		-H "X-Fixnet-Signature: $(base64 -w0 "$1.minisig")" \
		--data-binary "@$1" http://fixsrv/admin/v1/fixes
}
# session: one quarantine session with the staged keys; sets RC
session() {
	local tok
	tok=$(fx_boot $MAC | fx_token)
	[ ${#tok} = 64 ] || fail "no quarantine script"
	"$FIXD" apply --server "$URL" --token "$tok" --mac $MAC --target "$TGT" \
		--keys "$OSKEYS" --work-dir "$T/work" > "$T/fixd.log" 2>&1
	RC=$?
}
pair() { fixctl status "$1" --json | fx_json '$.clients[0].state'; }
on_disk() { cmp -s "$TGT/etc/$1.conf" "$T/$1-$2.conf"; }

fx_start
fixctl client add $MAC --name pc1 >/dev/null || fail "client add"

# 1. key 1 alone
id1=$(newkey key1)
cp "$T/pub/key1.pub" "$K/"
stage
mkbundle av 1 key1
[ "$(fixctl fix add "$T/av-1.fix" --json | fx_json '$.keyid')" = "$id1" ] || fail "fix add av 1"
fixctl assign av --client pc1 >/dev/null || fail "assign av"
session
[ $RC = 0 ] && [ "$(pair av)" = applied ] && on_disk av 1 || fail "av 1: exit $RC, $(pair av)"
ok "key 1 alone: published, applied"

# 2. rotation: key 2 trusted beside key 1
id2=$(newkey key2)
cp "$T/pub/key2.pub" "$K/"
stage
grep -qx "stage-keys: $id1 trusted" "$T/stage.log" &&
	grep -qx "stage-keys: $id2 trusted" "$T/stage.log" || fail "both keys not staged trusted"
mkbundle av 2 key2
mkbundle cfg 1 key1
mkbundle late 1 key1
for b in av-2 cfg-1 late-1; do
	[ "$(add_code "$T/$b.fix")" = 201 ] || fail "fix add $b: $(cat "$T/answer")"
	"$FIXD" verify --keys "$OSKEYS" "$T/$b.fix" >/dev/null 2>&1 || fail "fixd verify $b"
done
fixctl assign cfg --client pc1 >/dev/null || fail "assign cfg"
session
[ $RC = 0 ] && [ "$(pair av)" = applied ] && [ "$(pair cfg)" = applied ] &&
	on_disk av 2 && on_disk cfg 1 || fail "rotation session: exit $RC"
grep -q "signature good, key $id2" "$T/fixd.log" && grep -q "signature good, key $id1" "$T/fixd.log" ||
	fail "fixd did not verify one fix by each key"
ok "rotation: key 1 and key 2 trusted at once; fixes by each published, verified, applied in one session"

# 3. key 1 revoked; its .pub still there
printf '# key 1 retired (rotation to key 2)\n%s\n' "$id1" >> "$K/revoked"
stage
grep -qx "stage-keys: $id1 revoked" "$T/stage.log" || fail "key 1 not revoked in the staged keys"
mkbundle av 3 key1
fx_dump "$T/before.sql"
[ "$(add_code "$T/av-3.fix")" = 403 ] && grep -q "revoked" "$T/answer" ||
	fail "fixsrv took a fix by a revoked key: $(cat "$T/answer")"
fixctl fix add "$T/av-3.fix" 2> "$T/err"; rc=$?
[ $rc = 100 ] && grep -q revoked "$T/err" || fail "fixctl fix add: exit $rc: $(cat "$T/err")"
fx_dump "$T/after.sql"
diff -q "$T/before.sql" "$T/after.sql" >/dev/null || fail "a refused fix add changed the inventory"
for keys in "$K" "$OSKEYS"; do
	"$FIXD" verify --keys "$keys" "$T/av-3.fix" > /dev/null 2> "$T/err"; rc=$?
	[ $rc = 100 ] && grep -q revoked "$T/err" || fail "fixd verify --keys $keys: exit $rc"
done
ok "revoked: fixctl fix add refuses (403, exit 100), fixd verify refuses (keys dir and initramfs copy)"

fixctl assign late --client pc1 >/dev/null || fail "assign late"
session
[ $RC = 100 ] || fail "fixd applied a fix by a revoked key: exit $RC"
[ ! -e "$TGT/etc/late.conf" ] || fail "late.conf written"
[ "$(pair late)" = failed ] || fail "late is $(pair late), want failed"
fixctl client show pc1 --json | grep -q "revoked" || fail "the failed report does not say revoked"
ok "revoked: fixd apply refuses a key-1 fix published before the revocation (exit 100, report failed)"

mkbundle av 3 key2
fixctl fix add "$T/av-3.fix" >/dev/null || fail "fix add av 3 by key 2"
session
[ $RC = 0 ] && [ "$(pair av)" = applied ] && on_disk av 3 || fail "av 3 by key 2: exit $RC"
ok "key 2 goes on working after key 1's revocation"

# 4. key 1's .pub removed, its id kept in revoked
rm "$K/key1.pub"
stage
grep -qx "stage-keys: $id1 revoked (no key file)" "$T/stage.log" || fail "fixd keys after removal"
mkbundle av 4 key1
[ "$(add_code "$T/av-4.fix")" = 403 ] || fail "fix add after removal: $(cat "$T/answer")"
"$FIXD" verify --keys "$OSKEYS" "$T/av-4.fix" >/dev/null 2>&1 && fail "fixd verify after removal"
ok "key 1's .pub removed: still refused by fixsrv and fixd"
fx_stop
echo "PASS"
