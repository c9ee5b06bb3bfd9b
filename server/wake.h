/* SPDX-License-Identifier: MIT */
#ifndef FIXNET_SERVER_WAKE_H
#define FIXNET_SERVER_WAKE_H

#include "server/srv.h"
#include "server/waker.h"
#include "server/wolsend.h"

/*
 * The waker's operations in fixsrv: the monotonic clock, the sockets of
 * wolsend, and the inventory record of each wake (pending -> waking, a
 * "wake" event).
 */
struct wake_ctx {
	const struct srv *srv;
	struct wolsend *ws;
};

/** Fill ops for a waker driven by ctx. */
void wake_ops(struct wake_ctx *ctx, struct waker_ops *ops);

#endif
