/* SPDX-License-Identifier: MIT */
/* Client lists: /etc/ethers and CSV. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "server/import.h"

static int parse(const char *text, enum import_format fmt,
		 struct import_row **rows, size_t *n, struct err *err)
{
	return import_parse(text, strlen(text), fmt, rows, n, err);
}

static void test_ethers(void **state)
{
	struct import_row *rows = NULL;
	struct err err = { .msg = "" };
	size_t n;

	(void)state;
	assert_int_equal(parse("# lab 1\n52:54:00:00:00:01 pc1\n\n"
			       "52-54-00-00-00-02\tpc2.lab  # spare\n",
			       IMPORT_ETHERS, &rows, &n, &err), 0);
	assert_int_equal(n, 2);
	assert_string_equal(rows[0].mac, "52:54:00:00:00:01");
	assert_string_equal(rows[0].name, "pc1");
	assert_string_equal(rows[1].mac, "52:54:00:00:00:02");
	assert_string_equal(rows[1].name, "pc2.lab");
	assert_int_equal(rows[1].line, 4);
	free(rows);
}

static void test_csv(void **state)
{
	struct import_row *rows = NULL;
	struct err err = { .msg = "" };
	size_t n;

	(void)state;
	assert_int_equal(parse("mac,name,group,power_group\n"
			       "52:54:00:00:00:01,pc1,lab1,rack1\n"
			       "52:54:00:00:00:02,,lab1\n"
			       "525400000003\n", IMPORT_CSV, &rows, &n, &err), 0);
	assert_int_equal(n, 3);
	assert_string_equal(rows[0].group, "lab1");
	assert_string_equal(rows[0].power_group, "rack1");
	assert_string_equal(rows[1].name, "");
	assert_string_equal(rows[1].group, "lab1");
	assert_string_equal(rows[2].mac, "52:54:00:00:00:03");
	free(rows);
}

static void test_bad_mac_names_line(void **state)
{
	struct import_row *rows = NULL;
	struct err err = { .msg = "" };
	size_t n;

	(void)state;
	assert_int_equal(parse("52:54:00:00:00:01 pc1\n52:54:00:00:01 pc2\n",
			       IMPORT_ETHERS, &rows, &n, &err), -EINVAL);
	assert_string_equal(err.msg, "line 2: invalid MAC 52:54:00:00:01");
	assert_int_equal(n, 0);
}

static void test_sql_in_name_refused(void **state)
{
	struct import_row *rows = NULL;
	struct err err = { .msg = "" };
	size_t n;

	(void)state;
	assert_int_equal(parse("52:54:00:00:00:01,pc1');DROP TABLE clients;--"
			       ",lab\n", IMPORT_CSV, &rows, &n, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "line 1: invalid name"));
	assert_int_equal(parse("52:54:00:00:00:01,a,b,c,d\n", IMPORT_CSV, &rows,
			       &n, &err), -EINVAL);
	assert_int_equal(parse("52:54:00:00:00:01 pc1 extra\n", IMPORT_ETHERS,
			       &rows, &n, &err), -EINVAL);
	assert_int_equal(parse("01:00:5e:00:00:01 mcast\n", IMPORT_ETHERS,
			       &rows, &n, &err), -EINVAL);
}

static void test_binary_refused(void **state)
{
	static const char bin[] = "52:54:00:00:00:01 p\0c1\n";
	struct import_row *rows = NULL;
	struct err err = { .msg = "" };
	size_t n;

	(void)state;
	assert_int_equal(import_parse(bin, sizeof(bin) - 1, IMPORT_ETHERS,
				      &rows, &n, &err), -EINVAL);
	assert_string_equal(err.msg, "line 1: too long or binary");
}

static void test_format_names(void **state)
{
	enum import_format f;

	(void)state;
	assert_int_equal(import_format_parse("ethers", &f), 0);
	assert_int_equal(f, IMPORT_ETHERS);
	assert_int_equal(import_format_parse("csv", &f), 0);
	assert_int_equal(f, IMPORT_CSV);
	assert_int_equal(import_format_parse("xml", &f), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ethers),
		cmocka_unit_test(test_csv),
		cmocka_unit_test(test_bad_mac_names_line),
		cmocka_unit_test(test_sql_in_name_refused),
		cmocka_unit_test(test_binary_refused),
		cmocka_unit_test(test_format_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
