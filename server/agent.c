/* SPDX-License-Identifier: MIT */
/*
 * The agent API of docs/protocol.md: plan, fix files, progress events,
 * report, log.  Every request is checked against its boot token first; a
 * refusal changes nothing.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/plan.h"
#include "common/protocol.h"
#include "common/report.h"
#include "server/agent.h"
#include "server/boottoken.h"
#include "server/fixstore.h"
#include "server/http.h"
#include "server/inventory.h"
#include "server/log.h"

/**
 * Check X-Fixnet-Client and the bearer token, with the transaction open.
 *
 * @v c		call
 * @v a		the checked request
 * @v why	the refusal's message
 * @ret status	0 if the request may go on, else the HTTP status
 */
unsigned agent_check(struct http_call *c, struct agent_req *a,
		     const char **why)
{
	const char *client = http_header(c, PROTO_HDR_CLIENT);
	const char *auth = http_header(c, MHD_HTTP_HEADER_AUTHORIZATION);
	struct mac m;
	int rc;

	a->now = (int64_t)time(NULL);
	if (!auth || strncmp(auth, "Bearer ", 7) != 0) {
		*why = "no boot token (Authorization: Bearer)";
		return 401;
	}
	if (!client || mac_parse(client, &m) < 0) {
		*why = "missing or invalid " PROTO_HDR_CLIENT " header";
		return 400;
	}
	mac_format(&m, a->mac);
	rc = boottoken_check(c->srv->inv, auth + 7, a->mac, a->now, &a->tok,
			     why);
	if (rc == 0)
		return 0;
	if (rc != -ENOENT && rc != -EACCES)
		*why = "inventory error";
	return rc == -ENOENT ? 401 : rc == -EACCES ? 403 : 500;
}

/**
 * agent_check(), queuing the refusal.
 *
 * @v c		call
 * @v a		the checked request
 * @v ret	the refusal queued when false is returned
 * @ret ok	true if the request may go on
 */
bool agent_auth(struct http_call *c, struct agent_req *a,
		enum MHD_Result *ret)
{
	const char *why = "";
	unsigned status = agent_check(c, a, &why);

	if (status)
		*ret = http_error(c, status, "%s", why);
	return status == 0;
}

/**
 * Check a request's token before its body is read, so that a refused
 * request's body is never stored (its own transaction).
 *
 * @v c		call
 * @v why	the refusal's message
 * @ret status	0, or the HTTP status of the refusal
 */
unsigned agent_precheck(struct http_call *c, const char **why)
{
	struct agent_req a;
	unsigned status;

	if (inv_tx_begin(c->srv->inv) < 0) {
		*why = "inventory busy";
		return 503;
	}
	status = agent_check(c, &a, why);
	inv_tx_end(c->srv->inv, -EPERM);	/* read only */
	return status;
}

/**
 * Add one fix of the plan: final_boot when this quarantine boot, counted
 * already, is the last the boot-loop breaker allows for the pair.
 *
 * @v inv	inventory, transaction open
 * @v a		checked request
 * @v id	fix id
 * @v max_boots	quarantine boots allowed per pair
 * @v pf	the plan's entry
 * @ret rc	0, or -ENOENT to leave it out, or a negative errno
 */
static int agent_plan_fix(struct inv *inv, const struct agent_req *a,
			  const char *id, uint64_t max_boots,
			  struct plan_fix *pf)
{
	struct inv_pair pair;
	struct inv_fix f;
	char url[PROTO_URL_MAX];
	int rc;

