# shellcheck shell=bash
# Windows-like NTFS clients for the lab, sourced after lab.sh by the
# e2e-ntfs-* scenarios: the CrowdStrike case of July 2024.
#
# A client's disk is the lab's usual one (the ESP with the primary OS that
# stands in for Windows' boot, an ext4 PRIMARY it prints a marker from) with
# a third partition: an NTFS volume built by build-ntfs-disk from a tree
# that looks like a Windows system drive, left clean, dirty or hibernated.
# Everything about the volume is checked from the host, after the client
# has powered off, with ntfs-3g's own tools on a copy of the partition:
# ntfsinfo for its flags, ntfsls for the tree, ntfscat for each file.

LAB_CS_DIR=Windows/System32/drivers/CrowdStrike	# on the volume, as Windows spells it
# The fix names it in lower case, as people type Windows paths: Windows
# finds a name in any case, and so must fixd (fixd/fold.h).
LAB_CS_FIX_DIR=windows/system32/drivers/crowdstrike
LAB_CS_GLOB="$LAB_CS_FIX_DIR/C-00000291*.sys"

# Skip (exit 77) where NTFS volumes cannot be built or read here.
lab_ntfs_require() {
	local p
	for p in mkntfs ntfs-3g ntfsfix ntfsinfo ntfsls ntfscat; do
		command -v "$p" >/dev/null || lab_skip "no $p (Debian package ntfs-3g)"
	done
	[ -c /dev/fuse ] || lab_skip "no /dev/fuse: ntfs-3g cannot fill an NTFS image here"
}

# A file of N random bytes.  lab_ntfs_file PATH N
lab_ntfs_file() {
	mkdir -p "$(dirname "$1")"
	head -c "$2" /dev/urandom >"$1"
}

# The content of a Windows system drive, as far as the fix cares: the
# faulty channel files (C-00000291*.sys, the 2024-07-19 one all zeros as it
# shipped, one with its extension in capitals), the channel files that must
# stay (other numbers, another extension), the sensor, Windows' own files,
# a user's documents.  $1: where.
lab_ntfs_tree() {
	local t=$1 cs=$1/$LAB_CS_DIR
	mkdir -p "$cs"
	head -c 42240 /dev/zero >"$cs/C-00000291-00000000-00000032.sys"
	lab_ntfs_file "$cs/C-00000291-00000000-00000029.sys" 40960
	lab_ntfs_file "$cs/C-00000291-00000000-00000031.SYS" 40960
	lab_ntfs_file "$cs/C-00000290-00000000-00000028.sys" 36864
	lab_ntfs_file "$cs/C-00000292-00000000-00000043.sys" 12288
	lab_ntfs_file "$cs/C-00000291-00000000-00000032.bak" 4096
	lab_ntfs_file "$cs/C-00000291.log" 512
	lab_ntfs_file "$t/Windows/System32/drivers/CSAgent.sys" 65536
	lab_ntfs_file "$t/Windows/System32/drivers/disk.sys" 20480
	lab_ntfs_file "$t/Windows/System32/ntoskrnl.exe" 262144
	lab_ntfs_file "$t/Windows/System32/config/SYSTEM" 131072
	lab_ntfs_file "$t/Program Files/CrowdStrike/CSFalconService.exe" 98304
	lab_ntfs_file "$t/Users/Public/Documents/Résumé.txt" 1000
	printf 'budget 2024\r\n' >"$t/Users/Public/Documents/notes.txt"
	: >"$t/Users/Public/empty.dat"
}

# Define a powered-off client whose disk carries an NTFS volume.
#   lab_ntfs_client_define NAME MAC NIC DISKBUS STATE [FIRMWARE]
# STATE: clean, dirty or hibernated (build-ntfs-disk).  The tree is kept in
# clients/NAME/ntfs-tree, the partition's place in clients/NAME/ntfs.geom,
# the SHA-256 of its bytes in clients/NAME/ntfs.sha256.
lab_ntfs_client_define() {
	local name=$1 mac=$2 nic=$3 bus=$4 state=$5 fw=${6:-bios} dir geom
	dir=$LAB_RUN/clients/$name
	mkdir -p "$dir"
	lab_data "$dir/primary-data" etc/hostname "$name"
	lab_client_define "$name" "$mac" "$nic" "$bus" "$dir/primary-data" etc/hostname "$fw"
	lab_ntfs_tree "$dir/ntfs-tree"
	geom=$("$LAB_REPO/qemu-tests/build-ntfs-disk" --disk "$dir/disk.img" \
		--tree "$dir/ntfs-tree" --label Windows --state "$state") ||
		lab_fail "cannot build the NTFS volume of $name"
	echo "$geom" >"$dir/ntfs.geom"
	lab_ntfs_extract "$name" "$dir/ntfs-before.img"
	sha256sum <"$dir/ntfs-before.img" | cut -d' ' -f1 >"$dir/ntfs.sha256"
	lab_say "$name: NTFS volume \"Windows\" ($state) on partition 3: $(cd "$dir/ntfs-tree" && find . -type f | wc -l) files, $(ls "$dir/ntfs-tree/$LAB_CS_DIR" | paste -s -d ' ' -) in the CrowdStrike directory"
}

