/* SPDX-License-Identifier: MIT */
/*
 * Clients and groups in the inventory.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/mac.h"
#include "server/inventory.h"

#define CLIENT_COLS \
	"SELECT c.id, c.mac, c.name, g.name, c.power_group, c.discovered, " \
	"c.removed IS NOT NULL FROM clients c LEFT JOIN groups g ON " \
	"g.id = c.group_id "

/** Read a row of CLIENT_COLS. */
static void client_row(sqlite3_stmt *st, struct inv_client *c)
{
	c->id = sqlite3_column_int64(st, 0);
	inv_col_text(st, 1, c->mac, sizeof(c->mac));
	inv_col_text(st, 2, c->name, sizeof(c->name));
	inv_col_text(st, 3, c->group, sizeof(c->group));
	inv_col_text(st, 4, c->power_group, sizeof(c->power_group));
	c->discovered = sqlite3_column_int(st, 5) != 0;
	c->removed = sqlite3_column_int(st, 6) != 0;
}

/** Run a CLIENT_COLS query with one text parameter. */
static int client_query(struct inv *inv, const char *sql, const char *arg,
			struct inv_client *c)
{
	sqlite3_stmt *st;
	int rc, src;

	rc = inv_prepare(inv, &st, sql);
	if (rc < 0)
		return rc;
	sqlite3_bind_text(st, 1, arg, -1, SQLITE_TRANSIENT);
	src = sqlite3_step(st);
	if (src == SQLITE_ROW)
		client_row(st, c);
	rc = src == SQLITE_ROW ? 0 : src == SQLITE_DONE ? -ENOENT :
		inv_rc(inv, src, "find client");
	inv_finalize(inv, st);
	return rc;
}

/**
 * Find a client by canonical MAC.
 *
 * @v inv	inventory
 * @v mac	"aa:bb:cc:dd:ee:ff"
 * @v c		the client
 * @ret rc	0, -ENOENT
 */
int inv_client_by_mac(struct inv *inv, const char *mac, struct inv_client *c)
{
	return client_query(inv, CLIENT_COLS "WHERE c.mac = ?1", mac, c);
}

/**
 * Find a client by id.
 *
 * @v inv	inventory
 * @v id	client id
 * @v c		the client
 * @ret rc	0, -ENOENT
 */
int inv_client_by_id(struct inv *inv, int64_t id, struct inv_client *c)
{
	sqlite3_stmt *st;
	int rc, src;

	rc = inv_prepare(inv, &st, CLIENT_COLS "WHERE c.id = ?1");
	if (rc < 0)
		return rc;
	sqlite3_bind_int64(st, 1, id);
	src = sqlite3_step(st);
	if (src == SQLITE_ROW)
		client_row(st, c);
	rc = src == SQLITE_ROW ? 0 : src == SQLITE_DONE ? -ENOENT :
		inv_rc(inv, src, "find client");
	inv_finalize(inv, st);
	return rc;
}

/**
 * Find a client by MAC or name.
 *
 * @v inv	inventory
 * @v key	a MAC in any form mac_parse() takes, or a client name
 * @v c		the client
 * @ret rc	0, -ENOENT, -EINVAL (neither a MAC nor a valid name)
 */
int inv_client_find(struct inv *inv, const char *key, struct inv_client *c)
{
	char canon[MAC_STR_LEN];
	struct mac m;

	if (mac_parse(key, &m) == 0) {
		mac_format(&m, canon);
		return inv_client_by_mac(inv, canon, c);
	}
	if (inv_name_check(key) < 0)
		return -EINVAL;
	return client_query(inv, CLIENT_COLS "WHERE c.name = ?1", key, c);
}

/**
 * Find a client that a command may target: in service.
 *
 * @v inv	inventory
 * @v key	MAC or name
 * @v c		the client
 * @ret rc	0, -ENOENT (also when removed), -EINVAL
 */
