/* SPDX-License-Identifier: MIT */
#ifndef FIXNET_SERVER_TEST_TESTINV_H
#define FIXNET_SERVER_TEST_TESTINV_H

/*
 * A fresh inventory in a temporary file for one unit test, and a client
 * and fix in it.
 */

#include <stdint.h>

#include "server/inventory.h"

struct testinv {
	char path[64];
	struct inv *inv;
};

/** Open a new inventory (cmocka assertions on failure). */
void testinv_open(struct testinv *t);

/** Close and remove it. */
void testinv_close(struct testinv *t);

/** Add a client and return its id. */
int64_t testinv_client(struct testinv *t, const char *mac);

/** Add a fix row of that id and serial. */
void testinv_fix(struct testinv *t, const char *id, uint64_t serial);

/** Count rows of a static query that returns one number. */
int64_t testinv_count(struct testinv *t, const char *sql);

#endif
