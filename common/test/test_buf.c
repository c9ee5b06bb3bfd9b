/* SPDX-License-Identifier: MIT */
/* Unit tests of common/buf.c. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"

/* Appends accumulate and the data stays NUL-terminated. */
static void test_append_and_terminate(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b, 100);
	assert_null(b.data);
	assert_int_equal(buf_append(&b, "ab", 2), 0);
	assert_int_equal(buf_puts(&b, "cd"), 0);
	assert_int_equal(b.len, 4);
	assert_string_equal(b.data, "abcd");
	buf_free(&b);
}

/* Binary data with NUL bytes is kept whole. */
static void test_append_binary(void **state)
{
	static const char bin[] = { 'a', '\0', 'b' };
	struct buf b;

	(void)state;
	buf_init(&b, 10);
	assert_int_equal(buf_append(&b, bin, sizeof(bin)), 0);
	assert_int_equal(b.len, 3);
	assert_memory_equal(b.data, bin, 3);
	assert_int_equal(b.data[3], '\0');
	buf_free(&b);
}

/* Exactly max bytes fit; one more fails with -EFBIG, content unchanged. */
static void test_max_enforced(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b, 5);
	assert_int_equal(buf_puts(&b, "12345"), 0);
	assert_int_equal(buf_puts(&b, "6"), -EFBIG);
	assert_int_equal(b.len, 5);
	assert_string_equal(b.data, "12345");
	buf_free(&b);
}

/* A failed printf past max leaves the buffer as it was. */
static void test_printf_past_max(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b, 8);
	assert_int_equal(buf_printf(&b, "%d-%s", 42, "ok"), 0);
	assert_string_equal(b.data, "42-ok");
	assert_int_equal(buf_printf(&b, "%s", "toolong"), -EFBIG);
	assert_string_equal(b.data, "42-ok");
	assert_int_equal(b.len, 5);
	buf_free(&b);
}

/* Growth over many appends keeps every byte. */
static void test_growth(void **state)
{
	struct buf b;
	int i;

	(void)state;
	buf_init(&b, 100000);
	for (i = 0; i < 10000; i++)
		assert_int_equal(buf_printf(&b, "%d", i % 10), 0);
	assert_int_equal(b.len, 10000);
	for (i = 0; i < 10000; i++)
		assert_int_equal(b.data[i], '0' + i % 10);
	buf_free(&b);
}

/* reset empties but keeps the allocation. */
static void test_reset(void **state)
{
	struct buf b;
	char *data;

	(void)state;
	buf_init(&b, 100);
	buf_puts(&b, "hello");
	data = b.data;
	buf_reset(&b);
	assert_int_equal(b.len, 0);
	assert_ptr_equal(b.data, data);
	assert_string_equal(b.data, "");
	buf_free(&b);
}

/* steal hands over the data, even for a buffer never appended to. */
static void test_steal(void **state)
{
	struct buf b;
	size_t len;
	char *p;

	(void)state;
	buf_init(&b, 100);
	buf_puts(&b, "xyz");
	p = buf_steal(&b, &len);
	assert_string_equal(p, "xyz");
	assert_int_equal(len, 3);
	assert_null(b.data);
	assert_int_equal(b.len, 0);
	free(p);

	p = buf_steal(&b, &len);
	assert_non_null(p);
	assert_string_equal(p, "");
	assert_int_equal(len, 0);
	free(p);
	buf_free(&b);
}

/* free accepts a buffer never used and NULL. */
static void test_free_unused(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b, 1);
	buf_free(&b);
	buf_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_append_and_terminate),
		cmocka_unit_test(test_append_binary),
		cmocka_unit_test(test_max_enforced),
		cmocka_unit_test(test_printf_past_max),
		cmocka_unit_test(test_growth),
		cmocka_unit_test(test_reset),
		cmocka_unit_test(test_steal),
		cmocka_unit_test(test_free_unused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