	rc = inv_pair_get(inv, a->tok.client_id, id, &pair);
	if (rc < 0 || !state_is_active(pair.state))
		return rc < 0 ? rc : -ENOENT;
	rc = inv_fix_get(inv, id, &f);
	if (rc < 0)
		return rc;
	pf->id = strdup(f.id);
	pf->serial = f.serial;
	pf->final_boot = pair.boots >= max_boots;
	snprintf(url, sizeof(url), "%s%s/bundle", PROTO_PATH_FIX, f.id);
	pf->bundle.url = strdup(url);
	pf->bundle.size = f.size;
	pf->bundle.has_sha256 = 1;
	rc = hex_decode(f.sha256, pf->bundle.sha256, SHA256_LEN);
	snprintf(url, sizeof(url), "%s%s/signature", PROTO_PATH_FIX, f.id);
	pf->signature.url = strdup(url);
	pf->signature.size = f.sig_size;
	if (!pf->id || !pf->bundle.url || !pf->signature.url)
		return -ENOMEM;
	return rc;
}

/**
 * Build the plan of a token.
 *
 * @v inv	inventory, transaction open
 * @v a		checked request
 * @v max_boots	quarantine boots allowed per pair
 * @v p		the plan (fixes allocated here)
 * @ret rc	0 or a negative errno
 */
static int agent_plan_build(struct inv *inv, const struct agent_req *a,
			    uint64_t max_boots, struct plan *p)
{
	char ids[PROTO_PLAN_FIXES_MAX][MANIFEST_ID_MAX + 1];
	size_t n;
	int rc;

	rc = boottoken_fixes(inv, &a->tok, ids, PROTO_PLAN_FIXES_MAX, &n);
	if (rc < 0)
		return rc;
	mac_parse(a->mac, &p->client);
	p->expires = a->tok.expires;
	p->fixes = calloc(n + 1, sizeof(*p->fixes));
	if (!p->fixes)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		rc = agent_plan_fix(inv, a, ids[i], max_boots,
				    &p->fixes[p->nfixes]);
		if (rc == -ENOENT)
			continue;
		p->nfixes++;
		if (rc < 0)
			return rc;
	}
	return 0;
}

/**
 * GET /api/v1/plan
 *
 * @v c		call
 * @ret ret	MHD result
 */
enum MHD_Result agent_plan(struct http_call *c)
{
	struct plan *p = calloc(1, sizeof(*p));
	struct inv *inv = c->srv->inv;
	struct agent_req a;
	enum MHD_Result ret;
	struct buf out;
	int rc;

	if (!p)
		return MHD_NO;
	buf_init(&out, PROTO_PLAN_MAX);
	rc = inv_tx_begin(inv);
	if (rc < 0) {
		ret = http_error(c, 503, "inventory busy");
		goto out;
	}
	if (!agent_auth(c, &a, &ret)) {
		inv_tx_end(inv, -EPERM);
		goto out;
	}
	rc = inv_tx_end(inv, agent_plan_build(inv, &a, c->srv->cfg->max_boots,
					      p));
	if (rc == 0)
		rc = plan_format(p, &out);
	if (rc < 0) {
		ret = http_error(c, 500, "cannot build the plan: %s",
				 strerror(-rc));
		goto out;
	}
	log_info("agent", "%s: plan of %zu fix(es)", a.mac, p->nfixes);
	ret = http_text(c, 200, "application/json", out.data, out.len);
out:
	buf_free(&out);
	plan_free(p);
	return ret;
}

/**
 * GET /api/v1/fix/ID/bundle and /api/v1/fix/ID/signature
 *
 * @v c		call
 * @ret ret	MHD result
 */
enum MHD_Result agent_fix_file(struct http_call *c)
{
	char id[MANIFEST_ID_MAX + 1], path[4400];
	struct inv *inv = c->srv->inv;
	const char *slash = strchr(c->tail, '/'), *kind;
	struct inv_fix f;
	struct agent_req a;
	enum MHD_Result ret;
	int rc, fd;

