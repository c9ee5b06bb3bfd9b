/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "server/log.h"
#include "server/waker.h"

struct waker {
	struct waker_ops ops;
	struct wolpace pace;
	struct wol_trailer trailer;
	bool has_trailer;

	pthread_mutex_t lock;
	pthread_cond_t cond;
	pthread_t thread;
	bool started, stop;

	struct wake_item *queue;	/* FIFO, oldest first */
	size_t n, cap;
};

/**
 * Make a waker.
 *
 * @v ops		clock, send and record operations
 * @v group_interval_ms	pace per power group
 * @v global_per_sec	global cap
 * @v trailer		trailer or NULL
 * @v out		the waker
 * @ret rc		0 or -ENOMEM
 */
int waker_new(const struct waker_ops *ops, uint64_t group_interval_ms,
	      uint64_t global_per_sec, const struct wol_trailer *trailer,
	      struct waker **out)
{
	struct waker *w = calloc(1, sizeof(*w));

	if (!w)
		return -ENOMEM;
	w->ops = *ops;
	wolpace_init(&w->pace, group_interval_ms, global_per_sec);
	if (trailer) {
		w->trailer = *trailer;
		w->has_trailer = true;
	}
	pthread_mutex_init(&w->lock, NULL);
	pthread_cond_init(&w->cond, NULL);
	*out = w;
	return 0;
}

/**
 * Queue a wake.
 *
 * @v w		waker
 * @v item	client to wake
 * @ret rc	0, -EEXIST, -ENOSPC, -ENOMEM
 */
int waker_enqueue(struct waker *w, const struct wake_item *item)
{
	struct wake_item *grown;
	int rc = 0;

	pthread_mutex_lock(&w->lock);
	for (size_t i = 0; i < w->n; i++) {
		if (memcmp(&w->queue[i].mac, &item->mac, sizeof(item->mac)) == 0) {
			rc = -EEXIST;
			goto out;
		}
	}
	if (w->n == WAKER_QUEUE_MAX) {
		rc = -ENOSPC;
		goto out;
	}
	if (w->n == w->cap) {
		size_t cap = w->cap ? 2 * w->cap : 64;

		grown = realloc(w->queue, cap * sizeof(*grown));
		if (!grown) {
			rc = -ENOMEM;
			goto out;
		}
		w->queue = grown;
		w->cap = cap;
	}
	w->queue[w->n++] = *item;
	pthread_cond_signal(&w->cond);
out:
	pthread_mutex_unlock(&w->lock);
	return rc;
}

/**
 * Take the first ready item off the queue (lock held).
 *
 * @v w		waker
 * @v now	current time
 * @v item	the item taken
 * @v wait_us	if none is ready, time until one may be
 * @ret ready	true if item was taken
 */
static bool waker_pop(struct waker *w, uint64_t now, struct wake_item *item,
		      uint64_t *wait_us)
{
	uint64_t best = UINT64_MAX;

	for (size_t i = 0; i < w->n; i++) {
		uint64_t wait = wolpace_wait(&w->pace, w->queue[i].power_group,
					     now);

		if (wait == 0 && wolpace_take(&w->pace, w->queue[i].power_group,
					      now) == 0) {
			*item = w->queue[i];
			memmove(&w->queue[i], &w->queue[i + 1],
				(w->n - i - 1) * sizeof(*item));
			w->n--;
			return true;
		}
		if (wait == 0)
			wait = 1000;	/* group table full: try again soon */
		if (wait < best)
			best = wait;
	}
	*wait_us = best;
	return false;
}

/**
 * Send the first ready wake.
 *
 * @v w		waker
 * @v wait_us	time until the next may go, when none was sent
 * @ret sent	1 or 0
 */
int waker_step(struct waker *w, uint64_t *wait_us)
{
	uint8_t pkt[WOL_MAX_LEN];
	struct wake_item item;
	bool ready;
	int len, rc;

	pthread_mutex_lock(&w->lock);
	ready = waker_pop(w, w->ops.now_us(w->ops.ctx), &item, wait_us);
	pthread_mutex_unlock(&w->lock);
	if (!ready)
		return 0;
	len = wol_build(&item.mac, w->has_trailer ? &w->trailer : NULL, pkt,
			sizeof(pkt));
	rc = len < 0 ? len : w->ops.send(w->ops.ctx, pkt, (size_t)len);
	w->ops.sent(w->ops.ctx, &item, rc);
	return 1;
}

/**
 * Number of queued wakes.
 *
 * @v w		waker
 * @ret n	queue length
 */
size_t waker_queued(struct waker *w)
{
	size_t n;

	pthread_mutex_lock(&w->lock);
	n = w->n;
	pthread_mutex_unlock(&w->lock);
	return n;
}

/** The thread: drain the queue at the pace, sleep when it is empty. */
static void *waker_thread(void *arg)
{
	struct waker *w = arg;
	uint64_t wait;

	for (;;) {
		pthread_mutex_lock(&w->lock);
		if (w->stop) {
			pthread_mutex_unlock(&w->lock);
			return NULL;
		}
		pthread_mutex_unlock(&w->lock);
		if (waker_step(w, &wait))
			continue;
		pthread_mutex_lock(&w->lock);
		if (!w->stop && w->n == 0) {
			pthread_cond_wait(&w->cond, &w->lock);
		} else if (!w->stop) {
			struct timespec ts;

			clock_gettime(CLOCK_MONOTONIC, &ts);
			ts.tv_sec += (time_t)(wait / 1000000);
			ts.tv_nsec += (long)(wait % 1000000) * 1000;
			if (ts.tv_nsec >= 1000000000) {
				ts.tv_sec++;
				ts.tv_nsec -= 1000000000;
			}
			pthread_cond_timedwait(&w->cond, &w->lock, &ts);
		}
		pthread_mutex_unlock(&w->lock);
	}
}

/**
 * Start the thread.
 *
 * @v w		waker
 * @ret rc	0 or a negative errno
 */
int waker_start(struct waker *w)
{
	pthread_condattr_t attr;
	int rc;

	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_destroy(&w->cond);
	pthread_cond_init(&w->cond, &attr);
	pthread_condattr_destroy(&attr);
	rc = pthread_create(&w->thread, NULL, waker_thread, w);
	if (rc)
		return -rc;
	w->started = true;
	return 0;
}

/**
 * Stop and free.
 *
 * @v w		waker or NULL
 */
void waker_free(struct waker *w)
{
	if (!w)
		return;
	if (w->started) {
		pthread_mutex_lock(&w->lock);
		w->stop = true;
		pthread_cond_signal(&w->cond);
		pthread_mutex_unlock(&w->lock);
		pthread_join(w->thread, NULL);
	}
	if (w->n)
		log_warn("wol", "%zu wakes still queued at exit", w->n);
	pthread_cond_destroy(&w->cond);
	pthread_mutex_destroy(&w->lock);
	wolpace_free(&w->pace);
	free(w->queue);
	free(w);
}
