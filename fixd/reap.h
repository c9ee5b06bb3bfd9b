/* SPDX-License-Identifier: MIT */
#ifndef FIXD_REAP_H
#define FIXD_REAP_H

#include "fixd/log.h"

/*
 * What a hook leaves behind.  A hook runs in its own process group, which
 * fixd kills when the hook ends; a descendant that left the group (setsid,
 * a daemon's double fork) would outlive it and keep running against the
 * mounted target.  fixd therefore makes itself a child subreaper
 * (PR_SET_CHILD_SUBREAPER): every orphan below it is reparented to fixd
 * instead of init, and reap_children() kills and reaps them all.
 *
 * fixd has no child of its own while a hook runs, so every child found is
 * the hook's.
 */

#define REAP_ROUNDS_MAX 64	/* kill-and-wait rounds (each one generation) */
#define REAP_BATCH_MAX 1024	/* children killed per round */

/**
 * Make the calling process a child subreaper.
 * @ret 0 or -errno
 */
int reap_subreaper(void);

/**
 * SIGKILL and reap every child of the calling process, round after round,
 * until it has none: killing one reparents its children to the subreaper,
 * and the next round takes them.
 *
 * @v log	where to say how many were killed (NULL: nowhere)
 * @ret the number of children killed and reaped, or -EAGAIN if some were
 *	still there after REAP_ROUNDS_MAX rounds
 */
int reap_children(struct log *log);

#endif
