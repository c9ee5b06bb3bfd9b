/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/plan.h"
#include "common/protocol.h"
#include "common/report.h"
#include "fixd/agent.h"

/** Exit code for a failed HTTP call. */
static int agent_exit(int rc)
{
	return http_temporary(rc) ? EXIT_TEMPORARY : EXIT_PERMANENT;
}

/**
 * Tell the server the state of a fix.  A temporary failure is only logged
 * (events are progress, not results).
 * @ret 0, or a permanent negative errno (the token refused, say)
 */
static int agent_event(struct agent *ag, const char *fix, const char *state,
		       const char *message)
{
	struct report_event e = { (char *)fix, (char *)state, (char *)message };
	struct buf body;
	struct err err = { "" };
	int rc;

	buf_init(&body, PROTO_EVENT_MAX);
	rc = report_event_format(&e, &body);
	if (rc == 0)
		rc = http_post(ag->http, PROTO_PATH_EVENT, "application/json",
			       body.data, body.len, NULL, &err);
	else
		err_set(&err, rc, "event: cannot format it");
	buf_free(&body);
	if (rc < 0)
		log_warn(ag->log, "event %s: %s", state, err.msg);
	return http_temporary(rc) ? 0 : rc;
}

/**
 * fix_ctx's event callback: an "applying" event with a message (what was
 * done with an interrupted apply).
 */
static void agent_fix_event(void *cls, const char *fix, const char *message)
{
	agent_event(cls, fix, "applying", message);
}

/**
 * Fetch and parse the plan.
 * @ret 0 and *out, or a negative errno
 */
static int agent_plan(struct agent *ag, struct plan **out)
{
	char mine[MAC_STR_LEN], theirs[MAC_STR_LEN];
	struct err err = { "" };
	struct buf body;
	int rc;

	buf_init(&body, PROTO_PLAN_MAX);
	rc = http_get(ag->http, PROTO_PATH_PLAN, 0, &body, &err);
	if (rc == 0)
		rc = plan_parse(body.data ? body.data : "", body.len, out, &err);
	buf_free(&body);
	if (rc < 0) {
		log_err(ag->log, "plan: %s", err.msg);
		return rc;
	}
	mac_format(&ag->mac, mine);
	mac_format(&(*out)->client, theirs);
	if (strcmp(mine, theirs) != 0) {
		log_err(ag->log, "plan is for %s, this client is %s", theirs, mine);
		plan_free(*out);
		*out = NULL;
		return -EPROTO;
	}
	log_info(ag->log, "plan: %zu fix(es)", (*out)->nfixes);
	return 0;
}

/**
 * Download the signature and the bundle of a fix, each capped by the size
 * the plan gives.
 * @ret 0 or a negative errno (err set)
 */
static int agent_download(struct agent *ag, const struct plan_fix *pf,
			  struct buf *sig, struct buf *bundle, struct err *err)
{
	int rc;

	if (pf->signature.size > PROTO_SIG_MAX || pf->bundle.size > PROTO_BUNDLE_MAX)
		return err_set(err, -EFBIG, "the plan announces a file over the "
			       "limits (%d, %llu bytes)", PROTO_SIG_MAX,
			       (unsigned long long)PROTO_BUNDLE_MAX);
	buf_init(sig, pf->signature.size);
	buf_init(bundle, pf->bundle.size);
	rc = http_get(ag->http, pf->signature.url, pf->signature.size, sig, err);
	if (rc == 0)
		rc = http_get(ag->http, pf->bundle.url, pf->bundle.size, bundle, err);
	if (rc == 0)
		log_info(ag->log, "downloaded %s: %zu + %zu bytes", pf->id, bundle->len,
			 sig->len);
	return rc;
}

/**
 * Send a report.  One whose evidence does not fit in PROTO_REPORT_MAX goes
 * without it (the receipt on the disk keeps the hashes); fixsrv, which
 * checks the evidence of an applied fix against its manifest, then marks
 * the fix failed.
 * @ret 0 or a negative errno
 */
