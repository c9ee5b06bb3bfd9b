/* SPDX-License-Identifier: MIT */
/*
 * Admin API, clients and groups: JSON over the admin listeners.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "server/dhcphosts.h"
#include "server/http.h"
#include "server/import.h"
#include "server/inventory.h"
#include "server/log.h"

/**
 * Run a listing query in a transaction and reply with its JSON.
 *
 * @v c		call
 * @v list	the query
 * @ret ret	MHD result
 */
static enum MHD_Result admin_list(struct http_call *c,
				  int (*list)(struct inv *, json_t **))
{
	struct inv *inv = c->srv->inv;
	json_t *out = NULL;
	int rc;

	rc = inv_tx_begin(inv);
	if (rc < 0)
		return http_error(c, 503, "inventory busy");
	rc = list(inv, &out);
	inv_tx_end(inv, -EPERM);	/* read only */
	if (rc < 0)
		return http_error(c, 500, "inventory error");
	return http_json(c, 200, out);
}

/** GET /admin/v1/clients */
enum MHD_Result admin_clients(struct http_call *c)
{
	return admin_list(c, inv_client_list_json);
}

/** GET /admin/v1/groups */
enum MHD_Result admin_groups(struct http_call *c)
{
	return admin_list(c, inv_group_list_json);
}

/** An optional string member: NULL if absent or null; -EINVAL if not a string. */
static int admin_str(json_t *obj, const char *key, const char **out)
{
	json_t *v = json_object_get(obj, key);

	*out = NULL;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_string(v))
		return -EINVAL;
	*out = json_string_value(v);
	if (!**out)
		*out = NULL;
	return 0;
}

/** The message for an inventory code of a client or group change. */
static enum MHD_Result admin_client_error(struct http_call *c, int rc,
					  const char *what)
{
	if (rc == -EEXIST)
		return http_error(c, 409, "%s already exists (MAC or name "
				  "taken)", what);
	if (rc == -EINVAL)
		return http_error(c, 400, "invalid name, group or power group "
				  "(1-64 of A-Z a-z 0-9 . _ -, first a letter "
				  "or digit)");
	return http_error(c, 500, "inventory error");
}

/**
 * After a change of the client list: rewrite the dnsmasq hosts file, if
 * one is configured; a failure is the answer's "warning" (the change
 * itself is committed).
 *
 * @v srv	server
 * @v out	the answer (an object, or NULL)
 */
static void admin_dhcp_hosts(const struct srv *srv, json_t *out)
{
	const char *dir = srv->cfg->dhcp_hosts_dir;
	char msg[512];
	int rc;

	if (!dir)
		return;
	rc = dhcphosts_write(srv->inv, dir);
	if (rc == 0 || !out)
		return;
	snprintf(msg, sizeof(msg), "the client list is saved, but %s/%s could "
		 "not be written (%s): the boot network does not answer the new "
		 "clients; see fixsrv's log", dir, DHCPHOSTS_FILE,
		 strerror(-rc));
	json_object_set_new(out, "warning", json_string(msg));
}

/**
 * POST /admin/v1/clients {"mac", "name", "group", "power_group"}
 *
 * @v c		call
 * @ret ret	MHD result
 */
enum MHD_Result admin_client_add(struct http_call *c)
{
	const char *mac, *name, *group, *pgroup;
	char canon[MAC_STR_LEN];
	enum MHD_Result ret;
	struct inv_client cl;
	json_t *body, *out = NULL;
	struct mac m;
	int rc;

	body = http_body_json(c, &ret);
	if (!body)
		return ret;
	if (admin_str(body, "mac", &mac) < 0 || admin_str(body, "name", &name) < 0 ||
	    admin_str(body, "group", &group) < 0 ||
	    admin_str(body, "power_group", &pgroup) < 0) {
		json_decref(body);
		return http_error(c, 400, "mac, name, group and power_group "
				  "must be strings");
	}
	if (!mac || mac_parse(mac, &m) < 0 || !mac_is_unicast(&m)) {
		json_decref(body);
		return http_error(c, 400, "invalid MAC address (expected "
				  "aa:bb:cc:dd:ee:ff)");
	}
	mac_format(&m, canon);
	rc = inv_tx_begin(c->srv->inv);
	if (rc == 0) {
		rc = inv_client_add(c->srv->inv, canon, name, group, pgroup,
				    (int64_t)time(NULL), NULL);
		if (rc == 0)
			rc = inv_client_by_mac(c->srv->inv, canon, &cl);
		if (rc == 0)
			rc = inv_client_show_json(c->srv->inv, &cl, &out);
		rc = inv_tx_end(c->srv->inv, rc);
	}
	json_decref(body);
	if (rc < 0) {
		json_decref(out);
		return admin_client_error(c, rc, "client");
	}
	log_info("admin", "client %s added", canon);
	admin_dhcp_hosts(c->srv, out);
	return http_json(c, 201, out);
}

