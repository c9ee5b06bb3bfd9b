/* SPDX-License-Identifier: MIT */
/*
 * The boot records written behind (bootlog.c) and the threads' read-only
 * connections (db_reader.c): a reader sees committed data only and never
 * waits for the writer; a queued record is written within the delay, by a
 * flush, or at stop; a full queue refuses (the caller writes at once) and
 * nothing it accepted is lost.
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
#include <time.h>

#include <cmocka.h>

#include "server/bootlog.h"
#include "server/inventory.h"
#include "server/test/testinv.h"

static const char MAC[] = "52:54:00:00:00:01";

/* An inventory with one client, and a boot log started on it. */
struct fixture {
	struct testinv t;
	int64_t id;
	struct bootlog *bl;
};

static int fixture_setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	testinv_open(&f->t);
	f->id = testinv_client(&f->t, MAC);
	assert_int_equal(bootlog_start(f->t.inv, &f->bl), 0);
	*state = f;
	return 0;
}

static int fixture_teardown(void **state)
{
	struct fixture *f = *state;

	bootlog_stop(f->bl);	/* NULL once a test stopped it */
	testinv_close(&f->t);
	free(f);
	return 0;
}

/** A local-boot record of a client. */
static void rec_of(struct bootlog_rec *r, int64_t client_id, int64_t now)
{
	memset(r, 0, sizeof(*r));
	r->client_id = client_id;
	r->time = now;
	snprintf(r->reason, sizeof(r->reason), "no fix pending");
	snprintf(r->uuid, sizeof(r->uuid),
		 "12345678-1234-1234-1234-123456789abc");
	snprintf(r->arch, sizeof(r->arch), "x86_64");
	snprintf(r->platform, sizeof(r->platform), "efi");
}

/** @ret 1 if the reader finds the client */
static int reader_finds(struct inv *r, const char *mac)
{
	struct inv_client c;
	int rc;

	assert_int_equal(inv_read_begin(r), 0);
	rc = inv_client_by_mac(r, mac, &c);
	assert_int_equal(inv_read_end(r, 0), 0);
	assert_true(rc == 0 || rc == -ENOENT);
	return rc == 0;
}

static void test_reader_sees_committed_only(void **state)
{
	struct testinv t;
	struct inv *r, *again;
	int64_t id;

	(void)state;
	testinv_open(&t);
	assert_int_equal(inv_reader(t.inv, &r), 0);
	assert_int_equal(inv_reader(t.inv, &again), 0);
	assert_ptr_equal(r, again);
	assert_ptr_not_equal(r, t.inv);
	assert_int_equal(reader_finds(r, MAC), 0);
	/* the writer's transaction open, the lock held: the reader neither
	 * waits nor sees the uncommitted client */
	assert_int_equal(inv_tx_begin(t.inv), 0);
	assert_int_equal(inv_client_add(t.inv, MAC, NULL, NULL, NULL, 1000,
					&id), 0);
	assert_int_equal(reader_finds(r, MAC), 0);
	assert_int_equal(inv_tx_end(t.inv, 0), 0);
	assert_int_equal(reader_finds(r, MAC), 1);
	/* a reader refuses to write */
	assert_true(inv_client_add(r, "52:54:00:00:00:02", NULL, NULL, NULL,
				   1000, &id) < 0);
	testinv_close(&t);
}

static void *other_reader(void *arg)
{
	struct inv *inv = arg, *r = NULL;

	assert_int_equal(inv_reader(inv, &r), 0);
	return r;
}

static void test_reader_per_thread(void **state)
{
	struct testinv t;
	struct inv *mine, *theirs;
	pthread_t th;

	(void)state;
	testinv_open(&t);
	assert_int_equal(inv_reader(t.inv, &mine), 0);
	assert_int_equal(pthread_create(&th, NULL, other_reader, t.inv), 0);
	assert_int_equal(pthread_join(th, (void **)&theirs), 0);
	assert_non_null(theirs);
	assert_ptr_not_equal(mine, theirs);
	testinv_close(&t);	/* closes both: no leak under ASan */
}

