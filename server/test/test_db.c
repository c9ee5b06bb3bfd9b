/* SPDX-License-Identifier: MIT */
/*
 * Inventory transactions with group commit and the statement cache
 * (db.c): a caller's work is on disk when inv_tx_end() returns
 * 0, a failed caller undoes only its own work, concurrent callers share
 * commits.  The schema's migrations, and the manifests kept with fixes.
 */
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "server/inventory.h"
#include "server/test/testinv.h"

#define THREADS 8
#define PER_THREAD 60

struct worker {
	struct testinv *t;
	int n;			/* thread number */
	int visible;		/* committed rows seen by another connection */
	int ok, refused;
};

static int commits;		/* counted by the commit hook (lock held) */

static int count_commit(void *arg)
{
	(void)arg;
	commits++;
	return 0;
}

/** @ret 1 if another connection sees a client with that MAC */
static int seen_elsewhere(const char *path, const char *mac)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	int found;

	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL),
			 SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT count(*) FROM clients "
					    "WHERE mac = ?1", -1, &st, NULL),
			 SQLITE_OK);
	sqlite3_bind_text(st, 1, mac, -1, SQLITE_STATIC);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	found = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return found;
}

/** Add clients; every third one is refused after its insert (-EPERM). */
static void *worker_run(void *arg)
{
	struct worker *w = arg;
	char mac[MAC_STR_LEN];

	for (int i = 0; i < PER_THREAD; i++) {
		bool refuse = i % 3 == 2;
		int rc;

		snprintf(mac, sizeof(mac), "02:00:00:%02x:%02x:%02x", w->n,
			 i / 256, i % 256);
		if (inv_tx_begin(w->t->inv) < 0)
			continue;
		rc = inv_client_add(w->t->inv, mac, NULL, NULL, NULL, 1000,
				    NULL);
		rc = inv_tx_end(w->t->inv, rc == 0 && refuse ? -EPERM : rc);
		if (rc == 0) {
			w->ok++;
			w->visible += seen_elsewhere(w->t->path, mac);
		} else if (rc == -EPERM) {
			w->refused++;
		}
	}
	return NULL;
}

static void test_return_after_commit(void **state)
{
	struct worker w[THREADS];
	pthread_t th[THREADS];
	struct testinv t;
	int ok = 0, refused = 0;

	(void)state;
	testinv_open(&t);
	commits = 0;
	sqlite3_commit_hook(t.inv->db, count_commit, NULL);
	for (int i = 0; i < THREADS; i++) {
		w[i] = (struct worker){ .t = &t, .n = i };
		assert_int_equal(pthread_create(&th[i], NULL, worker_run, &w[i]),
				 0);
	}
	for (int i = 0; i < THREADS; i++) {
		pthread_join(th[i], NULL);
		/* each success was already visible to another connection */
		assert_int_equal(w[i].visible, w[i].ok);
		assert_int_equal(w[i].ok, PER_THREAD - PER_THREAD / 3);
		ok += w[i].ok;
		refused += w[i].refused;
	}
	assert_int_equal(refused, THREADS * (PER_THREAD / 3));
	/* a refused caller undid its own insert only */
	assert_int_equal(testinv_count(&t, "SELECT count(*) FROM clients"), ok);
	/* concurrent callers shared commits */
	assert_true(commits > 0);
	assert_true(commits < ok);
	testinv_close(&t);
}

static void test_reads_release_the_write_lock(void **state)
{
	struct testinv t;
	struct inv_client c;
	sqlite3 *other;

	(void)state;
	testinv_open(&t);
	testinv_client(&t, "02:00:00:00:00:01");
	assert_int_equal(inv_tx_begin(t.inv), 0);
	assert_int_equal(inv_client_by_mac(t.inv, "02:00:00:00:00:01", &c), 0);
	assert_int_equal(inv_tx_end(t.inv, -EPERM), -EPERM);
	assert_int_equal(inv_tx_begin(t.inv), 0);
	assert_int_equal(inv_tx_end(t.inv, 0), 0);
	/* no batch left open: another process may write at once */
	assert_true(sqlite3_get_autocommit(t.inv->db));
	assert_int_equal(sqlite3_open(t.path, &other), SQLITE_OK);
	assert_int_equal(sqlite3_exec(other, "BEGIN IMMEDIATE; COMMIT", NULL,
				      NULL, NULL), SQLITE_OK);
	sqlite3_close(other);
	testinv_close(&t);
}

static void test_stmt_cache(void **state)
{
	static const char sql[] = "SELECT ?1";
	sqlite3_stmt *a, *b, *c;
	struct testinv t;

	(void)state;
	testinv_open(&t);
	assert_int_equal(inv_prepare(t.inv, &a, sql), 0);
	sqlite3_bind_int(a, 1, 7);
	assert_int_equal(sqlite3_step(a), SQLITE_ROW);
	/* in use: a nested prepare of the same text gets its own */
	assert_int_equal(inv_prepare(t.inv, &b, sql), 0);
	assert_ptr_not_equal(a, b);
	inv_finalize(t.inv, b);
	inv_finalize(t.inv, a);
	/* released: the same statement again, reset, bindings cleared */
	assert_int_equal(inv_prepare(t.inv, &c, sql), 0);
	assert_ptr_equal(c, a);
	assert_int_equal(sqlite3_step(c), SQLITE_ROW);
	assert_int_equal(sqlite3_column_type(c, 0), SQLITE_NULL);
	inv_finalize(t.inv, c);
	testinv_close(&t);
}

