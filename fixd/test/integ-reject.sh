#!/bin/bash
# Every refusal of issue 2, each leaving the target byte-for-byte unchanged
# (entries, modes, owners, sizes, mtimes, hashes) and a directory outside it
# too: bit flips in payload, manifest, signature and trusted comment; a
# serial not above the receipt's; an untrusted key; ../ and absolute paths;
# a symlink on the target pointing outside; symlink, hard link, device and
# setuid members; a path longer than PATH_MAX; a delete glob with no literal
# prefix.  Crafted bundles are made with bsdtar and signed with the stock
# minisign (fixctl refuses to make or sign them).
. "$(dirname "$0")/lib.sh"

command -v bsdtar >/dev/null || skip "bsdtar missing (libarchive-tools)"
command -v zstd >/dev/null || skip "zstd missing"
command -v minisign >/dev/null || skip "minisign missing"

T=$W/target
OUT=$W/outside
mkdir -p "$T/etc/app" "$OUT"
printf 'original\n' > "$T/etc/app/app.conf"
printf 'outside, never to be touched\n' > "$OUT/victim"
ln -s "$OUT" "$T/etc/evil"
mkdir "$W/src"
printf 'PAYLOAD-MARKER new settings\n' > "$W/src/app.conf"

new_key pub
trust pub
minisign -G -W -p "$W/ms.pub" -s "$W/ms.key" >/dev/null 2>&1 || fail "minisign -G"
cp "$W/ms.pub" "$W/keys/ms.pub"
new_key stranger

# The good fix, serial 1, so that a receipt exists.
"$FIXCTL" bundle create --id app --serial 1 --put "$W/src/app.conf=etc/app/app.conf" \
	-o "$W/good1.fix" >/dev/null && "$FIXCTL" bundle sign --key "$W/pub" "$W/good1.fix" >/dev/null ||
	fail "good bundle"
publish app "$W/good1.fix"
start_srv
run_fixd "$T"
[ $RC -eq 0 ] || fail "the good fix: exit $RC"
snapshot "$T" > "$W/before.snap"
snapshot "$OUT" > "$W/outside.snap"
"$FIXCTL" bundle create --id app --serial 2 --put "$W/src/app.conf=etc/app/app2.conf" \
	-o "$W/good2.fix" >/dev/null && "$FIXCTL" bundle sign --key "$W/pub" "$W/good2.fix" >/dev/null ||
	fail "serial 2 bundle"

