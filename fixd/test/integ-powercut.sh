#!/bin/bash
# The journaled apply against crashes, on a loop-mounted ext4 image.  The
# test build of fixd (build/crash/bin/fixd: FIXD_TEST_CRASH_AT=N makes it
# SIGKILL itself right after durable action N) is killed at every action of
# an apply in turn.  Each kill is checked twice:
#   kill       the process dies, the kernel keeps its page cache (the image
#              is then unmounted, which writes it back);
#   power cut  a copy of the image taken the instant after the kill, while
#              still mounted: what the disk holds without the page cache
#              (ext4 replays its own journal when the copy is mounted).
# Both times every path of the fix must hold its old or its new content,
# and a normal run of fixd must then finish the fix: every path new, the
# receipt written, no journal, backup or staged file left, e2fsck clean.
# Then: a recovery that must roll back (a staged file damaged), and three
# interrupted runs in a row (rolled back, reported failed).  Needs root.
# The mounts live in a mount namespace of the test's own: a process that
# copies the host's mounts meanwhile (`ip netns exec` does) must not hold
# the loop devices of this test.
if [ "$(id -u)" = 0 ] && [ -z "${FIXNET_OWN_MNTNS:-}" ] &&
	command -v unshare >/dev/null; then
	FIXNET_OWN_MNTNS=1 exec unshare -m --propagation private "$0" "$@"
fi
. "$(dirname "$0")/lib.sh"

CRASH=$B/crash/bin/fixd
[ -x "$CRASH" ] || fail "$CRASH is not built (make check-integration builds it)"
[ "$(id -u)" = 0 ] || skip "needs root to attach loop devices and mount"
command -v losetup >/dev/null && command -v mkfs.ext4 >/dev/null &&
	command -v e2fsck >/dev/null || skip "losetup, mkfs.ext4 or e2fsck missing"
[ -e /dev/loop-control ] || skip "no loop devices (/dev/loop-control missing)"

M=$W/mnt
LOOP=
cleanup_extra() {
	mountpoint -q "$M" 2>/dev/null && umount "$M"
	[ -n "$LOOP" ] && losetup -d "$LOOP" 2>/dev/null
}

# The old tree, and the fix: three puts (a replaced file, a 1 MB replaced
# file, a new file in new directories), a delete of two files, a hook.
mkdir -p "$W/seed/etc/app" "$W/seed/var/lib" "$W/seed/var/log" "$W/src" "$M"
printf 'old conf\n' > "$W/seed/etc/app/app.conf"
head -c 1048576 /dev/urandom > "$W/seed/var/lib/defs.dat"
printf 'a' > "$W/seed/var/log/old1.log"
printf 'b' > "$W/seed/var/log/old2.log"
printf 'new conf\n' > "$W/src/app.conf"
head -c 1048576 /dev/urandom > "$W/src/defs.dat"
head -c 3000 /dev/urandom > "$W/src/blob"
printf 'echo ran > hook.out\n' > "$W/src/hook.sh"
truncate -s 16M "$W/template.img"
# inode tables and journal initialised now: no lazy-init thread writing to
# the device in the background while a power-cut copy is taken
mkfs.ext4 -q -F -E lazy_itable_init=0,lazy_journal_init=0 -d "$W/seed" \
	"$W/template.img" || fail "mkfs.ext4"

new_key pub
trust pub
"$FIXCTL" bundle create --id pc --serial 1 \
	--put "$W/src/app.conf=etc/app/app.conf:0600" \
	--put "$W/src/defs.dat=var/lib/defs.dat" --put "$W/src/blob=opt/new/blob" \
	--delete 'var/log/old*.log:4' --hook "$W/src/hook.sh:10" \
	-o "$W/pc.fix" >/dev/null && "$FIXCTL" bundle sign --key "$W/pub" "$W/pc.fix" >/dev/null ||
	fail "bundle"
publish pc "$W/pc.fix"

# PATH OLD-SHA NEW-SHA ("-" for absent)
absent=-
SPEC=(
	"etc/app/app.conf $(sha "$W/seed/etc/app/app.conf") $(sha "$W/src/app.conf")"
	"var/lib/defs.dat $(sha "$W/seed/var/lib/defs.dat") $(sha "$W/src/defs.dat")"
	"opt/new/blob $absent $(sha "$W/src/blob")"
	"var/log/old1.log $(sha "$W/seed/var/log/old1.log") $absent"
	"var/log/old2.log $(sha "$W/seed/var/log/old2.log") $absent"
)

