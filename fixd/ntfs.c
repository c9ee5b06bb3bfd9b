/* SPDX-License-Identifier: MIT */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fixd/ntfs.h"

/* Boot sector fields (byte offsets). */
#define BOOT_OEM 0x03
#define BOOT_SECTOR_SIZE 0x0B
#define BOOT_SECTORS_PER_CLUSTER 0x0D
#define BOOT_TOTAL_SECTORS 0x28
#define BOOT_MFT_LCN 0x30
#define BOOT_CLUSTERS_PER_RECORD 0x40
#define BOOT_SIGNATURE 0x1FE

/* MFT record header fields. */
#define REC_USA_OFS 0x04
#define REC_USA_COUNT 0x06
#define REC_ATTRS_OFS 0x14
#define REC_FLAGS 0x16
#define REC_BYTES_IN_USE 0x18
#define REC_BASE 0x20
#define REC_NUMBER 0x2C			/* NTFS 3.1 records only */
#define REC_HEADER_31 0x30		/* their update sequence starts here */
#define REC_IN_USE 0x0001

/* Attribute header fields (resident form). */
#define ATTR_END 0xFFFFFFFFu
#define ATTR_HEADER_MIN 16
#define ATTR_RESIDENT_HEADER 24
#define ATTR_NON_RESIDENT 0x08
#define ATTR_VALUE_LEN 0x10
#define ATTR_VALUE_OFS 0x14
#define VOLINFO_FLAGS 10		/* in $VOLUME_INFORMATION's value */
#define VOLINFO_MIN 12

/** Little-endian 16-bit value at p (the caller checked the bounds). */
static uint16_t le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

/** Little-endian 32-bit value at p. */
static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)le16(p) | (uint32_t)le16(p + 2) << 16;
}

/** Little-endian 64-bit value at p. */
static uint64_t le64(const uint8_t *p)
{
	return (uint64_t)le32(p) | (uint64_t)le32(p + 4) << 32;
}

/** True if v is a power of two. */
static bool pow2(uint64_t v)
{
	return v && !(v & (v - 1));
}

/**
 * Bytes of one MFT record from the boot sector's signed field: clusters
 * when positive, 2^-v bytes when negative.
 * @ret the size, or 0 when out of range
 */
static uint32_t ntfs_record_bytes(int8_t v, uint32_t cluster)
{
	uint64_t n;

	if (v > 0)
		n = (uint64_t)v * cluster;
	else if (v < 0 && v >= -31)
		n = 1ull << -v;
	else
		return 0;
	return pow2(n) && n >= NTFS_RECORD_MIN && n <= NTFS_RECORD_MAX ?
		(uint32_t)n : 0;
}

/**
 * Parse an NTFS boot sector.
 * @ret 0 or -EINVAL
 */
int ntfs_boot_parse(const uint8_t *b, size_t len, struct ntfs_geometry *g,
		    struct err *err)
{
	uint8_t spc;
	uint64_t sectors, cluster, lcn;

