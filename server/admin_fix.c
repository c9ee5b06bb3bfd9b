/* SPDX-License-Identifier: MIT */
/*
 * Admin API, fixes and their rollout: publish, list, assign, hold, status,
 * events, metrics.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "common/minisign.h"
#include "common/strnum.h"
#include "server/bootlog.h"
#include "server/fixstore.h"
#include "server/http.h"
#include "server/inventory.h"
#include "server/log.h"
#include "server/stats.h"

#define ADMIN_SIG_HEADER "X-Fixnet-Signature"
#define ADMIN_ASSIGN_MAX 10000		/* clients named in one assign */
#define ADMIN_REASON_MAX 200		/* bytes of a hold's reason */
#define ADMIN_HOLD_REASON "held by the administrator"
#define ADMIN_METRICS_MAX (64 * 1024)

/** GET /admin/v1/fixes */
enum MHD_Result admin_fixes(struct http_call *c)
{
	struct inv *inv = c->srv->inv;
	json_t *out = NULL;
	int rc;

	rc = inv_tx_begin(inv);
	if (rc < 0)
		return http_error(c, 503, "inventory busy");
	rc = inv_fix_list_json(inv, &out);
	inv_tx_end(inv, -EPERM);
	if (rc < 0)
		return http_error(c, 500, "inventory error");
	return http_json(c, 200, out);
}

/**
 * POST /admin/v1/fixes: the bundle as the body, its .minisig base64 in
 * X-Fixnet-Signature.
 *
 * @v c		call
 * @ret ret	MHD result
 */
enum MHD_Result admin_fix_add(struct http_call *c)
{
	static const unsigned status[] = {
		[FIXSTORE_OK] = 500, [FIXSTORE_BAD_INPUT] = 400,
		[FIXSTORE_UNTRUSTED] = 403, [FIXSTORE_OLD_SERIAL] = 409,
	};
	const char *b64 = http_header(c, ADMIN_SIG_HEADER);
	struct err err = { .msg = "" };
	char sig[MINISIGN_FILE_MAX + 1];
	enum fixstore_refusal why;
	struct inv_fix f;
	size_t siglen, repended;
	int rc;

	if (!b64 || sodium_base642bin((unsigned char *)sig, MINISIGN_FILE_MAX,
				      b64, strlen(b64), NULL, &siglen, NULL,
				      sodium_base64_VARIANT_ORIGINAL) != 0)
		return http_error(c, 400, "missing or invalid %s header (the "
				  ".minisig file in base64)", ADMIN_SIG_HEADER);
	sig[siglen] = '\0';
	if (c->upload_len == 0)
		return http_error(c, 400, "empty bundle");
	rc = fixstore_add(c->srv, c->upload_fd, c->upload_path, sig, siglen,
			  (int64_t)time(NULL), &f, &repended, &why, &err);
	if (rc == -EPERM)
		return http_error(c, status[why], "%s", err.msg);
	if (rc < 0)
		return http_error(c, 500, "cannot store the fix: %s",
				  strerror(-rc));
	log_info("admin", "fix %s serial %llu added (key %s, %zu clients "
		 "pending again)", f.id, (unsigned long long)f.serial, f.keyid,
		 repended);
	return http_json(c, 201, json_pack("{s:s, s:I, s:I, s:s, s:s, s:I}",
					   "id", f.id, "serial",
					   (json_int_t)f.serial, "size",
					   (json_int_t)f.size, "sha256",
					   f.sha256, "keyid", f.keyid,
					   "repended", (json_int_t)repended));
}

/**
 * Resolve the targets of an assignment into client ids.
 *
 * @v inv	inventory
 * @v body	{"group"} | {"clients": [...]} | {"all": true}
 * @v ids	the clients (free())
 * @v n		how many
 * @v bad	the client key not found, on -ENOENT
 * @ret rc	0, -EINVAL (no or several targets), -ENOENT, -E2BIG
 */
