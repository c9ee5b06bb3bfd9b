/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fixd/apply.h"
#include "fixd/fold.h"
#include "fixd/safe.h"
#include "fixd/text.h"


/** Prepare an apply. */
void apply_init(struct apply *a, struct log *log, const struct bundle *b,
		struct target *t, const char *work_dir,
		const uint8_t sha[SHA256_LEN])
{
	memset(a, 0, sizeof(*a));
	a->log = log;
	a->bundle = b;
	a->target = t;
	a->work_dir = work_dir;
	memcpy(a->bundle_sha, sha, SHA256_LEN);
	a->now = time(NULL);
	a->attempt = 1;
	if (b) {
		a->id = b->manifest->id;
		a->serial = b->manifest->serial;
	}
	txn_init(&a->tx, log, t->root_fd);
}

/** Release what an apply holds. */
void apply_free(struct apply *a)
{
	if (!a)
		return;
	for (size_t i = 0; i < a->nitems; i++) {
		free(a->items[i].path);
		free(a->items[i].shown);
	}
	free(a->items);
	txn_free(&a->tx);
	a->items = NULL;
	a->nitems = a->cap = 0;
}

/**
 * Add one item.
 *
 * @v out	set to the new item
 * @ret 0, -E2BIG (too many), -ENOMEM
 */
int apply_item_add(struct apply *a, enum manifest_op_kind kind,
		   const char *path, size_t op, struct apply_item **out,
		   struct err *err)
{
	struct apply_item *it;

	if (a->nitems == APPLY_ITEMS_MAX)
		return err_set(err, -E2BIG, "the fix touches more than %d paths",
			       APPLY_ITEMS_MAX);
	if (a->nitems == a->cap) {
		size_t cap = a->cap ? a->cap * 2 : 16;

		it = realloc(a->items, cap * sizeof(*it));
		if (!it)
			return err_set(err, -ENOMEM, "out of memory");
		a->items = it;
		a->cap = cap;
	}
	it = &a->items[a->nitems];
	memset(it, 0, sizeof(*it));
	it->path = strdup(path);
	it->shown = strdup(path);
	if (!it->path || !it->shown) {
		free(it->path);
		free(it->shown);
		return err_set(err, -ENOMEM, "out of memory");
	}
	if (text_clean(it->shown))
		log_warn(a->log, "a path on the target is not printable UTF-8; "
			 "reported as %s", it->shown);
	it->kind = kind;
	it->op = op;
	a->nitems++;
	*out = it;
	return 0;
}

/**
 * Check one put: its directory resolves without a symlink, and what is at
 * its path now (nothing, or a regular file) is hashed.  On a casefold
 * target the path is the one stored under any case of its names (a file
 * is replaced under its own name, new ones go into existing directories).
 * @ret 0 or a negative errno
 */
static int apply_check_put(struct apply *a, size_t i, struct err *err)
{
	const struct manifest_op *op = &a->bundle->manifest->ops[i];
	char stored[MANIFEST_PATH_MAX + 1];
	const char *path = op->path, *base;
	struct apply_item *it;
	bool exists = false;
	uint8_t sha[SHA256_LEN];
	int dfd, rc;

	if (a->target->casefold) {
		rc = fold_path(a->target->root_fd, op->path, stored, sizeof(stored),
			       err);
		if (rc < 0)
			return rc;
		path = stored;
	}
	rc = safe_parent(a->target->root_fd, path, false, &dfd, &base, err);
	if (rc < 0)
		return rc;
	if (dfd >= 0) {
		close(dfd);
		rc = safe_hash(a->target->root_fd, path, &exists, sha, err);
		if (rc < 0)
			return rc;
	}
	rc = apply_item_add(a, MANIFEST_OP_PUT, path, i, &it, err);
	if (rc < 0)
		return rc;
	it->has_before = exists;
	memcpy(it->before, sha, SHA256_LEN);
	return 0;
}

/** Order items by path. */
static int apply_item_cmp(const void *pa, const void *pb)
{
	const struct apply_item *const *a = pa, *const *b = pb;

	return strcmp((*a)->path, (*b)->path);
}

/** Order items by path, ASCII letters folded. */
static int apply_item_casecmp(const void *pa, const void *pb)
{
	const struct apply_item *const *a = pa, *const *b = pb;

	return strcasecmp((*a)->path, (*b)->path);
}

/**
 * Refuse two items on one path (two globs matching one file, a put to a
 * file a glob also matches; on a casefold target, two paths Windows sees
 * as one).
 * @ret 0, -EINVAL, -ENOMEM
 */
static int apply_check_conflicts(struct apply *a, struct err *err)
{
	int (*cmp)(const void *, const void *) = a->target->casefold ?
		apply_item_casecmp : apply_item_cmp;
	struct apply_item **v;
	int rc = 0;

	if (a->nitems < 2)
		return 0;
	v = calloc(a->nitems, sizeof(*v));
	if (!v)
		return err_set(err, -ENOMEM, "out of memory");
	for (size_t i = 0; i < a->nitems; i++)
		v[i] = &a->items[i];
	qsort(v, a->nitems, sizeof(*v), cmp);
	for (size_t i = 0; i + 1 < a->nitems; i++) {
		if (cmp(&v[i], &v[i + 1]) == 0) {
			rc = err_set(err, -EINVAL, "two operations touch %s", v[i]->path);
			break;
		}
	}
	free(v);
	return rc;
}

/**
 * Check phase.
 * @ret 0 or a negative errno
 */
int apply_check(struct apply *a, struct err *err)
{
	const struct manifest *m = a->bundle->manifest;
	int rc = 0;

	for (size_t i = 0; rc == 0 && i < m->nops; i++) {
		if (m->ops[i].kind == MANIFEST_OP_PUT)
			rc = apply_check_put(a, i, err);
		else if (m->ops[i].kind == MANIFEST_OP_DELETE)
			rc = apply_glob(a, i, err);
	}
	if (rc == 0)
		rc = apply_check_conflicts(a, err);
	return rc;
}

/**
 * Copy the evidence into a report.
 * @ret 0 or -ENOMEM
 */
int apply_report(const struct apply *a, struct report *r)
{
	struct report_evidence *ev;

	if (a->nitems == 0)
		return 0;
	ev = calloc(a->nitems, sizeof(*ev));
	if (!ev)
		return -ENOMEM;
	r->evidence = ev;
	for (size_t i = 0; i < a->nitems; i++) {
		const struct apply_item *it = &a->items[i];

		ev[i].path = strdup(it->shown);
		ev[i].op = strdup(manifest_op_name(it->kind));
		r->nevidence = i + 1;
		if (!ev[i].path || !ev[i].op)
			return -ENOMEM;
		ev[i].has_before = it->has_before;
		ev[i].has_after = it->has_after;
		memcpy(ev[i].before, it->before, SHA256_LEN);
		memcpy(ev[i].after, it->after, SHA256_LEN);
	}
	return 0;
}

/**
 * Every phase after a successful check.  A fix with only hooks has no
 * journal (nothing to back up).
 * @ret 0 or the first error
 */
int apply_rest(struct apply *a, struct err *err)
{
	int rc;

	if (a->nitems == 0)
		return apply_finish(a, err);
	rc = apply_stage(a, err);
	if (rc == 0)
		rc = apply_journal(a, err);
	if (rc < 0) {
		apply_unstage(a);
		return rc;
	}
	rc = txn_commit(&a->tx, NULL, err);
	if (rc == 0)
		rc = apply_finish(a, err);
	return rc < 0 ? apply_undo(a, rc, err) : 0;
}
