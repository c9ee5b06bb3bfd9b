/* SPDX-License-Identifier: MIT */
#ifndef FIXNET_SERVER_STATS_H
#define FIXNET_SERVER_STATS_H

#include <jansson.h>

#include "common/buf.h"

struct inv;

/*
 * Summaries of the inventory (inv_stats.c).
 */

/**
 * Counts of pairs by state, then a row per (client, fix), for one fix or
 * all (fix NULL); the rows of one state only, unless state is NULL.
 * @ret 0, -ENOENT (no such fix), or a negative errno
 */
int inv_status_json(struct inv *inv, const char *fix, const char *state,
		    json_t **out);

/** Prometheus text: clients, pairs by state, boots, wakes, reports. */
int inv_metrics_text(struct inv *inv, struct buf *out);

#endif
