/* SPDX-License-Identifier: MIT */
/*
 * The boot records, written in the request's transaction or behind it
 * (bootlog.h).
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "server/bootlog.h"
#include "server/inventory.h"
#include "server/log.h"

struct bootlog {
	struct inv *inv;
	pthread_mutex_t lock;		/* the queue and stop */
	pthread_cond_t wake;		/* a first record, half full, stop */
	struct bootlog_rec *queue;	/* BOOTLOG_QUEUE_MAX of them */
	struct bootlog_rec *spare;	/* the writer's: swapped with queue */
	size_t n;
	bool stop;
	pthread_mutex_t flush_lock;	/* one writer at a time */
	pthread_t thread;
	/* counters, for /metrics (lock held) */
	uint64_t queued, refused, written, lost;
};

/** Copy a string into a record's field ("" for NULL). */
static void bootlog_copy(char *dst, size_t size, const char *src)
{
	snprintf(dst, size, "%s", src ? src : "");
}

/**
 * Fill a record.
 *
 * @v r		the record
 * @v client_id	the client
 * @v now	Unix time of the request
 * @v req	the checked request
 * @v d		the decision
 */
void bootlog_rec_fill(struct bootlog_rec *r, int64_t client_id, int64_t now,
		      const struct bd_request *req, const struct bd_output *d)
{
	r->client_id = client_id;
	r->time = now;
	r->quarantine = d->quarantine;
	bootlog_copy(r->reason, sizeof(r->reason), d->reason);
	bootlog_copy(r->uuid, sizeof(r->uuid), req->has_uuid ? req->uuid : "");
	bootlog_copy(r->arch, sizeof(r->arch), req->arch);
	bootlog_copy(r->platform, sizeof(r->platform), req->platform_str);
}

/**
 * Write one record: the boots row, the client's last-seen data and, for a
 * quarantine boot, a "boot" event.  A local boot is not an event: it
 * changes nothing (what it does change, a pair failed at the boot limit, a
 * wake confirmed, a client discovered, has events of its own), and a fleet
 * booting every morning would bury the log's story under them.
 *
 * @v inv	inventory, transaction open
 * @v r		the record
 * @v boot_id	the boots row's id, or NULL
 * @ret rc	0 or a negative errno
 */
int bootlog_write(struct inv *inv, const struct bootlog_rec *r,
		  int64_t *boot_id)
{
	const char *decision = r->quarantine ? "quarantine" : "local";
	sqlite3_stmt *st;
	int rc;

	rc = inv_client_seen(inv, r->client_id, r->uuid[0] ? r->uuid : NULL,
			     r->arch[0] ? r->arch : NULL,
			     r->platform[0] ? r->platform : NULL, r->time,
			     decision, r->reason);
	if (rc < 0)
		return rc;
	rc = inv_prepare(inv, &st, "INSERT INTO boots (client_id, time, "
			 "decision, reason) VALUES (?1, ?2, ?3, ?4)");
	if (rc < 0)
		return rc;
	sqlite3_bind_int64(st, 1, r->client_id);
	sqlite3_bind_int64(st, 2, r->time);
	sqlite3_bind_text(st, 3, decision, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, r->reason, -1, SQLITE_STATIC);
	rc = inv_step_done(inv, st, "record boot");
	if (rc == 0 && boot_id)
		*boot_id = sqlite3_last_insert_rowid(inv->db);
	if (rc == 0 && r->quarantine)
		rc = inv_event_add(inv, r->time, r->client_id, NULL, "boot",
				   NULL, NULL, r->reason);
	return rc;
}

/** Write n records in one transaction; @ret 0 or a negative errno */
static int bootlog_write_all(struct inv *inv, const struct bootlog_rec *r,
			     size_t n)
{
	int rc;

	rc = inv_tx_begin(inv);
	if (rc < 0)
		return rc;
	for (size_t i = 0; rc == 0 && i < n; i++)
		rc = bootlog_write(inv, &r[i], NULL);
	return inv_tx_end(inv, rc);
}

/**
 * Write the records taken from the queue: all in one transaction, or, if
 * that fails, each in its own, so that one bad record loses only itself.
 *
 * @v bl	the boot log (flush lock held)
 * @v r, n	the records
 * @ret rc	0, or the last record's error (each lost one logged)
 */
static int bootlog_write_taken(struct bootlog *bl, const struct bootlog_rec *r,
			       size_t n)
{
	size_t written = n, lost = 0;
	int rc, one;

	rc = n ? bootlog_write_all(bl->inv, r, n) : 0;
	if (rc < 0) {
		written = 0;
		for (size_t i = 0; i < n; i++) {
			one = bootlog_write_all(bl->inv, &r[i], 1);
			if (one == 0) {
				written++;
				continue;
			}
			log_err("boot", "boot record of client %lld at %lld "
				"lost: %s", (long long)r[i].client_id,
				(long long)r[i].time, strerror(-one));
			lost++;
			rc = one;
		}
		rc = lost ? rc : 0;
	}
	pthread_mutex_lock(&bl->lock);
	bl->written += written;
	bl->lost += lost;
	pthread_mutex_unlock(&bl->lock);
	return rc;
}

/**
 * Write every record queued before the call.
 *
 * @v bl	the boot log
 * @ret rc	0, or the error of a record that could not be written
 */