static void test_flush_writes_every_record(void **state)
{
	struct fixture *f = *state;
	struct bootlog_rec r;

	for (int i = 0; i < 3; i++) {
		rec_of(&r, f->id, 2000 + i);
		assert_int_equal(bootlog_add(f->bl, &r), 0);
	}
	assert_int_equal(bootlog_flush(f->bl), 0);
	assert_int_equal(testinv_count(&f->t, "SELECT count(*) FROM boots "
				       "WHERE decision = 'local'"), 3);
	/* a local boot is not an event; a quarantine boot is */
	assert_int_equal(testinv_count(&f->t, "SELECT count(*) FROM events "
				       "WHERE kind = 'boot'"), 0);
	assert_int_equal(testinv_count(&f->t, "SELECT last_boot FROM clients"),
			 2002);
	assert_int_equal(testinv_count(&f->t, "SELECT count(*) FROM clients "
				       "WHERE last_decision = 'local' AND "
				       "last_reason = 'no fix pending'"), 1);
	rec_of(&r, f->id, 2010);
	r.quarantine = true;
	snprintf(r.reason, sizeof(r.reason), "1 fix pending");
	assert_int_equal(bootlog_add(f->bl, &r), 0);
	assert_int_equal(bootlog_flush(f->bl), 0);
	assert_int_equal(testinv_count(&f->t, "SELECT count(*) FROM events "
				       "WHERE kind = 'boot' AND message = "
				       "'1 fix pending'"), 1);
	assert_int_equal(testinv_count(&f->t, "SELECT count(*) FROM clients "
				       "WHERE last_decision = 'quarantine'"), 1);
	assert_int_equal(testinv_count(&f->t, "SELECT count(*) FROM clients "
				       "WHERE uuid = '12345678-1234-1234-"
				       "1234-123456789abc' AND arch = 'x86_64' "
				       "AND platform = 'efi'"), 1);
}

static void test_written_within_the_delay(void **state)
{
	struct timespec nap = { 0, 3 * BOOTLOG_DELAY_MS * 1000000L };
	struct fixture *f = *state;
	struct bootlog_rec r;
	int64_t n = 0;

	rec_of(&r, f->id, 2000);
	assert_int_equal(bootlog_add(f->bl, &r), 0);
	/* no flush: the thread writes it */
	for (int i = 0; i < 10 && n == 0; i++) {
		nanosleep(&nap, NULL);
		assert_int_equal(inv_tx_begin(f->t.inv), 0);
		n = testinv_count(&f->t, "SELECT count(*) FROM boots");
		inv_tx_end(f->t.inv, 0);
	}
	assert_int_equal(n, 1);
}

static void test_full_queue_refuses_loses_nothing(void **state)
{
	struct fixture *f = *state;
	struct bootlog_rec r;
	int64_t accepted = 0;
	int rc = 0;

	rec_of(&r, f->id, 2000);
	/* the inventory's lock held here: the writer cannot write */
	assert_int_equal(inv_tx_begin(f->t.inv), 0);
	for (int i = 0; i <= 2 * BOOTLOG_QUEUE_MAX && rc == 0; i++) {
		rc = bootlog_add(f->bl, &r);
		accepted += rc == 0;
	}
	assert_int_equal(rc, -EAGAIN);
	assert_true(accepted >= BOOTLOG_QUEUE_MAX);
	assert_true(accepted <= 2 * BOOTLOG_QUEUE_MAX);
	inv_tx_end(f->t.inv, -EPERM);
	bootlog_stop(f->bl);	/* writes what is queued */
	f->bl = NULL;
	assert_int_equal(testinv_count(&f->t, "SELECT count(*) FROM boots"),
			 accepted);
}

static void test_stop_writes_the_queue(void **state)
{
	struct fixture *f = *state;
	struct bootlog_rec r;

	for (int i = 0; i < 700; i++) {
		rec_of(&r, f->id, 2000 + i);
		assert_int_equal(bootlog_add(f->bl, &r), 0);
	}
	bootlog_stop(f->bl);
	f->bl = NULL;
	assert_int_equal(testinv_count(&f->t, "SELECT count(*) FROM boots"),
			 700);
	assert_int_equal(testinv_count(&f->t, "SELECT last_boot FROM clients"),
			 2699);
}

/* A record that cannot be written (its client does not exist) loses
 * itself only: the batch is written again record by record. */
static void test_bad_record_loses_only_itself(void **state)
{
	struct fixture *f = *state;
	struct bootlog_rec r;
	struct buf m;

	for (int i = 0; i < 11; i++) {
		rec_of(&r, i == 5 ? f->id + 1000 : f->id, 2000 + i);
		assert_int_equal(bootlog_add(f->bl, &r), 0);
	}
	assert_true(bootlog_flush(f->bl) < 0);
	assert_int_equal(testinv_count(&f->t, "SELECT count(*) FROM boots"),
			 10);
	assert_int_equal(testinv_count(&f->t, "SELECT count(*) FROM boots "
				       "WHERE time = 2005"), 0);
	buf_init(&m, 4096);
	assert_int_equal(bootlog_metrics(f->bl, &m), 0);
	assert_non_null(strstr(m.data, "{outcome=\"queued\"} 11\n"));
	assert_non_null(strstr(m.data, "{outcome=\"written\"} 10\n"));
	assert_non_null(strstr(m.data, "{outcome=\"lost\"} 1\n"));
	buf_free(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reader_sees_committed_only),
		cmocka_unit_test(test_reader_per_thread),
		cmocka_unit_test_setup_teardown(test_flush_writes_every_record,
						fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_written_within_the_delay,
						fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_full_queue_refuses_loses_nothing,
						fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_stop_writes_the_queue,
						fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_bad_record_loses_only_itself,
						fixture_setup, fixture_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