# hash_of FILE: its SHA-256, or "-" when absent
hash_of() { if [ -e "$1" ]; then sha "$1"; else echo -; fi; }

# attach IMG: loop device and mount on $M (ext4 replays its journal); no
# periodic journal commit (commit=60) nor inode table zeroing in the
# background: after a kill nothing writes to the device while it is copied
attach() {
	LOOP=$(losetup -f --show "$1") || fail "losetup $1"
	mount -o commit=60,noinit_itable "$LOOP" "$M" || fail "mount $1"
}

# fresh NAME: $W/NAME.img, a new copy of the template.  Always a new inode:
# a loop device whose detach was deferred (someone else held it open) may
# still write back to the old one.
fresh() {
	rm -f "$W/$1.img"
	cp --sparse=always "$W/template.img" "$W/$1.img"
}

# detach [CHECK]: unmount; with CHECK, e2fsck must find the image clean
detach() {
	umount "$M" || fail "umount"
	if [ -n "${1:-}" ]; then
		e2fsck -fn "$LOOP" > "$W/fsck.out" 2>&1 || { cat "$W/fsck.out"; fail "e2fsck: $1"; }
	fi
	losetup -d "$LOOP"
	# The detach is deferred while anything else holds the device open:
	# wait for it (fresh() never reuses an image's inode in any case).
	for _ in $(seq 100); do
		losetup "$LOOP" >/dev/null 2>&1 || break
		sleep 0.05
	done
	LOOP=
}

# old_or_new WHAT: every path of the fix holds its old or its new content
old_or_new() {
	local p old new got
	for line in "${SPEC[@]}"; do
		read -r p old new <<< "$line"
		got=$(hash_of "$M/$p")
		[ "$got" = "$old" ] || [ "$got" = "$new" ] ||
			fail "$1: $p holds neither its old nor its new content ($got)"
	done
}

# state: one letter per path of the fix, o (old) or n (new)
state() {
	local p old new
	for line in "${SPEC[@]}"; do
		read -r p old new <<< "$line"
		if [ "$(hash_of "$M/$p")" = "$old" ]; then printf o; else printf n; fi
	done
}

# all_is STATE WHAT: every path holds its old (or new) content
all_is() {
	local p old new want
	for line in "${SPEC[@]}"; do
		read -r p old new <<< "$line"
		if [ "$1" = old ]; then want=$old; else want=$new; fi
		[ "$(hash_of "$M/$p")" = "$want" ] || fail "$2: $p is not $1"
	done
}

# clean WHAT: the state directory holds the receipts alone
clean() {
	local left
	left=$(cd "$M/.fixnet" && ls -A | grep -v '^receipts$')
	[ -z "$left" ] || fail "$1: left in .fixnet: $left"
}

# run_crash N [OPTION...]: the test build, killed after action N; sets RC
run_crash() {
	local n=$1; shift
	start_srv
	FIXD_TEST_CRASH_AT=$n "$CRASH" apply --server "$URL" --token "$TOKEN" --mac "$MAC" \
		--target "$M" --keys "$W/keys" --work-dir "$W/work" --retries 2 \
		--retry-delay 20 -v "$@" 2> "$W/fixd.err" &
	wait $! 2>/dev/null	# no "Killed" line from the shell
	RC=$?
}

# finish WHAT: a normal run completes the fix
finish() {
	local journal=
	[ -e "$M/.fixnet/journal" ] && journal=1
	start_srv
	run_fixd "$M" -v
	[ $RC -eq 0 ] || fail "$1: rerun exit $RC"
	expect_report 1 '"result":"applied"' "$1"
	if [ -n "$journal" ]; then
		grep -qE "(completed|rolled back) an interrupted apply of pc serial 1" \
			"$W/srv/record/events" || fail "$1: no event about the interrupted apply"
		expect_report 1 "an interrupted apply of pc serial 1" "$1"
	fi
	all_is new "$1"
	grep -q '"serial": 1' "$M/.fixnet/receipts/pc.json" || fail "$1: receipt"
	[ "$(cat "$M/hook.out")" = ran ] || fail "$1: the hook did not run"
	clean "$1"
}

