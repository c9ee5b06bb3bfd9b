/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: the NTFS volume state fixd reads from a client's disk
 * before it writes to it (fixd/ntfs.c).  The input is a boot sector (its
 * first NTFS_BOOT_BYTES) followed by an MFT record; a short input is a
 * boot sector alone.  Invariants: a boot sector that parses has sizes in
 * the limits, powers of two, and record 3 of $MFT inside the volume; the
 * record parser answers 0, -EINVAL or -ENOENT and reads nothing past the
 * record (AddressSanitizer watches a copy of exactly its size); the
 * hibernation check is true exactly for "hibr" in any case.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fixd/ntfs.h"
#include "fuzz/fuzz.h"

/**
 * Check a parsed geometry against the limits.
 *
 * @v g		geometry from ntfs_boot_parse()
 */
static void fn_geometry(const struct ntfs_geometry *g)
{
	FUZZ_CHECK(g->sector_size >= NTFS_SECTOR_MIN &&
		   g->sector_size <= NTFS_SECTOR_MAX &&
		   !(g->sector_size & (g->sector_size - 1)));
	FUZZ_CHECK(g->cluster_size >= g->sector_size &&
		   g->cluster_size <= NTFS_CLUSTER_MAX &&
		   !(g->cluster_size & (g->cluster_size - 1)));
	FUZZ_CHECK(g->record_size >= NTFS_RECORD_MIN &&
		   g->record_size <= NTFS_RECORD_MAX &&
		   !(g->record_size & (g->record_size - 1)));
	FUZZ_CHECK(g->mft_offset % g->cluster_size == 0);
	FUZZ_CHECK(g->mft_offset <= g->volume_bytes &&
		   g->volume_bytes - g->mft_offset >=
		   (uint64_t)(NTFS_MFT_VOLUME + 1) * g->record_size);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ntfs_geometry g;
	uint8_t *rec;
	size_t len;
	uint16_t flags;
	int rc;

	FUZZ_CHECK(ntfs_hiber_active(data, size) ==
		   (size >= 4 && strncasecmp((const char *)data, "hibr", 4) == 0));
	if (ntfs_boot_parse(data, size, &g, NULL) == 0)
		fn_geometry(&g);
	if (size <= NTFS_BOOT_BYTES)
		return 0;
	len = size - NTFS_BOOT_BYTES;
	rec = malloc(len);
	FUZZ_CHECK(rec != NULL);
	memcpy(rec, data + NTFS_BOOT_BYTES, len);
	rc = ntfs_volume_info(rec, len, &flags, NULL);
	FUZZ_CHECK(rc == 0 || rc == -EINVAL || rc == -ENOENT);
	FUZZ_CHECK(rc != 0 || (len >= NTFS_RECORD_MIN && len <= NTFS_RECORD_MAX &&
			       len % NTFS_FIXUP_STRIDE == 0));
	free(rec);
	return 0;
}
