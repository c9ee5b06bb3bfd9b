/* SPDX-License-Identifier: MIT */
/* Unit tests of common/hex.c. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>

#include "common/hex.h"

/* Encoding is lower case and NUL-terminated. */
static void test_encode(void **state)
{
	static const uint8_t in[] = { 0x00, 0x0f, 0xa5, 0xff };
	char out[9];

	(void)state;
	hex_encode(in, sizeof(in), out);
	assert_string_equal(out, "000fa5ff");
	hex_encode(in, 0, out);
	assert_string_equal(out, "");
}

/* Decoding takes either case. */
static void test_decode(void **state)
{
	static const uint8_t want[] = { 0xde, 0xad, 0xbe, 0xef };
	uint8_t out[4];

	(void)state;
	assert_int_equal(hex_decode("deadBEEF", out, 4), 0);
	assert_memory_equal(out, want, 4);
}

/* Too short, too long, and non-hex input are -EINVAL. */
static void test_decode_invalid(void **state)
{
	uint8_t out[4] = { 1, 2, 3, 4 };
	static const uint8_t orig[4] = { 1, 2, 3, 4 };

	(void)state;
	assert_int_equal(hex_decode("deadbee", out, 4), -EINVAL);
	assert_int_equal(hex_decode("deadbeef0", out, 4), -EINVAL);
	assert_int_equal(hex_decode("deadbeeg", out, 4), -EINVAL);
	assert_int_equal(hex_decode("dead beef", out, 4), -EINVAL);
	assert_int_equal(hex_decode("", out, 4), -EINVAL);
	assert_memory_equal(out, orig, 4);
}

/* Round trip of every byte value. */
static void test_round_trip(void **state)
{
	uint8_t in[256], out[256];
	char text[513];
	int i;

	(void)state;
	for (i = 0; i < 256; i++)
		in[i] = (uint8_t)i;
	hex_encode(in, 256, text);
	assert_int_equal(hex_decode(text, out, 256), 0);
	assert_memory_equal(in, out, 256);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_encode),
		cmocka_unit_test(test_decode),
		cmocka_unit_test(test_decode_invalid),
		cmocka_unit_test(test_round_trip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
