/* SPDX-License-Identifier: MIT */
/* Unit tests of common/err.c. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>

#include "common/err.h"

/* The message is formatted and the code comes back unchanged. */
static void test_set_formats_and_returns_rc(void **state)
{
	struct err e;

	(void)state;
	assert_int_equal(err_set(&e, -EINVAL, "bad %s at %d", "path", 3),
			 -EINVAL);
	assert_string_equal(e.msg, "bad path at 3");
}

/* A NULL err is allowed: only the code is returned. */
static void test_set_null_err(void **state)
{
	(void)state;
	assert_int_equal(err_set(NULL, -ENOENT, "x"), -ENOENT);
}

/* A long message is cut to ERR_MSG_MAX - 1 bytes and stays terminated. */
static void test_set_truncates(void **state)
{
	char long_arg[2 * ERR_MSG_MAX];
	struct err e;

	(void)state;
	memset(long_arg, 'x', sizeof(long_arg) - 1);
	long_arg[sizeof(long_arg) - 1] = '\0';
	err_set(&e, -E2BIG, "%s", long_arg);
	assert_int_equal(strlen(e.msg), ERR_MSG_MAX - 1);
}

/* err_clear empties the message and accepts NULL. */
static void test_clear(void **state)
{
	struct err e;

	(void)state;
	err_set(&e, -EIO, "something");
	err_clear(&e);
	assert_string_equal(e.msg, "");
	err_clear(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_set_formats_and_returns_rc),
		cmocka_unit_test(test_set_null_err),
		cmocka_unit_test(test_set_truncates),
		cmocka_unit_test(test_clear),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
