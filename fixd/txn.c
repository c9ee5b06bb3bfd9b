/* SPDX-License-Identifier: MIT */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/file.h"
#include "fixd/bundle.h"
#include "fixd/crash.h"
#include "fixd/safe.h"
#include "fixd/txn.h"

/** An empty transaction on a target root. */
void txn_init(struct txn *t, struct log *log, int root_fd)
{
	memset(t, 0, sizeof(*t));
	t->log = log;
	t->root_fd = root_fd;
	t->state_fd = t->tmp_fd = t->backup_fd = -1;
}

/** Close the directories and free the journal. */
void txn_free(struct txn *t)
{
	if (!t)
		return;
	if (t->tmp_fd >= 0)
		close(t->tmp_fd);
	if (t->backup_fd >= 0)
		close(t->backup_fd);
	if (t->state_fd >= 0)
		close(t->state_fd);
	journal_free(t->j);
	t->j = NULL;
	t->state_fd = t->tmp_fd = t->backup_fd = -1;
}

/**
 * Count one durable action; the crash point of test builds.
 * @v fmt	what was done, for the debug log
 */
void txn_step(struct txn *t, const char *fmt, ...)
{
	char what[LOG_LINE_MAX / 2];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	t->step++;
	log_debug(t->log, "step %u: %s", t->step, what);
	crash_point(t->step);
}

/** Name of a step's staged file relative to .fixnet. */
void txn_stage_name(size_t i, char out[TXN_NAME_MAX])
{
	snprintf(out, TXN_NAME_MAX, "%s/stage.%zu", TXN_TMP_DIR, i);
}

/** Name of a step's backup relative to .fixnet. */
void txn_backup_name(size_t i, char out[TXN_NAME_MAX])
{
	snprintf(out, TXN_NAME_MAX, "%s/%zu", TXN_BACKUP_DIR, i);
}

/**
 * Open (or make, with mode 0700, synced) a directory of the state tree.
 *
 * @v dirfd	where it lives
 * @v name	one component
 * @v made	set if it did not exist
 * @ret its fd or -errno
 */
int txn_dir(int dirfd, const char *name, bool *made)
{
	int fd = safe_openat(dirfd, name, O_RDONLY | O_DIRECTORY, 0);

	*made = false;
	if (fd != -ENOENT)
		return fd;
	*made = true;
	return safe_mkdir_open(dirfd, name, 0700);
}

/**
 * Unlink every non-directory entry of a directory.
 * @v fd	the directory (not closed)
 */
static void txn_empty_dir(struct txn *t, int fd, const char *name)
{
	struct dirent *e;
	size_t n = 0;
	DIR *d;
	int dup_fd = dup(fd);

	if (dup_fd < 0 || !(d = fdopendir(dup_fd))) {
		if (dup_fd >= 0)
			close(dup_fd);
		return;
	}
	while ((e = readdir(d)) != NULL && n++ < TXN_SWEEP_MAX) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (unlinkat(fd, e->d_name, 0) < 0)
			log_warn(t->log, "%s/%s/%s: %s", BUNDLE_STATE_DIR, name, e->d_name,
				 strerror(errno));
	}
	closedir(d);
}

/**
 * Sweep one directory of the state tree (its fd closed), then remove it.
 * @v fd	its fd (or -1 to open it by name)
 */
static void txn_sweep_dir(struct txn *t, int *fd, const char *name)
{
	if (*fd < 0)
		*fd = safe_openat(t->state_fd, name, O_RDONLY | O_DIRECTORY, 0);
	if (*fd < 0)
		return;
	txn_empty_dir(t, *fd, name);
	close(*fd);
	*fd = -1;
	if (unlinkat(t->state_fd, name, AT_REMOVEDIR) < 0 && errno != ENOENT)
		log_warn(t->log, "%s/%s: %s", BUNDLE_STATE_DIR, name, strerror(errno));
}

/** Remove journal.tmp, tmp/ and backup/ with what they hold. */
void txn_sweep(struct txn *t)
{
	if (t->state_fd < 0)
		return;
	unlinkat(t->state_fd, TXN_JOURNAL_TMP, 0);
	txn_sweep_dir(t, &t->tmp_fd, TXN_TMP_DIR);
	txn_sweep_dir(t, &t->backup_fd, TXN_BACKUP_DIR);
	fsync(t->state_fd);
}

/**
 * Write text to .fixnet/journal.tmp and fsync it.
 * @ret 0 or -errno
 */
