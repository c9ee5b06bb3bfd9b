/* SPDX-License-Identifier: MIT */
/* Unit tests of common/wol.c. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "common/hex.h"
#include "common/wol.h"

/* The bare magic packet for 52:54:00:12:ab:cd, byte for byte. */
#define GOLDEN_BARE \
	"ffffffffffff" \
	"52540012abcd52540012abcd52540012abcd52540012abcd" \
	"52540012abcd52540012abcd52540012abcd52540012abcd" \
	"52540012abcd52540012abcd52540012abcd52540012abcd" \
	"52540012abcd52540012abcd52540012abcd52540012abcd"
/* "FXN1", family 4, port 8080, 10.77.0.1 */
#define GOLDEN_V4 "46584e31" "04" "1f90" "0a4d0001"
/* "FXN1", family 6, port 8080, fd00::1 */
#define GOLDEN_V6 "46584e31" "06" "1f90" "fd000000000000000000000000000001"

static const struct mac target = { { 0x52, 0x54, 0x00, 0x12, 0xab, 0xcd } };

/**
 * Decode a golden hex string.
 *
 * @v hex	golden text
 * @v out	buffer of WOL_MAX_LEN bytes
 * @ret its length in bytes
 */
static size_t golden(const char *hex, uint8_t *out)
{
	size_t n = strlen(hex) / 2;

	assert_true(n <= WOL_MAX_LEN);
	assert_int_equal(hex_decode(hex, out, n), 0);
	return n;
}

/* The bare packet is exactly 102 bytes: 6 x ff and the MAC 16 times. */
static void test_build_bare_golden(void **state)
{
	uint8_t out[WOL_MAX_LEN], want[WOL_MAX_LEN];

	(void)state;
	assert_int_equal(golden(GOLDEN_BARE, want), WOL_PACKET_LEN);
	assert_int_equal(wol_build(&target, NULL, out, sizeof(out)), 102);
	assert_memory_equal(out, want, 102);
}

/* An IPv4 trailer follows the 102 bytes: magic, 4, port, address. */
static void test_build_v4_trailer_golden(void **state)
{
	uint8_t out[WOL_MAX_LEN], want[WOL_MAX_LEN];
	struct wol_trailer t = { .family = AF_INET, .port = 8080 };

	(void)state;
	inet_pton(AF_INET, "10.77.0.1", &t.addr.v4);
	assert_int_equal(golden(GOLDEN_BARE GOLDEN_V4, want), 113);
	assert_int_equal(wol_build(&target, &t, out, sizeof(out)), 113);
	assert_memory_equal(out, want, 113);
}

/* An IPv6 trailer: magic, 6, port, 16 address bytes. */
static void test_build_v6_trailer_golden(void **state)
{
	uint8_t out[WOL_MAX_LEN], want[WOL_MAX_LEN];
	struct wol_trailer t = { .family = AF_INET6, .port = 8080 };

	(void)state;
	inet_pton(AF_INET6, "fd00::1", &t.addr.v6);
	assert_int_equal(golden(GOLDEN_BARE GOLDEN_V6, want), WOL_MAX_LEN);
	assert_int_equal(wol_build(&target, &t, out, sizeof(out)),
			 WOL_MAX_LEN);
	assert_memory_equal(out, want, WOL_MAX_LEN);
}

/* Too small an output buffer or an unknown family is refused. */
static void test_build_errors(void **state)
{
	uint8_t out[WOL_MAX_LEN];
	struct wol_trailer t = { .family = AF_INET, .port = 9 };

	(void)state;
	assert_int_equal(wol_build(&target, NULL, out, 101), -ENOSPC);
	assert_int_equal(wol_build(&target, &t, out, 110), -ENOSPC);
	t.family = AF_UNIX;
	assert_int_equal(wol_build(&target, &t, out, sizeof(out)), -EINVAL);
}

/* A bare packet parses to its MAC, without trailer. */
static void test_parse_bare(void **state)
{
	uint8_t p[WOL_MAX_LEN];
	struct mac m;
	bool has = true;
	size_t n = golden(GOLDEN_BARE, p);

	(void)state;
	assert_int_equal(wol_parse(p, n, &m, NULL, &has), 0);
	assert_memory_equal(m.b, target.b, MAC_LEN);
	assert_false(has);
}