# refused NAME WANT: publish what is in $W/case.fix(.minisig), run fixd,
# expect exit 100, a failed report whose reason holds WANT, nothing changed
refused() {
	publish app "$W/case.fix" "$W/case.fix.minisig"
	start_srv
	run_fixd "$T"
	[ $RC -eq 100 ] || fail "$1: exit $RC, want 100"
	expect_report 1 '"result":"failed"' "$1"
	expect_report 1 "$2" "$1"
	expect_unchanged "$T" "$W/before.snap" "$1"
	expect_unchanged "$OUT" "$W/outside.snap" "$1 (outside)"
	unset PLAN_SHA PLAN_SERIAL
	pass "$1 refused, target unchanged: $(report 1 | grep -o '"reason":"[^"]*"')"
}

# make_case KEY ARGS...: $W/case.fix by fixctl bundle create ARGS, signed by KEY
make_case() {
	local key=$1
	shift
	rm -f "$W/case.fix" "$W/case.fix.minisig"
	"$FIXCTL" bundle create "$@" -o "$W/case.fix" >/dev/null &&
		"$FIXCTL" bundle sign --key "$W/$key" "$W/case.fix" >/dev/null ||
		fail "make_case $*"
}

# recompress TAR: $W/case.fix from an uncompressed tar
recompress() { zstd -q -19 -f "$1" -o "$W/case.fix"; }

# flipped WHERE MARKER: good2 with one bit flipped in the tar at MARKER
flipped() {
	zstd -q -d -f "$W/good2.fix" -o "$W/case.tar"
	off=$(offset_of "$W/case.tar" "$2")
	[ -n "$off" ] || fail "$1: marker not found"
	flip_bit "$W/case.tar" "$off"
	recompress "$W/case.tar"
	cp "$W/good2.fix.minisig" "$W/case.fix.minisig"
}

flipped payload PAYLOAD-MARKER
refused "one bit flipped in the payload" "signature"
flipped manifest '"serial":2'
refused "one bit flipped in the manifest" "signature"

cp "$W/good2.fix" "$W/case.fix"
cp "$W/good2.fix.minisig" "$W/case.fix.minisig"
flip_bit "$W/case.fix" 40
PLAN_SHA=$(sha "$W/good2.fix") PLAN_SERIAL=2
refused "one bit flipped, the plan's hash unchanged" "SHA-256"

cp "$W/good2.fix" "$W/case.fix"
cp "$W/good2.fix.minisig" "$W/case.fix.minisig"
flip_bit "$W/case.fix.minisig" $(( $(offset_of "$W/case.fix.minisig" "RU") + 30 ))
refused "one bit flipped in the signature" "signature"

cp "$W/good2.fix" "$W/case.fix"
sed 's/^trusted comment: timestamp:/trusted comment: timestamP:/' "$W/good2.fix.minisig" \
	> "$W/case.fix.minisig"
refused "one bit flipped in the trusted comment" "signature"

make_case pub --id app --serial 1 --put "$W/src/app.conf=etc/app/other.conf"
refused "serial 1 again, another bundle" "not above"

cp "$W/good2.fix" "$W/case.fix"
"$FIXCTL" bundle sign --key "$W/stranger" "$W/case.fix" >/dev/null || fail "sign"
refused "signed by an untrusted key" "not a trusted key"

make_case pub --id app --serial 2 --put "$W/src/app.conf=etc/evil/victim"
refused "put through a symlink on the target pointing outside" "symlink"
make_case pub --id app --serial 2 --delete "etc/evil/vic*"
refused "delete through a symlink on the target pointing outside" "symlink"

# crafted MANIFEST-PATH [MTREE-LINE...]: a bundle whose manifest puts
# src/app.conf at PATH as member payload/0, made from an mtree spec (the
# default payload/0 line is a regular file), signed by the stock minisign
crafted() {
	local path=$1 line
	shift
	printf '{"format": 1, "id": "app", "serial": 2, "ops": [{"op": "put", "path": "%s", "member": "payload/0", "mode": "0644", "size": %s, "sha256": "%s"}]}' \
		"$path" "$(stat -c %s "$W/src/app.conf")" "$(sha "$W/src/app.conf")" > "$W/manifest.json"
	{
		echo "#mtree"
		echo "MANIFEST.json type=file mode=0644 contents=$W/manifest.json"
		if [ $# -eq 0 ]; then
			echo "payload/0 type=file mode=0644 contents=$W/src/app.conf"
		fi
		for line in "$@"; do echo "$line"; done
	} > "$W/spec.mtree"
	bsdtar --format pax --zstd -cf "$W/case.fix" "@$W/spec.mtree" || fail "bsdtar"
	rm -f "$W/case.fix.minisig"
	minisign -S -s "$W/ms.key" -m "$W/case.fix" >/dev/null 2>&1 || fail "minisign -S"
}

crafted "../../outside/victim"
refused "a ../ path" "path"
crafted "etc/../../outside/victim"
refused "a ../ path inside" "path"
crafted "/etc/passwd"
refused "an absolute path" "path"
long=$(printf 'd%.0s' $(seq 200)); longpath=
for _ in $(seq 22); do longpath=$longpath$long/; done
crafted "${longpath}x"
refused "a path longer than PATH_MAX" "path"

crafted "etc/app/x" "payload/0 type=link mode=0777 link=$OUT/victim"
refused "a symlink member" "symlink"
crafted "etc/app/x" "payload/0 type=char mode=0644 device=native,1,3"
refused "a device member" "not a regular file"
crafted "etc/app/x" "payload/0 type=file mode=4755 contents=$W/src/app.conf"
refused "a setuid member" "setuid"

# A hard link: bsdtar stores the second name of a file as a link to the first.
mkdir -p "$W/hl/payload"
cp "$W/src/app.conf" "$W/hl/payload/0"
ln "$W/hl/payload/0" "$W/hl/payload/1"
crafted "etc/app/x"
cp "$W/manifest.json" "$W/hl/MANIFEST.json"
(cd "$W/hl" && bsdtar --format pax --zstd -cf "$W/case.fix" MANIFEST.json payload/0 payload/1) ||
	fail "bsdtar hard link"
rm -f "$W/case.fix.minisig"
minisign -S -s "$W/ms.key" -m "$W/case.fix" >/dev/null 2>&1 || fail "minisign -S"
refused "a hard link member" "hard link"

printf '{"format": 1, "id": "app", "serial": 2, "ops": [{"op": "delete", "glob": "etc/app/*", "max": 10}]}' \
	> "$W/manifest.json"
printf '#mtree\nMANIFEST.json type=file mode=0644 contents=%s\n' "$W/manifest.json" > "$W/spec.mtree"
bsdtar --format pax --zstd -cf "$W/case.fix" "@$W/spec.mtree" || fail "bsdtar"
rm -f "$W/case.fix.minisig"
minisign -S -s "$W/ms.key" -m "$W/case.fix" >/dev/null 2>&1 || fail "minisign -S"
refused "a delete glob with no literal prefix" "glob"
