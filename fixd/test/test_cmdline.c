/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fixd/cmdline.h"
#include "fixd/test/testlib.h"

#define TOKEN "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

/** Parse a string. */
static int parse(const char *s, struct cmdline *cl, struct err *err)
{
	return cmdline_parse(s, strlen(s), cl, err);
}

static void test_all_three(void **state)
{
	struct cmdline cl;
	char mac[MAC_STR_LEN];

	(void)state;
	assert_int_equal(parse("BOOT_IMAGE=/vmlinuz console=ttyS0 "
			       "fixsrv=http://10.77.0.1:8080 fixtoken=" TOKEN
			       " BOOTIF=01-52-54-00-12-34-56 quiet\n", &cl, NULL), 0);
	assert_true(cl.has_server && cl.has_token && cl.has_mac);
	assert_string_equal(cl.server, "http://10.77.0.1:8080");
	assert_string_equal(cl.token, TOKEN);
	mac_format(&cl.mac, mac);
	assert_string_equal(mac, "52:54:00:12:34:56");
}

static void test_missing_are_absent(void **state)
{
	struct cmdline cl;

	(void)state;
	assert_int_equal(parse("console=ttyS0 quiet", &cl, NULL), 0);
	assert_false(cl.has_server || cl.has_token || cl.has_mac);
	assert_int_equal(parse("", &cl, NULL), 0);
	assert_false(cl.has_server);
}

static void test_quoted_value(void **state)
{
	struct cmdline cl;

	(void)state;
	assert_int_equal(parse("fixsrv=\"http://fix.example:80/\"", &cl, NULL), 0);
	assert_string_equal(cl.server, "http://fix.example:80");
}

/* Found by fuzz/fuzz_cmdline: a '"' inside the URL parsed, but the command
 * line it was written back to did not. */
static void test_regression_quote_inside_url(void **state)
{
	struct cmdline cl;
	struct err err;

	(void)state;
	assert_int_equal(parse("fixsrv=http://a\"b", &cl, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "percent-encode"));
	assert_int_equal(parse("fixsrv=http://a{b}", &cl, NULL), -EINVAL);
	assert_int_equal(parse("fixsrv=http://h\xc3\xa9", &cl, NULL), -EINVAL);
}

static void test_trailing_slash_removed(void **state)
{
	struct cmdline cl;

	(void)state;
	assert_int_equal(parse("fixsrv=https://10.0.0.1/", &cl, NULL), 0);
	assert_string_equal(cl.server, "https://10.0.0.1");
}

static void test_twice_refused(void **state)
{
	struct cmdline cl;
	struct err err;

	(void)state;
	assert_int_equal(parse("fixsrv=http://a fixsrv=http://b", &cl, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "twice"));
	assert_int_equal(parse("fixtoken=" TOKEN " fixtoken=" TOKEN, &cl, NULL), -EINVAL);
	assert_int_equal(parse("BOOTIF=01-52-54-00-12-34-56 BOOTIF=01-52-54-00-12-34-57",
			       &cl, NULL), -EINVAL);
}

static void test_bad_token(void **state)
{
	struct cmdline cl;

	(void)state;
	assert_int_equal(parse("fixtoken=abc", &cl, NULL), -EINVAL);
	assert_int_equal(parse("fixtoken=0123456789ABCDEF0123456789abcdef0123456789"
			       "abcdef0123456789abcdef", &cl, NULL), -EINVAL);
	assert_int_equal(parse("fixtoken=" TOKEN "0", &cl, NULL), -EINVAL);
}

static void test_bad_bootif(void **state)
{
	struct cmdline cl;

	(void)state;
	assert_int_equal(parse("BOOTIF=52-54-00-12-34-56", &cl, NULL), -EINVAL);
	assert_int_equal(parse("BOOTIF=01-52-54-00-12-34", &cl, NULL), -EINVAL);
	assert_int_equal(parse("BOOTIF=", &cl, NULL), -EINVAL);
}

static void test_bad_server(void **state)
{
	struct cmdline cl;

	(void)state;
	assert_int_equal(parse("fixsrv=ftp://10.0.0.1", &cl, NULL), -EINVAL);
	assert_int_equal(parse("fixsrv=http://", &cl, NULL), -EINVAL);
	assert_int_equal(parse("fixsrv=10.0.0.1:8080", &cl, NULL), -EINVAL);
	assert_int_equal(parse("fixsrv=\"http://a b\"", &cl, NULL), -EINVAL);
	assert_int_equal(parse("fixsrv=http://a\x01", &cl, NULL), -EINVAL);
}

static void test_nul_refused(void **state)
{
	struct cmdline cl;
	const char text[] = "quiet fixsrv=http://a\0b";

	(void)state;
	assert_int_equal(cmdline_parse(text, sizeof(text) - 1, &cl, NULL), -EINVAL);
}

static void test_too_long(void **state)
{
	struct cmdline cl;
	char *text = malloc(CMDLINE_MAX + 2);

	(void)state;
	memset(text, 'a', CMDLINE_MAX + 1);
	assert_int_equal(cmdline_parse(text, CMDLINE_MAX + 1, &cl, NULL), -EFBIG);
	memcpy(text, "fixsrv=http://", 14);
	assert_int_equal(cmdline_parse(text, CMDLINE_MAX, &cl, NULL), -EINVAL);
	free(text);
}

static void test_read_file(void **state)
{
	char *dir = tl_tmpdir(), path[4096];
	const char *text = "fixsrv=http://10.77.0.1:8080 fixtoken=" TOKEN
			   " BOOTIF=01-aa-bb-cc-dd-ee-ff\n";
	struct cmdline cl;
	struct err err;

	(void)state;
	tl_write(dir, "cmdline", text, strlen(text), 0644);
	snprintf(path, sizeof(path), "%s/cmdline", dir);
	assert_int_equal(cmdline_read(path, &cl, &err), 0);
	assert_true(cl.has_server && cl.has_token && cl.has_mac);
	snprintf(path, sizeof(path), "%s/absent", dir);
	assert_int_equal(cmdline_read(path, &cl, &err), -ENOENT);
	tl_rmtree(dir);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_all_three),
		cmocka_unit_test(test_missing_are_absent),
		cmocka_unit_test(test_quoted_value),
		cmocka_unit_test(test_regression_quote_inside_url),
		cmocka_unit_test(test_trailing_slash_removed),
		cmocka_unit_test(test_twice_refused),
		cmocka_unit_test(test_bad_token),
		cmocka_unit_test(test_bad_bootif),
		cmocka_unit_test(test_bad_server),
		cmocka_unit_test(test_nul_refused),
		cmocka_unit_test(test_too_long),
		cmocka_unit_test(test_read_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
