/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fixd/journal.h"

/*
 * The journal's format (fixd/journal.c): what is written reads back the
 * same, byte for byte in its paths; what was not written by fixd (it comes
 * from a disk) is refused, every truncation of a valid journal too.
 */

#define HEX_A "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define HEX_B "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"

/** A journal of three steps, one of them with an unprintable name. */
static struct journal *sample(void)
{
	struct journal *j = journal_new("av-2026.11", 3);

	assert_non_null(j);
	j->serial = 7;
	memset(j->bundle_sha, 0x11, SHA256_LEN);
	j->attempt = 2;
	j->hooks = 1;
	j->hooks_done = true;
	j->steps[0] = (struct journal_step){ .kind = MANIFEST_OP_PUT,
		.path = strdup("etc/av/defs.dat"), .has_before = true };
	memset(j->steps[0].before, 0xaa, SHA256_LEN);
	memset(j->steps[0].after, 0xbb, SHA256_LEN);
	j->steps[1] = (struct journal_step){ .kind = MANIFEST_OP_PUT,
		.path = strdup("new dir/100% sure.txt") };
	memset(j->steps[1].after, 0xcc, SHA256_LEN);
	j->steps[2] = (struct journal_step){ .kind = MANIFEST_OP_DELETE,
		.path = strdup("drv/C-291\n\xe9\x01.sys"), .has_before = true };
	memset(j->steps[2].before, 0xdd, SHA256_LEN);
	return j;
}

/** Encode a journal into a string to free. */
static char *encode(const struct journal *j)
{
	struct buf b;

	buf_init(&b, JOURNAL_MAX_BYTES);
	assert_int_equal(journal_encode(j, &b), 0);
	return buf_steal(&b, NULL);
}

/** Decode text; @ret the return code (and free what was read). */
static int decode(const char *text)
{
	struct journal *j = NULL;
	struct err err;
	int rc = journal_decode(text, strlen(text), &j, &err);

	if (rc == 0)
		assert_non_null(j);
	else
		assert_null(j);
	journal_free(j);
	return rc;
}

static void test_round_trip_keeps_every_field(void **state)
{
	struct journal *j = sample(), *back = NULL;
	char *text = encode(j);
	struct err err;

	(void)state;
	assert_int_equal(journal_decode(text, strlen(text), &back, &err), 0);
	assert_string_equal(back->id, "av-2026.11");
	assert_int_equal(back->serial, 7);
	assert_memory_equal(back->bundle_sha, j->bundle_sha, SHA256_LEN);
	assert_int_equal(back->attempt, 2);
	assert_int_equal(back->hooks, 1);
	assert_true(back->hooks_done);
	assert_false(back->rollback);
	assert_int_equal(back->nsteps, 3);
	for (size_t i = 0; i < 3; i++) {
		assert_int_equal(back->steps[i].kind, j->steps[i].kind);
		assert_string_equal(back->steps[i].path, j->steps[i].path);
		assert_int_equal(back->steps[i].has_before, j->steps[i].has_before);
		assert_memory_equal(back->steps[i].before, j->steps[i].before, SHA256_LEN);
	}
	assert_memory_equal(back->steps[0].after, j->steps[0].after, SHA256_LEN);
	assert_memory_equal(back->steps[1].after, j->steps[1].after, SHA256_LEN);
	journal_free(back);
	journal_free(j);
	free(text);
}

static void test_paths_are_escaped_ascii(void **state)
{
	struct journal *j = sample();
	char *text = encode(j);

	(void)state;
	assert_non_null(strstr(text, "\"new%20dir/100%25%20sure.txt\""));
	assert_non_null(strstr(text, "\"drv/C-291%0A%E9%01.sys\""));
	for (const char *p = text; *p; p++)
		assert_true(*p == '\n' || (*p >= 0x20 && *p < 0x7f));
	journal_free(j);
	free(text);
}

static void test_every_truncation_refused(void **state)
{
	struct journal *j = sample(), *back;
	char *text = encode(j);
	size_t len = strlen(text);

	(void)state;
	/* the last byte is the newline: a journal without it is whole */
	for (size_t n = 0; n + 1 < len; n++) {
		back = NULL;
		assert_int_not_equal(journal_decode(text, n, &back, NULL), 0);
		assert_null(back);
	}
	journal_free(j);
	free(text);
}

/** A valid journal text with one step put in. */
static char *with_step(const char *step)
{
	char *t;

	assert_true(asprintf(&t, "{\"format\": 1, \"id\": \"x\", \"serial\": 1, "
			     "\"bundle_sha256\": \"" HEX_A "\", \"attempt\": 1, "
			     "\"hooks\": 0, \"hooks_done\": false, \"rollback\": false, "
			     "\"steps\": [%s]}", step) > 0);
	return t;
}

/** Decode with_step(step). */
static int decode_step(const char *step)
{
	char *t = with_step(step);
	int rc = decode(t);

	free(t);
	return rc;
}

static void test_valid_step_accepted(void **state)
{
	(void)state;
	assert_int_equal(decode_step("{\"op\": \"put\", \"path\": \"a/b\", "
				     "\"before\": null, \"after\": \"" HEX_B "\"}"), 0);
	assert_int_equal(decode_step("{\"op\": \"delete\", \"path\": \"a/b\", "
				     "\"before\": \"" HEX_B "\"}"), 0);
}

static void test_bad_paths_refused(void **state)
{
	static const char *const bad[] = {
		"/etc/passwd", "../x", "a/../../x", "a/./b", "a//b", "a/", "",
		".fixnet/journal", ".fixnet", "a%00b", "a%2", "a%G0", "a b",
		"a\\u00e9", "%2E%2E/x",
	};
	char step[256];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(step, sizeof(step), "{\"op\": \"delete\", \"path\": \"%s\", "
			 "\"before\": \"" HEX_B "\"}", bad[i]);
		if (decode_step(step) != -EINVAL)
			fail_msg("path \"%s\" accepted", bad[i]);
	}
}

