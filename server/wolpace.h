/* SPDX-License-Identifier: MIT */
#ifndef FIXNET_SERVER_WOLPACE_H
#define FIXNET_SERVER_WOLPACE_H

#include <stddef.h>
#include <stdint.h>

/*
 * Pacing of Wake-on-LAN (inrush): a token bucket of depth one per power
 * group (one wake per group interval) and one for the whole server (at most
 * global_per_sec wakes a second).  Pure: the caller passes the time, in
 * microseconds of a monotonic clock.
 */

#define WOLPACE_GROUP_MAX 64		/* bytes of a power group name */
#define WOLPACE_GROUPS_MAX 4096		/* power groups tracked */

struct wolpace_group {
	char name[WOLPACE_GROUP_MAX + 1];
	uint64_t next_us;		/* earliest time of its next wake */
};

struct wolpace {
	uint64_t group_interval_us;
	uint64_t global_interval_us;
	uint64_t global_next_us;
	struct wolpace_group *groups;
	size_t ngroups;
};

/** Start with no wake sent yet. */
void wolpace_init(struct wolpace *p, uint64_t group_interval_ms,
		  uint64_t global_per_sec);

/** Release the group table; accepts a zeroed struct. */
void wolpace_free(struct wolpace *p);

/**
 * Microseconds until a wake of that group may be sent (0: now).
 */
uint64_t wolpace_wait(const struct wolpace *p, const char *group,
		      uint64_t now_us);

/**
 * Take a wake for the group at now_us.
 * @ret 0, -EAGAIN (not yet: see wolpace_wait), -ENOSPC (too many groups),
 *	-ENOMEM, -EINVAL (name too long)
 */
int wolpace_take(struct wolpace *p, const char *group, uint64_t now_us);

#endif
