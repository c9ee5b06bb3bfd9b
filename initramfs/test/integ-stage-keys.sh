#!/bin/bash
# The publisher keys reach the secondary OS with their revocations:
# initramfs/stage-keys (the step build-initramfs runs) copies every *.pub
# and the revoked file of a keys directory, nothing else, and fixd loads the
# staged copy with the revoked key refused; the copy packed by mkcpio (the
# build's packer) holds the same bytes.  A keys directory fixd would not
# load (a typo in revoked, every key revoked, no key) fails the staging.
# A built initramfs, if there is one, is inspected too: the keys inside are
# those of the directory it was built from, revoked file included.
set -u
B=${B:-build}
FIXD=$B/bin/fixd
FIXCTL=$B/bin/fixctl
fail() { echo "FAIL: $*"; exit 1; }
ok() { echo "ok - $*"; }
for p in "$FIXD" "$FIXCTL"; do [ -x "$p" ] || fail "$p is not built"; done
for c in bsdtar cpio zstd; do
	command -v $c >/dev/null || fail "$c is missing (deps/packages.txt)"
done
W=$(mktemp -d /tmp/stage-keys.XXXXXX)
trap 'rm -rf "$W"' EXIT

# main_archive IMG: the second of the two cpio archives mkcpio concatenates
# (the first holds only /dev/console), decompressed, on stdout
main_archive() {
	local trailer start
	zstd -dc "$1" > "$W/whole.cpio" || return 1
	trailer=$(grep -obUa 'TRAILER!!!' "$W/whole.cpio" | head -n 1 | cut -d: -f1)
	start=$(grep -obUa '070701' "$W/whole.cpio" | cut -d: -f1 |
		awk -v t="${trailer:-0}" '$1 > t { print; exit }')
	[ -n "$start" ] || return 1
	tail -c +$((start + 1)) "$W/whole.cpio"
}

# keyid NAME: the key id of $W/NAME.pub, as fixctl key gen printed it
keygen() {
	"$FIXCTL" key gen --no-password -o "$W/$1" | sed -n 's/^key \([0-9A-F]\{16\}\):.*/\1/p'
}
K=$W/keys
mkdir -p "$K"
id1=$(keygen key1) && id2=$(keygen key2) || fail "key gen"
[ ${#id1} = 16 ] && [ ${#id2} = 16 ] || fail "key ids"
cp "$W/key1.pub" "$W/key2.pub" "$K/"
printf '# key1 retired 2026-11-26\n%s\n' "$id1" > "$K/revoked"
cp "$W/key1.pub" "$K/.old.pub"		# hidden: never staged
cp "$W/key1" "$K/key1"			# a secret key left there by mistake
echo notes > "$K/README"

stage() { rm -rf "$W/root" && initramfs/stage-keys --keys "$1" --root "$W/root" --fixd "$FIXD"; }
stage "$K" > "$W/out" 2>&1 || { cat "$W/out"; fail "stage-keys"; }
S=$W/root/etc/fixnet/keys
[ "$(cd "$S" && ls -A | sort | tr '\n' ' ')" = "key1.pub key2.pub revoked " ] ||
	fail "staged: $(ls -A "$S")"
cmp -s "$K/revoked" "$S/revoked" || fail "revoked file changed on the way"
[ "$(stat -c %a "$S/revoked" "$S/key1.pub" "$S/key2.pub" | sort -u)" = 644 ] || fail "modes"
grep -qx "stage-keys: $id1 revoked" "$W/out" && grep -qx "stage-keys: $id2 trusted" "$W/out" ||
	fail "fixd keys on the staged copy: $(cat "$W/out")"
ok "staged *.pub and revoked only; fixd loads key1 revoked, key2 trusted"

# packed as the build packs it: the revoked file is in the archive, intact
initramfs/mkcpio "$W/root" "$W/initramfs" || fail "mkcpio"
main_archive "$W/initramfs" > "$W/main.cpio" || fail "no second archive in the initramfs"
bsdtar -tf "$W/main.cpio" | grep -qx "etc/fixnet/keys/revoked" ||
	fail "no etc/fixnet/keys/revoked in the archive"
mkdir "$W/x"
(cd "$W/x" && bsdtar -xf "$W/main.cpio" etc/fixnet/keys) || fail "extract"
cmp -s "$K/revoked" "$W/x/etc/fixnet/keys/revoked" || fail "revoked differs in the archive"
"$FIXD" keys --keys "$W/x/etc/fixnet/keys" | grep -qx "$id1 revoked" ||
	fail "fixd does not see key1 revoked in the archive"
ok "the packed initramfs carries the revoked file byte for byte"

# refusals: each leaves a message naming the problem
refused() {
	stage "$K" > "$W/out" 2>&1 && fail "$1: staged anyway"
	grep -q "$2" "$W/out" || { cat "$W/out"; fail "$1: message lacks '$2'"; }
	ok "$1: refused"
}
printf '%sX\n' "${id1:0:15}" > "$K/revoked"
refused "a typo in revoked" "revoked:1"
printf '%s\n%s\n' "$id1" "$id2" > "$K/revoked"
refused "every key revoked" "trusts no key"
rm "$K/key1.pub" "$K/key2.pub" "$K/revoked"
refused "no key at all" "no publisher key"

# a built secondary OS, if any: its keys are those of its keys directory
inspect() {
	local img=$1 src=$2 x=$W/built
	[ -f "$img" ] || return 0
	if [ ! -d "$src" ]; then
		echo "note: $img: its keys directory $src is not here: not compared"
		return 0
	fi
	rm -rf "$x" && mkdir -p "$x"
	main_archive "$img" > "$W/main.cpio" && (cd "$x" && bsdtar -xf "$W/main.cpio" etc/fixnet/keys) ||
		fail "$img: no etc/fixnet/keys"
	diff <(cd "$src" && for f in *.pub revoked; do [ -f "$f" ] && echo "$f" && cat "$f"; done) \
	     <(cd "$x/etc/fixnet/keys" && for f in *.pub revoked; do [ -f "$f" ] && echo "$f" && cat "$f"; done) \
		> "$W/diff" || { cat "$W/diff"; fail "$img holds other keys than $src: rebuild it (make initramfs)"; }
	"$FIXD" keys --keys "$x/etc/fixnet/keys" > /dev/null || fail "$img: fixd refuses its keys"
	ok "$img: keys and revoked file are those of $src"
	inspected=1
}
inspected=0
inspect "$B/os/initramfs" "${FIXNET_KEYS_DIR:-/etc/fixnet/keys}"
inspect "$B/e2e/os/initramfs" "$B/e2e/keys"
[ $inspected = 1 ] || echo "note: no built initramfs with its keys directory here to inspect"
echo "PASS"
