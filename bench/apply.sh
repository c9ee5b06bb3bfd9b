#!/bin/bash
# Benchmark 4, apply: a bundle of BENCH_APPLY_MB (200) MB in BENCH_APPLY_FILES
# (5,000) files, made by fixctl (tar + zstd at the level fixctl uses) from
# slices of the files under /usr (binaries and text, as a fix carries),
# applied onto a fresh loop-mounted ext4 image:
#   fixd      `fixd apply --target DIR` against fixsrv on loopback: download,
#             hash and signature check, then the journaled, durable apply
#   bsdtar    `bsdtar -xf BUNDLE -C DIR && sync -f DIR`
#   GNU tar   `tar --zstd -xf BUNDLE -C DIR && sync -f DIR`
# Wall seconds, medians of BENCH_RUNS (5) runs each, a new filesystem each.
# Goal: fixd <= 1.1x bsdtar.
# Then the bundle's compression against xz -6 and gzip -6 of the same tar:
# size and decompression speed (medians of 3).
. bench/lib.sh
bench_init apply
[ "$(id -u)" = 0 ] || fail "needs root (loop devices, mount)"
for t in mkfs.ext4 losetup bsdtar tar zstd xz gzip; do
	command -v $t >/dev/null || fail "$t is missing: ./deps/install-packages bench/packages.txt"
done
[ -x "$FIXD" ] || fail "$FIXD is not built"
MB=${BENCH_APPLY_MB:-200}
NFILES=${BENCH_APPLY_FILES:-5000}
TIMEFORMAT=%R

# The payload: MB MB of /usr's files, cut into NFILES files.
mkdir -p "$T/payload"
find /usr/lib /usr/share /usr/bin -xdev -type f -size +0 -print0 2>/dev/null | LC_ALL=C sort -z |
	xargs -0 cat 2>/dev/null | head -c $((MB << 20)) |
	split -b $(((MB << 20) / NFILES + 1)) -a 5 -d - "$T/payload/f"
[ "$(ls "$T/payload" | wc -l)" = "$NFILES" ] || fail "payload: $(ls "$T/payload" | wc -l) files"
args=()
i=0
for f in "$T"/payload/f*; do
	args+=(--put "$f=data/d$((i / 100))/${f##*/}.bin:0644")
	i=$((i + 1))
done
fx_start
fx_key
s0=$(date +%s.%N)
"$FIXCTL" bundle create --id big --serial 1 "${args[@]}" -o "$T/big.fix" >/dev/null ||
	fail "bundle create"
s1=$(date +%s.%N)
"$FIXCTL" bundle sign --key "$KEY" "$T/big.fix" >/dev/null || fail "bundle sign"
fixctl fix add "$T/big.fix" >/dev/null || fail "fix add"
for r in $(seq "$BENCH_RUNS"); do
	printf '02:00:00:00:01:%02x pc%d\n' "$r" "$r"
done > "$T/ethers"
fixctl client import "$T/ethers" >/dev/null || fail "import"
fixctl assign big --all >/dev/null || fail "assign"
echo "bundle: $(stat -c %s "$T/big.fix") bytes, made in $(awk -v a="$s0" -v b="$s1" 'BEGIN { printf "%.1f", b - a }') s"

# A fresh ext4 image, mounted on $T/mnt (DEV: its loop device).
IMG_MB=$((MB * 3 + 256))
mkdir -p "$T/mnt"
fresh_fs() {
	rm -f "$T/disk.img"
	truncate -s ${IMG_MB}M "$T/disk.img"
	mkfs.ext4 -q -L PRIMARY "$T/disk.img" || fail "mkfs.ext4"
	DEV=$(losetup -f --show "$T/disk.img") || fail "no loop device"
	mount "$DEV" "$T/mnt" || fail "mount"
}
drop_fs() {
	umount "$T/mnt" && losetup -d "$DEV"
	DEV=
}
FX_CLEANUP+=('[ -n "${DEV:-}" ] && { umount "$T/mnt"; losetup -d "$DEV"; }')

# check WHO: every payload file in place (fixd: at its destination; the
# tars: under its member name, payload/N, beside MANIFEST.json)
check_tree() {
	local n want=$NFILES dir=data file=d0/f00042.bin
	[ "$1" = fixd ] || { want=$((NFILES + 1)); dir=.; file=payload/42; }
	n=$(find "$T/mnt/$dir" -type f | wc -l)
	[ "$n" = "$want" ] || fail "$1: $n files instead of $want"
	cmp -s "$T/payload/f00042" "$T/mnt/$dir/$file" || fail "$1: content differs"
}

