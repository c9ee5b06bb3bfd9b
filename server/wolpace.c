/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "server/wolpace.h"

/**
 * Start a pacer.
 *
 * @v p			pacer
 * @v group_interval_ms	at most one wake per this many ms per power group
 * @v global_per_sec	at most this many wakes a second in all (> 0)
 */
void wolpace_init(struct wolpace *p, uint64_t group_interval_ms,
		  uint64_t global_per_sec)
{
	memset(p, 0, sizeof(*p));
	p->group_interval_us = group_interval_ms * 1000;
	p->global_interval_us = (1000000 + global_per_sec - 1) / global_per_sec;
}

/**
 * Free the group table.
 *
 * @v p		pacer, may be zeroed
 */
void wolpace_free(struct wolpace *p)
{
	free(p->groups);
	p->groups = NULL;
	p->ngroups = 0;
}

/** Find a group's entry, or NULL. */
static struct wolpace_group *wolpace_find(const struct wolpace *p,
					  const char *group)
{
	for (size_t i = 0; i < p->ngroups; i++)
		if (strcmp(p->groups[i].name, group) == 0)
			return &p->groups[i];
	return NULL;
}

/**
 * Time until the group may wake one more client.
 *
 * @v p		pacer
 * @v group	power group
 * @v now_us	current time
 * @ret wait	microseconds, 0 if now
 */
uint64_t wolpace_wait(const struct wolpace *p, const char *group,
		      uint64_t now_us)
{
	const struct wolpace_group *g = wolpace_find(p, group);
	uint64_t next = p->global_next_us;

	if (g && g->next_us > next)
		next = g->next_us;
	return next > now_us ? next - now_us : 0;
}

/**
 * Consume a wake.
 *
 * @v p		pacer
 * @v group	power group
 * @v now_us	current time
 * @ret rc	0, -EAGAIN, -ENOSPC, -ENOMEM, -EINVAL
 */
int wolpace_take(struct wolpace *p, const char *group, uint64_t now_us)
{
	struct wolpace_group *g, *grown;

	if (strlen(group) > WOLPACE_GROUP_MAX)
		return -EINVAL;
	if (wolpace_wait(p, group, now_us) > 0)
		return -EAGAIN;
	g = wolpace_find(p, group);
	if (!g) {
		if (p->ngroups == WOLPACE_GROUPS_MAX)
			return -ENOSPC;
		grown = realloc(p->groups, (p->ngroups + 1) * sizeof(*grown));
		if (!grown)
			return -ENOMEM;
		p->groups = grown;
		g = &p->groups[p->ngroups++];
		strcpy(g->name, group);
	}
	g->next_us = now_us + p->group_interval_us;
	p->global_next_us = now_us + p->global_interval_us;
	return 0;
}