int inv_client_find_target(struct inv *inv, const char *key,
			   struct inv_client *c)
{
	int rc = inv_client_find(inv, key, c);

	return rc == 0 && c->removed ? -ENOENT : rc;
}

/**
 * Check a client's names (each may be NULL) and find its group's id,
 * making the group if it does not exist (0 when group is NULL).
 * @ret 0, -EINVAL (a bad name), or an inventory error
 */
static int client_fields(struct inv *inv, const char *name, const char *group,
			 const char *power_group, int64_t now, int64_t *gid)
{
	*gid = 0;
	if ((name && inv_name_check(name) < 0) ||
	    (group && inv_name_check(group) < 0) ||
	    (power_group && inv_name_check(power_group) < 0))
		return -EINVAL;
	return group ? inv_group_get(inv, group, true, now, gid) : 0;
}

/**
 * Adopt a client that was discovered (it booted before anyone added it)
 * or removed: it gets its name, group and power group, and is in service.
 *
 * @v inv	inventory, transaction open
 * @v id	the discovered client
 * @v name, power_group	as inv_client_add()
 * @v gid	its group id, 0 for none
 * @ret rc	0, -EEXIST (name taken), or a negative errno
 */
static int inv_client_adopt(struct inv *inv, int64_t id, const char *name,
			    int64_t gid, const char *power_group)
{
	sqlite3_stmt *st;
	int rc;

	rc = inv_prepare(inv, &st, "UPDATE clients SET name = ?2, group_id = "
			 "?3, power_group = ?4, discovered = 0, removed = NULL "
			 "WHERE id = ?1");
	if (rc < 0)
		return rc;
	sqlite3_bind_int64(st, 1, id);
	if (name)
		sqlite3_bind_text(st, 2, name, -1, SQLITE_TRANSIENT);
	if (gid)
		sqlite3_bind_int64(st, 3, gid);
	sqlite3_bind_text(st, 4, power_group ? power_group : "default", -1,
			  SQLITE_TRANSIENT);
	return inv_step_done(inv, st, "adopt client");
}

/**
 * Add a client, or adopt it if it was discovered.
 *
 * @v inv	inventory, transaction open
 * @v mac	canonical MAC
 * @v name	name or NULL
 * @v group	group or NULL (created if missing)
 * @v power_group	power group or NULL ("default")
 * @v now	Unix time
 * @v id	the client's id, may be NULL
 * @ret rc	0, -EEXIST (MAC of a client already added, or name taken),
 *		-EINVAL
 */