	memset(g, 0, sizeof(*g));
	if (len < NTFS_BOOT_BYTES)
		return err_set(err, -EINVAL, "boot sector: %zu bytes", len);
	if (memcmp(b + BOOT_OEM, "NTFS    ", 8) != 0 ||
	    b[BOOT_SIGNATURE] != 0x55 || b[BOOT_SIGNATURE + 1] != 0xAA)
		return err_set(err, -EINVAL, "no NTFS boot sector");
	g->sector_size = le16(b + BOOT_SECTOR_SIZE);
	if (!pow2(g->sector_size) || g->sector_size < NTFS_SECTOR_MIN ||
	    g->sector_size > NTFS_SECTOR_MAX)
		return err_set(err, -EINVAL, "boot sector: %u bytes per sector",
			       g->sector_size);
	spc = b[BOOT_SECTORS_PER_CLUSTER];
	cluster = spc <= 0x80 ? spc : 256 - spc < 32 ? 1ull << (256 - spc) : 0;
	cluster *= g->sector_size;
	if (!pow2(cluster) || cluster > NTFS_CLUSTER_MAX)
		return err_set(err, -EINVAL, "boot sector: sectors per cluster "
			       "0x%02x", spc);
	g->cluster_size = (uint32_t)cluster;
	g->record_size = ntfs_record_bytes((int8_t)b[BOOT_CLUSTERS_PER_RECORD],
					   g->cluster_size);
	if (!g->record_size)
		return err_set(err, -EINVAL, "boot sector: MFT record size 0x%02x",
			       b[BOOT_CLUSTERS_PER_RECORD]);
	sectors = le64(b + BOOT_TOTAL_SECTORS);
	lcn = le64(b + BOOT_MFT_LCN);
	if (sectors > UINT64_MAX / g->sector_size || lcn > UINT64_MAX / cluster)
		return err_set(err, -EINVAL, "boot sector: sizes overflow");
	g->volume_bytes = sectors * g->sector_size;
	g->mft_offset = lcn * cluster;
	if (g->mft_offset > g->volume_bytes ||
	    g->volume_bytes - g->mft_offset <
	    (uint64_t)(NTFS_MFT_VOLUME + 1) * g->record_size)
		return err_set(err, -EINVAL, "boot sector: $MFT at cluster %llu "
			       "lies outside the volume", (unsigned long long)lcn);
	return 0;
}

/**
 * Check and undo the update sequence of a record in place.
 * @ret 0 or -EINVAL
 */
int ntfs_record_fixup(uint8_t *rec, size_t len, struct err *err)
{
	size_t ofs, count, blocks = len / NTFS_FIXUP_STRIDE;

	if (len == 0 || len % NTFS_FIXUP_STRIDE)
		return err_set(err, -EINVAL, "record of %zu bytes", len);
	ofs = le16(rec + REC_USA_OFS);
	count = le16(rec + REC_USA_COUNT);
	if (count != blocks + 1 || ofs < REC_USA_COUNT + 2 || ofs % 2 ||
	    ofs + 2 * count > NTFS_FIXUP_STRIDE - 2)
		return err_set(err, -EINVAL, "update sequence at %zu, %zu entries, "
			       "for %zu blocks", ofs, count, blocks);
	for (size_t i = 1; i < count; i++) {
		uint8_t *end = rec + i * NTFS_FIXUP_STRIDE - 2;

		if (memcmp(end, rec + ofs, 2) != 0)
			return err_set(err, -EINVAL, "block %zu of the record does "
				       "not end with its update sequence number "
				       "(a torn write)", i);
		memcpy(end, rec + ofs + 2 * i, 2);
	}
	return 0;
}

/**
 * Check the header of $Volume's record (fixups already applied).
 * @ret the offset of its first attribute and *used, or -EINVAL
 */
static int ntfs_volume_header(const uint8_t *rec, size_t len, uint32_t *used,
			      struct err *err)
{
	uint32_t attrs = le16(rec + REC_ATTRS_OFS);
	uint32_t usa_end = le16(rec + REC_USA_OFS) +
		2u * le16(rec + REC_USA_COUNT);

	*used = le32(rec + REC_BYTES_IN_USE);
	if (!(le16(rec + REC_FLAGS) & REC_IN_USE) || le64(rec + REC_BASE) != 0)
		return err_set(err, -EINVAL, "$Volume record not in use, or an "
			       "extension record");
	if (le16(rec + REC_USA_OFS) >= REC_HEADER_31 &&
	    le32(rec + REC_NUMBER) != NTFS_MFT_VOLUME)
		return err_set(err, -EINVAL, "MFT record 3 says it is record %u",
			       le32(rec + REC_NUMBER));
	if (*used > len || attrs < usa_end || attrs % 8 || attrs >= *used)
		return err_set(err, -EINVAL, "$Volume record: attributes at %u, "
			       "%u bytes used", attrs, *used);
	return (int)attrs;
}

