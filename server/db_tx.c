/* SPDX-License-Identifier: MIT */
#include <stdatomic.h>
#include <stdbool.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "server/inventory.h"
#include "server/log.h"

/*
 * Transactions with group commit.
 *
 * One SQLite connection, one lock.  The first inv_tx_begin() of a batch
 * opens a write transaction (BEGIN IMMEDIATE); each caller's work runs in a
 * savepoint of it, released on success or rolled back on error, so a
 * refused request undoes only its own work.  At inv_tx_end() a caller whose
 * batch holds writes joins the batch's waiters; the last one, the one that
 * finds no thread queued for the lock (or the batch full), commits
 * (synchronous=FULL: the WAL is on disk when COMMIT returns) and wakes the
 * others.  Every waiter returns only after that commit, with its outcome:
 * an acknowledgement sent after inv_tx_end() returns 0 is for data on disk.
 * A thread that only read, while the batch holds others' writes, waits too:
 * what it read may be those writes.
 */
/* One caller waiting for the commit of its batch. */
struct inv_waiter {
	int rc;			/* its outcome; the commit's error if it was 0 */
	bool done;
	struct inv_waiter *next;
};

static const char TX_BEGIN[] = "BEGIN IMMEDIATE";
static const char TX_COMMIT[] = "COMMIT";
static const char TX_ROLLBACK[] = "ROLLBACK";
static const char TX_SAVEPOINT[] = "SAVEPOINT tx";
static const char TX_RELEASE[] = "RELEASE tx";
static const char TX_ROLLBACK_TO[] = "ROLLBACK TO tx";

/**
 * Close the batch: set the outcome of every waiter whose own work
 * succeeded, wake them all (lock held).
 *
 * @v inv	inventory
 * @v rc	0 (committed) or the error that lost the batch
 */
static void tx_release_waiters(struct inv *inv, int rc)
{
	struct inv_waiter *w, *next;

	for (w = inv->waiters; w; w = next) {
		next = w->next;
		if (w->rc == 0)
			w->rc = rc;
		w->done = true;
	}
	inv->waiters = NULL;
	inv->members = 0;
	inv->open = false;
	inv->dirty = false;
	pthread_cond_broadcast(&inv->committed);
}

/** Nanoseconds of the monotonic clock. */
static uint64_t tx_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/** Commit the batch (lock held); @ret 0 or the commit's error */
static int tx_commit(struct inv *inv)
{
	uint64_t t0 = tx_now_ns();
	int rc = inv_run(inv, TX_COMMIT);

	if (rc == 0 && inv->dirty) {
		inv->commits++;
		inv->commit_waiters += inv->members;
		inv->commit_ns += tx_now_ns() - t0;
	}
	if (rc < 0 && !sqlite3_get_autocommit(inv->db))
		inv_run(inv, TX_ROLLBACK);
	tx_release_waiters(inv, rc);
	return rc;
}

/**
 * Wait for the commit of the caller's batch, or make it; unlock.
 *
 * @v inv	inventory, lock held, savepoint closed
 * @v rc	the caller's outcome
 * @v wrote	the caller's savepoint was released with changes
 * @ret rc	rc, or the commit's error if rc was 0
 */
static int tx_settle(struct inv *inv, int rc, bool wrote)
{
	struct inv_waiter me = { .rc = rc };

	if (inv->open && sqlite3_get_autocommit(inv->db)) {
		/* SQLite rolled the whole batch back after an error */
		tx_release_waiters(inv, -EIO);
		me.rc = rc ? rc : -EIO;
		wrote = false;
	}
	inv->dirty |= wrote;
	if (!inv->dirty) {
		/* nothing uncommitted: end an idle read-only batch */
		if (inv->open && atomic_load(&inv->entering) == 0)
			tx_commit(inv);
		pthread_mutex_unlock(&inv->lock);
		return me.rc;
	}
	me.next = inv->waiters;
	inv->waiters = &me;
	inv->members++;
	if (atomic_load(&inv->entering) == 0 || inv->members >= INV_BATCH_MAX)
		tx_commit(inv);
	while (!me.done)
		pthread_cond_wait(&inv->committed, &inv->lock);
	pthread_mutex_unlock(&inv->lock);
	return me.rc;
}

/**
 * Take the lock and open a savepoint in the batch transaction.
 *
 * @v inv	inventory
 * @ret rc	0 (lock held), or a negative errno (lock not held)
 */
int inv_tx_begin(struct inv *inv)
{
	int rc;

	atomic_fetch_add(&inv->entering, 1);
	pthread_mutex_lock(&inv->lock);
	atomic_fetch_sub(&inv->entering, 1);
	if (!inv->open) {
		rc = inv_run(inv, TX_BEGIN);
		if (rc < 0) {
			pthread_mutex_unlock(&inv->lock);
			return rc;
		}
		inv->open = true;
	}
	rc = inv_run(inv, TX_SAVEPOINT);
	if (rc < 0)
		return tx_settle(inv, rc, false);	/* unlocks */
	inv->changes = sqlite3_total_changes64(inv->db);
	return 0;
}

/**
 * End the caller's part of the batch.
 *
 * @v inv	inventory, lock held (from inv_tx_begin())
 * @v rc	0 to keep the work, else the error that undoes it
 * @ret rc	rc, or the commit's error
 */
int inv_tx_end(struct inv *inv, int rc)
{
	bool wrote;

	if (rc == 0)
		rc = inv_run(inv, TX_RELEASE);
	if (rc < 0 && !sqlite3_get_autocommit(inv->db)) {
		inv_run(inv, TX_ROLLBACK_TO);
		inv_run(inv, TX_RELEASE);
	}
	wrote = rc == 0 && sqlite3_total_changes64(inv->db) != inv->changes;
	return tx_settle(inv, rc, wrote);
}
