/* SPDX-License-Identifier: MIT */
#ifndef FIXD_NTFS_H
#define FIXD_NTFS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/err.h"

/*
 * Whether an NTFS volume may be written.  Windows leaves two states in which
 * another system must not write to its volume:
 *
 *  - dirty: the flag VOLUME_IS_DIRTY in $Volume's $VOLUME_INFORMATION
 *    (Windows crashed or lost power with the volume mounted, or chkdsk is
 *    scheduled).  Read from the raw device: the boot sector gives the
 *    geometry and where $MFT starts, MFT record 3 ($Volume) holds the flag.
 *  - hibernated: an active hibernation file, hiberfil.sys in the root whose
 *    header starts with "hibr" (any case): Windows hibernated, or shut down
 *    with Fast Startup, and will resume its cached view of the volume.
 *    Read through the read-only mount.
 *
 * Everything read from the disk is untrusted: every size and offset is
 * checked against the limits below and the buffer it points into.
 */

#define NTFS_BOOT_BYTES 512		/* the boot sector read */
#define NTFS_SECTOR_MIN 256		/* bytes per sector, powers of two */
#define NTFS_SECTOR_MAX 4096
#define NTFS_CLUSTER_MAX (2u * 1024 * 1024)	/* largest cluster NTFS has */
#define NTFS_RECORD_MIN 512		/* MFT record sizes accepted */
#define NTFS_RECORD_MAX 4096
#define NTFS_FIXUP_STRIDE 512		/* update sequence: one per 512 bytes */
#define NTFS_MFT_VOLUME 3		/* MFT record number of $Volume */
#define NTFS_ATTR_VOLUME_INFO 0x70	/* $VOLUME_INFORMATION */
#define NTFS_VOLUME_DIRTY 0x0001	/* its flag VOLUME_IS_DIRTY */
#define NTFS_HIBERFIL "hiberfil.sys"
#define NTFS_ROOT_SCAN_MAX 100000	/* root entries read to find it */

/* Where things are, from the boot sector. */
struct ntfs_geometry {
	uint32_t sector_size;
	uint32_t cluster_size;
	uint32_t record_size;		/* one MFT record */
	uint64_t volume_bytes;
	uint64_t mft_offset;		/* byte offset of MFT record 0 */
};

/**
 * Parse an NTFS boot sector.
 *
 * @v boot	the first bytes of the volume
 * @v len	their number (at least NTFS_BOOT_BYTES)
 * @v g		the geometry
 * @ret 0, -EINVAL (not NTFS, or values out of range)
 */
int ntfs_boot_parse(const uint8_t *boot, size_t len, struct ntfs_geometry *g,
		    struct err *err);

/**
 * Check and undo the update sequence of a multi-sector record in place:
 * the last two bytes of every 512-byte block must hold the sequence
 * number (else the record was torn by a partial write) and get their
 * saved value back.
 *
 * @v rec	the record
 * @v len	its size (a multiple of NTFS_FIXUP_STRIDE)
 * @ret 0 or -EINVAL
 */
int ntfs_record_fixup(uint8_t *rec, size_t len, struct err *err);

/**
 * The volume flags of $Volume's MFT record (fixups applied here).
 *
 * @v rec	MFT record 3, as read from the disk
 * @v len	the record size
 * @v flags	the flags of $VOLUME_INFORMATION
 * @ret 0, -EINVAL (damaged or not $Volume), -ENOENT (no such attribute)
 */
int ntfs_volume_info(uint8_t *rec, size_t len, uint16_t *flags,
		     struct err *err);

/**
 * Read the volume flags from a device (or image).
 *
 * @v fd	open for reading
 * @v flags	the flags of $VOLUME_INFORMATION
 * @ret 0, -EINVAL, -ENOENT, -EIO (short read) or -errno
 */
int ntfs_volume_flags(int fd, uint16_t *flags, struct err *err);

/**
 * Whether a hibernation file header says a hibernated system waits to
 * resume ("hibr", any case).  @ret true if so
 */
bool ntfs_hiber_active(const uint8_t *head, size_t len);

/**
 * Look for an active hibernation file in a volume's root directory (its
 * name matched without regard to case, as Windows does).
 *
 * @v root_fd	the mounted volume's root
 * @v active	set to whether one is there
 * @ret 0 or -errno
 */
int ntfs_hiber_find(int root_fd, bool *active, struct err *err);

/**
 * Refuse to write a volume Windows left dirty or hibernated; err then says
 * what the operator does about it.
 *
 * @v device	the block device (for its flags)
 * @v root_fd	its read-only mount (for hiberfil.sys)
 * @ret 0 (writable), -EUCLEAN (dirty), -EROFS (hibernated), or the -errno
 *	of a volume that cannot be read
 */
int ntfs_check_writable(const char *device, int root_fd, struct err *err);

#endif