/**
 * The volume flags of $Volume's MFT record.
 * @ret 0, -EINVAL, -ENOENT
 */
int ntfs_volume_info(uint8_t *rec, size_t len, uint16_t *flags,
		     struct err *err)
{
	uint32_t used, type, alen, vlen, voff;
	int rc, off;

	if (len < NTFS_RECORD_MIN || len > NTFS_RECORD_MAX)
		return err_set(err, -EINVAL, "MFT record of %zu bytes", len);
	if (memcmp(rec, "FILE", 4) != 0)
		return err_set(err, -EINVAL, "MFT record 3 is not a FILE record%s",
			       memcmp(rec, "BAAD", 4) == 0 ? " (marked bad)" : "");
	rc = ntfs_record_fixup(rec, len, err);
	if (rc < 0)
		return rc;
	off = ntfs_volume_header(rec, len, &used, err);
	if (off < 0)
		return off;
	for (uint32_t o = (uint32_t)off; used - o >= 8; o += alen) {
		type = le32(rec + o);
		alen = le32(rec + o + 4);
		if (type == ATTR_END)
			break;
		if (alen < ATTR_HEADER_MIN || alen % 8 || alen > used - o)
			return err_set(err, -EINVAL, "$Volume: attribute at %u of "
				       "length %u", o, alen);
		if (type != NTFS_ATTR_VOLUME_INFO)
			continue;
		if (rec[o + ATTR_NON_RESIDENT] || alen < ATTR_RESIDENT_HEADER)
			return err_set(err, -EINVAL, "$VOLUME_INFORMATION is not "
				       "resident");
		vlen = le32(rec + o + ATTR_VALUE_LEN);
		voff = le16(rec + o + ATTR_VALUE_OFS);
		if (voff > alen || vlen > alen - voff || vlen < VOLINFO_MIN)
			return err_set(err, -EINVAL, "$VOLUME_INFORMATION: %u bytes "
				       "at %u in an attribute of %u", vlen, voff,
				       alen);
		*flags = le16(rec + o + voff + VOLINFO_FLAGS);
		return 0;
	}
	return err_set(err, -ENOENT, "$Volume has no $VOLUME_INFORMATION");
}

/**
 * Read exactly len bytes at off.
 * @ret 0, -EIO (short), -errno
 */
static int ntfs_pread(int fd, void *buf, size_t len, uint64_t off)
{
	size_t got = 0;
	ssize_t n;

	while (got < len) {
		n = pread(fd, (uint8_t *)buf + got, len - got, (off_t)(off + got));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -EIO;
		got += (size_t)n;
	}
	return 0;
}

/**
 * Read the volume flags from a device.  MFT records 0 to 3 are contiguous
 * at the start of $MFT (they are what $MFTMirr mirrors), so record 3 is
 * found without following $MFT's run list.
 * @ret 0, -EINVAL, -ENOENT, -EIO, -errno
 */
int ntfs_volume_flags(int fd, uint16_t *flags, struct err *err)
{
	uint8_t boot[NTFS_BOOT_BYTES], rec[NTFS_RECORD_MAX];
	struct ntfs_geometry g;
	int rc;

	rc = ntfs_pread(fd, boot, sizeof(boot), 0);
	if (rc < 0)
		return err_set(err, rc, "reading the boot sector: %s",
			       rc == -EIO ? "short read" : strerror(-rc));
	rc = ntfs_boot_parse(boot, sizeof(boot), &g, err);
	if (rc < 0)
		return rc;
	rc = ntfs_pread(fd, rec, g.record_size, g.mft_offset +
			(uint64_t)NTFS_MFT_VOLUME * g.record_size);
	if (rc < 0)
		return err_set(err, rc, "reading MFT record 3: %s",
			       rc == -EIO ? "short read" : strerror(-rc));
	return ntfs_volume_info(rec, g.record_size, flags, err);
}

