/* SPDX-License-Identifier: MIT */
#ifndef FIXNET_SERVER_BOOTLOG_H
#define FIXNET_SERVER_BOOTLOG_H

#include <stdbool.h>
#include <stdint.h>

#include "common/buf.h"
#include "server/bootdecide.h"

struct inv;
struct bootlog;

/*
 * The boot records: each /boot.ipxe leaves a row in boots and the client's
 * last-seen data (a quarantine boot also a "boot" event).  A boot that changes a pair or issues a
 * token writes them in its own transaction (bootlog_write()); a local boot
 * that decides nothing new queues them here instead (bootlog_add()), and
 * one thread writes the queue behind, at most BOOTLOG_DELAY_MS after a
 * record arrives, all that is queued in one transaction (the pages a batch
 * touches are written once for all of its records).  The answer does not wait for a commit: what a
 * crash can lose is the last moments' local-boot records, never a
 * decision, a token or a state.  Every admin request flushes the queue
 * first (bootlog_flush()), so an operator reads every boot answered before.
 */

#define BOOTLOG_DELAY_MS 100	/* a queued record is written within this, */
#define BOOTLOG_QUEUE_HALF 2048	/* ... or as soon as this many are queued */
#define BOOTLOG_QUEUE_MAX 4096	/* queued at most: then boots write at once */

struct bootlog_rec {
	int64_t client_id;
	int64_t time;
	bool quarantine;
	char reason[BD_REASON_MAX];
	char uuid[UUID_STR_LEN];		/* "" if not given */
	char arch[BD_ARCH_MAX + 1];		/* "" if not given */
	char platform[BD_PLATFORM_MAX + 1];	/* "" if not given */
};

/** Fill a record from a checked request and its decision. */
void bootlog_rec_fill(struct bootlog_rec *r, int64_t client_id, int64_t now,
		      const struct bd_request *req, const struct bd_output *d);

/**
 * Write one record now, in the caller's transaction (inv_tx_begin()).
 * @ret 0 and *boot_id (may be NULL), or a negative errno
 */
int bootlog_write(struct inv *inv, const struct bootlog_rec *r,
		  int64_t *boot_id);

/** Start the writer thread.  @ret 0 and *out, or a negative errno */
int bootlog_start(struct inv *inv, struct bootlog **out);

/**
 * Queue a record.
 * @ret 0, or -EAGAIN when the queue is full or stopped (write it now)
 */
int bootlog_add(struct bootlog *bl, const struct bootlog_rec *r);

/** Write every record queued before the call; @ret 0 or a negative errno */
int bootlog_flush(struct bootlog *bl);

/** Append the counters to /metrics' text; @ret 0 or a negative errno */
int bootlog_metrics(struct bootlog *bl, struct buf *out);

/** Write what is queued, stop the thread, free; accepts NULL. */
void bootlog_stop(struct bootlog *bl);

#endif
