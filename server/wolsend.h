/* SPDX-License-Identifier: MIT */
#ifndef FIXNET_SERVER_WOLSEND_H
#define FIXNET_SERVER_WOLSEND_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>

#include "common/wol.h"
#include "server/config.h"

/*
 * The sockets that carry magic packets: one UDP socket per wol_broadcast
 * target, opened before fixsrv drops root.  "A.B.C.D" sends to that subnet
 * broadcast address; "iface:NAME" binds the socket to the device
 * (SO_BINDTODEVICE) and sends to 255.255.255.255.  Port WOL_PORT (9).
 */

struct wolsend {
	int fd[CONFIG_WOL_MAX];
	struct sockaddr_in dst[CONFIG_WOL_MAX];
	const char *name[CONFIG_WOL_MAX];	/* the config's text */
	size_t n;
};

/** Open a socket per target.  @ret 0 or a negative errno (logged) */
int wolsend_open(struct wolsend *ws, char *const *targets, size_t n);

/** Send to every target.  @ret 0 if at least one send worked, else -errno */
int wolsend_send(struct wolsend *ws, const uint8_t *pkt, size_t len);

/** Close the sockets; accepts a zeroed struct. */
void wolsend_close(struct wolsend *ws);

/**
 * The trailer for a public_url whose host is an IP address literal.
 * @ret 0, or -EINVAL (a host name: the trailer needs an address)
 */
int wolsend_trailer(const char *public_url, struct wol_trailer *out);

#endif
