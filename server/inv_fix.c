/* SPDX-License-Identifier: MIT */
/*
 * Fixes and (client, fix) pairs in the inventory.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "server/inventory.h"

/**
 * Read a fix.
 *
 * @v inv	inventory
 * @v id	fix id
 * @v f		the fix
 * @ret rc	0, -ENOENT
 */
int inv_fix_get(struct inv *inv, const char *id, struct inv_fix *f)
{
	sqlite3_stmt *st;
	int rc, src;

	rc = inv_prepare(inv, &st, "SELECT id, serial, size, sha256, sig_size, "
			 "keyid, description, added FROM fixes WHERE id = ?1");
	if (rc < 0)
		return rc;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_TRANSIENT);
	src = sqlite3_step(st);
	if (src == SQLITE_ROW) {
		inv_col_text(st, 0, f->id, sizeof(f->id));
		f->serial = (uint64_t)sqlite3_column_int64(st, 1);
		f->size = (uint64_t)sqlite3_column_int64(st, 2);
		inv_col_text(st, 3, f->sha256, sizeof(f->sha256));
		f->sig_size = (uint64_t)sqlite3_column_int64(st, 4);
		inv_col_text(st, 5, f->keyid, sizeof(f->keyid));
		inv_col_text(st, 6, f->description, sizeof(f->description));
		f->added = sqlite3_column_int64(st, 7);
	}
	rc = src == SQLITE_ROW ? 0 : src == SQLITE_DONE ? -ENOENT :
		inv_rc(inv, src, "find fix");
	inv_finalize(inv, st);
	return rc;
}

/**
 * Insert or replace a fix.
 *
 * @v inv	inventory, transaction open
 * @v f		the fix
 * @ret rc	0 or a negative errno
 */
int inv_fix_put(struct inv *inv, const struct inv_fix *f)
{
	sqlite3_stmt *st;
	int rc;

	rc = inv_prepare(inv, &st, "INSERT INTO fixes (id, serial, size, sha256,"
			 " sig_size, keyid, description, added) VALUES (?1, ?2,"
			 " ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT (id) DO UPDATE SET"
			 " serial = ?2, size = ?3, sha256 = ?4, sig_size = ?5,"
			 " keyid = ?6, description = ?7, added = ?8,"
			 " manifest = NULL");
	if (rc < 0)
		return rc;
	sqlite3_bind_text(st, 1, f->id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, (int64_t)f->serial);
	sqlite3_bind_int64(st, 3, (int64_t)f->size);
	sqlite3_bind_text(st, 4, f->sha256, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 5, (int64_t)f->sig_size);
	sqlite3_bind_text(st, 6, f->keyid, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 7, f->description, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 8, f->added);
	return inv_step_done(inv, st, "store fix");
}

/**
 * Store the manifest of a fix, as published.
 *
 * @v inv	inventory, transaction open
 * @v id	fix id (its row stored first)
 * @v json	the manifest member's text
 * @v len	its length
 * @ret rc	0, -ENOENT (no such fix), or a negative errno
 */
int inv_fix_manifest_put(struct inv *inv, const char *id, const char *json,
			 size_t len)
{
	sqlite3_stmt *st;
	int rc;

	if (len > MANIFEST_MAX_BYTES)
		return -EFBIG;
	rc = inv_prepare(inv, &st, "UPDATE fixes SET manifest = ?2 WHERE id = ?1");
	if (rc < 0)
		return rc;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, json, (int)len, SQLITE_TRANSIENT);
	rc = inv_step_done(inv, st, "store manifest");
	if (rc == 0 && sqlite3_changes(inv->db) != 1)
		rc = -ENOENT;
	return rc;
}

/**
 * Read the manifest of a fix.
 *
 * @v inv	inventory
 * @v id	fix id
 * @v json	its text, NUL-terminated (free())
 * @v len	its length
 * @ret rc	0, -ENOENT (no such fix), -ENODATA (none stored: the fix was
 *		added before schema version 2), or a negative errno
 */
int inv_fix_manifest_get(struct inv *inv, const char *id, char **json,
			 size_t *len)
{
	sqlite3_stmt *st;
	const char *t;
	int rc, src;

	rc = inv_prepare(inv, &st, "SELECT manifest FROM fixes WHERE id = ?1");
	if (rc < 0)
		return rc;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_TRANSIENT);
	src = sqlite3_step(st);
	if (src != SQLITE_ROW) {
		rc = src == SQLITE_DONE ? -ENOENT : inv_rc(inv, src, "read manifest");
		goto out;
	}
	t = (const char *)sqlite3_column_text(st, 0);
	*len = (size_t)sqlite3_column_bytes(st, 0);
	if (!t) {
		rc = -ENODATA;
		goto out;
	}
	*json = malloc(*len + 1);
	if (!*json) {
		rc = -ENOMEM;
		goto out;
	}
	memcpy(*json, t, *len);
	(*json)[*len] = '\0';
out:
	inv_finalize(inv, st);
	return rc;
}