/** Add the rows of an import; MACs already added are skipped (a
 *  discovered or removed one is added). */
static int admin_import_rows(struct inv *inv, const struct import_row *rows,
			     size_t n, size_t *added, size_t *skipped,
			     unsigned *bad_line)
{
	int64_t now = (int64_t)time(NULL);
	struct inv_client cl;
	int rc = 0;

	*added = *skipped = 0;
	for (size_t i = 0; rc == 0 && i < n; i++) {
		const struct import_row *r = &rows[i];

		if (inv_client_by_mac(inv, r->mac, &cl) == 0 &&
		    !cl.discovered && !cl.removed) {
			(*skipped)++;
			continue;
		}
		*bad_line = r->line;
		rc = inv_client_add(inv, r->mac, r->name[0] ? r->name : NULL,
				    r->group[0] ? r->group : NULL,
				    r->power_group[0] ? r->power_group : NULL,
				    now, NULL);
		if (rc == 0)
			(*added)++;
	}
	return rc;
}

/**
 * POST /admin/v1/import {"format": "ethers"|"csv", "text": "..."}
 * All or nothing: the first bad line refuses the whole import.
 *
 * @v c		call
 * @ret ret	MHD result
 */
enum MHD_Result admin_client_import(struct http_call *c)
{
	struct err err = { .msg = "" };
	struct import_row *rows = NULL;
	enum import_format fmt;
	const char *fs, *text;
	size_t n, added = 0, skipped = 0;
	unsigned line = 0;
	enum MHD_Result ret;
	json_t *body, *out;
	int rc;

	body = http_body_json(c, &ret);
	if (!body)
		return ret;
	if (admin_str(body, "format", &fs) < 0 || !fs ||
	    import_format_parse(fs, &fmt) < 0 ||
	    !json_is_string(json_object_get(body, "text"))) {
		json_decref(body);
		return http_error(c, 400, "expected {\"format\": \"ethers\" or "
				  "\"csv\", \"text\": \"...\"}");
	}
	text = json_string_value(json_object_get(body, "text"));
	rc = import_parse(text, json_string_length(json_object_get(body, "text")),
			  fmt, &rows, &n, &err);
	json_decref(body);
	if (rc < 0)
		return http_error(c, 400, "%s", err.msg);
	rc = inv_tx_begin(c->srv->inv);
	if (rc == 0)
		rc = inv_tx_end(c->srv->inv, admin_import_rows(
			c->srv->inv, rows, n, &added, &skipped, &line));
	free(rows);
	if (rc == -EEXIST)
		return http_error(c, 409, "line %u: name already used by "
				  "another client; nothing imported", line);
	if (rc < 0)
		return http_error(c, 500, "inventory error; nothing imported");
	log_info("admin", "import: %zu clients added, %zu already known",
		 added, skipped);
	out = json_pack("{s:I, s:I}", "added", (json_int_t)added, "skipped",
			(json_int_t)skipped);
	if (added)
		admin_dhcp_hosts(c->srv, out);
	return http_json(c, 200, out);
}

/**
 * PATCH /admin/v1/clients/MAC-or-NAME {"name"?, "group"?, "power_group"?}:
 * change what is given (a discovered client becomes an added one).
 *
 * @v c		call
 * @ret ret	MHD result
 */
enum MHD_Result admin_client_set(struct http_call *c)
{
	const char *name, *group, *pgroup;
	enum MHD_Result ret;
	struct inv_client cl;
	json_t *body, *out = NULL;
	int64_t now = (int64_t)time(NULL);
	bool found = false;
	int rc;

	body = http_body_json(c, &ret);
	if (!body)
		return ret;
	if (admin_str(body, "name", &name) < 0 || admin_str(body, "group", &group) < 0 ||
	    admin_str(body, "power_group", &pgroup) < 0 ||
	    (!name && !group && !pgroup)) {
		json_decref(body);
		return http_error(c, 400, "give one or more of \"name\", \"group\" "
				  "and \"power_group\", as strings");
	}
	rc = inv_tx_begin(c->srv->inv);
	if (rc == 0) {
		found = inv_client_find_target(c->srv->inv, c->tail, &cl) == 0;
		rc = found ? inv_client_set(c->srv->inv, cl.id, name, group,
					    pgroup, now) : -ENOENT;
		if (rc == 0)
			rc = inv_client_by_id(c->srv->inv, cl.id, &cl);
		if (rc == 0)
			rc = inv_client_show_json(c->srv->inv, &cl, &out);
		rc = inv_tx_end(c->srv->inv, rc);
	}
	if (rc < 0 && !found)
		ret = rc == -ENOENT ? http_error(c, 404, "no such client (a "
						  "removed one comes back with "
						  "fixctl client add)") :
			http_error(c, 503, "inventory busy");
	else if (rc == -EEXIST)
		ret = http_error(c, 409, "the name %s is another client's", name);
	else if (rc < 0)
		ret = admin_client_error(c, rc, "client");
	json_decref(body);
	if (rc < 0) {
		json_decref(out);
		return ret;
	}
	log_info("admin", "client %s changed", cl.mac);
	admin_dhcp_hosts(c->srv, out);
	return http_json(c, 200, out);
}

