/* SPDX-License-Identifier: MIT */
/* Unit tests of common/mac.c. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>

#include "common/mac.h"

static const uint8_t want[MAC_LEN] = { 0x52, 0x54, 0x00, 0x12, 0xab, 0xcd };

/* Colons, dashes, bare digits, either case. */
static void test_parse_forms(void **state)
{
	static const char *ok[] = { "52:54:00:12:ab:cd", "52-54-00-12-AB-CD",
				    "52540012abcd", "52:54:00:12:AB:cd" };
	struct mac m;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		assert_int_equal(mac_parse(ok[i], &m), 0);
		assert_memory_equal(m.b, want, MAC_LEN);
	}
}

/* Mixed separators, short, long, spaces, bad digits: -EINVAL. */
static void test_parse_invalid(void **state)
{
	static const char *bad[] = { "", "52:54:00:12:ab", "52:54:00:12:ab:cd:",
				     "52:54-00:12:ab:cd", "52.54.00.12.ab.cd",
				     " 52:54:00:12:ab:cd", "52:54:00:12:ab:cg",
				     "5254:00:12:ab:cd:e", "52540012abc",
				     "52540012abcde", "52:54:00:12:ab:c",
				     "2:54:00:12:ab:cd0" };
	struct mac m;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(mac_parse(bad[i], &m), -EINVAL);
}

/* BOOTIF carries the ARP type 01 and dashes. */
static void test_parse_bootif(void **state)
{
	struct mac m;

	(void)state;
	assert_int_equal(mac_parse_bootif("01-52-54-00-12-ab-cd", &m), 0);
	assert_memory_equal(m.b, want, MAC_LEN);
	assert_int_equal(mac_parse_bootif("52-54-00-12-ab-cd", &m), -EINVAL);
	assert_int_equal(mac_parse_bootif("06-52-54-00-12-ab-cd", &m),
			 -EINVAL);
	assert_int_equal(mac_parse_bootif("01-52:54:00:12:ab:cd", &m),
			 -EINVAL);
	assert_int_equal(mac_parse_bootif("01-52540012abcd", &m), -EINVAL);
	assert_int_equal(mac_parse_bootif("01-52-54-00-12-ab-cd-", &m),
			 -EINVAL);
	assert_int_equal(mac_parse_bootif("01", &m), -EINVAL);
}

/* The canonical form is lower case with colons. */
static void test_format(void **state)
{
	char s[MAC_STR_LEN];
	struct mac m;

	(void)state;
	assert_int_equal(mac_parse("52-54-00-12-AB-CD", &m), 0);
	mac_format(&m, s);
	assert_string_equal(s, "52:54:00:12:ab:cd");
}

/* Multicast, broadcast and all-zero addresses are not unicast. */
static void test_is_unicast(void **state)
{
	struct mac m;

	(void)state;
	mac_parse("52:54:00:12:ab:cd", &m);
	assert_true(mac_is_unicast(&m));
	mac_parse("ff:ff:ff:ff:ff:ff", &m);
	assert_false(mac_is_unicast(&m));
	mac_parse("01:00:5e:00:00:01", &m);
	assert_false(mac_is_unicast(&m));
	mac_parse("00:00:00:00:00:00", &m);
	assert_false(mac_is_unicast(&m));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_forms),
		cmocka_unit_test(test_parse_invalid),
		cmocka_unit_test(test_parse_bootif),
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_is_unicast),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
