/* SPDX-License-Identifier: MIT */
/* Wake-on-LAN pacing, driven through the waker on a fake clock. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "server/waker.h"
#include "server/wolpace.h"

#define NWAKES 200
#define GROUP_MS 500

/* The fake world: a clock that the test moves, and a record of sends. */
struct fake {
	uint64_t now_us;
	uint64_t sent_at[2 * NWAKES];
	char group[2 * NWAKES][WOLPACE_GROUP_MAX + 1];
	size_t nsent;
	int send_rc;
	int last_sent_rc;
};

static uint64_t fake_now(void *ctx)
{
	return ((struct fake *)ctx)->now_us;
}

static int fake_send(void *ctx, const uint8_t *pkt, size_t len)
{
	(void)pkt;
	(void)len;
	return ((struct fake *)ctx)->send_rc;
}

static void fake_sent(void *ctx, const struct wake_item *item, int rc)
{
	struct fake *f = ctx;

	f->sent_at[f->nsent] = f->now_us;
	snprintf(f->group[f->nsent], sizeof(f->group[0]), "%s",
		 item->power_group);
	f->nsent++;
	f->last_sent_rc = rc;
}

static struct waker *fake_waker(struct fake *f, uint64_t per_sec)
{
	struct waker_ops ops = { fake_now, fake_send, fake_sent, f };
	struct waker *w;

	assert_int_equal(waker_new(&ops, GROUP_MS, per_sec, NULL, &w), 0);
	return w;
}

/** Queue n wakes for a group, MACs numbered from base. */
static void queue(struct waker *w, const char *group, unsigned base,
		  unsigned n)
{
	struct wake_item it = { .client_id = 1 };

	snprintf(it.power_group, sizeof(it.power_group), "%s", group);
	for (unsigned i = 0; i < n; i++) {
		unsigned k = base + i;
		uint8_t m[MAC_LEN] = { 0x52, 0x54, 0, 0, (uint8_t)(k >> 8),
				       (uint8_t)k };

		memcpy(it.mac.b, m, MAC_LEN);
		assert_int_equal(waker_enqueue(w, &it), 0);
	}
}

/** Run the waker until its queue is empty, jumping the clock. */
static void drain(struct waker *w, struct fake *f)
{
	uint64_t wait;
	unsigned steps = 0;

	while (waker_queued(w) > 0) {
		assert_true(++steps < 100000);
		if (!waker_step(w, &wait)) {
			assert_true(wait > 0 && wait != UINT64_MAX);
			f->now_us += wait;
		}
	}
}

/** Most sends of a group within any window of window_us. */
static size_t max_in_window(const struct fake *f, const char *group,
			    uint64_t window_us)
{
	size_t best = 0;

	for (size_t i = 0; i < f->nsent; i++) {
		size_t n = 0;

		if (strcmp(f->group[i], group) != 0)
			continue;
		for (size_t j = i; j < f->nsent; j++)
			if (strcmp(f->group[j], group) == 0 &&
			    f->sent_at[j] - f->sent_at[i] < window_us)
				n++;
		if (n > best)
			best = n;
	}
	return best;
}

static void test_one_group_never_exceeds_its_rate(void **state)
{
	struct fake f = { .now_us = 1000000 };
	struct waker *w = fake_waker(&f, 1000);

	(void)state;
	queue(w, "rack1", 0, NWAKES);
	drain(w, &f);
	assert_int_equal(f.nsent, NWAKES);
	assert_int_equal(max_in_window(&f, "rack1", GROUP_MS * 1000), 1);
	assert_int_equal(max_in_window(&f, "rack1", 10 * GROUP_MS * 1000), 10);
	/* and it is not slower than the rate either */
	assert_int_equal(f.sent_at[NWAKES - 1] - f.sent_at[0],
			 (uint64_t)(NWAKES - 1) * GROUP_MS * 1000);
	waker_free(w);
}

static void test_groups_interleave(void **state)
{
	struct fake f = { .now_us = 0 };
	struct waker *w = fake_waker(&f, 1000);

	(void)state;
	queue(w, "rack1", 0, 10);
	queue(w, "rack2", 100, 10);
	drain(w, &f);
	assert_int_equal(f.nsent, 20);
	/* rack2 does not wait behind rack1's queue */
	assert_string_equal(f.group[0], "rack1");
	assert_string_equal(f.group[1], "rack2");
	assert_true(f.sent_at[1] - f.sent_at[0] < GROUP_MS * 1000);
	assert_int_equal(max_in_window(&f, "rack1", GROUP_MS * 1000), 1);
	assert_int_equal(max_in_window(&f, "rack2", GROUP_MS * 1000), 1);
	waker_free(w);
}

static void test_global_cap(void **state)
{
	struct fake f = { .now_us = 0 };
	struct waker *w = fake_waker(&f, 4);	/* 4 a second in all */
	char name[8];

	(void)state;
	for (unsigned g = 0; g < 20; g++) {
		snprintf(name, sizeof(name), "g%u", g);
		queue(w, name, g * 10, 5);
	}
	drain(w, &f);
	assert_int_equal(f.nsent, 100);
	for (size_t i = 1; i < f.nsent; i++)
		assert_true(f.sent_at[i] - f.sent_at[i - 1] >= 250000);
	waker_free(w);
}

static void test_duplicate_mac_queued_once(void **state)
{
	struct fake f = { .now_us = 0 };
	struct waker *w = fake_waker(&f, 10);
	struct wake_item it = { .power_group = "default", .client_id = 1 };

	(void)state;
	it.mac.b[0] = 0x52;
	assert_int_equal(waker_enqueue(w, &it), 0);
	assert_int_equal(waker_enqueue(w, &it), -EEXIST);
	assert_int_equal(waker_queued(w), 1);
	waker_free(w);
}

static void test_send_error_is_reported(void **state)
{
	struct fake f = { .now_us = 0, .send_rc = -ENETUNREACH };
	struct waker *w = fake_waker(&f, 10);
	uint64_t wait;

	(void)state;
	queue(w, "default", 0, 1);
	assert_int_equal(waker_step(w, &wait), 1);
	assert_int_equal(f.last_sent_rc, -ENETUNREACH);
	assert_int_equal(waker_step(w, &wait), 0);
	assert_int_equal(wait, UINT64_MAX);
	waker_free(w);
}

static void test_pace_take_and_wait(void **state)
{
	struct wolpace p;

	(void)state;
	wolpace_init(&p, GROUP_MS, 1000);
	assert_int_equal(wolpace_wait(&p, "a", 0), 0);
	assert_int_equal(wolpace_take(&p, "a", 0), 0);
	assert_int_equal(wolpace_take(&p, "a", 499999), -EAGAIN);
	assert_int_equal(wolpace_wait(&p, "a", 499999), 1);
	assert_int_equal(wolpace_take(&p, "a", 500000), 0);
	assert_int_equal(wolpace_take(&p, "b", 500000), -EAGAIN); /* global */
	assert_int_equal(wolpace_take(&p, "b", 501000), 0);
	wolpace_free(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_one_group_never_exceeds_its_rate),
		cmocka_unit_test(test_groups_interleave),
		cmocka_unit_test(test_global_cap),
		cmocka_unit_test(test_duplicate_mac_queued_once),
		cmocka_unit_test(test_send_error_is_reported),
		cmocka_unit_test(test_pace_take_and_wait),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
