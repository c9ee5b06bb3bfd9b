/* SPDX-License-Identifier: MIT */
#ifndef FIXD_FIX_H
#define FIXD_FIX_H

#include <stddef.h>

#include "common/keyring.h"
#include "common/plan.h"
#include "common/report.h"
#include "fixd/log.h"
#include "fixd/target.h"

/*
 * One fix of the plan, downloaded: verified (SHA-256 against the plan, then
 * the signature against the keyring, then the archive's structure, then the
 * id and serial against the plan), its target found, an interrupted apply
 * left there settled (completed or rolled back: an event and the report's
 * reason say which), its receipt consulted (the serial must be above the
 * receipt's), checked, and only then applied.  The outcome and the evidence
 * go into a report.  On the plan's final_boot for the fix, an interrupted
 * apply of it is rolled back and the fix reported failed, never tried again:
 * the server would boot the client locally before a later run could settle
 * it.
 */

enum fix_outcome {
	FIX_APPLIED,		/* or already applied: same serial and bundle */
	FIX_SKIPPED,		/* no target matches: not applicable here */
	FIX_REFUSED,		/* refused before any write; target unchanged */
	FIX_FAILED,		/* failed while applying; the target may differ */
};

struct fix_ctx {
	struct log *log;
	const struct keyring *kr;
	struct target_ctx tctx;
	const char *work_dir;		/* hook scripts, mount points */
	/* optional: an event for the server about the fix at hand */
	void (*event)(void *cls, const char *fix, const char *message);
	void *event_cls;
};

/**
 * Verify and apply one downloaded fix.
 *
 * @v ctx	keys, where to look for the target
 * @v pf	the fix as the plan gives it
 * @v data	the bundle file
 * @v len	its length
 * @v sig	the .minisig file
 * @v siglen	its length
 * @v r		report to fill (fix, serial, result, reason, target, evidence);
 *		free what it holds with report_clear()
 * @ret the outcome
 */
enum fix_outcome fix_run(const struct fix_ctx *ctx, const struct plan_fix *pf,
			 const void *data, size_t len, const char *sig,
			 size_t siglen, struct report *r);

/**
 * Start a report for a fix of the plan.
 * @ret 0 or -ENOMEM
 */
int fix_report_init(struct report *r, const struct plan_fix *pf);

/**
 * Set the result and reason of a report.
 * @ret 0 or -ENOMEM
 */
int fix_report_result(struct report *r, enum report_result result,
		      const char *reason);

#endif