int inv_client_add(struct inv *inv, const char *mac, const char *name,
		   const char *group, const char *power_group, int64_t now,
		   int64_t *id)
{
	struct inv_client old;
	int64_t gid = 0, cid;
	sqlite3_stmt *st;
	int rc, grc;

	if ((name && inv_name_check(name) < 0) ||
	    (group && inv_name_check(group) < 0) ||
	    (power_group && inv_name_check(power_group) < 0))
		return -EINVAL;
	rc = inv_client_by_mac(inv, mac, &old);
	if (rc == 0 && !old.discovered && !old.removed)
		return -EEXIST;
	if (rc < 0 && rc != -ENOENT)
		return rc;
	grc = client_fields(inv, name, group, power_group, now, &gid);
	if (grc < 0)
		return grc;
	if (rc == 0) {
		cid = old.id;
		rc = inv_client_adopt(inv, cid, name, gid, power_group);
	} else {
		rc = inv_prepare(inv, &st, "INSERT INTO clients (mac, name, "
				 "group_id, power_group, created) VALUES (?1, ?2,"
				 " ?3, ?4, ?5)");
		if (rc < 0)
			return rc;
		sqlite3_bind_text(st, 1, mac, -1, SQLITE_TRANSIENT);
		if (name)
			sqlite3_bind_text(st, 2, name, -1, SQLITE_TRANSIENT);
		if (gid)
			sqlite3_bind_int64(st, 3, gid);
		sqlite3_bind_text(st, 4, power_group ? power_group : "default",
				  -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(st, 5, now);
		rc = inv_step_done(inv, st, "add client");
		cid = sqlite3_last_insert_rowid(inv->db);
	}
	if (rc < 0)
		return rc;
	if (id)
		*id = cid;
	return inv_event_add(inv, now, cid, NULL, "client-added", NULL, NULL,
			     name);
}

/**
 * Change a client's name, group or power group.
 *
 * @v inv	inventory, transaction open
 * @v id	the client
 * @v name, group, power_group	new values, NULL to keep
 * @v now	Unix time
 * @ret rc	0, -EEXIST, -EINVAL, or an inventory error
 */
int inv_client_set(struct inv *inv, int64_t id, const char *name,
		   const char *group, const char *power_group, int64_t now)
{
	char what[3 * (INV_NAME_MAX + 16)] = "";
	size_t n = 0;
	int64_t gid = 0;
	sqlite3_stmt *st;
	int rc;

	rc = client_fields(inv, name, group, power_group, now, &gid);
	if (rc < 0)
		return rc;
	rc = inv_prepare(inv, &st, "UPDATE clients SET name = coalesce(?2, name), "
			 "group_id = CASE WHEN ?3 THEN ?3 ELSE group_id END, "
			 "power_group = coalesce(?4, power_group), discovered = 0 "
			 "WHERE id = ?1");
	if (rc < 0)
		return rc;
	sqlite3_bind_int64(st, 1, id);
	if (name)
		sqlite3_bind_text(st, 2, name, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 3, gid);
	if (power_group)
		sqlite3_bind_text(st, 4, power_group, -1, SQLITE_TRANSIENT);
	rc = inv_step_done(inv, st, "change client");
	if (rc < 0)
		return rc;
	if (name)
		n += (size_t)snprintf(what + n, sizeof(what) - n, "name %s", name);
	if (group)
		n += (size_t)snprintf(what + n, sizeof(what) - n, "%sgroup %s",
				      n ? ", " : "", group);
	if (power_group)
		snprintf(what + n, sizeof(what) - n, "%spower group %s",
			 n ? ", " : "", power_group);
	return inv_event_add(inv, now, id, NULL, "client-changed", NULL, NULL,
			     what);
}

/**
 * Remove a client from service.
 *
 * @v inv	inventory, transaction open
 * @v c		the client
 * @v now	Unix time
 * @v held	pairs held
 * @ret rc	0 or a negative errno
 */
int inv_client_remove(struct inv *inv, const struct inv_client *c,
		      int64_t now, size_t *held)
{
	struct inv_pair *pairs = NULL;
	sqlite3_stmt *st;
	size_t n = 0;
	int rc;

	*held = 0;
	rc = inv_pairs_of_client(inv, c->id, &pairs, &n);
	for (size_t i = 0; rc == 0 && i < n; i++) {
		if (!state_is_active(pairs[i].state))
			continue;
		rc = state_move(inv, &pairs[i], ST_HELD, "client removed", now);
		(*held)++;
	}
	free(pairs);
	if (rc < 0)
		return rc;
	rc = inv_prepare(inv, &st, "UPDATE clients SET removed = ?2, name = NULL, "
			 "group_id = NULL WHERE id = ?1");
	if (rc < 0)
		return rc;
	sqlite3_bind_int64(st, 1, c->id);
	sqlite3_bind_int64(st, 2, now);
	rc = inv_step_done(inv, st, "remove client");
	if (rc < 0)
		return rc;
	return inv_event_add(inv, now, c->id, NULL, "client-removed", NULL, NULL,
			     c->name[0] ? c->name : NULL);
}

/**
 * Record an unknown MAC that booted.
 *
 * @v inv	inventory, transaction open
 * @v mac	canonical MAC
 * @v now	Unix time
 * @v id	the new client's id
 * @ret rc	0 or a negative errno
 */
int inv_client_discover(struct inv *inv, const char *mac, int64_t now,
			int64_t *id)
{
	sqlite3_stmt *st;
	int rc;

	rc = inv_prepare(inv, &st, "INSERT INTO clients (mac, discovered, "
			 "created) VALUES (?1, 1, ?2)");
	if (rc < 0)
		return rc;
	sqlite3_bind_text(st, 1, mac, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, now);
	rc = inv_step_done(inv, st, "discover client");
	if (rc < 0)
		return rc;
	*id = sqlite3_last_insert_rowid(inv->db);
	return inv_event_add(inv, now, *id, NULL, "discovered", NULL, NULL,
			     "unknown MAC asked for a boot script");
}

/**
 * Store what the firmware reported.
 *
 * @v inv	inventory, transaction open
 * @v id	client id
 * @v uuid, arch, platform	each may be NULL (kept as it was)
 * @v now	Unix time
 * @ret rc	0 or a negative errno
 */
int inv_client_seen(struct inv *inv, int64_t id, const char *uuid,
		    const char *arch, const char *platform, int64_t now,
		    const char *decision, const char *reason)
{
	sqlite3_stmt *st;
	int rc;

	rc = inv_prepare(inv, &st, "UPDATE clients SET last_boot = ?2,"
			 " uuid = coalesce(?3, uuid), arch = coalesce(?4, arch),"
			 " platform = coalesce(?5, platform), last_decision = ?6,"
			 " last_reason = ?7 WHERE id = ?1");
	if (rc < 0)
		return rc;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, now);
	if (uuid)
		sqlite3_bind_text(st, 3, uuid, -1, SQLITE_TRANSIENT);
	if (arch)
		sqlite3_bind_text(st, 4, arch, -1, SQLITE_TRANSIENT);
	if (platform)
		sqlite3_bind_text(st, 5, platform, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 6, decision, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, reason, -1, SQLITE_STATIC);
	return inv_step_done(inv, st, "client seen");
}

