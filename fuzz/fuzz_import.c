/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: import_parse() of fixsrv (server/import.c), the client lists
 * an operator imports (`fixctl client import`): each input is read both as
 * /etc/ethers and as CSV.  Invariants on a list that parses: at most
 * IMPORT_ROWS_MAX rows, in increasing line order; each MAC canonical and
 * unicast, each name empty or a valid name (an ethers row has a name and
 * no group); and the rows written back as CSV (or ethers) parse to the same
 * rows.
 */
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "server/import.h"
#include "fuzz/fuzz.h"

#define FI_TEXT_MAX (IMPORT_ROWS_MAX * (IMPORT_LINE_MAX + 1))

/**
 * Check a name field: empty, or a valid name.
 *
 * @v s		field
 * @ret 1 or 0
 */
static int fi_name_ok(const char *s)
{
	return !*s || inv_name_check(s) == 0;
}

/**
 * Check the rows of a parsed list.
 *
 * @v rows	rows
 * @v n		how many
 * @v fmt	the list's format
 */
static void fi_rules(const struct import_row *rows, size_t n,
		     enum import_format fmt)
{
	char canon[MAC_STR_LEN];
	struct mac m;
	size_t i;

	FUZZ_CHECK(n <= IMPORT_ROWS_MAX);
	for (i = 0; i < n; i++) {
		const struct import_row *r = &rows[i];

		FUZZ_CHECK(i == 0 || r->line > rows[i - 1].line);
		FUZZ_CHECK(mac_parse(r->mac, &m) == 0 && mac_is_unicast(&m));
		mac_format(&m, canon);
		FUZZ_CHECK(strcmp(canon, r->mac) == 0);
		FUZZ_CHECK(fi_name_ok(r->name) && fi_name_ok(r->group) &&
			   fi_name_ok(r->power_group));
		if (fmt == IMPORT_ETHERS)
			FUZZ_CHECK(r->name[0] && !r->group[0] &&
				   !r->power_group[0]);
	}
}

/**
 * Write rows back in a format and check that they parse to the same.
 *
 * @v rows	rows
 * @v n		how many
 * @v fmt	format to write
 */
static void fi_round_trip(const struct import_row *rows, size_t n,
			  enum import_format fmt)
{
	struct import_row *back = NULL;
	struct buf text;
	size_t nback, i;

	buf_init(&text, FI_TEXT_MAX);
	if (fmt == IMPORT_CSV)
		FUZZ_CHECK(buf_puts(&text, "mac,name,group,power_group\n") == 0);
	for (i = 0; i < n; i++)
		FUZZ_CHECK((fmt == IMPORT_CSV ?
			    buf_printf(&text, "%s,%s,%s,%s\n", rows[i].mac,
				       rows[i].name, rows[i].group,
				       rows[i].power_group) :
			    buf_printf(&text, "%s %s\n", rows[i].mac,
				       rows[i].name)) == 0);
	FUZZ_CHECK(import_parse(text.data ? text.data : "", text.len, fmt,
				&back, &nback, NULL) == 0);
	FUZZ_CHECK(nback == n);
	for (i = 0; i < n; i++) {
		FUZZ_CHECK(strcmp(back[i].mac, rows[i].mac) == 0);
		FUZZ_CHECK(strcmp(back[i].name, rows[i].name) == 0);
		FUZZ_CHECK(strcmp(back[i].group, rows[i].group) == 0);
		FUZZ_CHECK(strcmp(back[i].power_group, rows[i].power_group) == 0);
	}
	free(back);
	buf_free(&text);
}

/**
 * Parse the input in one format and check what comes out.
 *
 * @v text	input
 * @v len	its length
 * @v fmt	format
 */
static void fi_one(const char *text, size_t len, enum import_format fmt)
{
	struct import_row *rows = NULL;
	struct err err;
	size_t n = 0;

	if (import_parse(text, len, fmt, &rows, &n, &err) < 0) {
		FUZZ_CHECK(n == 0);
		return;
	}
	fi_rules(rows, n, fmt);
	fi_round_trip(rows, n, fmt);
	free(rows);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fi_one((const char *)data, size, IMPORT_ETHERS);
	fi_one((const char *)data, size, IMPORT_CSV);
	return 0;
}
