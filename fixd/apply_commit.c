/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fixd/apply.h"
#include "fixd/hook.h"
#include "fixd/receipt.h"
#include "fixd/safe.h"

/**
 * Journal phase: the journal of the items (a put's new content is the hash
 * its op gives), the backups, the journal written.
 * @ret 0 or -errno
 */
int apply_journal(struct apply *a, struct err *err)
{
	const struct manifest *m = a->bundle->manifest;
	struct journal *j = journal_new(a->id, a->nitems);

	if (!j)
		return err_set(err, -ENOMEM, "journal: out of memory");
	a->tx.j = j;
	j->serial = a->serial;
	memcpy(j->bundle_sha, a->bundle_sha, SHA256_LEN);
	j->attempt = a->attempt;
	for (size_t i = 0; i < m->nops; i++)
		j->hooks += m->ops[i].kind == MANIFEST_OP_HOOK;
	for (size_t i = 0; i < a->nitems; i++) {
		const struct apply_item *it = &a->items[i];
		struct journal_step *s = &j->steps[i];

		s->kind = it->kind;
		s->has_before = it->has_before;
		memcpy(s->before, it->before, SHA256_LEN);
		if (it->kind == MANIFEST_OP_PUT)
			memcpy(s->after, m->ops[it->op].sha256, SHA256_LEN);
		if (!(s->path = strdup(it->path)))
			return err_set(err, -ENOMEM, "journal: out of memory");
	}
	return txn_begin(&a->tx, err);
}

/**
 * Hooks phase: each hook op in manifest order; the end of a failed one's
 * output is kept in a->hook_tail.
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
		.tail = a->hook_tail,
	};
	int rc = 0;

	for (size_t i = 0; rc == 0 && i < m->nops; i++) {
		const struct bundle_blob *blob = &a->bundle->blobs[i];

		if (m->ops[i].kind != MANIFEST_OP_HOOK)
			continue;
		syncfs(a->target->root_fd);
		rc = hook_run(&h, blob->data, blob->size, m->ops[i].timeout_s, err);
		if (rc == 0)
			txn_step(&a->tx, "hook ran");
	}
	if (rc == 0)
		a->hook_tail[0] = '\0';
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
	rc = receipt_write(a->target->root_fd, a->id, a->serial, a->now,
			   a->bundle_sha, ev, a->nitems, err);
	free(ev);
	if (rc == 0) {
		log_info(a->log, "receipt %s/%s.json written", RECEIPT_DIR, a->id);
		txn_step(&a->tx, "receipt written");
	}
	return rc;
}

/**
 * After the commit: hooks unless they ran (or there is no bundle to run
 * them from: recovery only does that when they are settled), evidence,
 * receipt, then the journal's end.  A journal that cannot be removed is
 * only a warning: the apply is complete, the next run finishes the end.
 * @ret 0 or the first error
 */
int apply_finish(struct apply *a, struct err *err)
{
	struct journal *j = a->tx.j;
	struct err e;
	int rc = 0;

	if (a->bundle && !(j && j->hooks_done))
		rc = apply_hooks(a, err);
	if (rc == 0 && j && j->hooks && !j->hooks_done)
		rc = txn_hooks_done(&a->tx, err);
	apply_evidence(a);
	if (rc == 0)
		rc = apply_receipt(a, err);
	if (rc == 0 && j && txn_end(&a->tx, &e) < 0)
		log_warn(a->log, "%s; the next run removes it", e.msg);
	return rc;
}

/**
 * Roll back after a failure past the journal; err says the outcome.
 * @v rc	the failure
 * @ret rc
 */
int apply_undo(struct apply *a, int rc, struct err *err)
{
	char why[ERR_MSG_MAX];
	struct err e = { "" };

	if (!a->tx.j)
		return rc;
	snprintf(why, sizeof(why), "%s", err ? err->msg : "the apply failed");
	log_err(a->log, "%s: rolling back", why);
	if (txn_rollback(&a->tx, &e) == 0 && txn_end(&a->tx, &e) == 0) {
		err_set(err, rc, "%s; every file was rolled back", why);
		if (a->made_state)
			unlinkat(a->target->root_fd, BUNDLE_STATE_DIR, AT_REMOVEDIR);
	} else
		err_set(err, rc, "%s; rolling back failed too (%s): the journal stays "
			"for the next run", why, e.msg);
	apply_evidence(a);
	return rc;
}