/**
 * DELETE /admin/v1/clients/MAC-or-NAME: the client out of service (see
 * inv_client_remove()).
 *
 * @v c		call
 * @ret ret	MHD result
 */
enum MHD_Result admin_client_remove(struct http_call *c)
{
	struct inv *inv = c->srv->inv;
	struct inv_client cl;
	json_t *out;
	size_t held = 0;
	int rc;

	rc = inv_tx_begin(inv);
	if (rc < 0)
		return http_error(c, 503, "inventory busy");
	rc = inv_client_find_target(inv, c->tail, &cl);
	if (rc == 0)
		rc = inv_client_remove(inv, &cl, (int64_t)time(NULL), &held);
	rc = inv_tx_end(inv, rc);
	if (rc == -ENOENT || rc == -EINVAL)
		return http_error(c, 404, "no such client");
	if (rc < 0)
		return http_error(c, 500, "inventory error");
	log_info("admin", "client %s removed (%zu pair(s) held)", cl.mac, held);
	out = json_pack("{s:s, s:s?, s:I}", "mac", cl.mac, "name",
			cl.name[0] ? cl.name : NULL, "held", (json_int_t)held);
	admin_dhcp_hosts(c->srv, out);
	return http_json(c, 200, out);
}

/**
 * GET /admin/v1/clients/MAC-or-NAME
 *
 * @v c		call
 * @ret ret	MHD result
 */
enum MHD_Result admin_client_show(struct http_call *c)
{
	struct inv *inv = c->srv->inv;
	struct inv_client cl;
	json_t *out = NULL;
	int rc;

	rc = inv_tx_begin(inv);
	if (rc < 0)
		return http_error(c, 503, "inventory busy");
	rc = inv_client_find(inv, c->tail, &cl);
	if (rc == 0)
		rc = inv_client_show_json(inv, &cl, &out);
	inv_tx_end(inv, -EPERM);
	if (rc == -EINVAL)
		return http_error(c, 400, "not a MAC address nor a client name");
	if (rc == -ENOENT)
		return http_error(c, 404, "no such client");
	if (rc < 0)
		return http_error(c, 500, "inventory error");
	return http_json(c, 200, out);
}

/**
 * POST /admin/v1/groups {"name"}
 *
 * @v c		call
 * @ret ret	MHD result
 */
enum MHD_Result admin_group_add(struct http_call *c)
{
	enum MHD_Result ret;
	const char *name;
	json_t *body;
	int rc;

	body = http_body_json(c, &ret);
	if (!body)
		return ret;
	if (admin_str(body, "name", &name) < 0 || !name) {
		json_decref(body);
		return http_error(c, 400, "expected {\"name\": \"...\"}");
	}
	rc = inv_tx_begin(c->srv->inv);
	if (rc == 0)
		rc = inv_tx_end(c->srv->inv, inv_group_add(c->srv->inv, name,
							   (int64_t)time(NULL),
							   NULL));
	if (rc < 0) {
		json_decref(body);
		return admin_client_error(c, rc, "group");
	}
	ret = http_json(c, 201, json_pack("{s:s}", "name", name));
	json_decref(body);
	return ret;
}

/**
 * GET /admin/v1/groups/NAME
 *
 * @v c		call
 * @ret ret	MHD result
 */
enum MHD_Result admin_group_show(struct http_call *c)
{
	struct inv *inv = c->srv->inv;
	json_t *out = NULL;
	int rc;

	rc = inv_tx_begin(inv);
	if (rc < 0)
		return http_error(c, 503, "inventory busy");
	rc = inv_group_show_json(inv, c->tail, &out);
	inv_tx_end(inv, -EPERM);
	if (rc == -EINVAL)
		return http_error(c, 400, "invalid group name");
	if (rc == -ENOENT)
		return http_error(c, 404, "no such group");
	if (rc < 0)
		return http_error(c, 500, "inventory error");
	return http_json(c, 200, out);
}
