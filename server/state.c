/* SPDX-License-Identifier: MIT */
/*
 * The state machine of a (client, fix) pair: the table of allowed moves and
 * the one function that performs a move (state, reason, event).
 */
#include <errno.h>
#include <string.h>

#include "server/inventory.h"
#include "server/state.h"

static const char *const state_names[ST__COUNT] = {
	[ST_PENDING] = "pending",
	[ST_WAKING] = "waking",
	[ST_BOOTING] = "booting",
	[ST_DOWNLOADING] = "downloading",
	[ST_VERIFYING] = "verifying",
	[ST_APPLYING] = "applying",
	[ST_APPLIED] = "applied",
	[ST_FAILED] = "failed",
	[ST_SKIPPED] = "skipped",
	[ST_HELD] = "held",
};

#define M(s) (1u << (s))
/* The agent's progress and its outcome, from any state of a session. */
#define SESSION (M(ST_BOOTING) | M(ST_DOWNLOADING) | M(ST_VERIFYING) | \
		 M(ST_APPLYING) | M(ST_APPLIED) | M(ST_FAILED) | \
		 M(ST_SKIPPED) | M(ST_HELD))

/* state_moves[from] has bit `to` set when from -> to is allowed. */
static const unsigned state_moves[ST__COUNT] = {
	[ST_PENDING] = M(ST_WAKING) | M(ST_BOOTING) | M(ST_FAILED) |
		       M(ST_HELD),
	[ST_WAKING] = M(ST_WAKING) | M(ST_BOOTING) | M(ST_PENDING) |
		      M(ST_FAILED) | M(ST_HELD),
	[ST_BOOTING] = SESSION,
	[ST_DOWNLOADING] = SESSION,
	[ST_VERIFYING] = SESSION,
	[ST_APPLYING] = SESSION,
	[ST_APPLIED] = M(ST_PENDING),
	[ST_FAILED] = M(ST_PENDING) | M(ST_HELD),
	[ST_SKIPPED] = M(ST_PENDING) | M(ST_HELD),
	/* a report of a session under way when the rollout was held still
	 * records what the disk now has; progress events are refused, which
	 * stops the agent before it applies */
	[ST_HELD] = M(ST_PENDING) | M(ST_APPLIED) | M(ST_FAILED) |
		    M(ST_SKIPPED),
};
#undef M

/**
 * Name of a state.
 *
 * @v s		state
 * @ret name	its name, "?" if out of range
 */
const char *state_name(enum pair_state s)
{
	return (unsigned)s < ST__COUNT ? state_names[s] : "?";
}

/**
 * Parse a state name.
 *
 * @v s		name
 * @v out	the state
 * @ret rc	0 or -EINVAL
 */
int state_parse(const char *s, enum pair_state *out)
{
	for (unsigned i = 0; i < ST__COUNT; i++) {
		if (strcmp(s, state_names[i]) == 0) {
			*out = (enum pair_state)i;
			return 0;
		}
	}
	return -EINVAL;
}

/**
 * Look a move up in the table.
 *
 * @v from	current state
 * @v to	wanted state
 * @ret ok	true if allowed
 */
bool state_allowed(enum pair_state from, enum pair_state to)
{
	if ((unsigned)from >= ST__COUNT || (unsigned)to >= ST__COUNT)
		return false;
	return (state_moves[from] >> to) & 1u;
}

/**
 * Active states: the fix has yet to reach the client.
 *
 * @v s		state
 * @ret active	true for pending through applying
 */
bool state_is_active(enum pair_state s)
{
	return s <= ST_APPLYING;
}

/**
 * Move a pair, store it and append the event.
 *
 * @v inv	inventory, transaction open
 * @v pair	pair (its state is updated on success)
 * @v to	new state
 * @v reason	why, may be NULL
 * @v now	Unix time
 * @ret rc	0, -EPERM, or an inventory error
 */
int state_move(struct inv *inv, struct inv_pair *pair, enum pair_state to,
	       const char *reason, int64_t now)
{
	enum pair_state from = pair->state;
	int rc;

	if (!state_allowed(from, to))
		return -EPERM;
	pair->state = to;
	rc = inv_pair_set_state(inv, pair, reason, now);
	if (rc < 0)
		goto err;
	rc = inv_event_add(inv, now, pair->client_id, pair->fix_id, "state",
			   state_name(from), state_name(to), reason);
	if (rc < 0)
		goto err;
	return 0;
err:
	pair->state = from;
	return rc;
}
