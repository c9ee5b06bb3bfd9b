/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fixd/apply.h"
#include "fixd/safe.h"

/**
 * Write one put to its staged file, with its mode.  Not synced here: one
 * syncfs() after the last put makes every staged file durable at once, far
 * cheaper than an fsync (a journal commit on ext4) per file.
 * @ret 0 or -errno
 */
static int apply_stage_put(struct apply *a, size_t i, struct err *err)
{
	struct apply_item *it = &a->items[i];
	const struct manifest_op *op = &a->bundle->manifest->ops[it->op];
	const struct bundle_blob *blob = &a->bundle->blobs[it->op];
	char name[TXN_NAME_MAX];
	int fd, rc;

	txn_stage_name(i, name);
	fd = safe_openat(a->tx.state_fd, name,
			 O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return err_set(err, fd, "staging %s: %s", it->path, strerror(-fd));
	rc = safe_write_all(fd, blob->data, blob->size);
	if (rc == 0 && a->target->posix_modes && fchmod(fd, op->mode & 01777) < 0)
		rc = -errno;
	if (close(fd) < 0 && rc == 0)
		rc = -errno;
	if (rc < 0)
		return err_set(err, rc, "staging %s: %s", it->path, strerror(-rc));
	txn_step(&a->tx, "staged %s", it->path);
	return 0;
}

/**
 * Open .fixnet (made if needed) with no journal in it, and sweep what an
 * earlier apply left; open tmp/.
 * @ret 0 or -errno
 */
static int apply_stage_dirs(struct apply *a, struct err *err)
{
	struct txn *t = &a->tx;
	bool made;

	t->state_fd = txn_dir(a->target->root_fd, BUNDLE_STATE_DIR, &a->made_state);
	if (t->state_fd < 0)
		return err_set(err, t->state_fd, "%s: %s", BUNDLE_STATE_DIR,
			       strerror(-t->state_fd));
	if (faccessat(t->state_fd, TXN_JOURNAL, F_OK, AT_SYMLINK_NOFOLLOW) == 0) {
		/* not ours: closed, so that nothing of it is swept */
		close(t->state_fd);
		t->state_fd = -1;
		return err_set(err, -EBUSY, "%s/%s: the journal of an interrupted "
			       "apply is in the way", BUNDLE_STATE_DIR, TXN_JOURNAL);
	}
	txn_sweep(t);
	t->tmp_fd = txn_dir(t->state_fd, TXN_TMP_DIR, &made);
	if (t->tmp_fd < 0)
		return err_set(err, t->tmp_fd, "%s/%s: %s", BUNDLE_STATE_DIR,
			       TXN_TMP_DIR, strerror(-t->tmp_fd));
	return 0;
}

/**
 * Stage phase: every put written in .fixnet/tmp/, then the whole target
 * synced (file data and directory entries) before the journal is written.
 * @ret 0 or -errno
 */
int apply_stage(struct apply *a, struct err *err)
{
	size_t nputs = 0;
	int rc;

	rc = apply_stage_dirs(a, err);
	for (size_t i = 0; rc == 0 && i < a->nitems; i++) {
		if (a->items[i].kind == MANIFEST_OP_PUT) {
			rc = apply_stage_put(a, i, err);
			nputs++;
		}
	}
	if (rc < 0)
		return rc;
	if (syncfs(a->tx.tmp_fd) < 0)
		return err_set(err, -errno, "%s/%s: syncfs: %s", BUNDLE_STATE_DIR,
			       TXN_TMP_DIR, strerror(errno));
	txn_step(&a->tx, "staged files synced");
	log_info(a->log, "staged %zu file(s)", nputs);
	return 0;
}

/**
 * Remove what stage and journal left (before the commit: the journal, if
 * written, first), then .fixnet if stage made it and it is empty.
 */
void apply_unstage(struct apply *a)
{
	if (a->tx.j && a->tx.state_fd >= 0 &&
	    unlinkat(a->tx.state_fd, TXN_JOURNAL, 0) == 0)
		fsync(a->tx.state_fd);
	txn_sweep(&a->tx);
	if (a->made_state)
		unlinkat(a->target->root_fd, BUNDLE_STATE_DIR, AT_REMOVEDIR);
	a->made_state = false;
}
