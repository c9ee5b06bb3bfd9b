/* SPDX-License-Identifier: MIT */
/* Unit tests of common/token.c. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>

#include "common/hex.h"
#include "common/token.h"

/* A generated token is 64 lower-case hex digits and passes the check. */
static void test_generate_valid(void **state)
{
	char t[TOKEN_STR_LEN];

	(void)state;
	token_generate(t);
	assert_int_equal(strlen(t), 64);
	assert_int_equal(token_check(t), 0);
}

/* Two tokens differ (32 random bytes). */
static void test_generate_random(void **state)
{
	char a[TOKEN_STR_LEN], b[TOKEN_STR_LEN];

	(void)state;
	token_generate(a);
	token_generate(b);
	assert_string_not_equal(a, b);
}

/* Upper case, wrong length, non-hex: -EINVAL. */
static void test_check_invalid(void **state)
{
	char t[TOKEN_STR_LEN + 1];

	(void)state;
	memset(t, 'a', 64);
	t[64] = '\0';
	assert_int_equal(token_check(t), 0);
	t[10] = 'A';
	assert_int_equal(token_check(t), -EINVAL);
	t[10] = 'g';
	assert_int_equal(token_check(t), -EINVAL);
	t[10] = 'a';
	t[63] = '\0';
	assert_int_equal(token_check(t), -EINVAL);
	t[63] = 'a';
	t[64] = 'a';
	t[65] = '\0';
	assert_int_equal(token_check(t), -EINVAL);
	assert_int_equal(token_check(""), -EINVAL);
}

/* The stored hash is SHA-256 of the text (known answer for "abc"). */
static void test_hash_known_answer(void **state)
{
	uint8_t h[TOKEN_HASH_LEN];
	char hex[2 * TOKEN_HASH_LEN + 1];

	(void)state;
	token_hash("abc", h);
	hex_encode(h, sizeof(h), hex);
	assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223"
				 "b00361a396177a9cb410ff61f20015ad");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_generate_valid),
		cmocka_unit_test(test_generate_random),
		cmocka_unit_test(test_check_invalid),
		cmocka_unit_test(test_hash_known_answer),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
