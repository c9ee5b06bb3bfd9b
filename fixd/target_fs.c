/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "fixd/fold.h"
#include "fixd/ntfs.h"
#include "fixd/safe.h"
#include "fixd/target.h"

#define TARGET_UMOUNT_TRIES 20		/* EBUSY retries, 100 ms apart */

/*
 * Filesystems fixd mounts.  NTFS goes to the kernel's ntfs3, never with its
 * "force" option (which writes to a dirty volume), with "windows_names": no
 * name Windows cannot open is created.  Names on NTFS are matched as they
 * are stored, case and all: ntfs3's "nocase" is not used, because in 6.12
 * it only matches another case for names already in the dentry cache (a
 * first lookup of "drivers" misses "Drivers"; measured in the lab), so the
 * same fix would find a file or not depending on what was read before;
 * fixd maps the manifest's paths to the stored names itself (fold.h).
 * ntfs3 replays the NTFS journal (a Windows that stopped without shutting
 * down, a blue screen) only when it mounts read-write; a remount refuses
 * ("umount/remount instead"), so NTFS is made writable by a new mount.
 */
static const struct target_fs target_fs_table[] = {
	{ "ext4", "ext4", NULL, true, false, false },
	{ "vfat", "vfat", NULL, false, true, false },
	{ "ntfs", "ntfs3", "windows_names", false, true, true },
};

/* What must hold before a filesystem is made writable, by type. */
static const struct {
	const char *type;
	int (*check)(const char *device, int root_fd, struct err *err);
} target_fs_guards[] = {
	{ "ntfs", ntfs_check_writable },	/* not dirty, not hibernated */
};

/** The table entry for a libblkid type, or NULL. */
const struct target_fs *target_fs_find(const char *type)
{
	for (size_t i = 0; i < sizeof(target_fs_table) / sizeof(target_fs_table[0]); i++) {
		if (strcmp(target_fs_table[i].type, type) == 0)
			return &target_fs_table[i];
	}
	return NULL;
}

/** An empty target. */
static void target_reset(struct target *t)
{
	memset(t, 0, sizeof(*t));
	t->root_fd = -1;
}

/**
 * Mount a device on a new directory under work_dir.
 * @ret 0 or -errno
 */
int target_mount(const struct target_dev *d, const char *work_dir, bool rdonly,
		 struct target *t, struct err *err)
{
	const struct target_fs *fs = target_fs_find(d->fstype);
	unsigned long flags = MS_NOSUID | MS_NODEV | (rdonly ? MS_RDONLY : 0);
	int rc;

	target_reset(t);
	if (!fs)
		return err_set(err, -ENOTSUP, "%s: fixd cannot mount %s", d->device,
			       d->fstype);
	if ((size_t)snprintf(t->root, sizeof(t->root), "%s/fixd-mnt.XXXXXX",
			     work_dir) >= sizeof(t->root))
		return err_set(err, -ENAMETOOLONG, "work directory path too long");
	if (!mkdtemp(t->root)) {
		rc = -errno;
		return err_set(err, rc, "mkdtemp %s: %s", t->root, strerror(-rc));
	}
	if (mount(d->device, t->root, fs->mount_type, flags, fs->options) < 0) {
		rc = -errno;
		err_set(err, rc, "mount %s (%s) on %s: %s", d->device, fs->mount_type,
			t->root, rc == -ENODEV ? "this kernel has no driver for it" :
			strerror(-rc));
		/* -ENODEV means "no target" to the callers */
		if (rc == -ENODEV)
			rc = -ENOTSUP;
		goto err_rmdir;
	}
	t->mounted = true;
	t->rdonly = rdonly;
	t->root_fd = open(t->root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (t->root_fd < 0) {
		rc = -errno;
		err_set(err, rc, "open %s: %s", t->root, strerror(-rc));
		goto err_umount;
	}
	t->has_dev = true;
	t->dev = *d;
	t->posix_modes = fs->posix_modes;
	t->casefold = fs->casefold;
	return 0;

err_umount:
	umount2(t->root, MNT_DETACH);
err_rmdir:
	rmdir(t->root);
	target_reset(t);
	return rc;
}

/**
 * Make a read-only target writable by a remount.
 * @ret 0 or -errno
 */
static int target_remount(struct target *t, const struct target_fs *fs,
			  struct err *err)
{
	int rc;

	if (mount(t->dev.device, t->root, fs->mount_type,
		  MS_REMOUNT | MS_NOSUID | MS_NODEV, fs->options) < 0) {
		rc = -errno;
		return err_set(err, rc, "remount %s read-write: %s", t->dev.device,
			       strerror(-rc));
	}
	return 0;
}

/**
 * Make a read-only target writable by unmounting it and mounting it again
 * read-write on the same directory (ntfs3: this replays the NTFS journal).
 * On failure the target is left unmounted, its root_fd closed.
 * @ret 0 or -errno
 */
static int target_mount_again(struct target *t, const struct target_fs *fs,
			      struct err *err)
{
	int rc;

