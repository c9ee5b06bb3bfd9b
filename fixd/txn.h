/* SPDX-License-Identifier: MIT */
#ifndef FIXD_TXN_H
#define FIXD_TXN_H

#include <stdbool.h>
#include <stddef.h>

#include "common/err.h"
#include "fixd/journal.h"
#include "fixd/log.h"

/*
 * The journaled commit of an apply, run from its journal (fixd/journal.h),
 * so that a first run and the run that recovers an interrupted one execute
 * the same code.  All of it lives in the state directory of the target:
 *
 *   .fixnet/tmp/stage.<i>   the new content of step i (a put), synced
 *   .fixnet/backup/<i>      the old file of step i, when it existed
 *   .fixnet/journal         the journal; replaced only by rename of a synced
 *                           .fixnet/journal.tmp, then a sync of .fixnet/
 *
 * Order of an apply (a "| n" marks a crash point of the test build):
 *
 *   stage     each staged file written and fsynced; fsync tmp/       | n
 *   backup    each old file hard-linked (or, without hard links: copied
 *             and fsynced) to backup/<i>; fsync backup/              | n
 *   journal   written, fsynced, renamed into place, fsync .fixnet/  | 2
 *   commit    each put renamed over its path, each delete unlinked  | n
 *             (nothing in place changes before this point); syncfs  | 1
 *   hooks     then hooks_done in the journal (when the fix has hooks)| 1
 *   receipt   written atomically (fixd/receipt.h)                    | 1
 *   end       journal unlinked, fsync .fixnet/; then the backups and
 *             staged leftovers removed                               | 2
 *
 * Every path changes by one rename or unlink of a whole file, so after a
 * power loss at any point each path holds its old or its new content.  The
 * journal is removed before the backups, so that a journal on the disk
 * always has its backups; backups or staged files without a journal are
 * leftovers (of an apply that never started to commit, or that ended) and
 * are swept before the next stage.
 *
 * Recovery (a journal found when a target is opened) observes each step
 * (txn_observe) and decides (txn_decide); both directions are idempotent,
 * so a recovery cut short is recovered again.
 */

#define TXN_TMP_DIR "tmp"
#define TXN_BACKUP_DIR "backup"
#define TXN_JOURNAL "journal"
#define TXN_JOURNAL_TMP "journal.tmp"
#define TXN_NAME_MAX 48			/* "tmp/stage.<i>", "backup/<i>" */
#define TXN_SWEEP_MAX 100000		/* entries removed from one state dir */
#define TXN_ATTEMPTS 3			/* interrupted runs before giving up */

struct txn {
	struct log *log;
	int root_fd;			/* the target's root (not owned) */
	int state_fd;			/* .fixnet, or -1 */
	int tmp_fd;			/* .fixnet/tmp, or -1 */
	int backup_fd;			/* .fixnet/backup, or -1 */
	struct journal *j;		/* owned */
	bool copy_backups;		/* no hard links here: backups are copies */
	unsigned step;			/* durable actions so far, for crash points */
};

/* Where the path of one step stands (txn_observe). */
enum txn_at {
	TXN_AT_BEFORE,		/* the old content (absent for a new file) */
	TXN_AT_AFTER,		/* the new content (absent after a delete) */
	TXN_AT_OTHER,		/* anything else, or unreadable */
};

struct txn_obs {
	enum txn_at at;
	bool staged;		/* a put: stage.<i> holds the new content */
	bool backup;		/* backup/<i> holds the old content */
};

enum txn_decision {
	TXN_FORWARD,		/* finish the commit, then hooks and receipt */
	TXN_BACK,		/* restore the backups, then apply again */
	TXN_GIVE_UP,		/* last try (attempts used up, or the server's
				 * final boot): restore, report failed */
	TXN_STUCK,		/* neither direction possible: leave it all */
};

/** An empty transaction on a target root. */
void txn_init(struct txn *t, struct log *log, int root_fd);

/** Close the directories and free the journal; accepts an empty one. */
void txn_free(struct txn *t);

/**
 * Count one durable action; in a test build, the crash point (fixd/crash.h).
 * @v fmt	what was done, for the debug log ("step N: ...")
 */
void txn_step(struct txn *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/** Name of a step's staged file relative to .fixnet ("tmp/stage.<i>"). */
void txn_stage_name(size_t i, char out[TXN_NAME_MAX]);

/** Name of a step's backup relative to .fixnet ("backup/<i>"). */
void txn_backup_name(size_t i, char out[TXN_NAME_MAX]);

/**
 * Open (or make) a directory of the state tree, noting whether it was made.
 * @ret an fd or -errno
 */
int txn_dir(int dirfd, const char *name, bool *made);

/**
 * Remove what an apply leaves in .fixnet besides the journal: journal.tmp,
 * every file in tmp/ and backup/, then those two directories if empty.
 * Only without a journal, or after it was removed.
 */
void txn_sweep(struct txn *t);

/**
 * Write t->j atomically (journal.tmp, fsync, rename, fsync .fixnet).
 * @ret 0 or -errno
 */
int txn_write(struct txn *t, struct err *err);

/**
 * Read the journal of a target, if any.  Opens t->state_fd.
 * @ret 1 and t->j, 0 when there is none, -EINVAL (malformed), -errno
 */
int txn_read(struct txn *t, struct err *err);

/**
 * Keep the old file of every step that has one in backup/, synced, then
 * write the journal.  Needs t->j and t->state_fd; nothing in place changes.
 * @ret 0 or -errno (what was made is left for txn_sweep)
 */
int txn_begin(struct txn *t, struct err *err);

/**
 * Where each step stands.
 * @v obs	t->j->nsteps entries
 */
void txn_observe(struct txn *t, struct txn_obs *obs);

/**
 * What to do with an interrupted apply (pure; see txn_decide.c for the rules).
 *
 * @v j		the journal as read (attempt not yet counted up)
 * @v obs	where its steps stand
 * @v have_hooks	the hooks of the fix can be run (its bundle is at hand)
 * @v final_boot	this is the last quarantine boot the server allows for
 *		the fix: restore rather than try again (as after TXN_ATTEMPTS)
 * @v why	set to the first step that blocks a direction, or SIZE_MAX
 */
enum txn_decision txn_decide(const struct journal *j, const struct txn_obs *obs,
			     bool have_hooks, bool final_boot, size_t *why);

/**
 * Commit: every step not yet done, then syncfs.
 * @v obs	where the steps stand, or NULL when all are at BEFORE
 * @ret 0 or -errno
 */
int txn_commit(struct txn *t, const struct txn_obs *obs, struct err *err);

/**
 * Undo: mark the journal, then put every path back as it was, last step
 * first, then syncfs.  Idempotent.
 * @ret 0 or -errno (the journal stays for the next run)
 */
int txn_rollback(struct txn *t, struct err *err);

/**
 * Mark the hooks done in the journal (after a syncfs).
 * @ret 0 or -errno
 */
int txn_hooks_done(struct txn *t, struct err *err);

/**
 * End: remove the journal (synced), then sweep.
 * @ret 0 or -errno (journal still there)
 */
int txn_end(struct txn *t, struct err *err);

#endif
