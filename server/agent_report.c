/* SPDX-License-Identifier: MIT */
/*
 * POST /api/v1/report and POST /api/v1/log: the end of an agent's session.
 * A report is answered only once its transaction is committed
 * (synchronous=FULL), and is recorded once per (token, fix).  A report that
 * says "applied" moves its pair to applied only if its evidence matches the
 * fix's manifest (server/evidence.h); else the pair is failed, with the
 * first mismatch as its reason.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/protocol.h"
#include "common/report.h"
#include "server/agent.h"
#include "server/evidence.h"
#include "server/fixmanifest.h"
#include "server/inventory.h"
#include "server/log.h"

/**
 * The state a report already recorded for (token, fix) moved its pair to,
 * if there is one.
 *
 * @v inv	inventory
 * @v a		checked request
 * @v fix	fix id
 * @v result	that state
 * @ret rc	0 (found), -ENOENT, or a negative errno
 */
static int report_find(struct inv *inv, const struct agent_req *a,
		       const char *fix, char result[16])
{
	sqlite3_stmt *st;
	int rc, src;

	rc = inv_prepare(inv, &st, "SELECT coalesce(state, result) FROM reports "
			 "WHERE token_hash = ?1 AND fix_id = ?2");
	if (rc < 0)
		return rc;
	sqlite3_bind_blob(st, 1, a->tok.hash, TOKEN_HASH_LEN, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, fix, -1, SQLITE_TRANSIENT);
	src = sqlite3_step(st);
	if (src == SQLITE_ROW)
		inv_col_text(st, 0, result, 16);
	rc = src == SQLITE_ROW ? 0 : src == SQLITE_DONE ? -ENOENT :
		inv_rc(inv, src, "find report");
	inv_finalize(inv, st);
	return rc;
}

/**
 * Store the report row with its evidence, as sent, and the state it moved
 * the pair to.
 *
 * @v inv	inventory, transaction open
 * @v a		checked request
 * @v r		parsed report
 * @v body	the same body as JSON, for the target and evidence as sent
 * @v state	the pair's new state
 * @ret rc	0 or a negative errno
 */
static int report_store(struct inv *inv, const struct agent_req *a,
			const struct report *r, json_t *body,
			enum pair_state state)
{
	json_t *target = json_object_get(body, "target");
	json_t *evidence = json_object_get(body, "evidence");
	char *tg = target ? json_dumps(target, JSON_COMPACT) : NULL;
	char *ev = json_dumps(evidence ? evidence : json_array(), JSON_COMPACT);
	sqlite3_stmt *st;
	int rc;

	rc = ev ? inv_prepare(inv, &st, "INSERT INTO reports (token_hash, "
			      "client_id, fix_id, serial, result, reason, target,"
			      " evidence, time, state) VALUES (?1, ?2, ?3, ?4, ?5,"
			      " ?6, ?7, ?8, ?9, ?10)") : -ENOMEM;
	if (rc < 0)
		goto out;
	sqlite3_bind_blob(st, 1, a->tok.hash, TOKEN_HASH_LEN, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, a->tok.client_id);
	sqlite3_bind_text(st, 3, r->fix, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 4, (int64_t)r->serial);
	sqlite3_bind_text(st, 5, report_result_name(r->result), -1,
			  SQLITE_STATIC);
	if (r->reason)
		sqlite3_bind_text(st, 6, r->reason, -1, SQLITE_TRANSIENT);
	if (tg)
		sqlite3_bind_text(st, 7, tg, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 8, ev, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 9, a->now);
	sqlite3_bind_text(st, 10, state_name(state), -1, SQLITE_STATIC);
	rc = inv_step_done(inv, st, "store report");
out:
	free(tg);
	free(ev);
	return rc;
}

/** The state a report's result moves its pair to. */
static enum pair_state report_state(enum report_result r)
{
	return r == REPORT_APPLIED ? ST_APPLIED :
		r == REPORT_SKIPPED ? ST_SKIPPED : ST_FAILED;
}

