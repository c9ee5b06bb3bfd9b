/* SPDX-License-Identifier: MIT */
/*
 * Summaries of the inventory: status (counts by state and a row per pair)
 * and the Prometheus metrics.
 */
#include <errno.h>
#include <inttypes.h>

#include "server/inventory.h"
#include "server/stats.h"

/** One status row as an object. */
static json_t *status_json_row(sqlite3_stmt *st)
{
	return json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o}",
			 "mac", inv_col_json_str(st, 0),
			 "name", inv_col_json_str(st, 1),
			 "fix", inv_col_json_str(st, 2),
			 "state", inv_col_json_str(st, 3),
			 "boots", inv_col_json_int(st, 4),
			 "applied_serial", inv_col_json_int(st, 5),
			 "reason", inv_col_json_str(st, 6),
			 "updated", inv_col_json_int(st, 7));
}

/** Counts of pairs by state (of one fix, or all) into obj. */
static int status_counts(struct inv *inv, const char *fix, json_t *obj)
{
	sqlite3_stmt *st;
	int rc, src;

	for (unsigned i = 0; i < ST__COUNT; i++)
		json_object_set_new(obj, state_name((enum pair_state)i),
				    json_integer(0));
	rc = inv_prepare(inv, &st, "SELECT p.state, count(*) FROM pairs p JOIN "
			 "clients c ON c.id = p.client_id WHERE c.removed IS NULL"
			 " AND (?1 IS NULL OR p.fix_id = ?1) GROUP BY p.state");
	if (rc < 0)
		return rc;
	if (fix)
		sqlite3_bind_text(st, 1, fix, -1, SQLITE_TRANSIENT);
	while ((src = sqlite3_step(st)) == SQLITE_ROW)
		json_object_set_new(obj, (const char *)sqlite3_column_text(st, 0),
				    json_integer(sqlite3_column_int64(st, 1)));
	rc = src == SQLITE_DONE ? 0 : inv_rc(inv, src, "status counts");
	inv_finalize(inv, st);
	return rc;
}

/**
 * Status of one fix (or of all): counts by state, then a row per pair.
 *
 * @v inv	inventory
 * @v fix	fix id or NULL
 * @v state	the state of the rows (a state name), or NULL for all
 * @v out	{"fix": ..., "counts": {...}, "clients": [...]}
 * @ret rc	0, -ENOENT (no such fix), or a negative errno
 */
int inv_status_json(struct inv *inv, const char *fix, const char *state,
		    json_t **out)
{
	json_t *counts = json_object(), *rows = NULL;
	struct inv_fix f;
	sqlite3_stmt *st;
	int rc = 0;

	if (!counts)
		return -ENOMEM;
	if (fix)
		rc = inv_fix_get(inv, fix, &f);
	if (rc == 0)
		rc = status_counts(inv, fix, counts);
	if (rc == 0)
		rc = inv_prepare(inv, &st, "SELECT c.mac, c.name, p.fix_id, "
				 "p.state, p.boots, p.applied_serial, p.reason, "
				 "p.updated FROM pairs p JOIN clients c ON c.id "
				 "= p.client_id WHERE c.removed IS NULL AND (?1 IS "
				 "NULL OR p.fix_id = ?1) AND (?2 IS NULL OR p.state "
				 "= ?2) ORDER BY c.mac, p.fix_id");
	if (rc < 0) {
		json_decref(counts);
		return rc;
	}
	if (fix)
		sqlite3_bind_text(st, 1, fix, -1, SQLITE_TRANSIENT);
	if (state)
		sqlite3_bind_text(st, 2, state, -1, SQLITE_TRANSIENT);
	rc = inv_rows_json(inv, st, status_json_row, &rows);
	if (rc < 0) {
		json_decref(counts);
		return rc;
	}
	*out = json_pack("{s:o, s:o, s:o}", "fix", fix ? json_string(fix) :
			 json_null(), "counts", counts, "clients", rows);
	return *out ? 0 : -ENOMEM;
}

/** A single count query with no parameter. */
static int stats_count(struct inv *inv, const char *sql, int64_t *out)
{
	sqlite3_stmt *st;
	int rc, src;

	rc = inv_prepare(inv, &st, sql);
	if (rc < 0)
		return rc;
	src = sqlite3_step(st);
	*out = src == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	rc = src == SQLITE_ROW ? 0 : inv_rc(inv, src, "count");
	inv_finalize(inv, st);
	return rc;
}