int bootlog_flush(struct bootlog *bl)
{
	struct bootlog_rec *taken;
	size_t n;
	int rc;

	pthread_mutex_lock(&bl->flush_lock);
	pthread_mutex_lock(&bl->lock);
	taken = bl->queue;
	n = bl->n;
	bl->queue = bl->spare;
	bl->spare = taken;
	bl->n = 0;
	pthread_mutex_unlock(&bl->lock);
	rc = bootlog_write_taken(bl, taken, n);
	pthread_mutex_unlock(&bl->flush_lock);
	return rc;
}

/** The writer: wait for a record, let more arrive, write them. */
static void *bootlog_thread(void *arg)
{
	struct bootlog *bl = arg;
	struct timespec until;
	bool stop;

	pthread_mutex_lock(&bl->lock);
	for (;;) {
		while (!bl->stop && bl->n == 0)
			pthread_cond_wait(&bl->wake, &bl->lock);
		clock_gettime(CLOCK_MONOTONIC, &until);
		until.tv_nsec += BOOTLOG_DELAY_MS * 1000000L;
		if (until.tv_nsec >= 1000000000L) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000L;
		}
		while (!bl->stop && bl->n < BOOTLOG_QUEUE_HALF &&
		       pthread_cond_timedwait(&bl->wake, &bl->lock,
					      &until) == 0)
			;
		stop = bl->stop;
		pthread_mutex_unlock(&bl->lock);
		bootlog_flush(bl);
		if (stop)
			return NULL;
		pthread_mutex_lock(&bl->lock);
	}
}

/**
 * Queue a record.
 *
 * @v bl	the boot log (NULL: none started)
 * @v r		the record
 * @ret rc	0 or -EAGAIN
 */
int bootlog_add(struct bootlog *bl, const struct bootlog_rec *r)
{
	if (!bl)
		return -EAGAIN;		/* none started: write at once */
	pthread_mutex_lock(&bl->lock);
	if (bl->stop || bl->n >= BOOTLOG_QUEUE_MAX) {
		bl->refused++;
		pthread_mutex_unlock(&bl->lock);
		return -EAGAIN;
	}
	bl->queue[bl->n++] = *r;
	bl->queued++;
	if (bl->n == 1 || bl->n == BOOTLOG_QUEUE_HALF)
		pthread_cond_signal(&bl->wake);
	pthread_mutex_unlock(&bl->lock);
	return 0;
}

/**
 * The counters in the Prometheus text format.
 *
 * @v bl	the boot log
 * @v out	text appended
 * @ret rc	0 or -ENOMEM / -EFBIG
 */
int bootlog_metrics(struct bootlog *bl, struct buf *out)
{
	uint64_t queued, refused, written, lost;

	pthread_mutex_lock(&bl->lock);
	queued = bl->queued;
	refused = bl->refused;
	written = bl->written;
	lost = bl->lost;
	pthread_mutex_unlock(&bl->lock);
	return buf_printf(out, "# HELP fixnet_boot_records_total Records of "
			  "local boots that decided nothing new, written "
			  "behind the answer: queued, refused by a full queue "
			  "(written at once instead), written, lost to a write "
			  "error.\n# TYPE fixnet_boot_records_total counter\n"
			  "fixnet_boot_records_total{outcome=\"queued\"} %"
			  PRIu64 "\nfixnet_boot_records_total{outcome="
			  "\"refused\"} %" PRIu64 "\n"
			  "fixnet_boot_records_total{outcome=\"written\"} %"
			  PRIu64 "\nfixnet_boot_records_total{outcome="
			  "\"lost\"} %" PRIu64 "\n", queued, refused, written,
			  lost);
}

/** Free a boot log whose thread is not running. */
static void bootlog_free(struct bootlog *bl)
{
	pthread_cond_destroy(&bl->wake);
	pthread_mutex_destroy(&bl->lock);
	pthread_mutex_destroy(&bl->flush_lock);
	free(bl->queue);
	free(bl->spare);
	free(bl);
}

/**
 * Start the writer.
 *
 * @v inv	the inventory
 * @v out	the boot log
 * @ret rc	0 or a negative errno
 */
int bootlog_start(struct inv *inv, struct bootlog **out)
{
	struct bootlog *bl;
	pthread_condattr_t attr;
	int rc;

	bl = calloc(1, sizeof(*bl));
	if (!bl)
		return -ENOMEM;
	bl->inv = inv;
	pthread_mutex_init(&bl->lock, NULL);
	pthread_mutex_init(&bl->flush_lock, NULL);
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&bl->wake, &attr);
	pthread_condattr_destroy(&attr);
	bl->queue = calloc(BOOTLOG_QUEUE_MAX, sizeof(*bl->queue));
	bl->spare = calloc(BOOTLOG_QUEUE_MAX, sizeof(*bl->spare));
	if (!bl->queue || !bl->spare) {
		bootlog_free(bl);
		return -ENOMEM;
	}
	rc = -pthread_create(&bl->thread, NULL, bootlog_thread, bl);
	if (rc < 0) {
		bootlog_free(bl);
		return rc;
	}
	*out = bl;
	return 0;
}

/**
 * Stop: the thread writes what is queued and ends.
 *
 * @v bl	the boot log, or NULL
 */
void bootlog_stop(struct bootlog *bl)
{
	if (!bl)
		return;
	pthread_mutex_lock(&bl->lock);
	bl->stop = true;
	pthread_cond_signal(&bl->wake);
	pthread_mutex_unlock(&bl->lock);
	pthread_join(bl->thread, NULL);
	bootlog_free(bl);
}