/**
 * The MACs of the added clients, one a line.
 *
 * @v inv	inventory, transaction open
 * @v out	where they are appended
 * @ret rc	0, -EFBIG, -ENOMEM, or an inventory error
 */
int inv_client_macs(struct inv *inv, struct buf *out)
{
	sqlite3_stmt *st;
	int rc, src;

	rc = inv_prepare(inv, &st, "SELECT mac FROM clients WHERE discovered = 0 "
			 "AND removed IS NULL ORDER BY id");
	if (rc < 0)
		return rc;
	while (rc == 0 && (src = sqlite3_step(st)) == SQLITE_ROW) {
		const unsigned char *mac = sqlite3_column_text(st, 0);

		if (mac)
			rc = buf_printf(out, "%s\n", (const char *)mac);
	}
	if (rc == 0 && src != SQLITE_DONE)
		rc = inv_rc(inv, src, "list MACs");
	inv_finalize(inv, st);
	return rc;
}

/**
 * Ids of the clients of a group, or of every client.
 *
 * @v inv	inventory
 * @v group	group name, or NULL for all
 * @v out	array (free()), NULL if none
 * @v n		its length
 * @ret rc	0, -ENOENT (no such group), or a negative errno
 */
int inv_client_ids(struct inv *inv, const char *group, int64_t **out,
		   size_t *n)
{
	int64_t gid = 0, *ids = NULL, *grown;
	size_t len = 0, cap = 0;
	sqlite3_stmt *st;
	int rc, src;

	if (group) {
		rc = inv_group_get(inv, group, false, 0, &gid);
		if (rc < 0)
			return rc;
	}
	rc = inv_prepare(inv, &st, "SELECT id FROM clients WHERE (?1 = 0 OR "
			 "group_id = ?1) AND removed IS NULL ORDER BY id");
	if (rc < 0)
		return rc;
	sqlite3_bind_int64(st, 1, gid);
	while ((src = sqlite3_step(st)) == SQLITE_ROW && len < INV_LIST_MAX) {
		if (len == cap) {
			cap = cap ? 2 * cap : 64;
			grown = realloc(ids, cap * sizeof(*ids));
			if (!grown) {
				rc = -ENOMEM;
				goto err;
			}
			ids = grown;
		}
		ids[len++] = sqlite3_column_int64(st, 0);
	}
	if (src != SQLITE_ROW && src != SQLITE_DONE) {
		rc = inv_rc(inv, src, "list clients");
		goto err;
	}
	inv_finalize(inv, st);
	*out = ids;
	*n = len;
	return 0;
err:
	inv_finalize(inv, st);
	free(ids);
	return rc;
}