/** One fix row as an object. */
static json_t *fix_json_row(sqlite3_stmt *st)
{
	json_t *o = json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:{}}",
			      "id", inv_col_json_str(st, 0),
			      "serial", inv_col_json_int(st, 1),
			      "size", inv_col_json_int(st, 2),
			      "sha256", inv_col_json_str(st, 3),
			      "keyid", inv_col_json_str(st, 4),
			      "description", inv_col_json_str(st, 5),
			      "added", inv_col_json_int(st, 6), "states");
	const char *counts = (const char *)sqlite3_column_text(st, 7);
	json_t *states = json_object_get(o, "states");

	/* counts: "state=n,state=n" built by the query's group_concat */
	while (counts && *counts) {
		char name[32];
		const char *eq = strchr(counts, '='), *end;

		if (!eq || (size_t)(eq - counts) >= sizeof(name))
			break;
		memcpy(name, counts, (size_t)(eq - counts));
		name[eq - counts] = '\0';
		json_object_set_new(states, name,
				    json_integer(strtoll(eq + 1, NULL, 10)));
		end = strchr(eq, ',');
		counts = end ? end + 1 : NULL;
	}
	return o;
}

/**
 * Every fix with its pairs counted by state.
 *
 * @v inv	inventory
 * @v out	JSON array
 * @ret rc	0 or a negative errno
 */
int inv_fix_list_json(struct inv *inv, json_t **out)
{
	sqlite3_stmt *st;
	int rc;

	rc = inv_prepare(inv, &st, "SELECT f.id, f.serial, f.size, f.sha256, "
			 "f.keyid, f.description, f.added, (SELECT "
			 "group_concat(state || '=' || n) FROM (SELECT state, "
			 "count(*) AS n FROM pairs p JOIN clients c ON c.id = "
			 "p.client_id WHERE p.fix_id = f.id AND c.removed IS NULL "
			 "GROUP BY state)) FROM fixes f ORDER BY f.id");
	if (rc < 0)
		return rc;
	return inv_rows_json(inv, st, fix_json_row, out);
}

#define PAIR_COLS "SELECT id, client_id, fix_id, state, boots, " \
	"applied_serial FROM pairs "

/** Read a row of PAIR_COLS. */
static int pair_row(sqlite3_stmt *st, struct inv_pair *p)
{
	char state[32];

	p->id = sqlite3_column_int64(st, 0);
	p->client_id = sqlite3_column_int64(st, 1);
	inv_col_text(st, 2, p->fix_id, sizeof(p->fix_id));
	inv_col_text(st, 3, state, sizeof(state));
	p->boots = (uint64_t)sqlite3_column_int64(st, 4);
	p->applied_serial = (uint64_t)sqlite3_column_int64(st, 5);
	return state_parse(state, &p->state);
}

/** Collect the pairs a PAIR_COLS statement returns. */
static int pairs_collect(struct inv *inv, sqlite3_stmt *st,
			 struct inv_pair **out, size_t *n)
{
	struct inv_pair *pairs = NULL, *grown;
	size_t len = 0, cap = 0;
	int src, rc = 0;

	while ((src = sqlite3_step(st)) == SQLITE_ROW && len < INV_LIST_MAX) {
		if (len == cap) {
			cap = cap ? 2 * cap : 8;
			grown = realloc(pairs, cap * sizeof(*pairs));
			if (!grown) {
				rc = -ENOMEM;
				goto err;
			}
			pairs = grown;
		}
		rc = pair_row(st, &pairs[len++]);
		if (rc < 0)
			goto err;
	}
	if (src != SQLITE_ROW && src != SQLITE_DONE) {
		rc = inv_rc(inv, src, "list pairs");
		goto err;
	}
	inv_finalize(inv, st);
	*out = pairs;
	*n = len;
	return 0;
err:
	inv_finalize(inv, st);
	free(pairs);
	return rc;
}

/**
 * The pairs of a client, in assignment order.
 *
 * @v inv	inventory
 * @v client_id	client
 * @v out	array (free()), NULL if none
 * @v n		its length
 * @ret rc	0 or a negative errno
 */
int inv_pairs_of_client(struct inv *inv, int64_t client_id,
			struct inv_pair **out, size_t *n)
{
	sqlite3_stmt *st;
	int rc;

	rc = inv_prepare(inv, &st, PAIR_COLS "WHERE client_id = ?1 ORDER BY id");
	if (rc < 0)
		return rc;
	sqlite3_bind_int64(st, 1, client_id);
	return pairs_collect(inv, st, out, n);
}

/**
 * The pairs of a fix.
 *
 * @v inv	inventory
 * @v fix_id	fix
 * @v out	array (free()), NULL if none
 * @v n		its length
 * @ret rc	0 or a negative errno
 */
int inv_pairs_of_fix(struct inv *inv, const char *fix_id,
		     struct inv_pair **out, size_t *n)
{
	sqlite3_stmt *st;
	int rc;

	rc = inv_prepare(inv, &st, PAIR_COLS "WHERE fix_id = ?1 ORDER BY id");
	if (rc < 0)
		return rc;
	sqlite3_bind_text(st, 1, fix_id, -1, SQLITE_TRANSIENT);
	return pairs_collect(inv, st, out, n);
}

