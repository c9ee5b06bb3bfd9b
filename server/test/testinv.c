/* SPDX-License-Identifier: MIT */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "server/log.h"
#include "server/test/testinv.h"

/** Open a fresh inventory in /tmp (see testinv.h). */
void testinv_open(struct testinv *t)
{
	int fd;

	log_init("test", LOG_LVL_WARN);
	snprintf(t->path, sizeof(t->path), "/tmp/fixnet-test-XXXXXX");
	fd = mkstemp(t->path);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(inv_open(t->path, &t->inv), 0);
}

/** Close the inventory and remove its files. */
void testinv_close(struct testinv *t)
{
	char side[80];

	inv_close(t->inv);
	unlink(t->path);
	snprintf(side, sizeof(side), "%s-wal", t->path);
	unlink(side);
	snprintf(side, sizeof(side), "%s-shm", t->path);
	unlink(side);
}

/** Add a client, @ret its id. */
int64_t testinv_client(struct testinv *t, const char *mac)
{
	int64_t id = 0;

	assert_int_equal(inv_tx_begin(t->inv), 0);
	assert_int_equal(inv_tx_end(t->inv, inv_client_add(t->inv, mac, NULL,
							    NULL, NULL, 1000,
							    &id)), 0);
	return id;
}

/** Store a fix row. */
void testinv_fix(struct testinv *t, const char *id, uint64_t serial)
{
	struct inv_fix f = { .serial = serial, .size = 10, .sig_size = 5,
			     .added = 1000 };

	snprintf(f.id, sizeof(f.id), "%s", id);
	memset(f.sha256, 'a', 64);
	snprintf(f.keyid, sizeof(f.keyid), "0123456789ABCDEF");
	assert_int_equal(inv_tx_begin(t->inv), 0);
	assert_int_equal(inv_tx_end(t->inv, inv_fix_put(t->inv, &f)), 0);
}

/** @ret the number a one-row query of static SQL returns. */
int64_t testinv_count(struct testinv *t, const char *sql)
{
	sqlite3_stmt *st;
	int64_t n;

	assert_int_equal(sqlite3_prepare_v2(t->inv->db, sql, -1, &st, NULL),
			 SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}
