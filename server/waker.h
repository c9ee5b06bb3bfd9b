/* SPDX-License-Identifier: MIT */
#ifndef FIXNET_SERVER_WAKER_H
#define FIXNET_SERVER_WAKER_H

#include <stddef.h>
#include <stdint.h>

#include "common/mac.h"
#include "common/wol.h"
#include "server/wolpace.h"

/*
 * The waker: a queue of clients to wake, drained by one thread at the pace
 * of wolpace.  Time, sending and what follows a send are operations given
 * by the caller, so that a unit test runs it on a fake clock without
 * sockets or threads (waker_step).
 */

#define WAKER_QUEUE_MAX 100000

struct wake_item {
	struct mac mac;
	char power_group[WOLPACE_GROUP_MAX + 1];
	int64_t client_id;
};

struct waker_ops {
	/* monotonic time in microseconds */
	uint64_t (*now_us)(void *ctx);
	/* send one magic packet to every configured target; @ret 0 or -errno */
	int (*send)(void *ctx, const uint8_t *pkt, size_t len);
	/* after a send (rc is its result): record the wake */
	void (*sent)(void *ctx, const struct wake_item *item, int rc);
	void *ctx;
};

struct waker;

/**
 * A waker (not yet running).
 * @v trailer	the fixnet trailer to append, or NULL
 * @ret 0 or -ENOMEM
 */
int waker_new(const struct waker_ops *ops, uint64_t group_interval_ms,
	      uint64_t global_per_sec, const struct wol_trailer *trailer,
	      struct waker **out);

/** Start the thread.  @ret 0 or a negative errno */
int waker_start(struct waker *w);

/** Stop the thread (if started) and free; accepts NULL. */
void waker_free(struct waker *w);

/**
 * Queue a wake.  A MAC already queued is not queued twice.
 * @ret 0, -EEXIST (already queued), -ENOSPC (queue full)
 */
int waker_enqueue(struct waker *w, const struct wake_item *item);

/**
 * Send the first queued wake whose power group may go now.
 *
 * @v wait_us	when nothing was sent: microseconds until something may go
 *		(UINT64_MAX if the queue is empty)
 * @ret 1 if a wake was sent, 0 if not
 */
int waker_step(struct waker *w, uint64_t *wait_us);

/** Wakes still queued. */
size_t waker_queued(struct waker *w);

#endif
