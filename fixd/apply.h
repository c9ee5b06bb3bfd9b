/* SPDX-License-Identifier: MIT */
#ifndef FIXD_APPLY_H
#define FIXD_APPLY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "common/err.h"
#include "common/hex.h"
#include "common/report.h"
#include "fixd/bundle.h"
#include "fixd/hook.h"
#include "fixd/log.h"
#include "fixd/target.h"
#include "fixd/txn.h"

/*
 * Applying a verified bundle to an open target, in phases:
 *
 *   recover  an interrupted apply found on the target (its journal) is
 *            completed or rolled back first (apply_recover)
 *   check    resolve every op on the target without changing anything:
 *            each put's directory (no symlink, nothing but directories on
 *            the way) and its current content, each delete glob expanded
 *            within its cap; any refusal ends the apply here, the target
 *            untouched
 *   stage    write each put to .fixnet/tmp/stage.<i> (same filesystem),
 *            with its mode, and fsync it
 *   journal  back up every file to be replaced or deleted, write the
 *            journal (fixd/txn.h)
 *   commit   rename each staged file into place, delete the matched files,
 *            syncfs
 *   hooks    run the hook scripts, in manifest order
 *   evidence hash every touched path again
 *   receipt  write .fixnet/receipts/<id>.json, then remove the journal and
 *            the backups
 *
 * A failure after the journal was written (an I/O error, a failing hook, a
 * receipt that cannot be written) rolls every file back from the backups;
 * what a hook changed itself stays.  Directories the commit made stay too.
 */

#define APPLY_ITEMS_MAX REPORT_EVIDENCE_MAX	/* paths touched by one fix */
#define APPLY_SCAN_MAX 1000000		/* directory entries read per glob */

/* One path the fix touches. */
struct apply_item {
	enum manifest_op_kind kind;	/* PUT or DELETE */
	char *path;
	char *shown;			/* path as reports and receipts show it (text_clean) */
	size_t op;			/* index of its op in the manifest */
	bool has_before, has_after;
	uint8_t before[SHA256_LEN];
	uint8_t after[SHA256_LEN];
};

struct apply {
	struct log *log;
	const struct bundle *bundle;	/* NULL when recovering another fix */
	struct target *target;
	const char *work_dir;		/* for hook scripts */
	const char *id;			/* the fix's id and serial (the bundle's, */
	uint64_t serial;		/* or the journal's when recovering) */
	uint8_t bundle_sha[SHA256_LEN];
	time_t now;
	uint32_t attempt;		/* runs on this apply so far, this one too */
	bool final_boot;		/* the server's last quarantine boot for the
					 * fix: an interrupted apply of it is rolled
					 * back, not tried again */
	struct apply_item *items;
	size_t nitems, cap;
	struct txn tx;			/* the journal and the state directory */
	bool made_state;		/* .fixnet did not exist before stage */
	char hook_tail[HOOK_TAIL_MAX + 1];	/* end of a failed hook's output */
};

/* What apply_recover() did. */
enum apply_rec {
	APPLY_REC_NONE,			/* no journal on the target */
	APPLY_REC_FORWARD,		/* completed the interrupted apply */
	APPLY_REC_BACK,			/* rolled it back: apply again */
	APPLY_REC_GAVE_UP,		/* rolled it back after TXN_ATTEMPTS, or on
					 * the final boot */
};

struct apply_recovery {
	enum apply_rec what;
	bool same;			/* the journal is of the bundle at hand */
	bool final_boot;		/* ... of its fix id, on the final boot */
	uint32_t interrupted;		/* runs that were cut short */
};

/**
 * Prepare an apply.
 *
 * @v a		state to set up
 * @v log	log
 * @v b		the verified bundle
 * @v t		the open target
 * @v work_dir	where hook scripts are copied (not on the target)
 * @v sha	SHA-256 of the bundle file, for the receipt
 */
void apply_init(struct apply *a, struct log *log, const struct bundle *b,
		struct target *t, const char *work_dir,
		const uint8_t sha[SHA256_LEN]);

/** Release what an apply holds; accepts one never run. */
void apply_free(struct apply *a);

/**
 * Check phase alone: resolve every op, refuse what cannot be applied.
 * @ret 0, -ELOOP, -ENOTDIR, -EISDIR, -EPERM, -E2BIG (a glob over its cap or
 *	too many paths), -EINVAL (two ops on one path), -errno
 */
int apply_check(struct apply *a, struct err *err);

/**
 * Every phase after a successful check.
 * @ret 0, or the first error (files rolled back if the commit had begun;
 *	err says whether that worked)
 */
int apply_rest(struct apply *a, struct err *err);

/**
 * Settle an interrupted apply found on the target (its journal), before
 * anything else is done there.  a is filled from the journal (items, id,
 * serial, bundle hash; bundle set to NULL unless the journal is of it), so
 * that apply_report() gives the evidence of a completed one.  With
 * a->final_boot, a journal of the same fix id is rolled back and given up
 * rather than completed (see txn_decide()).
 *
 * @v a		apply_init()ed for the bundle at hand; check not run
 * @v rec	what was done
 * @ret 0, or -errno with err set: an unreadable journal, an apply that can
 *	be neither completed nor rolled back, an I/O failure (the journal
 *	stays for the next run)
 */
int apply_recover(struct apply *a, struct apply_recovery *rec, struct err *err);

/**
 * Copy the evidence into a report (paths and op names duplicated).
 * @ret 0 or -ENOMEM
 */
int apply_report(const struct apply *a, struct report *r);

/* The phases one by one (apply_rest() runs them in order), for the
 * apply_*.c files and the tests. */

/**
 * Add one item (check phase).
 * @v out	set to the new item
 * @ret 0, -E2BIG (too many paths), -ENOMEM
 */
int apply_item_add(struct apply *a, enum manifest_op_kind kind,
		   const char *path, size_t op, struct apply_item **out,
		   struct err *err);

/**
 * Expand one delete op into items (check phase).
 * @ret 0, -E2BIG (more matches than its max), -errno
 */
int apply_glob(struct apply *a, size_t op, struct err *err);

/**
 * Stage phase: open the state directory (leftovers of an earlier apply
 * swept), write and sync every put in tmp/.
 * @ret 0 or -errno
 */
int apply_stage(struct apply *a, struct err *err);

/** Remove what stage and journal left, and .fixnet if stage made it. */
void apply_unstage(struct apply *a);

/**
 * Journal phase: the journal of the items, backups, written (txn_begin).
 * @ret 0 or -errno
 */
int apply_journal(struct apply *a, struct err *err);

/**
 * After the commit: hooks (unless the journal says they ran), evidence,
 * receipt, end of the journal.
 * @ret 0 or the first error (nothing rolled back here)
 */
int apply_finish(struct apply *a, struct err *err);

/**
 * Roll back after a failure past the journal; err gets the outcome.
 * @v rc	the failure
 * @ret rc
 */
int apply_undo(struct apply *a, int rc, struct err *err);

/**
 * Hooks phase.  When a hook fails, a->hook_tail holds the end of its
 * output ("" if none).
 * @ret 0 or what hook_run() returns
 */
int apply_hooks(struct apply *a, struct err *err);

/** Evidence phase: hash every touched path again. */
void apply_evidence(struct apply *a);

/** Receipt phase. @ret 0 or -errno */
int apply_receipt(struct apply *a, struct err *err);

#endif