/**
 * The Prometheus text exposition of the inventory.
 *
 * @v inv	inventory
 * @v out	text appended
 * @ret rc	0 or a negative errno
 */
int inv_metrics_text(struct inv *inv, struct buf *out)
{
	json_t *counts = json_object();
	int64_t clients, boots, quarantine, wakes, reports[3];
	const char *key;
	json_t *v;
	int rc;

	if (!counts)
		return -ENOMEM;
	rc = status_counts(inv, NULL, counts);
	if (rc == 0)
		rc = stats_count(inv, "SELECT count(*) FROM clients WHERE removed "
				 "IS NULL", &clients);
	if (rc == 0)
		rc = stats_count(inv, "SELECT count(*) FROM boots", &boots);
	if (rc == 0)
		rc = stats_count(inv, "SELECT count(*) FROM boots WHERE "
				 "decision = 'quarantine'", &quarantine);
	if (rc == 0)
		rc = inv_event_count(inv, "wake", &wakes);
	if (rc == 0)
		rc = stats_count(inv, "SELECT count(*) FROM reports WHERE "
				 "result = 'applied'", &reports[0]);
	if (rc == 0)
		rc = stats_count(inv, "SELECT count(*) FROM reports WHERE "
				 "result = 'failed'", &reports[1]);
	if (rc == 0)
		rc = stats_count(inv, "SELECT count(*) FROM reports WHERE "
				 "result = 'skipped'", &reports[2]);
	if (rc < 0)
		goto out;
	rc = buf_printf(out, "# HELP fixnet_clients Clients in the inventory.\n"
			"# TYPE fixnet_clients gauge\nfixnet_clients %" PRId64
			"\n# HELP fixnet_pairs (client, fix) pairs by state.\n"
			"# TYPE fixnet_pairs gauge\n", clients);
	json_object_foreach(counts, key, v) {
		if (rc == 0)
			rc = buf_printf(out, "fixnet_pairs{state=\"%s\"} %"
					JSON_INTEGER_FORMAT "\n", key,
					json_integer_value(v));
	}
	if (rc == 0)
		rc = buf_printf(out, "# HELP fixnet_boots_total Boot script "
				"requests by decision.\n# TYPE fixnet_boots_total"
				" counter\nfixnet_boots_total{decision=\"local\"}"
				" %" PRId64 "\nfixnet_boots_total{decision="
				"\"quarantine\"} %" PRId64 "\n# HELP "
				"fixnet_wakes_total Magic packets sent.\n# TYPE "
				"fixnet_wakes_total counter\nfixnet_wakes_total "
				"%" PRId64 "\n# HELP fixnet_reports_total Agent "
				"reports by result.\n# TYPE fixnet_reports_total"
				" counter\n", boots - quarantine, quarantine,
				wakes);
	if (rc == 0)
		rc = buf_printf(out, "fixnet_reports_total{result=\"applied\"} %"
				PRId64 "\nfixnet_reports_total{result=\"failed\"}"
				" %" PRId64 "\nfixnet_reports_total{result="
				"\"skipped\"} %" PRId64 "\n", reports[0],
				reports[1], reports[2]);
	if (rc == 0)
		rc = buf_printf(out, "# HELP fixnet_db_commits_total Durable "
				"commits of the inventory (group commit: each "
				"carries the writes waiting together).\n# TYPE "
				"fixnet_db_commits_total counter\n"
				"fixnet_db_commits_total %" PRIu64 "\n# HELP "
				"fixnet_db_commit_waiters_total Transactions "
				"that waited for those commits (writes, and reads "
				"of writes not yet on disk).\n# TYPE "
				"fixnet_db_commit_waiters_total counter\n"
				"fixnet_db_commit_waiters_total %" PRIu64 "\n"
				"# HELP "
				"fixnet_db_commit_seconds_total Time spent in "
				"those commits (the disk's flushes).\n# TYPE "
				"fixnet_db_commit_seconds_total counter\n"
				"fixnet_db_commit_seconds_total %.6f\n",
				inv->commits, inv->commit_waiters,
				(double)inv->commit_ns / 1e9);
out:
	json_decref(counts);
	return rc;
}
