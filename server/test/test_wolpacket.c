/* SPDX-License-Identifier: MIT */
/* The bytes the waker hands to the sockets: golden magic packets. */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "server/waker.h"
#include "server/wolsend.h"

struct capture {
	uint8_t pkt[WOL_MAX_LEN];
	size_t len;
};

static uint64_t cap_now(void *ctx)
{
	(void)ctx;
	return 0;
}

static int cap_send(void *ctx, const uint8_t *pkt, size_t len)
{
	struct capture *c = ctx;

	memcpy(c->pkt, pkt, len);
	c->len = len;
	return 0;
}

static void cap_sent(void *ctx, const struct wake_item *item, int rc)
{
	(void)ctx;
	(void)item;
	(void)rc;
}

/** Wake one MAC through a waker and capture the packet. */
static void wake_one(const struct wol_trailer *tr, struct capture *c)
{
	struct waker_ops ops = { cap_now, cap_send, cap_sent, c };
	struct wake_item it = { .power_group = "default", .client_id = 1,
		.mac.b = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 } };
	struct waker *w;
	uint64_t wait;

	assert_int_equal(waker_new(&ops, 500, 10, tr, &w), 0);
	assert_int_equal(waker_enqueue(w, &it), 0);
	assert_int_equal(waker_step(w, &wait), 1);
	waker_free(w);
}

/* 6 x ff, then 52:54:00:12:34:56 sixteen times */
static const uint8_t golden_bare[102] = {
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
#define M 0x52, 0x54, 0x00, 0x12, 0x34, 0x56
	M, M, M, M, M, M, M, M, M, M, M, M, M, M, M, M,
};

static void test_bare_packet(void **state)
{
	struct capture c = { .len = 0 };

	(void)state;
	wake_one(NULL, &c);
	assert_int_equal(c.len, 102);
	assert_memory_equal(c.pkt, golden_bare, 102);
}

static void test_packet_with_v4_trailer(void **state)
{
	static const uint8_t trailer[] = {
		'F', 'X', 'N', '1', 4, 0x1f, 0x90, 10, 77, 0, 1,
	};
	struct capture c = { .len = 0 };
	struct wol_trailer tr;

	(void)state;
	assert_int_equal(wolsend_trailer("http://10.77.0.1:8080", &tr), 0);
	wake_one(&tr, &c);
	assert_int_equal(c.len, 102 + sizeof(trailer));
	assert_memory_equal(c.pkt, golden_bare, 102);
	assert_memory_equal(c.pkt + 102, trailer, sizeof(trailer));
}

static void test_trailer_from_urls(void **state)
{
	struct wol_trailer tr;
	struct in6_addr v6;

	(void)state;
	assert_int_equal(wolsend_trailer("http://192.0.2.7", &tr), 0);
	assert_int_equal(tr.family, AF_INET);
	assert_int_equal(tr.port, 80);
	assert_int_equal(wolsend_trailer("https://192.0.2.7/", &tr), 0);
	assert_int_equal(tr.port, 443);
	assert_int_equal(wolsend_trailer("http://[fd00::1]:8080", &tr), 0);
	assert_int_equal(tr.family, AF_INET6);
	assert_int_equal(tr.port, 8080);
	inet_pton(AF_INET6, "fd00::1", &v6);
	assert_memory_equal(&tr.addr.v6, &v6, sizeof(v6));
	assert_int_equal(wolsend_trailer("http://fix.example.org:8080", &tr),
			 -EINVAL);
	assert_int_equal(wolsend_trailer("http://10.0.0.1:99999", &tr),
			 -EINVAL);
	assert_int_equal(wolsend_trailer("10.0.0.1", &tr), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bare_packet),
		cmocka_unit_test(test_packet_with_v4_trailer),
		cmocka_unit_test(test_trailer_from_urls),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
