/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fixd/bundle.h"
#include "fixd/safe.h"
#include "fixd/txn.h"

#define TXN_COPY_CHUNK (64 * 1024)

/**
 * Copy the bytes of one open file into another.
 * @ret 0 or -errno
 */
static int txn_copy_bytes(int from, int to)
{
	char chunk[TXN_COPY_CHUNK];
	ssize_t n;
	int rc;

	for (;;) {
		n = read(from, chunk, sizeof(chunk));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : 0;
		rc = safe_write_all(to, chunk, (size_t)n);
		if (rc < 0)
			return rc;
	}
}

/**
 * Back a file up by copying it (for filesystems without hard links, such as
 * vfat): bytes, mode and times, then fsync.
 *
 * @v dfd	the file's directory
 * @v base	its name there
 * @v name	the backup's name in backup/
 * @ret 0 or -errno
 */
static int txn_backup_copy(struct txn *t, int dfd, const char *base,
			   const char *name)
{
	struct timespec times[2];
	struct stat st;
	int from, to, rc;

	from = safe_openat(dfd, base, O_RDONLY | O_NOFOLLOW | O_NONBLOCK, 0);
	if (from < 0)
		return from;
	rc = fstat(from, &st) < 0 ? -errno : S_ISREG(st.st_mode) ? 0 : -EPERM;
	if (rc < 0) {
		close(from);
		return rc;
	}
	to = safe_openat(t->backup_fd, name, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW,
			 0600);
	if (to < 0) {
		close(from);
		return to;
	}
	rc = txn_copy_bytes(from, to);
	times[0] = st.st_atim;
	times[1] = st.st_mtim;
	if (rc == 0 && (fchmod(to, st.st_mode & 07777) < 0 ||
			futimens(to, times) < 0) && errno != EPERM)
		rc = -errno;
	if (rc == 0 && fsync(to) < 0)
		rc = -errno;
	if (close(to) < 0 && rc == 0)
		rc = -errno;
	close(from);
	return rc;
}

/**
 * Keep the old file of step i in backup/<i>: a hard link, or a copy where
 * the filesystem has no hard links (from then on for every step).
 * @ret 0 or -errno
 */
static int txn_backup_one(struct txn *t, size_t i, struct err *err)
{
	const struct journal_step *s = &t->j->steps[i];
	char name[TXN_NAME_MAX];
	const char *base;
	int dfd, rc;

	rc = safe_parent(t->root_fd, s->path, false, &dfd, &base, err);
	if (rc < 0)
		return rc;
	if (dfd < 0)
		return err_set(err, -ENOENT, "%s vanished before its backup", s->path);
	snprintf(name, sizeof(name), "%zu", i);
	unlinkat(t->backup_fd, name, 0);
	if (!t->copy_backups && linkat(dfd, base, t->backup_fd, name, 0) < 0) {
		rc = -errno;
		if (rc == -EPERM || rc == -EOPNOTSUPP) {
			t->copy_backups = true;
			log_info(t->log, "no hard links on this filesystem (%s): backups "
				 "are copies", strerror(-rc));
		}
	}
	if (t->copy_backups || rc == -EMLINK)
		rc = txn_backup_copy(t, dfd, base, name);
	close(dfd);
	if (rc < 0)
		return err_set(err, rc, "backup of %s: %s", s->path, strerror(-rc));
	txn_step(t, "backup of %s", s->path);
	return 0;
}

/**
 * Back up every old file, sync the backups, then write the journal.
 * @ret 0 or -errno
 */
int txn_begin(struct txn *t, struct err *err)
{
	bool made;
	int rc = 0;

	t->backup_fd = txn_dir(t->state_fd, TXN_BACKUP_DIR, &made);
	if (t->backup_fd < 0)
		return err_set(err, t->backup_fd, "%s/%s: %s", BUNDLE_STATE_DIR,
			       TXN_BACKUP_DIR, strerror(-t->backup_fd));
	for (size_t i = 0; rc == 0 && i < t->j->nsteps; i++) {
		if (t->j->steps[i].has_before)
			rc = txn_backup_one(t, i, err);
	}
	if (rc < 0)
		return rc;
	if (fsync(t->backup_fd) < 0)
		return err_set(err, -errno, "%s/%s: fsync: %s", BUNDLE_STATE_DIR,
			       TXN_BACKUP_DIR, strerror(errno));
	txn_step(t, "backups synced");
	return txn_write(t, err);
}
