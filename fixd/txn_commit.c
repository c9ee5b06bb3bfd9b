/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "fixd/bundle.h"
#include "fixd/safe.h"
#include "fixd/txn.h"

/**
 * Whether the file at name (relative to dirfd) has the given content.
 * @v sha	the content's hash, or NULL for "absent"
 */
static bool txn_holds(int dirfd, const char *name, const uint8_t *sha)
{
	uint8_t got[SHA256_LEN];
	bool exists;

	if (safe_hash(dirfd, name, &exists, got, NULL) < 0)
		return false;
	if (!sha)
		return !exists;
	return exists && sodium_memcmp(got, sha, SHA256_LEN) == 0;
}

/** Where the path of step s stands. */
static enum txn_at txn_at(struct txn *t, const struct journal_step *s)
{
	bool put = s->kind == MANIFEST_OP_PUT;
	const uint8_t *old = s->has_before ? s->before : NULL;

	if (txn_holds(t->root_fd, s->path, put ? s->after : NULL))
		return TXN_AT_AFTER;
	if (txn_holds(t->root_fd, s->path, old))
		return TXN_AT_BEFORE;
	return TXN_AT_OTHER;
}

/**
 * Where each step stands; a staged file is hashed only for a put not yet
 * done, a backup only for a step not at its old content.
 */
void txn_observe(struct txn *t, struct txn_obs *obs)
{
	char name[TXN_NAME_MAX];

	for (size_t i = 0; i < t->j->nsteps; i++) {
		const struct journal_step *s = &t->j->steps[i];

		obs[i].at = txn_at(t, s);
		obs[i].staged = obs[i].backup = false;
		if (s->kind == MANIFEST_OP_PUT && obs[i].at != TXN_AT_AFTER) {
			txn_stage_name(i, name);
			obs[i].staged = txn_holds(t->state_fd, name, s->after);
		}
		if (s->has_before && obs[i].at != TXN_AT_BEFORE) {
			txn_backup_name(i, name);
			obs[i].backup = txn_holds(t->state_fd, name, s->before);
		}
	}
}

/**
 * Rename a file of the state tree over a step's path (directories made).
 * @v name	relative to .fixnet
 * @ret 0 or -errno
 */
static int txn_put(struct txn *t, const char *name, const char *path,
		   struct err *err)
{
	const char *base;
	int dfd, rc;

	rc = safe_parent(t->root_fd, path, true, &dfd, &base, err);
	if (rc < 0)
		return rc;
	if (renameat(t->state_fd, name, dfd, base) < 0)
		rc = err_set(err, -errno, "%s: rename: %s", path, strerror(errno));
	close(dfd);
	return rc;
}

/**
 * Unlink a step's path if it is a regular file; absent is done.
 * @ret 0 or -errno
 */
static int txn_unlink(struct txn *t, const char *path, struct err *err)
{
	const char *base;
	struct stat st;
	int dfd, rc;

	rc = safe_parent(t->root_fd, path, false, &dfd, &base, err);
	if (rc < 0 || dfd < 0)
		return rc;
	if (fstatat(dfd, base, &st, AT_SYMLINK_NOFOLLOW) < 0)
		rc = errno == ENOENT ? 0 : err_set(err, -errno, "%s: %s", path,
						   strerror(errno));
	else if (!S_ISREG(st.st_mode))
		rc = err_set(err, -EPERM, "%s is no longer a regular file", path);
	else if (unlinkat(dfd, base, 0) < 0)
		rc = err_set(err, -errno, "%s: unlink: %s", path, strerror(errno));
	close(dfd);
	return rc;
}

/**
 * syncfs the target: every rename and unlink before it is durable.
 * @ret 0 or -errno
 */
static int txn_sync(struct txn *t, const char *what, struct err *err)
{
	if (syncfs(t->root_fd) < 0)
		return err_set(err, -errno, "syncfs: %s", strerror(errno));
	txn_step(t, "%s", what);
	return 0;
}

