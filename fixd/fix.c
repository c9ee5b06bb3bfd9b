/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "common/protocol.h"
#include "fixd/apply.h"
#include "fixd/bundle.h"
#include "fixd/fix.h"
#include "fixd/receipt.h"
#include "fixd/text.h"

#define FIX_HOOK_OUTPUT "; hook output: "

_Static_assert(ERR_MSG_MAX + sizeof(FIX_HOOK_OUTPUT) + HOOK_TAIL_MAX <=
	       PROTO_MESSAGE_MAX, "a failed hook's reason must fit a report");

/** Start a report for a fix of the plan.  @ret 0 or -ENOMEM */
int fix_report_init(struct report *r, const struct plan_fix *pf)
{
	memset(r, 0, sizeof(*r));
	r->fix = strdup(pf->id);
	r->serial = pf->serial;
	return r->fix ? 0 : -ENOMEM;
}

/** Set result and reason.  @ret 0 or -ENOMEM */
int fix_report_result(struct report *r, enum report_result result,
		      const char *reason)
{
	r->result = result;
	free(r->reason);
	r->reason = reason ? strdup(reason) : NULL;
	if (reason && !r->reason)
		return -ENOMEM;
	if (r->reason)
		text_clean(r->reason);
	return 0;
}

/**
 * Record the outcome in the report and the log.
 * @ret outcome
 */
static enum fix_outcome fix_outcome(const struct fix_ctx *ctx, struct report *r,
				    enum fix_outcome o, const char *reason)
{
	static const enum report_result results[] = {
		[FIX_APPLIED] = REPORT_APPLIED, [FIX_SKIPPED] = REPORT_SKIPPED,
		[FIX_REFUSED] = REPORT_FAILED, [FIX_FAILED] = REPORT_FAILED,
	};

	if (fix_report_result(r, results[o], reason) < 0)
		log_err(ctx->log, "out of memory for the report");
	if (o == FIX_APPLIED)
		log_info(ctx->log, "fix %s serial %llu: applied", r->fix,
			 (unsigned long long)r->serial);
	else
		log_msg(ctx->log, o == FIX_SKIPPED ? LV_INFO : LV_ERR,
			"fix %s serial %llu: %s: %s", r->fix,
			(unsigned long long)r->serial, report_result_name(results[o]),
			reason);
	return o;
}

/**
 * Record a failed apply: its reason, followed by the end of a failed hook's
 * output, so that the server's events say why the hook failed.
 * @ret FIX_FAILED
 */
static enum fix_outcome fix_failed(const struct fix_ctx *ctx, struct report *r,
				   const struct apply *a, const char *why)
{
	char reason[ERR_MSG_MAX + sizeof(FIX_HOOK_OUTPUT) + HOOK_TAIL_MAX];

	if (!a->hook_tail[0])
		return fix_outcome(ctx, r, FIX_FAILED, why);
	snprintf(reason, sizeof(reason), "%s" FIX_HOOK_OUTPUT "%s", why,
		 a->hook_tail);
	return fix_outcome(ctx, r, FIX_FAILED, reason);
}

/**
 * Hash, signature, archive, then id and serial against the plan.
 * @ret 0 and *out, or a negative errno with err set
 */
static int fix_verify(const struct fix_ctx *ctx, const struct plan_fix *pf,
		      const void *data, size_t len, const char *sig,
		      size_t siglen, struct bundle **out, struct err *err)
{
	struct minisign_sig s;
	char keyid[MINISIGN_KEYID_STR_LEN];
	int rc;

	if (!pf->bundle.has_sha256)
		return err_set(err, -EBADMSG, "the plan gives no SHA-256 for the bundle");
	rc = bundle_check_sha(data, len, pf->bundle.sha256, err);
	if (rc == 0)
		rc = bundle_verify_sig(ctx->kr, sig, siglen, data, len, &s, err);
	if (rc < 0)
		return rc;
	minisign_keyid_format(s.keyid, keyid);
	log_info(ctx->log, "signature good, key %s, trusted comment: %s", keyid,
		 s.trusted_comment);
	rc = bundle_parse(data, len, out, err);
	if (rc < 0)
		return rc;
	if (strcmp((*out)->manifest->id, pf->id) != 0 ||
	    (*out)->manifest->serial != pf->serial) {
		rc = err_set(err, -EBADMSG, "the bundle is fix %s serial %llu, the "
			     "plan announced %s serial %llu", (*out)->manifest->id,
			     (unsigned long long)(*out)->manifest->serial, pf->id,
			     (unsigned long long)pf->serial);
		bundle_free(*out);
		*out = NULL;
	}
	return rc;
}