/**
 * A column as a JSON string, or null.
 *
 * @v st	statement on a row
 * @v col	column
 * @ret json	new reference
 */
json_t *inv_col_json_str(sqlite3_stmt *st, int col)
{
	const unsigned char *t = sqlite3_column_text(st, col);

	return t ? json_string((const char *)t) : json_null();
}

/**
 * A column as a JSON integer, or null.
 *
 * @v st	statement on a row
 * @v col	column
 * @ret json	new reference
 */
json_t *inv_col_json_int(sqlite3_stmt *st, int col)
{
	if (sqlite3_column_type(st, col) == SQLITE_NULL)
		return json_null();
	return json_integer(sqlite3_column_int64(st, col));
}

#define CLIENT_JSON_COLS \
	"SELECT c.mac, c.name, g.name, c.power_group, c.discovered, c.uuid, " \
	"c.arch, c.platform, c.created, c.last_boot, c.last_decision, " \
	"c.last_reason, c.removed " \
	"FROM clients c LEFT JOIN groups g ON g.id = c.group_id "

/** One row of CLIENT_JSON_COLS as an object. */
static json_t *client_json_row(sqlite3_stmt *st)
{
	return json_pack("{s:o, s:o, s:o, s:o, s:b, s:o, s:o, s:o, s:o, s:o, "
			 "s:o, s:o, s:o}",
			 "mac", inv_col_json_str(st, 0), "name", inv_col_json_str(st, 1),
			 "group", inv_col_json_str(st, 2),
			 "power_group", inv_col_json_str(st, 3),
			 "discovered", sqlite3_column_int(st, 4),
			 "uuid", inv_col_json_str(st, 5), "arch", inv_col_json_str(st, 6),
			 "platform", inv_col_json_str(st, 7),
			 "created", inv_col_json_int(st, 8),
			 "last_boot", inv_col_json_int(st, 9),
			 "last_decision", inv_col_json_str(st, 10),
			 "last_reason", inv_col_json_str(st, 11),
			 "removed", inv_col_json_int(st, 12));
}

/**
 * Collect the rows of a statement into a JSON array.
 *
 * @v inv	inventory
 * @v st	the statement (finalised here)
 * @v row	row to object
 * @v out	the array
 * @ret rc	0 or a negative errno
 */
int inv_rows_json(struct inv *inv, sqlite3_stmt *st,
		     json_t *(*row)(sqlite3_stmt *), json_t **out)
{
	json_t *arr = json_array();
	size_t n = 0;
	int src;

	if (!arr) {
		inv_finalize(inv, st);
		return -ENOMEM;
	}
	while ((src = sqlite3_step(st)) == SQLITE_ROW && n++ < INV_LIST_MAX) {
		if (json_array_append_new(arr, row(st)) < 0) {
			src = SQLITE_NOMEM;
			break;
		}
	}
	inv_finalize(inv, st);
	if (src != SQLITE_ROW && src != SQLITE_DONE) {
		json_decref(arr);
		return inv_rc(inv, src, "list");
	}
	*out = arr;
	return 0;
}

/**
 * Every client.
 *
 * @v inv	inventory
 * @v out	JSON array of client objects
 * @ret rc	0 or a negative errno
 */