	if (!slash || (size_t)(slash - c->tail) > MANIFEST_ID_MAX)
		return http_error(c, 404, "no such path");
	memcpy(id, c->tail, (size_t)(slash - c->tail));
	id[slash - c->tail] = '\0';
	kind = slash + 1;
	if (manifest_id_check(id, NULL) < 0)
		return http_error(c, 400, "invalid fix id");
	if (strcmp(kind, "bundle") != 0 && strcmp(kind, "signature") != 0)
		return http_error(c, 404, "no such path");
	if (inv_tx_begin(inv) < 0)
		return http_error(c, 503, "inventory busy");
	if (!agent_auth(c, &a, &ret)) {
		inv_tx_end(inv, -EPERM);
		return ret;
	}
	rc = boottoken_has_fix(inv, &a.tok, id);
	if (rc == 0)
		rc = inv_fix_get(inv, id, &f) == 0 ? 0 : -ENODATA;
	inv_tx_end(inv, -EPERM);	/* read only: roll back */
	if (rc == -ENOENT)
		return http_error(c, 403, "fix %s is not in this token's plan",
				  id);
	if (rc < 0)
		return http_error(c, 404, "no such fix: %s", id);
	fixstore_path(c->srv, id, f.serial, kind[0] == 's' ? ".minisig" : "",
		      path, sizeof(path));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return http_error(c, 500, "fix %s is missing on disk", id);
	return http_file(c, fd, kind[0] == 's' ? "text/plain" :
			 "application/octet-stream");
}

/**
 * Apply an event, transaction open.
 *
 * @v c		call
 * @v a		checked request
 * @v e		the parsed event
 * @v ret	reply when refused
 * @ret rc	0, or -EPERM (refused: ret set), or an inventory error
 */
static int agent_event_apply(struct http_call *c, const struct agent_req *a,
			     const struct report_event *e, enum MHD_Result *ret)
{
	struct inv *inv = c->srv->inv;
	enum pair_state to;
	struct inv_pair pair;
	int rc;

	if (state_parse(e->state, &to) < 0 ||
	    (to != ST_DOWNLOADING && to != ST_VERIFYING && to != ST_APPLYING)) {
		*ret = http_error(c, 400, "invalid state %s", e->state);
		return -EPERM;
	}
	if (manifest_id_check(e->fix, NULL) < 0 ||
	    boottoken_has_fix(inv, &a->tok, e->fix) < 0) {
		*ret = http_error(c, 403, "fix is not in this token's plan");
		return -EPERM;
	}
	rc = inv_pair_get(inv, a->tok.client_id, e->fix, &pair);
	if (rc < 0)
		return rc;
	rc = state_move(inv, &pair, to, e->message, a->now);
	if (rc == -EPERM)
		*ret = http_error(c, 409, "fix %s is %s for this client: no "
				  "move to %s", e->fix, state_name(pair.state),
				  e->state);
	return rc;
}

/**
 * POST /api/v1/event
 *
 * @v c		call
 * @ret ret	MHD result
 */
enum MHD_Result agent_event(struct http_call *c)
{
	struct report_event *e = NULL;
	struct inv *inv = c->srv->inv;
	struct agent_req a;
	enum MHD_Result ret = MHD_NO;
	struct err err = { .msg = "" };
	int rc;

	if (inv_tx_begin(inv) < 0)
		return http_error(c, 503, "inventory busy");
	if (!agent_auth(c, &a, &ret)) {
		inv_tx_end(inv, -EPERM);
		return ret;
	}
	rc = report_event_parse(c->body.data ? c->body.data : "", c->body.len,
				&e, &err);
	if (rc < 0) {
		inv_tx_end(inv, rc);
		return http_error(c, 400, "invalid event: %s", err.msg);
	}
	rc = inv_tx_end(inv, agent_event_apply(c, &a, e, &ret));
	if (rc == 0) {
		log_info("agent", "%s: %s %s", a.mac, e->fix, e->state);
		ret = http_no_content(c);
	} else if (rc != -EPERM) {
		ret = http_error(c, 500, "inventory error");
	}
	report_event_free(e);
	return ret;
}