/**
 * Copy the target's identity into the report.
 */
static void fix_report_target(struct report *r, const struct target *t)
{
	if (!t->has_dev)
		return;
	r->device = strdup(t->dev.device);
	r->fstype = strdup(t->dev.fstype);
	r->label = t->dev.label[0] ? strdup(t->dev.label) : NULL;
	r->uuid = t->dev.uuid[0] ? strdup(t->dev.uuid) : NULL;
}

/**
 * Compare the bundle with the receipt on the target.
 * @ret 0 to apply, 1 if this very bundle is already applied, -EALREADY
 *	(serial not above the receipt's), -EINVAL (bad receipt)
 */
static int fix_serial(const struct fix_ctx *ctx, const struct bundle *b,
		      const struct target *t, const uint8_t sha[SHA256_LEN],
		      struct err *err)
{
	const struct manifest *m = b->manifest;
	struct receipt rc;
	int ret;

	ret = receipt_read(t->root_fd, m->id, &rc, err);
	if (ret < 0 || !rc.exists)
		return ret;
	log_info(ctx->log, "receipt: %s serial %llu", m->id,
		 (unsigned long long)rc.serial);
	if (rc.serial == m->serial &&
	    sodium_memcmp(rc.bundle_sha256, sha, SHA256_LEN) == 0)
		return 1;
	if (m->serial <= rc.serial)
		return err_set(err, -EALREADY, "serial %llu is not above %llu, the "
			       "serial of the receipt on the target",
			       (unsigned long long)m->serial,
			       (unsigned long long)rc.serial);
	return 0;
}

/**
 * Say what was done with an interrupted apply: log, event, and the text
 * for the report's reason.
 */
static void fix_recovered(const struct fix_ctx *ctx, const struct apply *ra,
			  const struct apply_recovery *rec, const char *fix,
			  char *msg, size_t len)
{
	bool last = rec->what == APPLY_REC_GAVE_UP && rec->final_boot;

	snprintf(msg, len, "%s an interrupted apply of %s serial %llu%s (%u run(s) "
		 "cut short)%s", rec->what == APPLY_REC_FORWARD ? "completed" :
		 "rolled back", ra->id, (unsigned long long)ra->serial,
		 last ? " on the last boot the server allows" : "",
		 rec->interrupted, last ? "; the target keeps its old files" :
		 rec->what == APPLY_REC_GAVE_UP ?
		 "; giving up: the target keeps its old files" : "");
	log_info(ctx->log, "%s", msg);
	if (ctx->event)
		ctx->event(ctx->event_cls, fix, msg);
}

/**
 * Settle an interrupted apply on the target before anything else.
 *
 * @v final_boot	the plan's final_boot for the fix at hand
 * @v attempt	set to the attempt a new apply of this bundle counts as
 * @v note	set to what the report's reason says after a roll back, or ""
 * @ret the outcome when the recovery decides it (the bundle at hand was
 *	completed or given up, an apply of its fix id was rolled back on the
 *	server's final boot, or the target cannot be settled), else -1
 */
