/* SPDX-License-Identifier: MIT */
/* Unit tests of qemu-tests/wolframe.c: finding the magic packet in a frame. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>

#include "qemu-tests/wolframe.h"

#define BODY "MAGIC"
#define BODY_LEN 5

static const uint8_t eth_dst_src[12] = {
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x52, 0x54, 0x00, 0x00, 0x00, 0x01,
};

/**
 * Write an Ethernet header.
 *
 * @v f		frame buffer
 * @v type	EtherType
 * @ret bytes written
 */
static size_t eth(uint8_t *f, unsigned int type)
{
	memcpy(f, eth_dst_src, sizeof(eth_dst_src));
	f[12] = (uint8_t)(type >> 8);
	f[13] = (uint8_t)type;
	return 14;
}

/**
 * Write UDP header + BODY.
 *
 * @v f		buffer
 * @v dport	destination port
 * @ret bytes written
 */
static size_t udp(uint8_t *f, unsigned int dport)
{
	unsigned int len = 8 + BODY_LEN;

	memset(f, 0, 8);
	f[0] = 0x9c; f[1] = 0x40;		/* source port 40000 */
	f[2] = (uint8_t)(dport >> 8); f[3] = (uint8_t)dport;
	f[4] = (uint8_t)(len >> 8); f[5] = (uint8_t)len;
	memcpy(f + 8, BODY, BODY_LEN);
	return len;
}

/**
 * A whole Ethernet/IPv4/UDP frame.
 *
 * @v f		buffer
 * @v dport	UDP destination port
 * @v frag	IPv4 flags/fragment field
 * @ret frame length
 */
static size_t ipv4_frame(uint8_t *f, unsigned int dport, unsigned int frag)
{
	size_t off = eth(f, 0x0800), ulen;
	uint8_t *ip = f + off;

	memset(ip, 0, 20);
	ip[0] = 0x45;
	ip[6] = (uint8_t)(frag >> 8); ip[7] = (uint8_t)frag;
	ip[8] = 64;
	ip[9] = 17;
	ulen = udp(ip + 20, dport);
	ip[2] = (uint8_t)((20 + ulen) >> 8); ip[3] = (uint8_t)(20 + ulen);
	return off + 20 + ulen;
}

/**
 * Assert that a frame's candidate is BODY.
 *
 * @v rc	what wolframe_payload() returned
 * @v p		the payload pointer it set (read after the call)
 * @v n		the length it set
 */
static void assert_body(int rc, const uint8_t *const *p, const size_t *n)
{
	assert_int_equal(rc, 0);
	assert_int_equal(*n, BODY_LEN);
	assert_memory_equal(*p, BODY, BODY_LEN);
}

static void test_ether_wake_frame(void **state)
{
	uint8_t f[64];
	const uint8_t *p;
	size_t n, len = eth(f, WOLFRAME_ETHERTYPE_WOL);

	(void)state;
	memcpy(f + len, BODY, BODY_LEN);
	assert_body(wolframe_payload(f, len + BODY_LEN, &p, &n), &p, &n);
}

static void test_udp_discard_port(void **state)
{
	uint8_t f[128];
	const uint8_t *p;
	size_t n, len = ipv4_frame(f, 9, 0x4000);	/* DF set */

	(void)state;
	assert_body(wolframe_payload(f, len, &p, &n), &p, &n);
}

static void test_udp_echo_port(void **state)
{
	uint8_t f[128];
	const uint8_t *p;
	size_t n, len = ipv4_frame(f, 7, 0);

	(void)state;
	assert_body(wolframe_payload(f, len, &p, &n), &p, &n);
}

static void test_udp_other_port_ignored(void **state)
{
	uint8_t f[128];
	const uint8_t *p;
	size_t n, len = ipv4_frame(f, 8080, 0);

	(void)state;
	assert_int_equal(wolframe_payload(f, len, &p, &n), -ENOMSG);
}

static void test_ipv4_fragment_ignored(void **state)
{
	uint8_t f[128];
	const uint8_t *p;
	size_t n, len = ipv4_frame(f, 9, 0x2000);	/* MF set */

	(void)state;
	assert_int_equal(wolframe_payload(f, len, &p, &n), -ENOMSG);
}

static void test_ipv4_truncated(void **state)
{
	uint8_t f[128];
	const uint8_t *p;
	size_t n;

	(void)state;
	ipv4_frame(f, 9, 0);
	assert_int_equal(wolframe_payload(f, 14 + 19, &p, &n), -EINVAL);
	/* total length says more than the frame holds */
	assert_int_equal(wolframe_payload(f, 14 + 20 + 8 + 2, &p, &n), -EINVAL);
}

static void test_udp_length_past_packet(void **state)
{
	uint8_t f[128];
	const uint8_t *p;
	size_t n, len = ipv4_frame(f, 9, 0);

	(void)state;
	f[14 + 20 + 5] = 200;		/* UDP length 200 in a 33-byte packet */
	assert_int_equal(wolframe_payload(f, len, &p, &n), -EINVAL);
}

static void test_ipv4_bad_header_length(void **state)
{
	uint8_t f[128];
	const uint8_t *p;
	size_t n, len = ipv4_frame(f, 9, 0);

	(void)state;
	f[14] = 0x44;			/* IHL 4: 16 bytes, below the minimum */
	assert_int_equal(wolframe_payload(f, len, &p, &n), -EINVAL);
}

static void test_vlan_tagged(void **state)
{
	uint8_t f[64];
	const uint8_t *p;
	size_t n, len = eth(f, 0x8100);

	(void)state;
	f[len++] = 0x00; f[len++] = 0x0a;	/* VLAN 10 */
	f[len++] = 0x08; f[len++] = 0x42;
	memcpy(f + len, BODY, BODY_LEN);
	assert_body(wolframe_payload(f, len + BODY_LEN, &p, &n), &p, &n);
	assert_int_equal(wolframe_payload(f, 16, &p, &n), -EINVAL);
}

static void test_ipv6_udp(void **state)
{
	uint8_t f[128];
	const uint8_t *p;
	size_t n, off = eth(f, 0x86dd), ulen;

	(void)state;
	memset(f + off, 0, 40);
	f[off] = 0x60;
	f[off + 6] = 17;
	ulen = udp(f + off + 40, 9);
	f[off + 5] = (uint8_t)ulen;
	assert_body(wolframe_payload(f, off + 40 + ulen, &p, &n), &p, &n);
	f[off + 5] = (uint8_t)(ulen + 1);	/* payload length past the frame */
	assert_int_equal(wolframe_payload(f, off + 40 + ulen, &p, &n), -EINVAL);
}

static void test_short_and_foreign_frames(void **state)
{
	uint8_t f[64] = { 0 };
	const uint8_t *p;
	size_t n;

	(void)state;
	assert_int_equal(wolframe_payload(f, 13, &p, &n), -EINVAL);
	eth(f, 0x0806);			/* ARP */
	assert_int_equal(wolframe_payload(f, 42, &p, &n), -ENOMSG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ether_wake_frame),
		cmocka_unit_test(test_udp_discard_port),
		cmocka_unit_test(test_udp_echo_port),
		cmocka_unit_test(test_udp_other_port_ignored),
		cmocka_unit_test(test_ipv4_fragment_ignored),
		cmocka_unit_test(test_ipv4_truncated),
		cmocka_unit_test(test_udp_length_past_packet),
		cmocka_unit_test(test_ipv4_bad_header_length),
		cmocka_unit_test(test_vlan_tagged),
		cmocka_unit_test(test_ipv6_udp),
		cmocka_unit_test(test_short_and_foreign_frames),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