/* What a report does to its pair. */
struct report_verdict {
	enum pair_state state;
	const char *reason;		/* stored with the state: the agent's, or why */
	char why[EVIDENCE_WHY_MAX];	/* the evidence's first mismatch */
};

/**
 * Judge a report: "applied" stands only if its evidence matches the
 * manifest of the fix (of the serial the inventory holds, the only one it
 * keeps); else the pair is failed, with the mismatch as its reason.
 *
 * @v srv	server
 * @v f		the fix
 * @v r		parsed report
 * @v v		the verdict
 * @ret rc	0, or a negative errno: the manifest could not be had
 */
static int report_judge(const struct srv *srv, const struct inv_fix *f,
			const struct report *r, struct report_verdict *v)
{
	int rc;

	v->state = report_state(r->result);
	v->reason = r->reason;
	if (r->result != REPORT_APPLIED)
		return 0;
	if (r->serial != f->serial) {
		snprintf(v->why, sizeof(v->why), "evidence: not checked: the "
			 "report is of serial %llu, the server keeps the manifest "
			 "of serial %llu only", (unsigned long long)r->serial,
			 (unsigned long long)f->serial);
	} else {
		rc = fixmanifest_check(srv, f, r, v->why, sizeof(v->why));
		if (rc != -EBADMSG)
			return rc;
	}
	v->state = ST_FAILED;
	v->reason = v->why;
	return 0;
}

/**
 * Record a report, transaction open.
 *
 * @v c		call
 * @v a		checked request
 * @v r		parsed report
 * @v body	the body as JSON
 * @v v		the verdict, when committed
 * @v ret	the reply (every outcome but an inventory error)
 * @ret rc	0 (commit), -EPERM (refused or duplicate: roll back), or an
 *		inventory error
 */
static int report_apply(struct http_call *c, const struct agent_req *a,
			const struct report *r, json_t *body,
			struct report_verdict *v, enum MHD_Result *ret)
{
	struct inv *inv = c->srv->inv;
	char done[16];
	struct inv_pair pair;
	struct inv_fix f;
	int rc;

	if (boottoken_has_fix(inv, &a->tok, r->fix) < 0) {
		*ret = http_error(c, 403, "fix %s is not in this token's plan",
				  r->fix);
		return -EPERM;
	}
	rc = report_find(inv, a, r->fix, done);
	if (rc == 0) {
		*ret = http_json(c, 200, json_pack("{s:s, s:b}", "state", done,
						   "duplicate", 1));
		return -EPERM;
	}
	if (rc != -ENOENT)
		return rc;
	rc = inv_pair_get(inv, a->tok.client_id, r->fix, &pair);
	if (rc == 0)
		rc = inv_fix_get(inv, r->fix, &f);
	if (rc < 0)
		return rc;
	if (r->serial <= pair.applied_serial) {
		*ret = http_error(c, 409, "serial %llu of %s is not above the "
				  "applied serial %llu",
				  (unsigned long long)r->serial, r->fix,
				  (unsigned long long)pair.applied_serial);
		return -EPERM;
	}
	if (r->serial > f.serial) {
		*ret = http_error(c, 409, "serial %llu of %s is unknown (the "
				  "server has %llu)", (unsigned long long)r->serial,
				  r->fix, (unsigned long long)f.serial);
		return -EPERM;
	}
	if (!state_allowed(pair.state, report_state(r->result))) {
		rc = -EPERM;
	} else if (report_judge(c->srv, &f, r, v) < 0) {
		*ret = http_error(c, 500, "cannot check the evidence: the manifest "
				  "of %s is unreadable", r->fix);
		return -EPERM;
	} else {
		rc = state_move(inv, &pair, v->state, v->reason, a->now);
	}
	if (rc == -EPERM) {
		*ret = http_error(c, 409, "fix %s is %s for this client: report "
				  "refused", r->fix, state_name(pair.state));
		return rc;
	}
	if (rc == 0 && v->state == ST_APPLIED) {
		pair.applied_serial = r->serial;
		rc = inv_pair_store(inv, &pair, a->now);
	}
	if (rc == 0)
		rc = report_store(inv, a, r, body, v->state);
	if (rc == 0)
		rc = inv_event_add(inv, a->now, a->tok.client_id, r->fix,
				   "report", NULL, state_name(v->state),
				   v->reason);
	return rc;
}

