/* SPDX-License-Identifier: MIT */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "fixd/text.h"

static void test_plain_unchanged(void **state)
{
	char s[] = "Windows/System32/drivers/C-00000291.sys";

	(void)state;
	assert_false(text_clean(s));
	assert_string_equal(s, "Windows/System32/drivers/C-00000291.sys");
}

static void test_utf8_kept(void **state)
{
	char s[] = "Programme/Caf\xc3\xa9/\xe2\x82\xac/\xf0\x9f\x98\x80";

	(void)state;
	assert_true(text_utf8(s));
	assert_false(text_clean(s));
}

static void test_control_characters_replaced(void **state)
{
	char s[] = "a\nb\tc\x1b[0m\x7f";

	(void)state;
	assert_true(text_clean(s));
	assert_string_equal(s, "a?b?c?[0m?");
}

static void test_invalid_utf8_replaced(void **state)
{
	char latin1[] = "caf\xe9.sys";
	char overlong[] = "\xc0\xaf";
	char surrogate[] = "\xed\xa0\x80";
	char truncated[] = "x\xe2\x82";
	char too_high[] = "\xf4\x90\x80\x80";

	(void)state;
	assert_false(text_utf8(latin1));
	assert_true(text_clean(latin1));
	assert_string_equal(latin1, "caf?.sys");
	assert_false(text_utf8(overlong));
	assert_false(text_utf8(surrogate));
	assert_false(text_utf8(truncated));
	assert_false(text_utf8(too_high));
	assert_true(text_clean(truncated));
	assert_string_equal(truncated, "x??");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain_unchanged),
		cmocka_unit_test(test_utf8_kept),
		cmocka_unit_test(test_control_characters_replaced),
		cmocka_unit_test(test_invalid_utf8_replaced),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