declare -a T_FIXD T_BSD T_GNU
for run in $(seq "$BENCH_RUNS"); do
	mac=$(printf '02:00:00:00:01:%02x' "$run")
	tok=$(fx_boot "$mac" | fx_token)
	[ ${#tok} = 64 ] || fail "no token for $mac"
	fresh_fs
	mkdir -p "$T/work"
	t=$( { time "$FIXD" apply --server "$URL" --token "$tok" --mac "$mac" \
		--target "$T/mnt" --keys "$T/keys" --work-dir "$T/work" \
		> "$T/fixd.log" 2>&1; } 2>&1 ) || { tail "$T/fixd.log" >&2; fail "fixd apply"; }
	check_tree fixd
	drop_fs
	T_FIXD+=("$t")
	fresh_fs
	rmdir "$T/mnt/lost+found"
	t=$( { time { bsdtar -xf "$T/big.fix" -C "$T/mnt" && sync -f "$T/mnt"; }; } 2>&1 ) ||
		fail "bsdtar"
	check_tree bsdtar
	drop_fs
	T_BSD+=("$t")
	fresh_fs
	rmdir "$T/mnt/lost+found"
	t=$( { time { tar --zstd -xf "$T/big.fix" -C "$T/mnt" && sync -f "$T/mnt"; }; } 2>&1 ) ||
		fail "GNU tar"
	check_tree "GNU tar"
	drop_fs
	T_GNU+=("$t")
	echo "run $run: fixd ${T_FIXD[-1]} s, bsdtar ${T_BSD[-1]} s, GNU tar ${T_GNU[-1]} s"
done
[ "$(fixctl status big --json | fx_json '$.counts.applied')" = "$BENCH_RUNS" ] ||
	fail "the inventory does not say applied for every run"

# Compression: the bundle (zstd) against xz -6 and gzip -6 of its tar.
zstd -q -d -c "$T/big.fix" > "$T/big.tar" || fail "zstd -d"
TAR_BYTES=$(stat -c %s "$T/big.tar")
declare -A SIZE CTIME DTIME
SIZE[zstd]=$(stat -c %s "$T/big.fix")
CTIME[zstd]=$(awk -v a="$s0" -v b="$s1" 'BEGIN { printf "%.1f", b - a }')
for c in xz gzip; do
	t=$( { time $c -6 -c "$T/big.tar" > "$T/big.tar.$c"; } 2>&1 ) || fail "$c"
	CTIME[$c]=$t
	SIZE[$c]=$(stat -c %s "$T/big.tar.$c")
done
cp "$T/big.fix" "$T/big.tar.zstd"
for c in zstd xz gzip; do
	ts=()
	for _ in 1 2 3; do
		ts+=("$( { time $c -d -c "$T/big.tar.$c" > /dev/null; } 2>&1 )")
	done
	DTIME[$c]=$(bench_median "${ts[@]}")
done
level=$(sed -n 's/^#define FIXCTL_ZSTD_LEVEL "\([0-9]*\)"/\1/p' server/fixctl_archive.h)

f=$(bench_median "${T_FIXD[@]}"); b=$(bench_median "${T_BSD[@]}"); g=$(bench_median "${T_GNU[@]}")
bench_out "apply a $(stat -c %s "$T/big.fix")-byte bundle ($NFILES files, $((MB << 20)) bytes) onto a fresh" \
	"loop-mounted ext4; wall s, medians of $BENCH_RUNS runs"
bench_out "$(printf '%-44s %8s %10s' '' seconds '/ bsdtar')"
bench_out "$(printf '%-44s %8s %10s' 'fixd apply (download, verify, durable apply)' "$f" "$(bench_ratio "$f" "$b")")"
bench_out "$(printf '%-44s %8s %10s' 'bsdtar -x && sync -f' "$b" 1.00)"
bench_out "$(printf '%-44s %8s %10s' 'GNU tar --zstd -x && sync -f' "$g" "$(bench_ratio "$g" "$b")")"
bench_out "goal: fixd <= 1.1x bsdtar"
bench_out ""
bench_out "compression of the bundle's $TAR_BYTES-byte tar (decompression: medians of 3, to /dev/null)"
bench_out "$(printf '%-14s %12s %8s %12s %14s' '' bytes ratio 'compress s' 'decompress MB/s')"
for c in zstd xz gzip; do
	name=$c
	[ $c = zstd ] && name="zstd -$level"
	[ $c != zstd ] && name="$c -6"
	bench_out "$(printf '%-14s %12s %8s %12s %14s' "$name" "${SIZE[$c]}" \
		"$(bench_ratio "${SIZE[$c]}" "$TAR_BYTES")" "${CTIME[$c]}" \
		"$(awk -v b="$TAR_BYTES" -v t="${DTIME[$c]}" 'BEGIN { printf "%.0f", b / t / 1e6 }')")"
done
bench_out "(zstd's compress time is fixctl bundle create's whole run: hashing and the manifest too)"
bench_finish