static void test_bad_steps_refused(void **state)
{
	static const char *const bad[] = {
		"{\"op\": \"move\", \"path\": \"a\", \"before\": \"" HEX_B "\"}",
		"{\"op\": \"delete\", \"path\": \"a\", \"before\": null}",
		"{\"op\": \"delete\", \"path\": \"a\"}",
		"{\"op\": \"delete\", \"path\": \"a\", \"before\": \"" HEX_B "\", "
		"\"after\": \"" HEX_B "\"}",
		"{\"op\": \"put\", \"path\": \"a\", \"before\": null}",
		"{\"op\": \"put\", \"path\": \"a\", \"before\": null, \"after\": \"abc\"}",
		"{\"op\": \"put\", \"path\": \"a\", \"before\": null, \"after\": \""
		HEX_B "\", \"mode\": 420}",
		"{\"op\": \"put\", \"path\": 3, \"before\": null, \"after\": \"" HEX_B "\"}",
		"[]",
		"{\"op\": \"delete\", \"path\": \"a\", \"before\": \"" HEX_B "\"}, "
		"{\"op\": \"put\", \"path\": \"a\", \"before\": null, \"after\": \""
		HEX_B "\"}",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (decode_step(bad[i]) != -EINVAL)
			fail_msg("step %s accepted", bad[i]);
	}
}

static void test_bad_top_level_refused(void **state)
{
	static const char *const bad[] = {
		"", "null", "[]", "{}", "{\"format\": 1",
		/* each a valid journal with one field broken */
		"{\"format\": 2, \"id\": \"x\", \"serial\": 1, \"bundle_sha256\": \"" HEX_A
		"\", \"attempt\": 1, \"hooks\": 0, \"hooks_done\": false, \"rollback\": "
		"false, \"steps\": []}",
		"{\"format\": 1, \"id\": \"../x\", \"serial\": 1, \"bundle_sha256\": \""
		HEX_A "\", \"attempt\": 1, \"hooks\": 0, \"hooks_done\": false, "
		"\"rollback\": false, \"steps\": []}",
		"{\"format\": 1, \"id\": \"x\", \"serial\": 0, \"bundle_sha256\": \"" HEX_A
		"\", \"attempt\": 1, \"hooks\": 0, \"hooks_done\": false, \"rollback\": "
		"false, \"steps\": []}",
		"{\"format\": 1, \"id\": \"x\", \"serial\": 1, \"bundle_sha256\": \"" HEX_A
		"\", \"attempt\": 0, \"hooks\": 0, \"hooks_done\": false, \"rollback\": "
		"false, \"steps\": []}",
		"{\"format\": 1, \"id\": \"x\", \"serial\": 1, \"bundle_sha256\": \"" HEX_A
		"\", \"attempt\": -1, \"hooks\": 0, \"hooks_done\": false, \"rollback\": "
		"false, \"steps\": []}",
		"{\"format\": 1, \"id\": \"x\", \"serial\": 1, \"bundle_sha256\": \"zz\", "
		"\"attempt\": 1, \"hooks\": 0, \"hooks_done\": false, \"rollback\": false, "
		"\"steps\": []}",
		"{\"format\": 1, \"id\": \"x\", \"serial\": 1, \"bundle_sha256\": \"" HEX_A
		"\", \"attempt\": 1, \"hooks\": 0, \"hooks_done\": 0, \"rollback\": "
		"false, \"steps\": []}",
		"{\"format\": 1, \"id\": \"x\", \"serial\": 1, \"bundle_sha256\": \"" HEX_A
		"\", \"attempt\": 1, \"hooks\": 0, \"hooks_done\": false, \"rollback\": "
		"false, \"steps\": [], \"extra\": 1}",
		"{\"format\": 1, \"format\": 1, \"id\": \"x\", \"serial\": 1, "
		"\"bundle_sha256\": \"" HEX_A "\", \"attempt\": 1, \"hooks\": 0, "
		"\"hooks_done\": false, \"rollback\": false, \"steps\": []}",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (decode(bad[i]) != -EINVAL)
			fail_msg("journal %s accepted", bad[i]);
	}
}

static void test_oversize_refused(void **state)
{
	struct journal *j = NULL;
	char small[] = "{}";

	(void)state;
	assert_int_equal(journal_decode(small, JOURNAL_MAX_BYTES + 1, &j, NULL),
			 -EFBIG);
	assert_null(journal_new("x", JOURNAL_STEPS_MAX + 1));
}

static void test_encode_refuses_what_decode_would(void **state)
{
	struct journal *j = sample();
	struct buf b;

	(void)state;
	buf_init(&b, JOURNAL_MAX_BYTES);
	free(j->steps[1].path);
	j->steps[1].path = strdup("../escape");
	assert_int_equal(journal_encode(j, &b), -EINVAL);
	assert_int_equal(b.len, 0);
	buf_free(&b);
	journal_free(j);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip_keeps_every_field),
		cmocka_unit_test(test_paths_are_escaped_ascii),
		cmocka_unit_test(test_every_truncation_refused),
		cmocka_unit_test(test_valid_step_accepted),
		cmocka_unit_test(test_bad_paths_refused),
		cmocka_unit_test(test_bad_steps_refused),
		cmocka_unit_test(test_bad_top_level_refused),
		cmocka_unit_test(test_oversize_refused),
		cmocka_unit_test(test_encode_refuses_what_decode_would),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