static int fix_recover(const struct fix_ctx *ctx, const struct bundle *b,
		       struct target *t, const uint8_t sha[SHA256_LEN],
		       bool final_boot, struct report *r, uint32_t *attempt,
		       char *note, size_t len)
{
	struct apply ra;
	struct apply_recovery rec;
	struct err err = { "" };
	int rc, o = -1;

	*attempt = 1;
	note[0] = '\0';
	apply_init(&ra, ctx->log, b, t, ctx->work_dir, sha);
	ra.final_boot = final_boot;
	rc = apply_recover(&ra, &rec, &err);
	if (rc < 0) {
		o = fix_outcome(ctx, r, FIX_FAILED, err.msg);
	} else if (rec.what != APPLY_REC_NONE) {
		fix_recovered(ctx, &ra, &rec, r->fix, note, len);
		if (rec.same && rec.what == APPLY_REC_BACK)
			*attempt = ra.attempt;
		else if (rec.same || (rec.final_boot && rec.what == APPLY_REC_GAVE_UP))
			o = fix_outcome(ctx, r, rec.what == APPLY_REC_FORWARD ?
					FIX_APPLIED : FIX_FAILED, note);
		if (o >= 0 && apply_report(&ra, r) < 0)
			log_err(ctx->log, "out of memory for the evidence");
		if (!rec.same)
			note[0] = '\0';
	}
	apply_free(&ra);
	return o;
}

/**
 * Check, then apply, on an open target.
 * @ret the outcome
 */
static enum fix_outcome fix_apply(const struct fix_ctx *ctx,
				  const struct bundle *b, struct target *t,
				  const uint8_t sha[SHA256_LEN], bool final_boot,
				  struct report *r)
{
	struct apply a;
	struct err err = { "" };
	char note[PROTO_MESSAGE_MAX / 2];
	enum fix_outcome o;
	uint32_t attempt;
	int rc, already;

	rc = fix_recover(ctx, b, t, sha, final_boot, r, &attempt, note,
			 sizeof(note));
	if (rc >= 0)
		return (enum fix_outcome)rc;
	already = fix_serial(ctx, b, t, sha, &err);
	if (already < 0)
		return fix_outcome(ctx, r, FIX_REFUSED, err.msg);
	apply_init(&a, ctx->log, b, t, ctx->work_dir, sha);
	a.attempt = attempt;
	rc = apply_check(&a, &err);
	if (rc < 0) {
		o = fix_outcome(ctx, r, FIX_REFUSED, err.msg);
	} else if (already) {
		apply_evidence(&a);
		for (size_t i = 0; i < a.nitems; i++) {
			a.items[i].has_before = a.items[i].has_after;
			memcpy(a.items[i].before, a.items[i].after, SHA256_LEN);
		}
		log_info(ctx->log, "this bundle is already applied (receipt)");
		o = fix_outcome(ctx, r, FIX_APPLIED, NULL);
	} else if ((rc = target_writable(t, &err)) < 0) {
		o = fix_outcome(ctx, r, FIX_REFUSED, err.msg);
	} else {
		rc = apply_rest(&a, &err);
		o = rc < 0 ? fix_failed(ctx, r, &a, err.msg) :
			fix_outcome(ctx, r, FIX_APPLIED, note[0] ? note : NULL);
	}
	if (o != FIX_REFUSED && apply_report(&a, r) < 0)
		log_err(ctx->log, "out of memory for the evidence");
	apply_free(&a);
	return o;
}

/**
 * Verify and apply one downloaded fix.
 * @ret the outcome
 */
enum fix_outcome fix_run(const struct fix_ctx *ctx, const struct plan_fix *pf,
			 const void *data, size_t len, const char *sig,
			 size_t siglen, struct report *r)
{
	struct bundle *b = NULL;
	struct target t;
	struct err err = { "" };
	uint8_t sha[SHA256_LEN];
	enum fix_outcome o;
	int rc;

	rc = fix_verify(ctx, pf, data, len, sig, siglen, &b, &err);
	if (rc < 0)
		return fix_outcome(ctx, r, FIX_REFUSED, err.msg);
	memcpy(sha, pf->bundle.sha256, SHA256_LEN);	/* what fix_verify() checked */
	rc = target_select(&ctx->tctx, &b->manifest->target, &t, &err);
	if (rc == -ENODEV) {
		o = fix_outcome(ctx, r, FIX_SKIPPED, err.msg);
	} else if (rc < 0) {
		o = fix_outcome(ctx, r, FIX_REFUSED, err.msg);
	} else {
		fix_report_target(r, &t);
		o = fix_apply(ctx, b, &t, sha, pf->final_boot, r);
		target_close(&t);
	}
	bundle_free(b);
	return o;
}