	syncfs(t->root_fd);
	close(t->root_fd);
	t->root_fd = -1;
	if (umount2(t->root, 0) < 0) {
		rc = -errno;
		umount2(t->root, MNT_DETACH);
		t->mounted = false;
		return err_set(err, rc, "unmount %s to mount it read-write: %s",
			       t->dev.device, strerror(-rc));
	}
	t->mounted = false;
	if (mount(t->dev.device, t->root, fs->mount_type, MS_NOSUID | MS_NODEV,
		  fs->options) < 0) {
		rc = -errno;
		return err_set(err, rc, "mount %s (%s) read-write: %s; left untouched",
			       t->dev.device, fs->mount_type, strerror(-rc));
	}
	t->mounted = true;
	t->root_fd = open(t->root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (t->root_fd < 0)
		return err_set(err, -errno, "open %s: %s", t->root, strerror(errno));
	return 0;
}

/**
 * Remount a mounted target read-write, once its type's guard (NTFS: not
 * dirty, not hibernated) lets it.
 * @ret 0, the guard's -errno (the target stays read-only), or -errno
 */
int target_writable(struct target *t, struct err *err)
{
	const struct target_fs *fs;
	int rc;

	if (!t->mounted || !t->rdonly)
		return 0;
	fs = target_fs_find(t->dev.fstype);
	for (size_t i = 0; i < sizeof(target_fs_guards) / sizeof(target_fs_guards[0]);
	     i++) {
		if (strcmp(target_fs_guards[i].type, t->dev.fstype) != 0)
			continue;
		rc = target_fs_guards[i].check(t->dev.device, t->root_fd, err);
		if (rc < 0)
			return rc;
	}
	rc = fs->fresh_rw_mount ? target_mount_again(t, fs, err) :
	     target_remount(t, fs, err);
	if (rc < 0)
		return rc;
	t->rdonly = false;
	return 0;
}

/**
 * Use an existing directory as the target.
 * @ret 0 or -errno
 */
int target_open_dir(const char *dir, struct target *t, struct err *err)
{
	int rc;

	target_reset(t);
	if ((size_t)snprintf(t->root, sizeof(t->root), "%s", dir) >= sizeof(t->root))
		return err_set(err, -ENAMETOOLONG, "target path too long");
	t->root_fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (t->root_fd < 0) {
		rc = -errno;
		target_reset(t);
		return err_set(err, rc, "%s: %s", dir, strerror(-rc));
	}
	t->posix_modes = true;
	return 0;
}

/** True if path exists on the target (symlinks in the way count as absent). */
bool target_path_exists(const struct target *t, const char *path)
{
	char stored[MANIFEST_PATH_MAX + 1];
	struct err err;
	int fd;

	if (t->casefold) {
		if (fold_path(t->root_fd, path, stored, sizeof(stored), &err) < 0) {
			if (t->log)
				log_warn(t->log, "%s", err.msg);
			return false;
		}
		path = stored;
	}
	fd = safe_openat(t->root_fd, path, O_PATH | O_NOFOLLOW, 0);
	if (fd < 0)
		return false;
	close(fd);
	return true;
}

/**
 * Unmount, retrying while busy (a hook's straggler may still hold it), and
 * detach as a last resort.
 */
static void target_umount(struct target *t)
{
	struct timespec pause = { 0, 100 * 1000 * 1000 };

	for (int i = 0; i < TARGET_UMOUNT_TRIES; i++) {
		if (umount2(t->root, 0) == 0)
			return;
		if (errno != EBUSY)
			break;
		nanosleep(&pause, NULL);
	}
	if (t->log)
		log_warn(t->log, "unmount %s: %s; detaching it", t->root,
			 strerror(errno));
	umount2(t->root, MNT_DETACH);
}

/** Sync, close, unmount, remove the mount point; accepts a closed target. */
void target_close(struct target *t)
{
	if (!t)
		return;
	if (t->root_fd >= 0) {
		syncfs(t->root_fd);
		close(t->root_fd);
	}
	if (t->mounted)
		target_umount(t);
	if (t->has_dev)
		rmdir(t->root);	/* the mount point made by target_mount() */
	t->root_fd = -1;
	t->mounted = false;
}

/**
 * Own mount namespace with private propagation.
 * @ret 0 or -errno
 */
int target_private_ns(void)
{
	if (unshare(CLONE_NEWNS) < 0)
		return -errno;
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return -errno;
	return 0;
}
