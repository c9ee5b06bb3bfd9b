/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <blkid/blkid.h>

#include "common/strnum.h"
#include "fixd/target.h"

/**
 * Copy one probed value into a fixed field.
 * @ret 0, or -ENAMETOOLONG if it does not fit
 */
static int target_value(blkid_probe pr, const char *name, char *out,
			size_t outlen)
{
	const char *data;
	size_t len;

	out[0] = '\0';
	if (blkid_probe_lookup_value(pr, name, &data, &len) != 0)
		return 0;
	len = strnlen(data, len);
	if (len >= outlen)
		return -ENAMETOOLONG;
	memcpy(out, data, len);
	out[len] = '\0';
	return 0;
}

/**
 * Probe one device with libblkid.
 * @ret 0, -ENODATA, -ENOTUNIQ, -errno
 */
int target_probe(const char *device, struct target_dev *out, struct err *err)
{
	blkid_probe pr;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((size_t)snprintf(out->device, sizeof(out->device), "%s", device) >=
	    sizeof(out->device))
		return err_set(err, -ENAMETOOLONG, "%.64s...: name too long", device);
	errno = 0;
	pr = blkid_new_probe_from_filename(device);
	if (!pr) {
		rc = errno ? -errno : -EIO;
		return err_set(err, rc, "%s: %s", device, strerror(-rc));
	}
	blkid_probe_enable_superblocks(pr, 1);
	blkid_probe_set_superblocks_flags(pr, BLKID_SUBLKS_LABEL |
					  BLKID_SUBLKS_UUID | BLKID_SUBLKS_TYPE);
	rc = blkid_do_safeprobe(pr);
	if (rc == 1) {
		rc = err_set(err, -ENODATA, "%s: no filesystem", device);
	} else if (rc == -2) {
		rc = err_set(err, -ENOTUNIQ, "%s: ambiguous filesystem signatures",
			     device);
	} else if (rc < 0) {
		rc = err_set(err, -EIO, "%s: libblkid cannot probe it", device);
	} else if (target_value(pr, "TYPE", out->fstype, sizeof(out->fstype)) ||
		   target_value(pr, "LABEL", out->label, sizeof(out->label)) ||
		   target_value(pr, "UUID", out->uuid, sizeof(out->uuid))) {
		rc = err_set(err, -ENAMETOOLONG, "%s: label, UUID or type too long",
			     device);
	} else if (out->fstype[0] == '\0') {
		rc = err_set(err, -ENODATA, "%s: no filesystem type", device);
	}
	blkid_free_probe(pr);
	return rc;
}

/**
 * Whether a selector's fstype names a device's type: libblkid's name
 * ("ntfs", "vfat") or the kernel driver's that mounts it ("ntfs3").
 */
static bool target_fstype_is(const char *type, const char *want)
{
	const struct target_fs *fs = target_fs_find(type);

	return strcmp(type, want) == 0 ||
	       (fs && strcmp(fs->mount_type, want) == 0);
}

/** True if every field sel sets matches d. */
bool target_match(const struct manifest_target *sel, const struct target_dev *d)
{
	if (sel->label && strcmp(sel->label, d->label) != 0)
		return false;
	if (sel->uuid && strcasecmp(sel->uuid, d->uuid) != 0)
		return false;
	if (sel->fstype && !target_fstype_is(d->fstype, sel->fstype))
		return false;
	return true;
}

/**
 * True for a device name worth probing: not a RAM disk (the secondary OS's
 * own), not an optical or floppy drive (slow, never a target).
 */
static bool target_name_wanted(const char *name)
{
	static const char *const skip[] = { "ram", "zram", "sr", "fd" };

	for (size_t i = 0; i < sizeof(skip) / sizeof(skip[0]); i++) {
		if (strncmp(name, skip[i], strlen(skip[i])) == 0)
			return false;
	}
	for (const char *p = name; *p; p++) {
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '-' || *p == '_' || *p == '.'))
			return false;
	}
	return name[0] != '\0' && name[0] != '.';
}

/**
 * Read the partitions file whole.
 * @ret 0 or -errno; text is NUL-terminated
 */
static int target_read_partitions(const char *path, char *text, size_t max,
				  struct err *err)
{
	size_t len = 0;
	ssize_t n;
	int fd, rc = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		rc = -errno;
		return err_set(err, rc, "%s: %s", path, strerror(-rc));
	}
	while ((n = read(fd, text + len, max - len)) > 0)
		len += (size_t)n;
	if (n < 0)
		rc = err_set(err, -errno, "%s: %s", path, strerror(errno));
	else if (len == max)
		rc = err_set(err, -EFBIG, "%s: longer than %zu bytes", path, max - 1);
	close(fd);
	text[len] = '\0';
	return rc;
}

/**
 * Parse one line of /proc/partitions ("major minor #blocks name").
 * @ret 1 and name when the line names a non-empty device, else 0
 */
static int target_partitions_line(char *line, char name[TARGET_DEVNAME_MAX + 1])
{
	char *f[4], *save = NULL;
	uint64_t blocks;
	int i;

	for (i = 0; i < 4; i++) {
		f[i] = strtok_r(i ? NULL : line, " \t", &save);
		if (!f[i])
			return 0;
	}
	if (strtok_r(NULL, " \t", &save))
		return 0;
	if (strnum_u64(f[2], 1, UINT64_MAX, &blocks) < 0 ||
	    strlen(f[3]) > TARGET_DEVNAME_MAX || !target_name_wanted(f[3]))
		return 0;
	strcpy(name, f[3]);
	return 1;
}

/**
 * Probe every device of the partitions file; keep the mountable ones.
 * @ret 0 or -errno
 */
int target_scan(const struct target_ctx *ctx, struct target_dev *out,
		size_t max, size_t *n, struct err *err)
{
	char *text, *line, *save = NULL;
	char name[TARGET_DEVNAME_MAX + 1], dev[TARGET_DEVICE_MAX];
	struct err perr;
	int rc;

	*n = 0;
	text = malloc(TARGET_PARTITIONS_MAX);
	if (!text)
		return err_set(err, -ENOMEM, "out of memory");
	rc = target_read_partitions(ctx->partitions, text, TARGET_PARTITIONS_MAX - 1,
				    err);
	for (line = strtok_r(text, "\n", &save); rc == 0 && line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (!target_partitions_line(line, name))
			continue;
		snprintf(dev, sizeof(dev), "%s/%s", ctx->dev_dir, name);
		if (*n == max) {
			log_warn(ctx->log, "more than %zu block devices; %s and later "
				 "not probed", max, dev);
			break;
		}
		if (target_probe(dev, &out[*n], &perr) < 0) {
			log_debug(ctx->log, "%s", perr.msg);
			continue;
		}
		log_info(ctx->log, "%s: %s label \"%s\" uuid %s", dev, out[*n].fstype,
			 out[*n].label, out[*n].uuid);
		if (target_fs_find(out[*n].fstype))
			(*n)++;
	}
	free(text);
	return rc;
}
