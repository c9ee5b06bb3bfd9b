/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "fixd/apply.h"
#include "fixd/bundle.h"

/** Names of the decisions, for the log. */
static const char *const apply_decision_names[] = {
	[TXN_FORWARD] = "complete it", [TXN_BACK] = "roll it back",
	[TXN_GIVE_UP] = "roll it back and give up", [TXN_STUCK] = "leave it",
};

/**
 * Take the fix's identity and the items from the journal; keep the bundle
 * only if the journal is of it.
 * @ret 0, -E2BIG, -ENOMEM
 */
static int apply_from_journal(struct apply *a, struct apply_recovery *rec,
			      struct err *err)
{
	const struct journal *j = a->tx.j;
	struct apply_item *it;
	int rc;

	rec->same = a->bundle && strcmp(j->id, a->id) == 0 && j->serial == a->serial &&
		    sodium_memcmp(j->bundle_sha, a->bundle_sha, SHA256_LEN) == 0;
	rec->final_boot = a->final_boot && a->id && strcmp(j->id, a->id) == 0;
	if (!rec->same)
		a->bundle = NULL;
	a->id = j->id;
	a->serial = j->serial;
	memcpy(a->bundle_sha, j->bundle_sha, SHA256_LEN);
	a->attempt = j->attempt + 1;
	for (size_t i = 0; i < j->nsteps; i++) {
		rc = apply_item_add(a, j->steps[i].kind, j->steps[i].path, 0, &it, err);
		if (rc < 0)
			return rc;
		it->has_before = j->steps[i].has_before;
		memcpy(it->before, j->steps[i].before, SHA256_LEN);
	}
	return 0;
}

/**
 * Decide what to do, count this run in the journal, and say so.
 * @ret the decision, or -errno when the journal cannot be rewritten
 */
static int apply_recover_decide(struct apply *a, const struct apply_recovery *rec,
				struct txn_obs *obs, struct err *err)
{
	struct journal *j = a->tx.j;
	enum txn_decision d;
	size_t why;
	int rc;

	txn_observe(&a->tx, obs);
	d = txn_decide(j, obs, a->bundle != NULL, rec->final_boot, &why);
	log_info(a->log, "interrupted apply of %s serial %llu (%u run(s) cut "
		 "short%s%s): %s%s%s", j->id, (unsigned long long)j->serial, j->attempt,
		 j->rollback ? ", rolling back" : "",
		 rec->final_boot ? ", the server's last boot for it" : "",
		 apply_decision_names[d],
		 why == SIZE_MAX ? "" : "; first blocking path: ",
		 why == SIZE_MAX ? "" : j->steps[why].path);
	j->attempt++;
	rc = txn_write(&a->tx, err);
	if (rc < 0)
		return rc;
	if (d == TXN_STUCK)
		return err_set(err, -EIO, "an interrupted apply of %s serial %llu can "
			       "be neither completed nor rolled back (%s); the target is "
			       "left as it is", j->id, (unsigned long long)j->serial,
			       why == SIZE_MAX ? "?" : j->steps[why].path);
	return (int)d;
}

/**
 * Carry out a decision.
 * @ret 0 or -errno
 */
static int apply_recover_act(struct apply *a, enum txn_decision d,
			     const struct txn_obs *obs, struct err *err)
{
	int rc;

	if (d == TXN_FORWARD) {
		rc = txn_commit(&a->tx, obs, err);
		if (rc == 0)
			rc = apply_finish(a, err);
		return rc < 0 ? apply_undo(a, rc, err) : 0;
	}
	rc = txn_rollback(&a->tx, err);
	if (rc == 0)
		rc = txn_end(&a->tx, err);
	apply_evidence(a);
	return rc;
}

/**
 * With no journal: remove what an apply left in .fixnet (staged files,
 * backups, a journal.tmp) if there is any, which needs the target writable.
 * Leftovers do no harm (the journal, written last, never made it, or was
 * removed first), so a failure is only logged.
 */
static void apply_recover_sweep(struct apply *a)
{
	static const char *const names[] = {
		TXN_TMP_DIR, TXN_BACKUP_DIR, TXN_JOURNAL_TMP,
	};
	struct err e;
	bool any = false;

	for (size_t i = 0; a->tx.state_fd >= 0 && i < 3; i++)
		any = any || faccessat(a->tx.state_fd, names[i], F_OK,
				       AT_SYMLINK_NOFOLLOW) == 0;
	if (!any)
		return;
	if (target_writable(a->target, &e) < 0) {
		log_warn(a->log, "leftovers of an earlier apply stay: %s", e.msg);
		return;
	}
	txn_sweep(&a->tx);
	log_info(a->log, "removed the leftovers of an earlier apply from %s/",
		 BUNDLE_STATE_DIR);
}

/**
 * Settle an interrupted apply found on the target.
 * @ret 0 or -errno
 */
int apply_recover(struct apply *a, struct apply_recovery *rec, struct err *err)
{
	static const enum apply_rec whats[] = {
		[TXN_FORWARD] = APPLY_REC_FORWARD, [TXN_BACK] = APPLY_REC_BACK,
		[TXN_GIVE_UP] = APPLY_REC_GAVE_UP, [TXN_STUCK] = APPLY_REC_NONE,
	};
	struct txn_obs *obs;
	int rc;

	memset(rec, 0, sizeof(*rec));
	rc = txn_read(&a->tx, err);
	if (rc == 0)
		apply_recover_sweep(a);
	if (rc <= 0)
		return rc;
	rec->interrupted = a->tx.j->attempt;
	rc = target_writable(a->target, err);
	if (rc == 0)
		rc = apply_from_journal(a, rec, err);
	if (rc < 0)
		return rc;
	obs = calloc(a->tx.j->nsteps ? a->tx.j->nsteps : 1, sizeof(*obs));
	if (!obs)
		return err_set(err, -ENOMEM, "out of memory");
	rc = apply_recover_decide(a, rec, obs, err);
	if (rc >= 0) {
		rec->what = whats[rc];
		rc = apply_recover_act(a, (enum txn_decision)rc, obs, err);
	}
	free(obs);
	return rc;
}