/** True if a hibernation file header starts with "hibr" in any case. */
bool ntfs_hiber_active(const uint8_t *head, size_t len)
{
	return len >= 4 && strncasecmp((const char *)head, "hibr", 4) == 0;
}

/**
 * Read the header of one candidate hibernation file.
 * @ret 1 if active, 0 if not (or not a regular file), -errno
 */
static int ntfs_hiber_read(int root_fd, const char *name)
{
	uint8_t head[4];
	struct stat st;
	ssize_t n;
	int fd, rc;

	fd = openat(root_fd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT || errno == ELOOP ? 0 : -errno;
	if (fstat(fd, &st) < 0) {
		rc = -errno;
	} else if (!S_ISREG(st.st_mode)) {
		rc = 0;
	} else {
		do {
			n = pread(fd, head, sizeof(head), 0);
		} while (n < 0 && errno == EINTR);
		rc = n < 0 ? -errno : ntfs_hiber_active(head, (size_t)n);
	}
	close(fd);
	return rc;
}

/**
 * Look for an active hibernation file in the root directory.
 * @ret 0 or -errno
 */
int ntfs_hiber_find(int root_fd, bool *active, struct err *err)
{
	struct dirent *e;
	size_t scanned = 0;
	DIR *d;
	int fd, rc = 0;

	*active = false;
	/* a description of its own: a dup would share (and move) the offset */
	fd = openat(root_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || !(d = fdopendir(fd))) {
		rc = -errno;
		if (fd >= 0)
			close(fd);
		return err_set(err, rc, "root directory: %s", strerror(-rc));
	}
	while (rc == 0 && !*active) {
		errno = 0;
		e = readdir(d);
		if (!e) {
			if (errno)
				rc = err_set(err, -errno, "root directory: %s",
					     strerror(errno));
			break;
		}
		if (++scanned > NTFS_ROOT_SCAN_MAX) {
			rc = err_set(err, -E2BIG, "root directory: more than %d "
				     "entries", NTFS_ROOT_SCAN_MAX);
			break;
		}
		if (strcasecmp(e->d_name, NTFS_HIBERFIL) != 0)
			continue;
		rc = ntfs_hiber_read(root_fd, e->d_name);
		if (rc < 0) {
			err_set(err, rc, "%s: %s", e->d_name, strerror(-rc));
		} else {
			*active = rc == 1;
			rc = 0;
		}
	}
	closedir(d);
	return rc;
}

/**
 * Refuse a dirty or hibernated volume.
 * @ret 0, -EUCLEAN, -EROFS, -errno
 */
int ntfs_check_writable(const char *device, int root_fd, struct err *err)
{
	struct err e = { "" };
	uint16_t flags = 0;
	bool hibernated;
	int fd, rc;

	fd = open(device, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return err_set(err, -errno, "%s: %s", device, strerror(errno));
	rc = ntfs_volume_flags(fd, &flags, &e);
	close(fd);
	if (rc < 0)
		return err_set(err, rc, "%s: NTFS state unreadable (%s); left "
			       "untouched: run chkdsk /f on it from Windows", device,
			       e.msg);
	if (flags & NTFS_VOLUME_DIRTY)
		return err_set(err, -EUCLEAN, "%s: NTFS volume marked dirty "
			       "(Windows crashed, or chkdsk is pending); left "
			       "untouched: boot Windows so chkdsk runs (or run "
			       "chkdsk /f), shut down, retry", device);
	rc = ntfs_hiber_find(root_fd, &hibernated, &e);
	if (rc < 0)
		return err_set(err, rc, "%s: %s", device, e.msg);
	if (hibernated)
		return err_set(err, -EROFS, "%s: Windows is hibernated (active "
			       "hiberfil.sys: hibernation or Fast Startup); left "
			       "untouched: boot Windows, shut down fully "
			       "(powercfg /h off), retry", device);
	return 0;
}