/**
 * POST /api/v1/report
 *
 * @v c		call
 * @ret ret	MHD result
 */
enum MHD_Result agent_report(struct http_call *c)
{
	struct err err = { .msg = "" };
	struct inv *inv = c->srv->inv;
	struct report_verdict v;
	struct report *r = NULL;
	json_t *body = NULL;
	struct agent_req a;
	enum MHD_Result ret = MHD_NO;
	const char *data = c->body.data ? c->body.data : "";
	int rc;

	if (inv_tx_begin(inv) < 0)
		return http_error(c, 503, "inventory busy");
	if (!agent_auth(c, &a, &ret)) {
		inv_tx_end(inv, -EPERM);
		return ret;
	}
	rc = report_parse(data, c->body.len, &r, &err);
	if (rc == 0)
		body = json_loadb(data, c->body.len, 0, NULL);
	if (rc < 0 || !body) {
		inv_tx_end(inv, -EPERM);
		report_free(r);
		return http_error(c, 400, "invalid report: %s", err.msg);
	}
	rc = inv_tx_end(inv, report_apply(c, &a, r, body, &v, &ret));
	if (rc == 0) {
		log_msg(v.reason == v.why ? LOG_LVL_WARN : LOG_LVL_INFO, "agent",
			"%s: %s serial %llu %s%s%s%s", a.mac, r->fix,
			(unsigned long long)r->serial,
			report_result_name(r->result),
			v.reason == v.why ? ", refused: failed" : "",
			v.reason && *v.reason ? ": " : "",
			v.reason ? v.reason : "");
		ret = http_json(c, 200, json_pack("{s:s}", "state",
						  state_name(v.state)));
	} else if (rc != -EPERM) {
		ret = http_error(c, 500, "inventory error: report not recorded");
	}
	json_decref(body);
	report_free(r);
	return ret;
}

/** Store the log and spend the token, transaction open. */
static int log_store(struct http_call *c, const struct agent_req *a)
{
	struct inv *inv = c->srv->inv;
	sqlite3_stmt *st;
	int rc;

	rc = inv_prepare(inv, &st, "INSERT INTO logs (client_id, boot_id, time,"
			 " body) VALUES (?1, ?2, ?3, ?4)");
	if (rc < 0)
		return rc;
	sqlite3_bind_int64(st, 1, a->tok.client_id);
	sqlite3_bind_int64(st, 2, a->tok.boot_id);
	sqlite3_bind_int64(st, 3, a->now);
	sqlite3_bind_text(st, 4, c->body.data ? c->body.data : "",
			  (int)c->body.len, SQLITE_TRANSIENT);
	rc = inv_step_done(inv, st, "store log");
	if (rc == 0)
		rc = inv_event_add(inv, a->now, a->tok.client_id, NULL, "log",
				   NULL, NULL, "agent log stored; session ended");
	if (rc == 0)
		rc = boottoken_spend(inv, &a->tok);
	return rc;
}

/**
 * POST /api/v1/log: store the log, spend the token.
 *
 * @v c		call
 * @ret ret	MHD result
 */
enum MHD_Result agent_log(struct http_call *c)
{
	struct inv *inv = c->srv->inv;
	struct agent_req a;
	enum MHD_Result ret;
	int rc;

	if (inv_tx_begin(inv) < 0)
		return http_error(c, 503, "inventory busy");
	if (!agent_auth(c, &a, &ret)) {
		inv_tx_end(inv, -EPERM);
		return ret;
	}
	rc = inv_tx_end(inv, log_store(c, &a));
	if (rc < 0)
		return http_error(c, 500, "inventory error: log not stored");
	log_info("agent", "%s: log of %zu bytes, session ended", a.mac,
		 c->body.len);
	return http_no_content(c);
}
