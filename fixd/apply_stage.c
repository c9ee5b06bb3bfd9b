/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fixd/apply.h"
#include "fixd/safe.h"

/** Name of the staged file of item i. */
void apply_tmp_name(size_t i, char *out)
{
	snprintf(out, APPLY_TMP_NAME_MAX, "stage.%zu", i);
}

/**
 * Open (making it if needed) a directory of the state tree.
 *
 * @v dirfd	where it lives
 * @v name	its name
 * @v made	set if it did not exist
 * @ret its fd or -errno
 */
static int apply_state_dir(int dirfd, const char *name, mode_t mode, bool *made)
{
	int fd = safe_openat(dirfd, name, O_RDONLY | O_DIRECTORY, 0);

	*made = false;
	if (fd != -ENOENT)
		return fd;
	*made = true;
	return safe_mkdir_open(dirfd, name, mode);
}

/**
 * Write one put to its staged file, with its mode, durably.
 * @ret 0 or -errno
 */
static int apply_stage_put(struct apply *a, size_t i, struct err *err)
{
	struct apply_item *it = &a->items[i];
	const struct manifest_op *op = &a->bundle->manifest->ops[it->op];
	const struct bundle_blob *blob = &a->bundle->blobs[it->op];
	char name[APPLY_TMP_NAME_MAX];
	int fd, rc;

	apply_tmp_name(i, name);
	fd = safe_openat(a->tmp_fd, name, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW,
			 0600);
	if (fd < 0)
		return err_set(err, fd, "staging %s: %s", it->path, strerror(-fd));
	it->staged = true;
	rc = safe_write_all(fd, blob->data, blob->size);
	if (rc == 0 && a->target->posix_modes && fchmod(fd, op->mode & 01777) < 0)
		rc = -errno;
	if (rc == 0 && fsync(fd) < 0)
		rc = -errno;
	if (close(fd) < 0 && rc == 0)
		rc = -errno;
	if (rc < 0)
		return err_set(err, rc, "staging %s: %s", it->path, strerror(-rc));
	return 0;
}

/**
 * Stage phase: every put written and synced in .fixnet/tmp/.
 * @ret 0 or -errno
 */
int apply_stage(struct apply *a, struct err *err)
{
	int rc = 0;
	size_t nputs = 0;

	for (size_t i = 0; i < a->nitems; i++)
		nputs += a->items[i].kind == MANIFEST_OP_PUT;
	if (nputs == 0)
		return 0;
	a->state_fd = apply_state_dir(a->target->root_fd, BUNDLE_STATE_DIR, 0700,
				      &a->made_state);
	if (a->state_fd < 0)
		return err_set(err, a->state_fd, "%s: %s", BUNDLE_STATE_DIR,
			       strerror(-a->state_fd));
	a->tmp_fd = apply_state_dir(a->state_fd, APPLY_TMP_DIR, 0700, &a->made_tmp);
	if (a->tmp_fd < 0)
		return err_set(err, a->tmp_fd, "%s/%s: %s", BUNDLE_STATE_DIR,
			       APPLY_TMP_DIR, strerror(-a->tmp_fd));
	for (size_t i = 0; rc == 0 && i < a->nitems; i++) {
		if (a->items[i].kind == MANIFEST_OP_PUT)
			rc = apply_stage_put(a, i, err);
	}
	if (rc == 0 && fsync(a->tmp_fd) < 0)
		rc = err_set(err, -errno, "%s/%s: fsync: %s", BUNDLE_STATE_DIR,
			     APPLY_TMP_DIR, strerror(errno));
	if (rc == 0)
		log_info(a->log, "staged %zu file(s)", nputs);
	return rc;
}

/**
 * Remove what stage left: staged files, then tmp/ and .fixnet/ if stage
 * made them and they are empty.
 */
void apply_unstage(struct apply *a)
{
	char name[APPLY_TMP_NAME_MAX];

	for (size_t i = 0; a->tmp_fd >= 0 && i < a->nitems; i++) {
		if (!a->items[i].staged)
			continue;
		apply_tmp_name(i, name);
		unlinkat(a->tmp_fd, name, 0);
		a->items[i].staged = false;
	}
	if (a->made_tmp && a->state_fd >= 0)
		unlinkat(a->state_fd, APPLY_TMP_DIR, AT_REMOVEDIR);
	if (a->made_state)
		unlinkat(a->target->root_fd, BUNDLE_STATE_DIR, AT_REMOVEDIR);
	a->made_tmp = a->made_state = false;
}