static int admin_targets(struct inv *inv, json_t *body, int64_t **ids,
			 size_t *n, const char **bad)
{
	json_t *group = json_object_get(body, "group");
	json_t *clients = json_object_get(body, "clients");
	json_t *all = json_object_get(body, "all");
	struct inv_client cl;
	size_t i;
	json_t *v;
	int rc;

	if ((group != NULL) + (clients != NULL) + (all != NULL) != 1)
		return -EINVAL;
	if (all)
		return json_is_true(all) ? inv_client_ids(inv, NULL, ids, n) :
			-EINVAL;
	if (group) {
		if (!json_is_string(group))
			return -EINVAL;
		*bad = json_string_value(group);
		return inv_client_ids(inv, *bad, ids, n);
	}
	if (!json_is_array(clients) || json_array_size(clients) == 0)
		return -EINVAL;
	if (json_array_size(clients) > ADMIN_ASSIGN_MAX)
		return -E2BIG;
	*ids = calloc(json_array_size(clients), sizeof(**ids));
	if (!*ids)
		return -ENOMEM;
	*n = 0;
	json_array_foreach(clients, i, v) {
		*bad = json_is_string(v) ? json_string_value(v) : "?";
		rc = json_is_string(v) ? inv_client_find_target(inv, *bad, &cl) :
			-EINVAL;
		if (rc < 0) {
			free(*ids);
			*ids = NULL;
			return rc == -EINVAL ? -ENOENT : rc;
		}
		(*ids)[(*n)++] = cl.id;
	}
	return 0;
}

/**
 * An assign (reason NULL) or a hold (its reason) of a fix for the targets
 * of body, transaction open.
 *
 * @v changed	pairs made pending, or held
 * @ret rc	0, -ENODATA (no such fix: *bad), -ENOENT (no such client or
 *		group: *bad), -EINVAL, -E2BIG, or an inventory error
 */
static int admin_rollout_do(struct inv *inv, const char *fix, json_t *body,
			    const char *reason, size_t *n, size_t *changed,
			    const char **bad)
{
	int64_t *ids = NULL, now = (int64_t)time(NULL);
	struct inv_fix f;
	bool done;
	int rc;

	*changed = 0;
	rc = inv_fix_get(inv, fix, &f);
	if (rc < 0) {
		*bad = fix;
		return rc == -ENOENT ? -ENODATA : rc;
	}
	rc = admin_targets(inv, body, &ids, n, bad);
	for (size_t i = 0; rc == 0 && i < *n; i++) {
		rc = reason ? inv_pair_hold(inv, ids[i], fix, reason, now, &done) :
			inv_pair_assign(inv, ids[i], fix, now, &done);
		*changed += done;
	}
	free(ids);
	return rc;
}

/** A hold's reason: absent (the default), or 1..ADMIN_REASON_MAX bytes of
 *  text without control characters. @ret it, or NULL if invalid */
static const char *admin_hold_reason(json_t *body)
{
	json_t *v = json_object_get(body, "reason");
	const char *s;
	size_t n;

	if (!v)
		return ADMIN_HOLD_REASON;
	s = json_string_value(v);
	n = s ? strlen(s) : 0;
	if (n == 0 || n > ADMIN_REASON_MAX)
		return NULL;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return NULL;
	return s;
}

/** The answer to an assign (reason NULL) or a hold, from what
 *  admin_rollout_do() returned. */
static enum MHD_Result admin_rollout_answer(struct http_call *c, int rc,
					    const char *fix, const char *reason,
					    const char *bad, size_t n,
					    size_t changed)
{
	if (rc == -EINVAL)
		return http_error(c, 400, "name exactly one target: \"group\", "
				  "\"clients\" (a list) or \"all\": true");
	if (rc == -E2BIG)
		return http_error(c, 413, "more than %d clients in one %s",
				  ADMIN_ASSIGN_MAX, reason ? "hold" : "assign");
	if (rc == -ENODATA)
		return http_error(c, 404, "no such fix: %s", fix);
	if (rc == -ENOENT)
		return http_error(c, 404, "no such client or group: %.64s", bad);
	if (rc < 0)
		return http_error(c, 500, "inventory error");
	if (reason)
		log_info("admin", "fix %s held for %zu of %zu clients: %s", fix,
			 changed, n, reason);
	else
		log_info("admin", "fix %s assigned to %zu clients (%zu pending)",
			 fix, n, changed);
	return http_json(c, 200, json_pack("{s:s, s:I, s:I}", "fix", fix,
					   "clients", (json_int_t)n,
					   reason ? "held" : "pending",
					   (json_int_t)changed));
}

/**
 * An assign, or a hold: one fix, the clients of one target.
 *
 * @v c		call
 * @v hold	a hold (with its reason) rather than an assign
 * @ret ret	MHD result
 */
static enum MHD_Result admin_rollout(struct http_call *c, bool hold)
{
	const char *fix, *reason = NULL, *bad = "";
	size_t n = 0, changed = 0;
	enum MHD_Result ret;
	json_t *body;
	int rc;

