/* SPDX-License-Identifier: MIT */
/* Unit tests of common/uuid.c. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>

#include "common/uuid.h"

/* Either case parses into the same bytes; the output is lower case. */
static void test_parse_and_format(void **state)
{
	static const uint8_t want[UUID_LEN] = {
		0x0f, 0x3a, 0x5c, 0x21, 0x9b, 0x7e, 0x4d, 0x10,
		0xa1, 0xb2, 0xc3, 0xd4, 0xe5, 0xf6, 0x07, 0x18 };
	char s[UUID_STR_LEN];
	struct uuid u;

	(void)state;
	assert_int_equal(uuid_parse("0F3A5C21-9B7E-4D10-A1B2-C3D4E5F60718", &u),
			 0);
	assert_memory_equal(u.b, want, UUID_LEN);
	uuid_format(&u, s);
	assert_string_equal(s, "0f3a5c21-9b7e-4d10-a1b2-c3d4e5f60718");
}

/* Wrong dash positions, missing dashes, bad digits, extra bytes. */
static void test_parse_invalid(void **state)
{
	static const char *bad[] = {
		"", "0f3a5c219b7e4d10a1b2c3d4e5f60718",
		"0f3a5c2-19b7e-4d10-a1b2-c3d4e5f60718",
		"0f3a5c21-9b7e-4d10-a1b2-c3d4e5f6071",
		"0f3a5c21-9b7e-4d10-a1b2-c3d4e5f607180",
		"0f3a5c21-9b7e-4d10-a1b2-c3d4e5f6071g",
		"0f3a5c21_9b7e-4d10-a1b2-c3d4e5f60718",
		"{0f3a5c21-9b7e-4d10-a1b2-c3d4e5f60718}",
		"0f3a5c21-9b7e-4d10-a1b2-c3d4e5f6071-",
	};
	struct uuid u;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(uuid_parse(bad[i], &u), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_and_format),
		cmocka_unit_test(test_parse_invalid),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
