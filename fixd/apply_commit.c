/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fixd/apply.h"
#include "fixd/hook.h"
#include "fixd/receipt.h"
#include "fixd/safe.h"

/**
 * Move one staged file into place: its directories made as needed, the
 * rename, an fsync of the directory.
 * @ret 0 or -errno
 */
static int apply_commit_put(struct apply *a, size_t i, struct err *err)
{
	struct apply_item *it = &a->items[i];
	char name[APPLY_TMP_NAME_MAX];
	const char *base;
	int dfd, rc;

	rc = safe_parent(a->target->root_fd, it->path, true, &dfd, &base, err);
	if (rc < 0)
		return rc;
	apply_tmp_name(i, name);
	if (renameat(a->tmp_fd, name, dfd, base) < 0)
		rc = err_set(err, -errno, "%s: rename: %s", it->path, strerror(errno));
	else if (fsync(dfd) < 0)
		rc = err_set(err, -errno, "%s: fsync: %s", it->path, strerror(errno));
	close(dfd);
	if (rc == 0) {
		it->staged = false;
		log_info(a->log, "put %s", it->path);
	}
	return rc;
}

/**
 * Delete one matched file, if it is still a regular file.
 * @ret 0 or -errno
 */
static int apply_commit_delete(struct apply *a, struct apply_item *it,
			       struct err *err)
{
	const char *base;
	struct stat st;
	int dfd, rc;

	rc = safe_parent(a->target->root_fd, it->path, false, &dfd, &base, err);
	if (rc < 0 || dfd < 0)
		return rc;
	if (fstatat(dfd, base, &st, AT_SYMLINK_NOFOLLOW) < 0) {
		rc = errno == ENOENT ? 0 : err_set(err, -errno, "%s: %s", it->path,
						   strerror(errno));
	} else if (!S_ISREG(st.st_mode)) {
		rc = err_set(err, -EPERM, "%s is no longer a regular file", it->path);
	} else if (unlinkat(dfd, base, 0) < 0) {
		rc = err_set(err, -errno, "%s: unlink: %s", it->path, strerror(errno));
	} else if (fsync(dfd) < 0) {
		rc = err_set(err, -errno, "%s: fsync: %s", it->path, strerror(errno));
	} else {
		log_info(a->log, "deleted %s", it->path);
	}
	close(dfd);
	return rc;
}

/**
 * Commit phase, in manifest order.
 * @ret 0 or -errno
 */
int apply_commit(struct apply *a, struct err *err)
{
	int rc = 0;

	for (size_t i = 0; rc == 0 && i < a->nitems; i++) {
		if (a->items[i].kind == MANIFEST_OP_PUT)
			rc = apply_commit_put(a, i, err);
		else
			rc = apply_commit_delete(a, &a->items[i], err);
	}
	if (rc == 0 && a->tmp_fd >= 0 && fsync(a->tmp_fd) < 0)
		rc = err_set(err, -errno, "%s/%s: fsync: %s", BUNDLE_STATE_DIR,
			     APPLY_TMP_DIR, strerror(errno));
	return rc;
}

/**
 * Hooks phase: each hook op in manifest order.
 * @ret 0 or the first failure
 */
int apply_hooks(struct apply *a, struct err *err)
{
	const struct manifest *m = a->bundle->manifest;
	struct hook_ctx h = {
		.log = a->log,
		.work_dir = a->work_dir,
		.target = a->target->root,
		.fix_id = m->id,
		.serial = m->serial,
	};
	int rc = 0;

	for (size_t i = 0; rc == 0 && i < m->nops; i++) {
		const struct bundle_blob *blob = &a->bundle->blobs[i];

		if (m->ops[i].kind != MANIFEST_OP_HOOK)
			continue;
		syncfs(a->target->root_fd);
		rc = hook_run(&h, blob->data, blob->size, m->ops[i].timeout_s, err);
	}
	return rc;
}

/** Evidence phase: hash every touched path again. */
void apply_evidence(struct apply *a)
{
	struct err e;

	for (size_t i = 0; i < a->nitems; i++) {
		struct apply_item *it = &a->items[i];

		if (safe_hash(a->target->root_fd, it->path, &it->has_after, it->after,
			      &e) < 0) {
			log_warn(a->log, "evidence: %s", e.msg);
			it->has_after = false;
		}
	}
}

/**
 * Receipt phase.
 * @ret 0 or -errno
 */
int apply_receipt(struct apply *a, struct err *err)
{
	const struct manifest *m = a->bundle->manifest;
	struct report_evidence *ev;
	int rc;

	ev = calloc(a->nitems ? a->nitems : 1, sizeof(*ev));
	if (!ev)
		return err_set(err, -ENOMEM, "out of memory");
	for (size_t i = 0; i < a->nitems; i++) {
		ev[i].path = a->items[i].shown;
		ev[i].op = (char *)manifest_op_name(a->items[i].kind);
		ev[i].has_after = a->items[i].has_after;
		memcpy(ev[i].after, a->items[i].after, SHA256_LEN);
	}
	rc = receipt_write(a->target->root_fd, m->id, m->serial, a->now,
			   a->bundle_sha, ev, a->nitems, err);
	free(ev);
	if (rc == 0)
		log_info(a->log, "receipt %s/%s.json written", RECEIPT_DIR, m->id);
	return rc;
}
