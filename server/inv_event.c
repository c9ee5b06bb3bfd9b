/* SPDX-License-Identifier: MIT */
/*
 * The append-only event log (triggers in the schema refuse UPDATE and
 * DELETE on it).
 */
#include <errno.h>

#include "server/inventory.h"

/**
 * Append an event.
 *
 * @v inv	inventory, transaction open
 * @v now	Unix time
 * @v client_id	client, 0 for none
 * @v fix_id	fix, may be NULL
 * @v kind	what happened ("state", "boot", "wake", ...)
 * @v from, to	states of a move, may be NULL
 * @v message	free text, may be NULL
 * @ret rc	0 or a negative errno
 */
int inv_event_add(struct inv *inv, int64_t now, int64_t client_id,
		  const char *fix_id, const char *kind, const char *from,
		  const char *to, const char *message)
{
	sqlite3_stmt *st;
	int rc;

	rc = inv_prepare(inv, &st, "INSERT INTO events (time, client_id, "
			 "fix_id, kind, from_state, to_state, message) VALUES "
			 "(?1, ?2, ?3, ?4, ?5, ?6, ?7)");
	if (rc < 0)
		return rc;
	sqlite3_bind_int64(st, 1, now);
	if (client_id)
		sqlite3_bind_int64(st, 2, client_id);
	if (fix_id)
		sqlite3_bind_text(st, 3, fix_id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 4, kind, -1, SQLITE_TRANSIENT);
	if (from)
		sqlite3_bind_text(st, 5, from, -1, SQLITE_TRANSIENT);
	if (to)
		sqlite3_bind_text(st, 6, to, -1, SQLITE_TRANSIENT);
	if (message)
		sqlite3_bind_text(st, 7, message, -1, SQLITE_TRANSIENT);
	return inv_step_done(inv, st, "append event");
}

/** One event row as an object. */
static json_t *event_json_row(sqlite3_stmt *st)
{
	return json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o}",
			 "id", inv_col_json_int(st, 0),
			 "time", inv_col_json_int(st, 1),
			 "client", inv_col_json_str(st, 2),
			 "fix", inv_col_json_str(st, 3),
			 "kind", inv_col_json_str(st, 4),
			 "from", inv_col_json_str(st, 5),
			 "to", inv_col_json_str(st, 6),
			 "message", inv_col_json_str(st, 7));
}

/**
 * The latest events, oldest first.
 *
 * @v inv	inventory
 * @v client_id	only this client's, or 0
 * @v fix_id	only this fix's, or NULL
 * @v limit	at most this many (capped at INV_EVENTS_MAX)
 * @v out	JSON array
 * @ret rc	0 or a negative errno
 */
int inv_events_json(struct inv *inv, int64_t client_id, const char *fix_id,
		    unsigned limit, json_t **out)
{
	sqlite3_stmt *st;
	int rc;

	if (limit == 0 || limit > INV_EVENTS_MAX)
		limit = INV_EVENTS_MAX;
	rc = inv_prepare(inv, &st, "SELECT * FROM (SELECT e.id, e.time, c.mac,"
			 " e.fix_id, e.kind, e.from_state, e.to_state, "
			 "e.message FROM events e LEFT JOIN clients c ON "
			 "c.id = e.client_id WHERE (?1 = 0 OR e.client_id = ?1)"
			 " AND (?2 IS NULL OR e.fix_id = ?2) ORDER BY e.id DESC"
			 " LIMIT ?3) ORDER BY id");
	if (rc < 0)
		return rc;
	sqlite3_bind_int64(st, 1, client_id);
	if (fix_id)
		sqlite3_bind_text(st, 2, fix_id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(st, 3, (int)limit);
	return inv_rows_json(inv, st, event_json_row, out);
}

/**
 * Count the events of a kind.
 *
 * @v inv	inventory
 * @v kind	event kind
 * @v out	the count
 * @ret rc	0 or a negative errno
 */
int inv_event_count(struct inv *inv, const char *kind, int64_t *out)
{
	sqlite3_stmt *st;
	int rc, src;

	rc = inv_prepare(inv, &st, "SELECT count(*) FROM events WHERE kind = ?1");
	if (rc < 0)
		return rc;
	sqlite3_bind_text(st, 1, kind, -1, SQLITE_TRANSIENT);
	src = sqlite3_step(st);
	*out = src == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	rc = src == SQLITE_ROW ? 0 : inv_rc(inv, src, "count events");
	inv_finalize(inv, st);
	return rc;
}
