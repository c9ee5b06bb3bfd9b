/* SPDX-License-Identifier: MIT */
/*
 * Inventory transactions with group commit and the statement cache
 * (db.c): a caller's work is on disk when inv_tx_end() returns
 * 0, a failed caller undoes only its own work, concurrent callers share
 * commits.
 */
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_return_after_commit),
		cmocka_unit_test(test_reads_release_the_write_lock),
		cmocka_unit_test(test_stmt_cache),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