/** Is step done (1-based) of total one to report at info? */
static bool txn_progress_due(size_t done, size_t total)
{
	return done == 1 || done * 10 / total != (done - 1) * 10 / total;
}

/**
 * Commit every step not done yet, in order, then syncfs.
 * @ret 0 or -errno
 */
int txn_commit(struct txn *t, const struct txn_obs *obs, struct err *err)
{
	char name[TXN_NAME_MAX];
	size_t nput = 0, ndeleted = 0;
	int rc;

	for (size_t i = 0; i < t->j->nsteps; i++) {
		const struct journal_step *s = &t->j->steps[i];
		bool put = s->kind == MANIFEST_OP_PUT;

		if (obs && obs[i].at == TXN_AT_AFTER)
			continue;
		if (put) {
			txn_stage_name(i, name);
			rc = txn_put(t, name, s->path, err);
		} else {
			rc = txn_unlink(t, s->path, err);
		}
		if (rc < 0)
			return rc;
		/* every path at debug, progress at info (the first change,
		 * then each tenth): thousands of lines would crawl over a
		 * serial console and crowd the outcome out of the uploaded
		 * log, and the report's evidence names every path anyway */
		if (txn_progress_due(i + 1, t->j->nsteps))
			log_info(t->log, "commit: %zu of %zu path(s) done (%s %s)",
				 i + 1, t->j->nsteps, put ? "put" : "deleted",
				 s->path);
		else
			log_debug(t->log, "%s %s", put ? "put" : "deleted",
				  s->path);
		txn_step(t, "%s %s", put ? "put" : "deleted", s->path);
		if (put)
			nput++;
		else
			ndeleted++;
	}
	log_info(t->log, "committed: %zu file(s) put, %zu deleted%s", nput,
		 ndeleted, obs ? " (completing an interrupted apply)" : "");
	return txn_sync(t, "commit synced", err);
}

/**
 * Put the path of step i back: its backup renamed over it, or (a new file)
 * the new file removed.
 * @ret 0 or -errno
 */
static int txn_restore(struct txn *t, size_t i, const struct txn_obs *o,
		       struct err *err)
{
	const struct journal_step *s = &t->j->steps[i];
	char name[TXN_NAME_MAX];
	int rc;

	if (o->at == TXN_AT_BEFORE)
		return 0;
	if (s->has_before && !o->backup)
		return err_set(err, -ENOENT, "%s: its backup is missing", s->path);
	if (!s->has_before && o->at != TXN_AT_AFTER)
		return err_set(err, -EEXIST, "%s holds neither its old nor its new "
			       "content; left alone", s->path);
	txn_backup_name(i, name);
	rc = s->has_before ? txn_put(t, name, s->path, err) :
	     txn_unlink(t, s->path, err);
	if (rc == 0) {
		log_info(t->log, "restored %s", s->path);
		txn_step(t, "restored %s", s->path);
	}
	return rc;
}

/**
 * Undo: mark the journal, restore every step (last first), syncfs.
 * Goes on past a step it cannot restore, and reports the first failure.
 * @ret 0 or -errno
 */
int txn_rollback(struct txn *t, struct err *err)
{
	struct txn_obs *obs;
	struct err e;
	int rc = 0, one;

	if (!t->j->rollback) {
		t->j->rollback = true;
		rc = txn_write(t, err);
		if (rc < 0)
			return rc;
	}
	obs = calloc(t->j->nsteps ? t->j->nsteps : 1, sizeof(*obs));
	if (!obs)
		return err_set(err, -ENOMEM, "out of memory");
	txn_observe(t, obs);
	for (size_t i = t->j->nsteps; i-- > 0;) {
		one = txn_restore(t, i, &obs[i], &e);
		if (one < 0 && rc == 0)
			rc = err_set(err, one, "%s", e.msg);
	}
	free(obs);
	if (rc < 0)
		return rc;
	return txn_sync(t, "rollback synced", err);
}