int inv_client_list_json(struct inv *inv, json_t **out)
{
	sqlite3_stmt *st;
	int rc;

	rc = inv_prepare(inv, &st, CLIENT_JSON_COLS "WHERE c.removed IS NULL "
			 "ORDER BY c.mac");
	if (rc < 0)
		return rc;
	return inv_rows_json(inv, st, client_json_row, out);
}

/** One pair row as an object. */
static json_t *pair_json_row(sqlite3_stmt *st)
{
	return json_pack("{s:o, s:o, s:o, s:o, s:o, s:o}",
			 "fix", inv_col_json_str(st, 0), "state", inv_col_json_str(st, 1),
			 "reason", inv_col_json_str(st, 2),
			 "boots", inv_col_json_int(st, 3),
			 "applied_serial", inv_col_json_int(st, 4),
			 "updated", inv_col_json_int(st, 5));
}

/**
 * One report row as an object (evidence parsed back into JSON): "result"
 * as the agent sent it, "state" what fixsrv made of it (failed when the
 * evidence of an applied fix did not match its manifest).
 */
static json_t *report_json_row(sqlite3_stmt *st)
{
	const char *ev = (const char *)sqlite3_column_text(st, 5);
	const char *tg = (const char *)sqlite3_column_text(st, 4);
	json_t *evj = ev ? json_loads(ev, 0, NULL) : NULL;
	json_t *tgj = tg ? json_loads(tg, 0, NULL) : NULL;

	return json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o}",
			 "fix", inv_col_json_str(st, 0), "serial", inv_col_json_int(st, 1),
			 "result", inv_col_json_str(st, 2),
			 "reason", inv_col_json_str(st, 3),
			 "target", tgj ? tgj : json_null(),
			 "evidence", evj ? evj : json_null(),
			 "time", inv_col_json_int(st, 6),
			 "state", inv_col_json_str(st, 7));
}

/**
 * One client with its pairs, reports and latest events.
 *
 * @v inv	inventory
 * @v c		the client
 * @v out	JSON object
 * @ret rc	0 or a negative errno
 */
int inv_client_show_json(struct inv *inv, const struct inv_client *c,
			 json_t **out)
{
	json_t *obj = NULL, *pairs = NULL, *reports = NULL, *events = NULL;
	sqlite3_stmt *st;
	int rc;

	rc = inv_prepare(inv, &st, CLIENT_JSON_COLS "WHERE c.id = ?1");
	if (rc < 0)
		return rc;
	sqlite3_bind_int64(st, 1, c->id);
	if (sqlite3_step(st) != SQLITE_ROW) {
		inv_finalize(inv, st);
		return -ENOENT;
	}
	obj = client_json_row(st);
	inv_finalize(inv, st);
	rc = inv_prepare(inv, &st, "SELECT fix_id, state, reason, boots, "
			 "applied_serial, updated FROM pairs WHERE client_id = ?1"
			 " ORDER BY id");
	if (rc < 0)
		goto err;
	sqlite3_bind_int64(st, 1, c->id);
	rc = inv_rows_json(inv, st, pair_json_row, &pairs);
	if (rc < 0)
		goto err;
	rc = inv_prepare(inv, &st, "SELECT fix_id, serial, result, reason, "
			 "target, evidence, time, coalesce(state, result) FROM "
			 "reports WHERE client_id = ?1 ORDER BY id");
	if (rc < 0)
		goto err;
	sqlite3_bind_int64(st, 1, c->id);
	rc = inv_rows_json(inv, st, report_json_row, &reports);
	if (rc < 0)
		goto err;
	rc = inv_events_json(inv, c->id, NULL, INV_EVENTS_DEFAULT, &events);
	if (rc < 0)
		goto err;
	json_object_set_new(obj, "fixes", pairs);
	json_object_set_new(obj, "reports", reports);
	json_object_set_new(obj, "events", events);
	*out = obj;
	return 0;
err:
	json_decref(reports);
	json_decref(pairs);
	json_decref(obj);
	return rc;
}

