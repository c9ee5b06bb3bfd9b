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
#include "fixd/log.h"
#include "fixd/target.h"

/*
 * Applying a verified bundle to an open target, in phases:
 *
 *   check    resolve every op on the target without changing anything:
 *            each put's directory (no symlink, nothing but directories on
 *            the way) and its current content, each delete glob expanded
 *            within its cap; any refusal ends the apply here, the target
 *            untouched
 *   stage    write each put to a file in the state directory .fixnet/tmp/
 *            (same filesystem), with its mode, and fsync it
 *   commit   create missing directories, rename each staged file into
 *            place, delete the matched files, fsync every directory changed
 *   hooks    run the hook scripts, in manifest order
 *   evidence hash every touched path again
 *   receipt  write .fixnet/receipts/<id>.json
 *
 * A journal and backups (to finish or roll back an apply cut by a power
 * loss) belong between stage and commit.
 */

#define APPLY_ITEMS_MAX REPORT_EVIDENCE_MAX	/* paths touched by one fix */
#define APPLY_SCAN_MAX 1000000		/* directory entries read per glob */
#define APPLY_TMP_DIR "tmp"		/* in BUNDLE_STATE_DIR */
#define APPLY_TMP_NAME_MAX 32

/* One path the fix touches. */
struct apply_item {
	enum manifest_op_kind kind;	/* PUT or DELETE */
	char *path;
	char *shown;			/* path as reports and receipts show it (text_clean) */
	size_t op;			/* index of its op in the manifest */
	bool has_before, has_after;
	uint8_t before[SHA256_LEN];
	uint8_t after[SHA256_LEN];
	bool staged;			/* put: its file is in tmp/ */
};

struct apply {
	struct log *log;
	const struct bundle *bundle;
	struct target *target;
	const char *work_dir;		/* for hook scripts */
	uint8_t bundle_sha[SHA256_LEN];
	time_t now;
	struct apply_item *items;
	size_t nitems, cap;
	int state_fd, tmp_fd;		/* .fixnet and .fixnet/tmp, -1 if closed */
	bool made_state;		/* .fixnet did not exist before stage */
	bool made_tmp;
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
 * @ret 0, or the first error (after stage, the target may be changed)
 */
int apply_rest(struct apply *a, struct err *err);

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

/** Name of the staged file of item i in tmp/ (APPLY_TMP_NAME_MAX bytes). */
void apply_tmp_name(size_t i, char *out);

/** Stage phase. @ret 0 or -errno */
int apply_stage(struct apply *a, struct err *err);

/** Remove staged files and the state directories stage made, if empty. */
void apply_unstage(struct apply *a);

/** Commit phase. @ret 0 or -errno */
int apply_commit(struct apply *a, struct err *err);

/** Hooks phase. @ret 0 or what hook_run() returns */
int apply_hooks(struct apply *a, struct err *err);

/** Evidence phase: hash every touched path again. */
void apply_evidence(struct apply *a);

/** Receipt phase. @ret 0 or -errno */
int apply_receipt(struct apply *a, struct err *err);

#endif
