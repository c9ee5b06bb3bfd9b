/* SPDX-License-Identifier: MIT */
/* Unit tests of common/strnum.c. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>

#include "common/strnum.h"

/* Plain decimals inside the range parse. */
static void test_u64_valid(void **state)
{
	uint64_t v;

	(void)state;
	assert_int_equal(strnum_u64("0", 0, 10, &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(strnum_u64("1234", 0, UINT64_MAX, &v), 0);
	assert_int_equal(v, 1234);
	assert_int_equal(strnum_u64("18446744073709551615", 0, UINT64_MAX,
				    &v), 0);
	assert_true(v == UINT64_MAX);
}

/* Anything but bare digits is -EINVAL and *out is untouched. */
static void test_u64_not_a_number(void **state)
{
	static const char *bad[] = { "", "-1", "+1", " 1", "1 ", "0x10",
				     "1.5", "1e3", "12a", "a" };
	uint64_t v = 77;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(strnum_u64(bad[i], 0, UINT64_MAX, &v),
				 -EINVAL);
		assert_int_equal(v, 77);
	}
	assert_int_equal(strnum_u64(NULL, 0, 1, &v), -EINVAL);
}

/* Below min, above max, and past 2^64 - 1 are -ERANGE. */
static void test_u64_range(void **state)
{
	uint64_t v = 77;

	(void)state;
	assert_int_equal(strnum_u64("0", 1, 10, &v), -ERANGE);
	assert_int_equal(strnum_u64("11", 1, 10, &v), -ERANGE);
	assert_int_equal(strnum_u64("18446744073709551616", 0, UINT64_MAX,
				    &v), -ERANGE);
	assert_int_equal(strnum_u64("99999999999999999999999999", 0,
				    UINT64_MAX, &v), -ERANGE);
	assert_int_equal(v, 77);
}

/* Octal modes with or without a leading zero. */
static void test_mode_valid(void **state)
{
	uint32_t m;

	(void)state;
	assert_int_equal(strnum_mode("0644", &m), 0);
	assert_int_equal(m, 0644);
	assert_int_equal(strnum_mode("755", &m), 0);
	assert_int_equal(m, 0755);
	assert_int_equal(strnum_mode("7777", &m), 0);
	assert_int_equal(m, 07777);
	assert_int_equal(strnum_mode("0", &m), 0);
	assert_int_equal(m, 0);
}

/* Non-octal digits, signs, empty: -EINVAL; above 07777: -ERANGE. */
static void test_mode_invalid(void **state)
{
	uint32_t m = 5;

	(void)state;
	assert_int_equal(strnum_mode("", &m), -EINVAL);
	assert_int_equal(strnum_mode("0648", &m), -EINVAL);
	assert_int_equal(strnum_mode("-644", &m), -EINVAL);
	assert_int_equal(strnum_mode("0o644", &m), -EINVAL);
	assert_int_equal(strnum_mode("644 ", &m), -EINVAL);
	assert_int_equal(strnum_mode("10000", &m), -ERANGE);
	assert_int_equal(strnum_mode("77777777777777777777777", &m), -ERANGE);
	assert_int_equal(m, 5);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_u64_valid),
		cmocka_unit_test(test_u64_not_a_number),
		cmocka_unit_test(test_u64_range),
		cmocka_unit_test(test_mode_valid),
		cmocka_unit_test(test_mode_invalid),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
