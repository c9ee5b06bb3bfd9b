#!/bin/bash
# Every evil archive of the fuzz corpus (fuzz/corpus/bundle/evil-*: a file
# then a symlink of the same name, a directory then a symlink, a hard link
# to outside, 10,000 entries, 2 and 4 GiB declared sizes, deep nesting, ../
# and absolute member names, devices, a FIFO, setuid, a put into .fixnet/,
# ...) goes through the whole of `fixd apply` as a signed fix: signed by a
# trusted key with the stock minisign, announced by the plan with the
# manifest's own id and serial (so that no plan mismatch refuses it first),
# applied onto a directory target inside a sandbox.  Each must exit 100
# with a failed report, and leave the sandbox (the target, and beside it a
# decoy tree the archives' names point at) exactly as it was: entries,
# types, modes, owners, sizes, mtimes, hashes.
. "$(dirname "$0")/lib.sh"

command -v minisign >/dev/null || skip "minisign missing"
command -v bsdtar >/dev/null || skip "bsdtar missing (libarchive-tools)"
CORPUS=fuzz/corpus/bundle
compgen -G "$CORPUS/evil-*" >/dev/null || fail "no evil archive in $CORPUS"

# The sandbox: the target, and decoys where ../ names and links lead.
S=$W/sandbox
T=$S/root/target
mkdir -p "$T/etc" "$S/root/etc" "$S/etc" "$S/payload"
printf 'original\n' > "$T/etc/x"
printf 'decoy shadow\n' > "$S/root/etc/shadow"
printf 'decoy shadow\n' > "$S/etc/shadow"
printf 'decoy\n' > "$S/payload/0"
ln -s ../etc "$T/up"
snapshot "$S" > "$W/sandbox.snap"

minisign -G -W -p "$W/ms.pub" -s "$W/ms.key" >/dev/null 2>&1 || fail "minisign -G"
cp "$W/ms.pub" "$W/keys/ms.pub"
start_srv

n=0
for f in "$CORPUS"/evil-*; do
	name=${f##*/}
	cp "$f" "$W/case.fix"
	minisign -S -s "$W/ms.key" -m "$W/case.fix" >/dev/null 2>&1 || fail "$name: minisign -S"
	# the manifest's id and serial, when it can be read at all
	bsdtar -xOf "$W/case.fix" MANIFEST.json > "$W/manifest.json" 2>/dev/null
	id=$(grep -o '"id": *"[^"]*"' "$W/manifest.json" | head -1 | sed 's/.*"\([^"]*\)"$/\1/')
	serial=$(grep -o '"serial": *[0-9]*' "$W/manifest.json" | head -1 | grep -o '[0-9]*$')
	PLAN_SERIAL=${serial:-1} publish "${id:-evil}" "$W/case.fix"
	start=$(date +%s%N)
	run_fixd "$T"
	ms=$(( ($(date +%s%N) - start) / 1000000 ))
	n=$((n + 1))
	[ $RC -eq 100 ] || fail "$name: exit $RC, want 100"
	expect_report $n '"result":"failed"' "$name"
	report $n | grep -q "plan announced" && fail "$name: refused by the plan, not by its content"
	expect_unchanged "$S" "$W/sandbox.snap" "$name"
	pass "$name: exit 100 in ${ms} ms, sandbox unchanged: $(report $n | grep -o '"reason":"[^"]*"')"
done
echo "PASS: $n evil archives refused, nothing written"
