/* SPDX-License-Identifier: MIT */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "fixd/log.h"

static void test_lines_kept_with_level(void **state)
{
	struct log l;

	(void)state;
	log_init(&l, "fixd", LV_INFO, 4096);
	l.out = NULL;
	log_info(&l, "plan: %d fix(es)", 2);
	log_err(&l, "bad %s", "signature");
	assert_non_null(strstr(l.copy.data, "] fixd: info: plan: 2 fix(es)\n"));
	assert_non_null(strstr(l.copy.data, "] fixd: error: bad signature\n"));
	log_free(&l);
}

static void test_below_level_dropped(void **state)
{
	struct log l;

	(void)state;
	log_init(&l, "fixd", LV_INFO, 4096);
	l.out = NULL;
	log_debug(&l, "noise");
	assert_null(l.copy.data);
	log_free(&l);
}

static void test_control_characters_replaced(void **state)
{
	struct log l;

	(void)state;
	log_init(&l, "fixd", LV_INFO, 4096);
	l.out = NULL;
	log_info(&l, "a\tb\033[2Jc\nd");
	assert_non_null(strstr(l.copy.data, "info: a b?[2Jc?d\n"));
	log_free(&l);
}

static void test_copy_bounded_with_one_marker(void **state)
{
	struct log l;
	const char *mark;

	(void)state;
	log_init(&l, "fixd", LV_INFO, 1000);
	l.out = NULL;
	for (int i = 0; i < 100; i++)
		log_info(&l, "line %d of a long story", i);
	assert_true(l.copy.len <= 1000);
	mark = strstr(l.copy.data, "[log truncated]\n");
	assert_non_null(mark);
	assert_null(strstr(mark + 1, "[log truncated]"));
	assert_string_equal(mark, "[log truncated]\n");
	log_free(&l);
}

static void test_long_message_cut(void **state)
{
	char big[3 * LOG_LINE_MAX];
	struct log l;

	(void)state;
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	log_init(&l, "fixd", LV_INFO, 16384);
	l.out = NULL;
	log_info(&l, "%s", big);
	assert_true(l.copy.len < LOG_LINE_MAX + 64);
	log_free(&l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lines_kept_with_level),
		cmocka_unit_test(test_below_level_dropped),
		cmocka_unit_test(test_control_characters_replaced),
		cmocka_unit_test(test_copy_bounded_with_one_marker),
		cmocka_unit_test(test_long_message_cut),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
