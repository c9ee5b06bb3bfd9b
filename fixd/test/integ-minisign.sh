#!/bin/bash
# Interoperability with Debian's stock minisign: a bundle signed by
# `minisign -S` verifies with `fixd verify`; a signature by `fixctl bundle
# sign` (unencrypted and password-protected keys) verifies with
# `minisign -V`.  Plus fixctl key gen's refusals.
. "$(dirname "$0")/lib.sh"

command -v minisign >/dev/null || skip "minisign missing"

printf 'payload\n' > "$W/p"
"$FIXCTL" bundle create --id interop --serial 4 --put "$W/p=etc/p" -o "$W/b.fix" >/dev/null ||
	fail "bundle create"

minisign -G -W -p "$W/ms.pub" -s "$W/ms.key" >/dev/null 2>&1 || fail "minisign -G"
minisign -S -s "$W/ms.key" -m "$W/b.fix" >/dev/null 2>&1 || fail "minisign -S"
"$FIXD" verify --key "$W/ms.pub" "$W/b.fix" > "$W/out" 2>&1 || { cat "$W/out"; fail "fixd verify of minisign -S"; }
grep -q "good signature" "$W/out" && grep -q "fix interop serial 4" "$W/out" || fail "fixd verify output"
pass "minisign -S, then fixd verify"

"$FIXCTL" key gen -o "$W/fx" --no-password --comment "interop test" >/dev/null || fail "key gen"
[ "$(stat -c %a "$W/fx")" = 600 ] || fail "secret key mode"
head -1 "$W/fx.pub" | grep -q "^untrusted comment: interop test$" || fail "comment"
"$FIXCTL" bundle sign --key "$W/fx" "$W/b.fix" >/dev/null || fail "fixctl bundle sign"
minisign -V -p "$W/fx.pub" -m "$W/b.fix" > "$W/out" 2>&1 || { cat "$W/out"; fail "minisign -V"; }
grep -q "fix:interop.serial:4" "$W/out" || fail "trusted comment lacks fix and serial"
"$FIXD" verify --key "$W/fx.pub" "$W/b.fix" >/dev/null 2>&1 || fail "fixd verify of fixctl's"
"$FIXD" verify --key "$W/ms.pub" "$W/b.fix" >/dev/null 2>&1 && fail "fixd verify with the wrong key passed"
"$FIXCTL" bundle show --key "$W/fx.pub" "$W/b.fix" | grep -q "signature: *good" || fail "bundle show --key"
pass "fixctl bundle sign, then minisign -V (and fixd verify, bundle show)"

printf 'correct horse\n' > "$W/pw"
"$FIXCTL" key gen -o "$W/enc" --password-file "$W/pw" >/dev/null || fail "key gen with password"
grep -q "^RWRTY0Iy" "$W/enc" || fail "the key is not scrypt-encrypted"
"$FIXCTL" bundle sign --key "$W/enc" --password-file "$W/pw" "$W/b.fix" >/dev/null ||
	fail "sign with the encrypted key"
minisign -V -p "$W/enc.pub" -m "$W/b.fix" >/dev/null 2>&1 || fail "minisign -V (encrypted key)"
printf 'wrong\n' > "$W/badpw"
"$FIXCTL" bundle sign --key "$W/enc" --password-file "$W/badpw" "$W/b.fix" 2> "$W/err" &&
	fail "signed with a wrong password"
grep -q "wrong password" "$W/err" || fail "wrong password message"
pass "encrypted key: fixctl signs, minisign -V verifies; a wrong password is refused"

setsid -w "$FIXCTL" key gen -o "$W/nokey" < /dev/null > /dev/null 2> "$W/err" && fail "key gen without a terminal"
grep -q -- "--password-file" "$W/err" && grep -q -- "--no-password" "$W/err" ||
	fail "key gen without a terminal: the message names neither option: $(cat "$W/err")"
[ ! -e "$W/nokey" ] || fail "key written anyway"
"$FIXCTL" key gen -o "$W/fx" --no-password 2> "$W/err" && fail "key gen overwrote a key"
grep -q "refusing to overwrite" "$W/err" || fail "overwrite message"
pass "key gen: no terminal and no option is a clear error; no overwrite"