/** The schema version of the open inventory. */
static int64_t schema_version(struct testinv *t)
{
	int64_t v = -1;

	assert_int_equal(inv_tx_begin(t->inv), 0);
	assert_int_equal(inv_schema_version(t->inv, &v), 0);
	inv_tx_end(t->inv, -EPERM);
	return v;
}

/** Run SQL on the file by another connection (the inventory closed). */
static void raw_exec(const char *path, const char *sql)
{
	sqlite3 *db;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
		fail_msg("%s: %s", sql, sqlite3_errmsg(db));
	sqlite3_close(db);
}

/** The manifest of a fix, NULL if none (-ENODATA); rc checked. */
static char *manifest_of(struct testinv *t, const char *id)
{
	char *json = NULL;
	size_t len = 0;
	int rc;

	assert_int_equal(inv_tx_begin(t->inv), 0);
	rc = inv_fix_manifest_get(t->inv, id, &json, &len);
	inv_tx_end(t->inv, -EPERM);
	if (rc == -ENODATA)
		return NULL;
	assert_int_equal(rc, 0);
	assert_int_equal(strlen(json), len);
	return json;
}

/* A new inventory is at the last version: 4, with the manifests. */
static void test_schema_version_4(void **state)
{
	struct testinv t;
	char *json;

	(void)state;
	testinv_open(&t);
	assert_int_equal(schema_version(&t), 4);
	testinv_fix(&t, "av", 1);
	assert_null(manifest_of(&t, "av"));
	assert_int_equal(inv_tx_begin(t.inv), 0);
	assert_int_equal(inv_tx_end(t.inv, inv_fix_manifest_put(t.inv, "av",
								  "{}", 2)), 0);
	json = manifest_of(&t, "av");
	assert_string_equal(json, "{}");
	free(json);
	assert_int_equal(inv_tx_begin(t.inv), 0);
	assert_int_equal(inv_tx_end(t.inv, inv_fix_manifest_put(t.inv, "none",
								  "{}", 2)),
			 -ENOENT);
	/* a new serial of the fix clears the manifest of the old one */
	testinv_fix(&t, "av", 2);
	assert_null(manifest_of(&t, "av"));
	testinv_close(&t);
}

/*
 * An inventory of schema version 1 (made here by taking migrations 2 to 4
 * back: their columns dropped, the version set to 1) is migrated when
 * opened: its rows kept, the new columns there and empty.
 */
static void test_version_1_migrates(void **state)
{
	struct testinv t;
	char *json;

	(void)state;
	testinv_open(&t);
	testinv_client(&t, "02:00:00:00:00:01");
	testinv_fix(&t, "av", 1);
	inv_close(t.inv);
	raw_exec(t.path, "ALTER TABLE fixes DROP COLUMN manifest;"
		 "ALTER TABLE reports DROP COLUMN state;"
		 "ALTER TABLE clients DROP COLUMN last_decision;"
		 "ALTER TABLE clients DROP COLUMN last_reason;"
		 "ALTER TABLE clients DROP COLUMN removed;"
		 "UPDATE schema_version SET version = 1");
	assert_int_equal(inv_open(t.path, &t.inv), 0);
	assert_int_equal(schema_version(&t), 4);
	assert_int_equal(testinv_count(&t, "SELECT count(removed) FROM clients"),
			 0);
	assert_int_equal(testinv_count(&t, "SELECT count(last_decision) + "
				       "count(last_reason) FROM clients"), 0);
	assert_int_equal(testinv_count(&t, "SELECT count(*) FROM clients"), 1);
	assert_int_equal(testinv_count(&t, "SELECT serial FROM fixes WHERE "
				       "id = 'av' AND manifest IS NULL"), 1);
	assert_int_equal(testinv_count(&t, "SELECT count(state) FROM reports"),
			 0);
	assert_null(manifest_of(&t, "av"));
	assert_int_equal(inv_tx_begin(t.inv), 0);
	assert_int_equal(inv_tx_end(t.inv, inv_fix_manifest_put(t.inv, "av",
								  "{\"a\":1}",
								  7)), 0);
	json = manifest_of(&t, "av");
	assert_string_equal(json, "{\"a\":1}");
	free(json);
	testinv_close(&t);
}

/* An inventory newer than this fixsrv is refused, not downgraded. */
static void test_newer_schema_refused(void **state)
{
	struct testinv t;

	(void)state;
	testinv_open(&t);
	inv_close(t.inv);
	raw_exec(t.path, "UPDATE schema_version SET version = 5");
	assert_int_equal(inv_open(t.path, &t.inv), -EPROTO);
	raw_exec(t.path, "UPDATE schema_version SET version = 4");
	assert_int_equal(inv_open(t.path, &t.inv), 0);
	testinv_close(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_return_after_commit),
		cmocka_unit_test(test_reads_release_the_write_lock),
		cmocka_unit_test(test_stmt_cache),
		cmocka_unit_test(test_schema_version_4),
		cmocka_unit_test(test_version_1_migrates),
		cmocka_unit_test(test_newer_schema_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