/**
 * Read one pair.
 *
 * @v inv	inventory
 * @v client_id	client
 * @v fix_id	fix
 * @v p		the pair
 * @ret rc	0, -ENOENT
 */
int inv_pair_get(struct inv *inv, int64_t client_id, const char *fix_id,
		 struct inv_pair *p)
{
	sqlite3_stmt *st;
	int rc, src;

	rc = inv_prepare(inv, &st, PAIR_COLS "WHERE client_id = ?1 AND "
			 "fix_id = ?2");
	if (rc < 0)
		return rc;
	sqlite3_bind_int64(st, 1, client_id);
	sqlite3_bind_text(st, 2, fix_id, -1, SQLITE_TRANSIENT);
	src = sqlite3_step(st);
	rc = src == SQLITE_ROW ? pair_row(st, p) : src == SQLITE_DONE ?
		-ENOENT : inv_rc(inv, src, "find pair");
	inv_finalize(inv, st);
	return rc;
}

/**
 * Assign a fix to a client.
 *
 * @v inv	inventory, transaction open
 * @v client_id	client
 * @v fix_id	fix (must exist)
 * @v now	Unix time
 * @v created	true if the pair is (again) pending because of this call
 * @ret rc	0 or a negative errno
 */
int inv_pair_assign(struct inv *inv, int64_t client_id, const char *fix_id,
		    int64_t now, bool *created)
{
	struct inv_pair p;
	sqlite3_stmt *st;
	int rc;

	*created = false;
	rc = inv_pair_get(inv, client_id, fix_id, &p);
	if (rc == 0) {
		if (p.state != ST_FAILED && p.state != ST_SKIPPED &&
		    p.state != ST_HELD)
			return 0;
		p.boots = 0;
		rc = inv_pair_store(inv, &p, now);
		if (rc == 0)
			rc = state_move(inv, &p, ST_PENDING, "assigned again",
					now);
		*created = rc == 0;
		return rc;
	}
	if (rc != -ENOENT)
		return rc;
	rc = inv_prepare(inv, &st, "INSERT INTO pairs (client_id, fix_id, "
			 "state, updated) VALUES (?1, ?2, 'pending', ?3)");
	if (rc < 0)
		return rc;
	sqlite3_bind_int64(st, 1, client_id);
	sqlite3_bind_text(st, 2, fix_id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 3, now);
	rc = inv_step_done(inv, st, "assign");
	if (rc < 0)
		return rc;
	*created = true;
	return inv_event_add(inv, now, client_id, fix_id, "state", NULL,
			     "pending", "assigned");
}

/**
 * Hold a client's pair.
 *
 * @v inv	inventory, transaction open
 * @v client_id	client
 * @v fix_id	fix
 * @v reason	for the event
 * @v now	Unix time
 * @v held	set to true if the pair became held
 * @ret rc	0 or a negative errno
 */
int inv_pair_hold(struct inv *inv, int64_t client_id, const char *fix_id,
		  const char *reason, int64_t now, bool *held)
{
	struct inv_pair p;
	int rc;

	*held = false;
	rc = inv_pair_get(inv, client_id, fix_id, &p);
	if (rc == -ENOENT || (rc == 0 && !state_is_active(p.state)))
		return 0;
	if (rc == 0)
		rc = state_move(inv, &p, ST_HELD, reason, now);
	*held = rc == 0;
	return rc;
}

/**
 * Store a pair's boot count and applied serial.
 *
 * @v inv	inventory, transaction open
 * @v p		the pair
 * @v now	Unix time
 * @ret rc	0 or a negative errno
 */
int inv_pair_store(struct inv *inv, const struct inv_pair *p, int64_t now)
{
	sqlite3_stmt *st;
	int rc;

	rc = inv_prepare(inv, &st, "UPDATE pairs SET boots = ?2, "
			 "applied_serial = ?3, updated = ?4 WHERE id = ?1");
	if (rc < 0)
		return rc;
	sqlite3_bind_int64(st, 1, p->id);
	sqlite3_bind_int64(st, 2, (int64_t)p->boots);
	sqlite3_bind_int64(st, 3, (int64_t)p->applied_serial);
	sqlite3_bind_int64(st, 4, now);
	return inv_step_done(inv, st, "store pair");
}

/**
 * Store a pair's state (only state.c calls this).
 *
 * @v inv	inventory, transaction open
 * @v p		the pair, with its new state
 * @v reason	reason, may be NULL
 * @v now	Unix time
 * @ret rc	0 or a negative errno
 */
int inv_pair_set_state(struct inv *inv, const struct inv_pair *p,
		       const char *reason, int64_t now)
{
	sqlite3_stmt *st;
	int rc;

	rc = inv_prepare(inv, &st, "UPDATE pairs SET state = ?2, reason = ?3, "
			 "updated = ?4 WHERE id = ?1");
	if (rc < 0)
		return rc;
	sqlite3_bind_int64(st, 1, p->id);
	sqlite3_bind_text(st, 2, state_name(p->state), -1, SQLITE_STATIC);
	if (reason)
		sqlite3_bind_text(st, 3, reason, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 4, now);
	return inv_step_done(inv, st, "store pair state");
}
