/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "server/inventory.h"
#include "server/log.h"

/*
 * The statement cache.  Every statement is static SQL text, so the text's
 * address names it: the first inv_prepare() of a text compiles it once
 * (SQLITE_PREPARE_PERSISTENT); later ones get the same statement back,
 * reset and with its bindings cleared.  A text whose statement is still in
 * use (a nested query of the same SQL) gets a fresh one, finalised on
 * release.  Used with the inventory's lock held, like the connection.
 */

/**
 * Prepare static SQL, from the cache when possible.
 *
 * @v inv	inventory
 * @v st	the statement
 * @v sql	the SQL text (a literal: never built from input)
 * @ret rc	0 or a negative errno
 */
int inv_prepare(struct inv *inv, sqlite3_stmt **st, const char *sql)
{
	struct inv_stmt *e = NULL;
	int src;

	for (size_t i = 0; i < inv->nstmts; i++) {
		if (inv->stmts[i].sql == sql) {
			e = &inv->stmts[i];
			break;
		}
	}
	if (e && !e->busy) {
		e->busy = true;
		*st = e->st;
		return 0;
	}
	if (!e && inv->nstmts < INV_STMT_CACHE) {
		src = sqlite3_prepare_v3(inv->db, sql, -1,
					 SQLITE_PREPARE_PERSISTENT, st, NULL);
		if (src != SQLITE_OK)
			return inv_rc(inv, src, "prepare");
		inv->stmts[inv->nstmts++] = (struct inv_stmt){ sql, *st, true };
		return 0;
	}
	src = sqlite3_prepare_v2(inv->db, sql, -1, st, NULL);
	return src == SQLITE_OK ? 0 : inv_rc(inv, src, "prepare");
}

/**
 * Release a statement: a cached one is reset for its next use (its
 * bindings back to NULL), another is finalised.
 *
 * @v inv	inventory
 * @v st	statement from inv_prepare(), or NULL
 */
void inv_finalize(struct inv *inv, sqlite3_stmt *st)
{
	if (!st)
		return;
	for (size_t i = 0; i < inv->nstmts; i++) {
		if (inv->stmts[i].st == st) {
			sqlite3_reset(st);
			sqlite3_clear_bindings(st);
			inv->stmts[i].busy = false;
			return;
		}
	}
	sqlite3_finalize(st);
}

/**
 * Finalise the cached statements.
 *
 * @v inv	inventory
 */
void inv_stmt_cache_free(struct inv *inv)
{
	for (size_t i = 0; i < inv->nstmts; i++)
		sqlite3_finalize(inv->stmts[i].st);
	inv->nstmts = 0;
}

/**
 * Run a cached statement that returns no row (transaction control).
 *
 * @v inv	inventory, or a reader
 * @v sql	static SQL
 * @ret rc	0 or a negative errno
 */
int inv_run(struct inv *inv, const char *sql)
{
	sqlite3_stmt *st;
	int rc;

	rc = inv_prepare(inv, &st, sql);
	return rc < 0 ? rc : inv_step_done(inv, st, sql);
}