/* Both trailers are read back. */
static void test_parse_trailers(void **state)
{
	uint8_t p[WOL_MAX_LEN];
	struct wol_trailer t;
	struct in6_addr v6;
	struct mac m;
	bool has = false;
	size_t n = golden(GOLDEN_BARE GOLDEN_V4, p);

	(void)state;
	assert_int_equal(wol_parse(p, n, &m, &t, &has), 0);
	assert_true(has);
	assert_int_equal(t.family, AF_INET);
	assert_int_equal(t.port, 8080);
	assert_int_equal(ntohl(t.addr.v4.s_addr), 0x0a4d0001);

	n = golden(GOLDEN_BARE GOLDEN_V6, p);
	assert_int_equal(wol_parse(p, n, &m, &t, &has), 0);
	assert_true(has);
	assert_int_equal(t.family, AF_INET6);
	inet_pton(AF_INET6, "fd00::1", &v6);
	assert_memory_equal(&t.addr.v6, &v6, 16);
}

/* Truncated packets are refused, even by one byte. */
static void test_parse_truncated(void **state)
{
	uint8_t p[WOL_MAX_LEN];
	struct mac m;
	size_t n = golden(GOLDEN_BARE, p);

	(void)state;
	assert_int_equal(wol_parse(p, n - 1, &m, NULL, NULL), -EINVAL);
	assert_int_equal(wol_parse(p, 6, &m, NULL, NULL), -EINVAL);
	assert_int_equal(wol_parse(p, 0, &m, NULL, NULL), -EINVAL);
}

/* A bad sync byte or one differing MAC copy is refused. */
static void test_parse_garbled(void **state)
{
	uint8_t p[WOL_MAX_LEN];
	struct mac m;
	size_t n = golden(GOLDEN_BARE, p);

	(void)state;
	p[3] = 0xfe;
	assert_int_equal(wol_parse(p, n, &m, NULL, NULL), -EINVAL);
	golden(GOLDEN_BARE, p);
	p[6 + 15 * 6 + 5] ^= 1;		/* last copy, last byte */
	assert_int_equal(wol_parse(p, n, &m, NULL, NULL), -EINVAL);
}

/* Bytes after 102 that are not exactly a trailer are ignored. */
static void test_parse_other_trailing_bytes(void **state)
{
	uint8_t p[WOL_MAX_LEN];
	struct mac m;
	bool has = true;
	size_t n;

	(void)state;
	/* a 6-byte SecureOn password */
	n = golden(GOLDEN_BARE "010203040506", p);
	assert_int_equal(wol_parse(p, n, &m, NULL, &has), 0);
	assert_false(has);
	/* a truncated IPv4 trailer */
	n = golden(GOLDEN_BARE GOLDEN_V4, p);
	assert_int_equal(wol_parse(p, n - 1, &m, NULL, &has), 0);
	assert_false(has);
	/* family 4 with an IPv6-sized address */
	n = golden(GOLDEN_BARE "46584e31" "04" "1f90"
		   "fd000000000000000000000000000001", p);
	assert_int_equal(wol_parse(p, n, &m, NULL, &has), 0);
	assert_false(has);
	/* wrong magic */
	n = golden(GOLDEN_BARE "46584e32" "04" "1f90" "0a4d0001", p);
	assert_int_equal(wol_parse(p, n, &m, NULL, &has), 0);
	assert_false(has);
	/* port 0 */
	n = golden(GOLDEN_BARE "46584e31" "04" "0000" "0a4d0001", p);
	assert_int_equal(wol_parse(p, n, &m, NULL, &has), 0);
	assert_false(has);
	assert_memory_equal(m.b, target.b, MAC_LEN);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_build_bare_golden),
		cmocka_unit_test(test_build_v4_trailer_golden),
		cmocka_unit_test(test_build_v6_trailer_golden),
		cmocka_unit_test(test_build_errors),
		cmocka_unit_test(test_parse_bare),
		cmocka_unit_test(test_parse_trailers),
		cmocka_unit_test(test_parse_truncated),
		cmocka_unit_test(test_parse_garbled),
		cmocka_unit_test(test_parse_other_trailing_bytes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