static int txn_write_tmp(struct txn *t, const struct buf *text)
{
	int fd, rc;

	fd = safe_openat(t->state_fd, TXN_JOURNAL_TMP,
			 O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return fd;
	rc = safe_write_all(fd, text->data, text->len);
	if (rc == 0 && fsync(fd) < 0)
		rc = -errno;
	if (close(fd) < 0 && rc == 0)
		rc = -errno;
	return rc;
}

/**
 * Write the journal atomically.
 * @ret 0 or -errno
 */
int txn_write(struct txn *t, struct err *err)
{
	struct buf text;
	int rc;

	buf_init(&text, JOURNAL_MAX_BYTES);
	rc = journal_encode(t->j, &text);
	if (rc < 0) {
		buf_free(&text);
		return err_set(err, rc, "journal: %s", rc == -EFBIG ? "the fix touches "
			       "too many paths to journal" : strerror(-rc));
	}
	rc = txn_write_tmp(t, &text);
	buf_free(&text);
	if (rc == 0)
		txn_step(t, "journal.tmp synced");
	if (rc == 0 && renameat(t->state_fd, TXN_JOURNAL_TMP, t->state_fd,
				TXN_JOURNAL) < 0)
		rc = -errno;
	if (rc == 0 && fsync(t->state_fd) < 0)
		rc = -errno;
	if (rc < 0)
		return err_set(err, rc, "writing %s/%s: %s", BUNDLE_STATE_DIR,
			       TXN_JOURNAL, strerror(-rc));
	txn_step(t, "journal written");
	return 0;
}

/**
 * Read the journal of a target, if any.
 * @ret 1 and t->j, 0 when none, -EINVAL, -errno
 */
int txn_read(struct txn *t, struct err *err)
{
	struct buf text;
	struct err perr = { "" };
	int fd, rc;

	if (t->state_fd < 0) {
		t->state_fd = safe_openat(t->root_fd, BUNDLE_STATE_DIR,
					  O_RDONLY | O_DIRECTORY, 0);
		if (t->state_fd == -ENOENT || t->state_fd == -ENOTDIR) {
			t->state_fd = -1;
			return 0;
		}
		if (t->state_fd < 0)
			return err_set(err, t->state_fd, "%s: %s", BUNDLE_STATE_DIR,
				       strerror(-t->state_fd));
	}
	fd = safe_openat(t->state_fd, TXN_JOURNAL, O_RDONLY | O_NOFOLLOW | O_NONBLOCK, 0);
	if (fd == -ENOENT)
		return 0;
	if (fd < 0)
		return err_set(err, fd, "%s/%s: %s", BUNDLE_STATE_DIR, TXN_JOURNAL,
			       strerror(-fd));
	rc = file_read_fd(fd, JOURNAL_MAX_BYTES, &text);
	close(fd);
	if (rc == 0)
		rc = journal_decode(text.data, text.len, &t->j, &perr);
	else
		err_set(&perr, rc, "%s", strerror(-rc));
	buf_free(&text);
	if (rc < 0)
		return err_set(err, rc, "the journal %s/%s of an interrupted apply is "
			       "unreadable (%s); the target is left as it is", BUNDLE_STATE_DIR,
			       TXN_JOURNAL, perr.msg);
	return 1;
}

/**
 * Mark the hooks done (after a syncfs, so that what they wrote is durable).
 * @ret 0 or -errno
 */
int txn_hooks_done(struct txn *t, struct err *err)
{
	if (syncfs(t->root_fd) < 0)
		return err_set(err, -errno, "syncfs after the hooks: %s", strerror(errno));
	t->j->hooks_done = true;
	return txn_write(t, err);
}

/**
 * End: remove the journal (synced), then sweep.
 * @ret 0 or -errno
 */
int txn_end(struct txn *t, struct err *err)
{
	if (unlinkat(t->state_fd, TXN_JOURNAL, 0) < 0 && errno != ENOENT)
		return err_set(err, -errno, "removing %s/%s: %s", BUNDLE_STATE_DIR,
			       TXN_JOURNAL, strerror(errno));
	if (fsync(t->state_fd) < 0)
		return err_set(err, -errno, "%s: fsync: %s", BUNDLE_STATE_DIR,
			       strerror(errno));
	txn_step(t, "journal removed");
	txn_sweep(t);
	txn_step(t, "backups and staged files removed");
	return 0;
}
