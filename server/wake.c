/* SPDX-License-Identifier: MIT */
/*
 * Wake-on-LAN in fixsrv: the admin request that queues wakes, and the
 * waker's operations that send them and record them.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "server/http.h"
#include "server/inventory.h"
#include "server/log.h"
#include "server/wake.h"

#define WAKE_REQUEST_MAX 10000		/* clients named in one request */

/** Monotonic microseconds. */
static uint64_t wake_now_us(void *ctx)
{
	struct timespec ts;

	(void)ctx;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

/** Send through the configured sockets. */
static int wake_send(void *ctx, const uint8_t *pkt, size_t len)
{
	struct wake_ctx *wc = ctx;

	return wolsend_send(wc->ws, pkt, len);
}

/** Record a wake: its event, and pending pairs move to waking. */
static int wake_record(struct inv *inv, const struct wake_item *item,
		       int send_rc)
{
	int64_t now = (int64_t)time(NULL);
	struct inv_pair *pairs = NULL;
	char mac[MAC_STR_LEN];
	size_t n = 0;
	int rc;

	mac_format(&item->mac, mac);
	if (send_rc < 0)
		return inv_event_add(inv, now, item->client_id, NULL,
				     "wake-failed", NULL, NULL,
				     strerror(-send_rc));
	rc = inv_event_add(inv, now, item->client_id, NULL, "wake", NULL, NULL,
			   "magic packet sent");
	if (rc == 0)
		rc = inv_pairs_of_client(inv, item->client_id, &pairs, &n);
	for (size_t i = 0; rc == 0 && i < n; i++)
		if (pairs[i].state == ST_PENDING)
			rc = state_move(inv, &pairs[i], ST_WAKING, NULL, now);
	free(pairs);
	return rc;
}

/** After a send: record it in the inventory. */
static void wake_sent(void *ctx, const struct wake_item *item, int rc)
{
	struct wake_ctx *wc = ctx;
	char mac[MAC_STR_LEN];
	int irc;

	mac_format(&item->mac, mac);
	if (rc < 0)
		log_warn("wol", "%s: wake not sent: %s", mac, strerror(-rc));
	else
		log_info("wol", "%s: magic packet sent (power group %s)", mac,
			 item->power_group);
	irc = inv_tx_begin(wc->srv->inv);
	if (irc == 0)
		irc = inv_tx_end(wc->srv->inv, wake_record(wc->srv->inv, item,
							   rc));
	if (irc < 0)
		log_err("wol", "%s: wake not recorded: %s", mac, strerror(-irc));
}

/**
 * Fill the operations.
 *
 * @v ctx	server and sockets
 * @v ops	operations for waker_new()
 */
void wake_ops(struct wake_ctx *ctx, struct waker_ops *ops)
{
	ops->now_us = wake_now_us;
	ops->send = wake_send;
	ops->sent = wake_sent;
	ops->ctx = ctx;
}

/** The wake item of a client. */
static int wake_item_of(struct inv *inv, int64_t id, struct wake_item *item)
{
	struct inv_client cl;
	int rc;

	rc = inv_client_by_id(inv, id, &cl);
	if (rc < 0)
		return rc;
	mac_parse(cl.mac, &item->mac);
	snprintf(item->power_group, sizeof(item->power_group), "%s",
		 cl.power_group);
	item->client_id = id;
	return 0;
}

/**
 * The client ids a wake request names (transaction open).
 *
 * @v inv	inventory
 * @v body	{"clients": [..]} | {"group": G} | {"pending": true}
 * @v ids	the clients (free())
 * @v n		how many
 * @v bad	the client or group not found, on -ENOENT
 * @ret rc	0, -EINVAL, -ENOENT, -E2BIG, or a negative errno
 */
static int wake_ids(struct inv *inv, json_t *body, int64_t **ids, size_t *n,
		    const char **bad)
{
	json_t *clients = json_object_get(body, "clients");
	json_t *group = json_object_get(body, "group");
	json_t *pending = json_object_get(body, "pending");
	struct inv_client cl;
	size_t k;
	json_t *v;
	int rc = 0;

	if ((clients != NULL) + (group != NULL) + (pending != NULL) != 1)
		return -EINVAL;
	if (group) {
		*bad = json_is_string(group) ? json_string_value(group) : "?";
		return json_is_string(group) ? inv_client_ids(inv, *bad, ids, n)
			: -EINVAL;
	}
	if (pending)
		return json_is_true(pending) ? inv_client_ids(inv, NULL, ids, n)
			: -EINVAL;
	if (!json_is_array(clients) || json_array_size(clients) == 0)
		return -EINVAL;
	if (json_array_size(clients) > WAKE_REQUEST_MAX)
		return -E2BIG;
	*ids = calloc(json_array_size(clients), sizeof(**ids));
	if (!*ids)
		return -ENOMEM;
	*n = 0;
	json_array_foreach(clients, k, v) {
		*bad = json_is_string(v) ? json_string_value(v) : "?";
		rc = json_is_string(v) ? inv_client_find_target(inv, *bad, &cl) :
			-ENOENT;
		if (rc < 0)
			return rc == -EINVAL ? -ENOENT : rc;
		(*ids)[(*n)++] = cl.id;
	}
	return 0;
}

/** True if a client has a pair waiting for a wake (pending or waking). */
static int wake_wanted(struct inv *inv, int64_t id, bool *want)
{
	struct inv_pair *pairs = NULL;
	size_t np = 0;
	int rc;

	*want = false;
	rc = inv_pairs_of_client(inv, id, &pairs, &np);
	for (size_t j = 0; rc == 0 && j < np; j++)
		*want |= pairs[j].state == ST_PENDING ||
			 pairs[j].state == ST_WAKING;
	free(pairs);
	return rc;
}

/**
 * The clients to wake, as items (transaction open); with "pending", only
 * the clients with a pair waiting for a wake.
 *
 * @v inv	inventory
 * @v body	the request
 * @v out	the items (free())
 * @v n		how many
 * @v bad	the client or group not found, on -ENOENT
 * @ret rc	0, -EINVAL, -ENOENT, -E2BIG, or a negative errno
 */
static int wake_collect(struct inv *inv, json_t *body, struct wake_item **out,
			size_t *n, const char **bad)
{
	bool only_pending = json_object_get(body, "pending") != NULL, want;
	int64_t *ids = NULL;
	size_t nids = 0;
	int rc;

	*n = 0;
	rc = wake_ids(inv, body, &ids, &nids, bad);
	*out = rc == 0 ? calloc(nids + 1, sizeof(**out)) : NULL;
	if (rc == 0 && !*out)
		rc = -ENOMEM;
	for (size_t i = 0; rc == 0 && i < nids; i++) {
		want = true;
		if (only_pending)
			rc = wake_wanted(inv, ids[i], &want);
		if (rc == 0 && want)
			rc = wake_item_of(inv, ids[i], &(*out)[(*n)++]);
	}
	free(ids);
	return rc;
}

/**
 * POST /admin/v1/wake {"clients": [MAC|NAME..]} | {"group": G} |
 * {"pending": true}: queue magic packets, sent at the pace of the power
 * groups.
 *
 * @v c		call
 * @ret ret	MHD result
 */
enum MHD_Result admin_wake(struct http_call *c)
{
	struct wake_item *items = NULL;
	size_t n = 0, queued = 0, already = 0;
	const char *bad = "";
	enum MHD_Result ret;
	json_t *body;
	int rc;

	if (!c->srv->waker)
		return http_error(c, 409, "Wake-on-LAN is off: set "
				  "wol_broadcast in fixsrv.conf");
	body = http_body_json(c, &ret);
	if (!body)
		return ret;
	rc = inv_tx_begin(c->srv->inv);
	if (rc == 0)
		rc = inv_tx_end(c->srv->inv, wake_collect(c->srv->inv, body,
							  &items, &n, &bad));
	if (rc == -EINVAL)
		ret = http_error(c, 400, "name exactly one target: \"clients\""
				 " (a list), \"group\" or \"pending\": true");
	else if (rc == -ENOENT)
		ret = http_error(c, 404, "no such client or group: %.64s", bad);
	else if (rc == -E2BIG)
		ret = http_error(c, 413, "more than %d clients in one request",
				 WAKE_REQUEST_MAX);
	else if (rc < 0)
		ret = http_error(c, 500, "inventory error");
	for (size_t i = 0; rc == 0 && i < n; i++) {
		int q = waker_enqueue(c->srv->waker, &items[i]);

		queued += q == 0;
		already += q == -EEXIST;
	}
	if (rc == 0) {
		log_info("admin", "wake: %zu queued, %zu already queued",
			 queued, already);
		ret = http_json(c, 202, json_pack("{s:I, s:I, s:I}", "queued",
						  (json_int_t)queued,
						  "already_queued",
						  (json_int_t)already,
						  "refused", (json_int_t)(n -
						  queued - already)));
	}
	free(items);
	json_decref(body);
	return ret;
}