# A reference run: the actions of one apply, by number.
fresh disk
attach "$W/disk.img"
run_crash 0
[ $RC -eq 0 ] || fail "uninterrupted run: exit $RC"
all_is new "uninterrupted run"
clean "uninterrupted run"
sed -n 's/.*step \([0-9]*\): \(.*\)/\1 \2/p' "$W/fixd.err" > "$W/steps"
STEPS=$(wc -l < "$W/steps")
detach check
[ "$STEPS" -ge 20 ] || fail "only $STEPS durable actions in an apply"
pass "an uninterrupted apply: $STEPS durable actions, first '$(head -1 "$W/steps")', last '$(tail -1 "$W/steps")'"

start=$(date +%s)
journals=0
lost=0
for n in $(seq 1 "$STEPS"); do
	what=$(sed -n "${n}p" "$W/steps" | cut -d' ' -f2-)
	fresh disk
	attach "$W/disk.img"
	run_crash "$n"
	[ $RC -eq 137 ] || fail "kill at $n ($what): fixd exited $RC, not killed"
	# the power cut: the disk as it is now, without the page cache
	rm -f "$W/cut.img"
	cp --sparse=always "$W/disk.img" "$W/cut.img"
	detach
	for img in disk cut; do
		attach "$W/$img.img"
		old_or_new "$img after $n ($what)"
		[ -e "$M/.fixnet/journal" ] && journals=$((journals + 1))
		eval "seen_$img=$(state)"
		finish "$img after $n ($what)"
		detach check
	done
	[ "$seen_disk" = "$seen_cut" ] || lost=$((lost + 1))
done
# the power cuts must have lost something (the renames before the syncfs
# that ends the commit), or they simulated nothing
[ $lost -gt 0 ] || fail "no power cut lost an unsynced change: the simulation is void"
pass "killed at each of the $STEPS actions, then a power cut at each: every path old or new; the rerun finished the fix each time ($journals of $((2 * STEPS)) found a journal; the power cut lost unsynced renames at $lost points; $(( $(date +%s) - start )) s)"

# point WHAT: the number of the first action named WHAT
point() { grep -m1 " $1\$" "$W/steps" | cut -d' ' -f1; }
MID=$(point "put var/lib/defs.dat")
[ -n "$MID" ] || fail "no action 'put var/lib/defs.dat'"

# A staged file damaged after the kill: the rerun cannot complete the apply,
# rolls it back, and applies it again.
fresh disk
attach "$W/disk.img"
run_crash "$MID"
[ $RC -eq 137 ] || fail "kill at $MID: exit $RC"
stage=$(grep -l . "$M"/.fixnet/tmp/stage.* | head -1)
[ -n "$stage" ] || fail "no staged file left after a kill at $MID"
printf 'damaged' > "$stage"
finish "damaged staged file"
grep -q "rolled back an interrupted apply of pc serial 1" "$W/srv/record/events" ||
	fail "damaged staged file: not rolled back"
detach check
pass "a damaged staged file: rolled back, then applied again"

# Three runs cut short in a row: the fourth restores the old files and
# reports the fix failed; the fifth applies it afresh.
fresh disk
attach "$W/disk.img"
run_crash "$MID"
[ $RC -eq 137 ] || fail "first interrupted run: exit $RC"
for i in 2 3; do
	# a recovering run: action 2 is its journal rewritten (the run counted)
	run_crash 2
	[ $RC -eq 137 ] || fail "interrupted run $i: exit $RC"
	grep -q "step 2: journal written" "$W/fixd.err" || fail "run $i: not killed after counting itself"
	old_or_new "interrupted run $i"
done
start_srv
run_fixd "$M"
[ $RC -eq 0 ] || fail "fourth run: exit $RC"
expect_report 1 '"result":"failed"' "fourth run"
expect_report 1 "rolled back an interrupted apply of pc serial 1 (3 run(s) cut short); giving up" "fourth run"
all_is old "after giving up"
clean "after giving up"
finish "fifth run"
detach check
pass "three runs cut short: the fourth rolled back and reported failed; the fifth applied"