static int agent_report(struct agent *ag, struct report *r)
{
	struct err err = { "" };
	struct buf body;
	size_t nevidence = r->nevidence;
	int rc;

	buf_init(&body, PROTO_REPORT_MAX);
	rc = report_format(r, &body);
	if (rc == -EFBIG) {
		log_warn(ag->log, "report of %s: %zu evidence entries do not fit in "
			 "%d bytes; sending it without them (the server cannot "
			 "check it: the fix counts as failed)", r->fix, nevidence,
			 PROTO_REPORT_MAX);
		r->nevidence = 0;
		buf_reset(&body);
		rc = report_format(r, &body);
		r->nevidence = nevidence;
	}
	if (rc < 0)
		err_set(&err, rc, "cannot format the report");
	else
		rc = http_post(ag->http, PROTO_PATH_REPORT, "application/json",
			       body.data, body.len, NULL, &err);
	buf_free(&body);
	if (rc < 0)
		log_err(ag->log, "report of %s: %s", r->fix, err.msg);
	return rc;
}

/**
 * One fix: events, downloads, apply, report.
 * @ret the outcome, or -1 with *code set when the session must stop on a
 *	server or network failure
 */
static int agent_fix(struct agent *ag, const struct plan_fix *pf, int *code)
{
	struct buf sig, bundle;
	struct report r;
	struct err err = { "" };
	int rc, o = -1;

	buf_init(&sig, 0);
	buf_init(&bundle, 0);
	if (fix_report_init(&r, pf) < 0) {
		*code = EXIT_TEMPORARY;
		return -1;
	}
	*code = EXIT_PERMANENT;
	if (agent_event(ag, pf->id, "downloading", NULL) < 0)
		goto out;
	rc = agent_download(ag, pf, &sig, &bundle, &err);
	if (rc < 0) {
		log_err(ag->log, "download of %s: %s", pf->id, err.msg);
		if (http_temporary(rc)) {
			*code = EXIT_TEMPORARY;
			goto out;
		}
		fix_report_result(&r, REPORT_FAILED, err.msg);
		o = FIX_REFUSED;
	} else {
		if (agent_event(ag, pf->id, "applying", NULL) < 0)
			goto out;
		o = (int)fix_run(ag->fix, pf, bundle.data ? bundle.data : "",
				 bundle.len, sig.data ? sig.data : "", sig.len, &r);
	}
	rc = agent_report(ag, &r);
	if (rc < 0) {
		*code = agent_exit(rc);
		o = -1;
	}
out:
	buf_free(&sig);
	buf_free(&bundle);
	report_clear(&r);
	return o;
}

/**
 * Upload the log, which ends the session.
 */
static void agent_upload_log(struct agent *ag)
{
	struct err err = { "" };
	const struct buf *b = &ag->log->copy;
	int rc;

	log_info(ag->log, "uploading the log; session ends");
	rc = http_post(ag->http, PROTO_PATH_LOG, "text/plain",
		       b->data ? b->data : "", b->len, NULL, &err);
	if (rc < 0)
		log_warn(ag->log, "log upload: %s", err.msg);
}

/**
 * Run a whole session.
 * @ret exit code
 */
int agent_run(struct agent *ag)
{
	struct plan *p = NULL;
	int code = EXIT_DONE, rc, o;

	ag->fix->event = agent_fix_event;
	ag->fix->event_cls = ag;
	rc = agent_plan(ag, &p);
	if (rc < 0) {
		code = agent_exit(rc);
		goto out;
	}
	for (size_t i = 0; i < p->nfixes; i++) {
		log_info(ag->log, "fix %zu of %zu: %s serial %llu", i + 1, p->nfixes,
			 p->fixes[i].id, (unsigned long long)p->fixes[i].serial);
		o = agent_fix(ag, &p->fixes[i], &rc);
		if (o < 0 || o == FIX_REFUSED)
			code = rc;
		if (o < 0 || o == FIX_REFUSED || o == FIX_FAILED)
			break;
	}
out:
	if (code != EXIT_TEMPORARY)
		agent_upload_log(ag);
	plan_free(p);
	return code;
}