/**
 * Add a group.
 *
 * @v inv	inventory, transaction open
 * @v name	group name
 * @v now	Unix time
 * @v id	its id, may be NULL
 * @ret rc	0, -EEXIST, -EINVAL
 */
int inv_group_add(struct inv *inv, const char *name, int64_t now, int64_t *id)
{
	sqlite3_stmt *st;
	int rc;

	if (inv_name_check(name) < 0)
		return -EINVAL;
	rc = inv_prepare(inv, &st, "INSERT INTO groups (name, created) "
			 "VALUES (?1, ?2)");
	if (rc < 0)
		return rc;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, now);
	rc = inv_step_done(inv, st, "add group");
	if (rc == 0 && id)
		*id = sqlite3_last_insert_rowid(inv->db);
	return rc;
}

/**
 * Find a group by name, optionally creating it.
 *
 * @v inv	inventory
 * @v name	group name
 * @v create	create it if missing
 * @v now	Unix time (for a creation)
 * @v id	its id
 * @ret rc	0, -ENOENT, -EINVAL
 */
int inv_group_get(struct inv *inv, const char *name, bool create, int64_t now,
		  int64_t *id)
{
	sqlite3_stmt *st;
	int rc, src;

	if (inv_name_check(name) < 0)
		return -EINVAL;
	rc = inv_prepare(inv, &st, "SELECT id FROM groups WHERE name = ?1");
	if (rc < 0)
		return rc;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT);
	src = sqlite3_step(st);
	if (src == SQLITE_ROW)
		*id = sqlite3_column_int64(st, 0);
	rc = src == SQLITE_ROW ? 0 : src == SQLITE_DONE ? -ENOENT :
		inv_rc(inv, src, "find group");
	inv_finalize(inv, st);
	if (rc == -ENOENT && create)
		rc = inv_group_add(inv, name, now, id);
	return rc;
}

/** One group row as an object. */
static json_t *group_json_row(sqlite3_stmt *st)
{
	return json_pack("{s:o, s:o, s:o}", "name", inv_col_json_str(st, 0),
			 "clients", inv_col_json_int(st, 1),
			 "created", inv_col_json_int(st, 2));
}

/**
 * Every group with its number of clients.
 *
 * @v inv	inventory
 * @v out	JSON array
 * @ret rc	0 or a negative errno
 */
int inv_group_list_json(struct inv *inv, json_t **out)
{
	sqlite3_stmt *st;
	int rc;

	rc = inv_prepare(inv, &st, "SELECT g.name, (SELECT count(*) FROM "
			 "clients c WHERE c.group_id = g.id), g.created FROM "
			 "groups g ORDER BY g.name");
	if (rc < 0)
		return rc;
	return inv_rows_json(inv, st, group_json_row, out);
}

/**
 * One group and its clients.
 *
 * @v inv	inventory
 * @v name	group name
 * @v out	JSON object
 * @ret rc	0, -ENOENT, -EINVAL
 */
int inv_group_show_json(struct inv *inv, const char *name, json_t **out)
{
	json_t *clients = NULL;
	sqlite3_stmt *st;
	int64_t gid;
	int rc;

	rc = inv_group_get(inv, name, false, 0, &gid);
	if (rc < 0)
		return rc;
	rc = inv_prepare(inv, &st, CLIENT_JSON_COLS "WHERE c.group_id = ?1 "
			 "ORDER BY c.mac");
	if (rc < 0)
		return rc;
	sqlite3_bind_int64(st, 1, gid);
	rc = inv_rows_json(inv, st, client_json_row, &clients);
	if (rc < 0)
		return rc;
	*out = json_pack("{s:s, s:o}", "name", name, "clients", clients);
	return *out ? 0 : -ENOMEM;
}
