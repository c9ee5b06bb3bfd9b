/* SPDX-License-Identifier: MIT */
#ifndef FIXD_TARGET_H
#define FIXD_TARGET_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#include "common/err.h"
#include "common/manifest.h"
#include "fixd/log.h"

/*
 * The target: the filesystem a fix applies to.  Found by the manifest's
 * selector among the block devices (libblkid reads label, UUID and type;
 * every field the selector sets must match, and a selector path must exist),
 * mounted by fixd on a private mount point; or a device or directory given
 * on the command line.  Exactly one filesystem must match: none means the
 * fix does not apply here (skipped), more than one is refused as ambiguous.
 */

#define TARGET_DEVICES_MAX 256		/* block devices probed */
#define TARGET_PARTITIONS_MAX (64 * 1024)	/* bytes of /proc/partitions */
#define TARGET_DEVNAME_MAX 32		/* a name in /proc/partitions */
#define TARGET_DEVICE_MAX 128		/* a device path */
#define TARGET_PARTITIONS "/proc/partitions"
#define TARGET_DEV_DIR "/dev"

/* A filesystem type fixd mounts: adding one is one line in target_fs.c. */
struct target_fs {
	const char *type;		/* as libblkid names it */
	const char *mount_type;		/* as mount(2) wants it */
	const char *options;		/* mount data, or NULL */
	bool posix_modes;		/* stores file modes (vfat does not) */
	bool casefold;			/* Windows ignores the case of names */
	bool fresh_rw_mount;		/* made writable by a new mount, not a remount */
};

/* What libblkid says about one block device. */
struct target_dev {
	char device[TARGET_DEVICE_MAX];
	char fstype[MANIFEST_FSTYPE_MAX + 1];
	char label[MANIFEST_LABEL_MAX + 1];
	char uuid[MANIFEST_UUID_MAX + 1];
};

/* Where to look and how to mount. */
struct target_ctx {
	struct log *log;
	const char *given;		/* --target: a device or a directory, or NULL */
	const char *partitions;		/* TARGET_PARTITIONS */
	const char *dev_dir;		/* TARGET_DEV_DIR */
	const char *work_dir;		/* where mount points are made */
};

/* An open target. */
struct target {
	int root_fd;			/* -1 when closed */
	char root[PATH_MAX];		/* mount point or the given directory */
	bool mounted;			/* root is fixd's own mount point */
	bool rdonly;			/* mounted read-only */
	bool has_dev;
	struct target_dev dev;		/* when has_dev */
	bool posix_modes;
	bool casefold;			/* paths are mapped by fold_path() */
	struct log *log;
};

/** The table entry for a libblkid type name, or NULL if fixd cannot mount it. */
const struct target_fs *target_fs_find(const char *type);

/**
 * Probe one block device (or image file) with libblkid.
 *
 * @v device	path of the device
 * @v out	filled with its type, label and UUID
 * @ret 0, -ENODATA (no filesystem recognised), -ENOTUNIQ (ambiguous
 *	signatures), -errno
 */
int target_probe(const char *device, struct target_dev *out, struct err *err);

/** True if every field that sel sets equals the device's (UUIDs ignore case). */
bool target_match(const struct manifest_target *sel, const struct target_dev *d);

/**
 * List the block devices named in a /proc/partitions file, probe each and
 * keep those whose filesystem fixd can mount.
 *
 * @v ctx	where to look
 * @v out	array of max devices
 * @v n		set to the number kept
 * @ret 0 or -errno (the partitions file unreadable or too long)
 */
int target_scan(const struct target_ctx *ctx, struct target_dev *out,
		size_t max, size_t *n, struct err *err);

/**
 * Find, mount (or open) and check the target for a selector.
 *
 * @v ctx	where to look
 * @v sel	the manifest's selector
 * @v t		the open target, to close with target_close()
 * @ret 0, -ENODEV (nothing matches: not applicable), -ENOTUNIQ (more than
 *	one matches), -errno (a mount failed)
 */
int target_select(const struct target_ctx *ctx,
		  const struct manifest_target *sel, struct target *t,
		  struct err *err);

/**
 * Mount a device on a new directory under work_dir.
 *
 * @v d		the device and its type
 * @v work_dir	where the mount point is made
 * @v rdonly	mount read-only
 * @v t		the open target
 * @ret 0 or -errno
 */
int target_mount(const struct target_dev *d, const char *work_dir, bool rdonly,
		 struct target *t, struct err *err);

/**
 * Make a mounted target writable (remount read-write); nothing to do for a
 * directory.  @ret 0 or -errno
 */
int target_writable(struct target *t, struct err *err);

/**
 * Use an existing directory as the target.
 * @ret 0 or -errno
 */
int target_open_dir(const char *dir, struct target *t, struct err *err);

/**
 * True if path (relative, checked) exists on the target; symlinks in it
 * count as absent.  On a casefold target, other cases of its names count.
 */
bool target_path_exists(const struct target *t, const char *path);

/** Sync, close, unmount what fixd mounted, remove the mount point. */
void target_close(struct target *t);

/**
 * Move fixd into its own mount namespace, with mounts private, so that its
 * mounts are invisible outside and vanish with it.  @ret 0 or -errno
 */
int target_private_ns(void);

#endif