# Copy a client's NTFS partition out of its disk.  lab_ntfs_extract NAME OUT
lab_ntfs_extract() {
	local start sectors
	read -r start sectors <"$LAB_RUN/clients/$1/ntfs.geom"
	dd if="$LAB_RUN/clients/$1/disk.img" of="$2" bs=1M iflag=skip_bytes,count_bytes \
		skip=$((start * 512)) count=$((sectors * 512)) status=none
}

# Every file of an NTFS image, as ntfs-3g's tools see it: "SHA256 PATH",
# sorted, walking directories with ntfsls and reading files with ntfscat.
# fixnet's own state directory (.fixnet) is left out.
#   lab_ntfs_listing IMG [DIR]
lab_ntfs_listing() {
	local img=$1 dir=${2:-} e
	while IFS= read -r e; do
		case $e in
		./ | ../ | .fixnet/ | '') ;;
		*/) lab_ntfs_listing "$img" "$dir/${e%/}" ;;
		*) printf '%s %s\n' "$(LC_ALL=C.UTF-8 ntfscat -f "$img" "$dir/$e" | sha256sum | cut -d' ' -f1)" \
			"${dir#/}${dir:+/}$e" ;;
		esac
	done < <(LC_ALL=C.UTF-8 ntfsls -f -F -p "${dir:-/}" "$img" 2>/dev/null; echo)
}

# What the tree held, in the listing's form, without the files a glob
# (relative to the tree) matched, in any case as on NTFS.
#   lab_ntfs_expected DIR [GLOB]
lab_ntfs_expected() {
	(cd "$1" && shopt -s nocasematch && find . -type f -printf '%P\n' | while IFS= read -r f; do
		# shellcheck disable=SC2053
		[ -n "${2:-}" ] && [[ $f == $2 ]] && continue
		printf '%s %s\n' "$(sha256sum <"$f" | cut -d' ' -f1)" "$f"
	done) | LC_ALL=C sort -k2
}

# The flags ntfsinfo reports for a volume ("0x0000" clean, "0x0001" dirty).
lab_ntfs_flags() {
	# (awk reads to the end: an early exit would SIGPIPE ntfsinfo)
	ntfsinfo -f -m "$1" 2>/dev/null | awk '/Volume Flags:/ && !n++ { print $3 }'
}

# Build, sign and publish the CrowdStrike fix: delete the faulty channel
# files from the Windows volume, found by its type and by the directory
# that must exist on it.  lab_publish_cs_fix ID SERIAL
lab_publish_cs_fix() {
	lab_publish_bundle "$1" "$2" --target "fstype=ntfs,path=$LAB_CS_FIX_DIR" \
		--delete "$LAB_CS_GLOB:16" \
		--description "CrowdStrike channel file 291 (2024-07-19): delete it"
	lab_say "fix $1 (serial $2) signed and published: on the NTFS volume that has $LAB_CS_FIX_DIR, delete $LAB_CS_GLOB"
}

# Add a client and make the fix pending for it.  lab_assign NAME MAC FIX
lab_assign() {
	lab_fixctl client add "$2" --name "$1" >>"$LAB_RUN/fixctl.log" 2>&1 ||
		lab_fail "fixctl client add: $(tail -n 3 "$LAB_RUN/fixctl.log")"
	lab_fixctl assign "$3" --client "$2" >>"$LAB_RUN/fixctl.log" 2>&1 ||
		lab_fail "fixctl assign: $(tail -n 3 "$LAB_RUN/fixctl.log")"
}

# Wait for one quarantine and the primary OS after it; LAB_NTFS_END is set
# to how the secondary OS ended (its done or FAILED line).
#   lab_ntfs_cycle NAME [FROM_LINE]
lab_ntfs_cycle() {
	local name=$1 from=${2:-1}
	lab_step "$name" 'fixnet: quarantine boot for' 180 "$from"
	lab_step "$name" 'fixnet-init: .*fixd exited' 240 "$from"
	# shellcheck disable=SC2034  # read by the scenarios
	LAB_NTFS_END=$(lab_wait_serial "$name" 'fixnet-init: .*(done|FAILED)' 30 "$from") || exit 1
	lab_step "$name" 'fixnet: local boot' 180 "$from"
	lab_step "$name" "FIXNET-PRIMARY file etc/hostname: $name" 180 "$from"
	lab_wait_off "$name" 30
}

# fixd's log lines of a client's quarantine (its console).
lab_fixd_log() {
	grep -a 'fixd: ' "$LAB_RUN/clients/$1/serial.log" | cut -d' ' -f2-
}
