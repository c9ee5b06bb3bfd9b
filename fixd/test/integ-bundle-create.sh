#!/bin/bash
# fixctl bundle create / show: what it writes (tar + zstd, MANIFEST.json
# first, reproducible), and what it refuses to write, with the checks fixd
# makes.
. "$(dirname "$0")/lib.sh"

command -v bsdtar >/dev/null || skip "bsdtar missing (libarchive-tools)"

mkdir "$W/src"
printf 'conf\n' > "$W/src/a.conf"
printf '#!/bin/sh\necho hi\n' > "$W/src/tool"
chmod 755 "$W/src/tool"
printf 'echo hook\n' > "$W/src/hook.sh"

args=(--id av-2026-11 --serial 3 --target "label=PRIMARY,path=etc" --description "AV definitions"
	--put "$W/src/a.conf=etc/av/a.conf" --put "$W/src/tool=usr/local/bin/tool"
	--delete "etc/av/old*.dat:8" --hook "$W/src/hook.sh:60")
"$FIXCTL" bundle create "${args[@]}" -o "$W/one.fix" >/dev/null || fail "create"
"$FIXCTL" bundle create "${args[@]}" -o "$W/two.fix" >/dev/null || fail "create again"
cmp -s "$W/one.fix" "$W/two.fix" || fail "the same inputs gave different bundles"
[ "$(od -An -tx1 -N4 "$W/one.fix" | tr -d ' ')" = 28b52ffd ] || fail "not zstd"
bsdtar -tf "$W/one.fix" > "$W/list" || fail "bsdtar cannot read it"
[ "$(head -1 "$W/list")" = MANIFEST.json ] || fail "MANIFEST.json is not first"
[ "$(wc -l < "$W/list")" = 4 ] || fail "members: $(cat "$W/list")"
pass "tar + zstd, MANIFEST.json first, reproducible"

"$FIXCTL" bundle show "$W/one.fix" > "$W/show" || fail "show"
for want in "fix: *av-2026-11" "serial: *3" "description: AV definitions" \
	"target: * label=PRIMARY path=etc" "put    etc/av/a.conf" "mode 0644" \
	"put    usr/local/bin/tool" "mode 0755" "delete etc/av/old\*.dat" "at most 8" \
	"hook   hooks/3" "timeout 60s"; do
	grep -q "$want" "$W/show" || { cat "$W/show"; fail "show lacks $want"; }
done
pass "bundle show prints the manifest (default modes from the source)"

# refused WHY ARGS...: create must fail, name the problem, write nothing
refused() {
	local why=$1
	shift
	"$FIXCTL" bundle create "$@" -o "$W/bad.fix" > /dev/null 2> "$W/err" &&
		fail "$why: created"
	grep -qi -- "$why" "$W/err" || fail "$why: message was: $(cat "$W/err")"
	[ ! -e "$W/bad.fix" ] || fail "$why: file written"
	[ -z "$(find "$W" -maxdepth 1 -name 'bad.fix.tmp.*')" ] || fail "$why: temporary left"
}
refused "path" --id x --serial 1 --put "$W/src/a.conf=../etc/a"
refused "path" --id x --serial 1 --put "$W/src/a.conf=/etc/a"
refused "setuid" --id x --serial 1 --put "$W/src/a.conf=etc/a:4755"
refused "glob" --id x --serial 1 --delete "etc/*"
refused "MAX" --id x --serial 1 --delete "etc/a*:0"
refused "label=, uuid=" --id x --serial 1 --target "colour=blue"
refused "serial" --id x --serial 0 --put "$W/src/a.conf=etc/a"
refused "id" --id ../x --serial 1 --put "$W/src/a.conf=etc/a"
refused "No such file" --id x --serial 1 --put "$W/nope=etc/a"
refused "not a regular file" --id x --serial 1 --put "$W/src=etc/a"
refused "two puts" --id x --serial 1 --put "$W/src/a.conf=etc/a" --put "$W/src/tool=etc/a"
refused "below put" --id x --serial 1 --put "$W/src/a.conf=etc/a" --put "$W/src/tool=etc/a/b"
refused "state directory" --id x --serial 1 --put "$W/src/a.conf=.fixnet/x"
pass "bad paths, modes, globs, selectors, serials, ids and sources refused"

"$FIXCTL" bundle create "${args[@]}" -o "$W/one.fix" 2> "$W/err" && fail "overwrote"
grep -q "refusing to overwrite" "$W/err" || fail "overwrite message"
"$FIXCTL" bundle show "$W/src/a.conf" 2> "$W/err" && fail "show of a non-bundle"
grep -q "not a bundle" "$W/err" || fail "show message: $(cat "$W/err")"
pass "no overwrite; show refuses what is not a bundle"
