/* SPDX-License-Identifier: MIT */
#ifndef FIXNET_SERVER_STATE_H
#define FIXNET_SERVER_STATE_H

#include <stdbool.h>
#include <stdint.h>

struct inv;
struct inv_pair;

/*
 * States of one (client, fix) pair (DESIGN.md), and the only place that
 * moves a pair from one to another.  "verifying" is the agent's progress
 * event of docs/protocol.md, between downloading and applying.
 */
enum pair_state {
	ST_PENDING,
	ST_WAKING,
	ST_BOOTING,
	ST_DOWNLOADING,
	ST_VERIFYING,
	ST_APPLYING,
	ST_APPLIED,
	ST_FAILED,
	ST_SKIPPED,
	ST_HELD,
	ST__COUNT,
};

/** Name of a state ("pending", ...). */
const char *state_name(enum pair_state s);

/** @ret 0 and *out, or -EINVAL for an unknown name */
int state_parse(const char *s, enum pair_state *out);

/** True if the table allows moving from one state to the other. */
bool state_allowed(enum pair_state from, enum pair_state to);

/**
 * True while the fix still has to reach the client: pending, waking,
 * booting, downloading, verifying, applying.
 */
bool state_is_active(enum pair_state s);

/**
 * Move a pair to a state and append the event, inside the caller's
 * transaction.  The pair (its state field) is updated.
 *
 * @v inv	inventory, transaction open
 * @v pair	the pair as read from the inventory
 * @v to	new state
 * @v reason	why (stored on the pair for failed/skipped/held; the event's
 *		message in every case), may be NULL
 * @v now	Unix time
 * @ret rc	0, -EPERM (move not in the table), or an inventory error
 */
int state_move(struct inv *inv, struct inv_pair *pair, enum pair_state to,
	       const char *reason, int64_t now);

#endif