	body = http_body_json(c, &ret);
	if (!body)
		return ret;
	fix = json_string_value(json_object_get(body, "fix"));
	if (hold)
		reason = admin_hold_reason(body);
	if (!fix || manifest_id_check(fix, NULL) < 0) {
		ret = http_error(c, 400, "expected a fix id in \"fix\"");
	} else if (hold && !reason) {
		ret = http_error(c, 400, "\"reason\" must be 1 to %d bytes of text "
				 "without control characters", ADMIN_REASON_MAX);
	} else {
		rc = inv_tx_begin(c->srv->inv);
		if (rc == 0)
			rc = inv_tx_end(c->srv->inv,
					admin_rollout_do(c->srv->inv, fix, body,
							 reason, &n, &changed,
							 &bad));
		ret = admin_rollout_answer(c, rc, fix, reason, bad, n, changed);
	}
	json_decref(body);
	return ret;
}

/** POST /admin/v1/assign {"fix": ID, "group": G | "clients": [..] | "all":
 *  true} */
enum MHD_Result admin_assign(struct http_call *c)
{
	return admin_rollout(c, false);
}

/** POST /admin/v1/hold {"fix": ID, "group": G | "clients": [..] | "all":
 *  true, "reason": TEXT}: the emergency stop of a rollout. */
enum MHD_Result admin_hold(struct http_call *c)
{
	return admin_rollout(c, true);
}

/**
 * GET /admin/v1/status[?fix=ID][&state=STATE]
 *
 * @v c		call
 * @ret ret	MHD result
 */
enum MHD_Result admin_status(struct http_call *c)
{
	const char *fix = http_arg(c, "fix"), *state = http_arg(c, "state");
	enum pair_state s;
	json_t *out = NULL;
	int rc;

	if (fix && manifest_id_check(fix, NULL) < 0)
		return http_error(c, 400, "invalid fix id");
	if (state && state_parse(state, &s) < 0)
		return http_error(c, 400, "invalid state: one of pending, waking, "
				  "booting, downloading, verifying, applying, "
				  "applied, failed, skipped, held");
	rc = inv_tx_begin(c->srv->inv);
	if (rc < 0)
		return http_error(c, 503, "inventory busy");
	rc = inv_status_json(c->srv->inv, fix, state, &out);
	inv_tx_end(c->srv->inv, -EPERM);
	if (rc == -ENOENT)
		return http_error(c, 404, "no such fix: %s", fix);
	if (rc < 0)
		return http_error(c, 500, "inventory error");
	return http_json(c, 200, out);
}

/**
 * GET /admin/v1/events[?client=MAC|NAME][&fix=ID][&limit=N]
 *
 * @v c		call
 * @ret ret	MHD result
 */
enum MHD_Result admin_events(struct http_call *c)
{
	const char *client = http_arg(c, "client"), *fix = http_arg(c, "fix");
	const char *limit_s = http_arg(c, "limit");
	uint64_t limit = INV_EVENTS_DEFAULT;
	struct inv_client cl = { .id = 0 };
	json_t *out = NULL;
	int rc = 0;

	if (limit_s && strnum_u64(limit_s, 1, INV_EVENTS_MAX, &limit) < 0)
		return http_error(c, 400, "limit must be 1..%d", INV_EVENTS_MAX);
	if (fix && manifest_id_check(fix, NULL) < 0)
		return http_error(c, 400, "invalid fix id");
	if (inv_tx_begin(c->srv->inv) < 0)
		return http_error(c, 503, "inventory busy");
	if (client)
		rc = inv_client_find(c->srv->inv, client, &cl);
	if (rc == 0)
		rc = inv_events_json(c->srv->inv, cl.id, fix, (unsigned)limit,
				     &out);
	inv_tx_end(c->srv->inv, -EPERM);
	if (rc == -ENOENT || rc == -EINVAL)
		return http_error(c, 404, "no such client");
	if (rc < 0)
		return http_error(c, 500, "inventory error");
	return http_json(c, 200, out);
}

/**
 * GET /metrics (Prometheus text format)
 *
 * @v c		call
 * @ret ret	MHD result
 */
enum MHD_Result admin_metrics(struct http_call *c)
{
	enum MHD_Result ret;
	struct buf out;
	int rc;

	buf_init(&out, ADMIN_METRICS_MAX);
	rc = inv_tx_begin(c->srv->inv);
	if (rc < 0)
		return http_error(c, 503, "inventory busy");
	rc = inv_metrics_text(c->srv->inv, &out);
	inv_tx_end(c->srv->inv, -EPERM);
	if (rc == 0)
		rc = bootlog_metrics(c->srv->bootlog, &out);
	if (rc < 0) {
		buf_free(&out);
		return http_error(c, 500, "inventory error");
	}
	ret = http_text(c, 200, "text/plain; version=0.0.4", out.data, out.len);
	buf_free(&out);
	return ret;
}
