/* SPDX-License-Identifier: MIT */
#ifndef FIXNET_SERVER_LISTEN_H
#define FIXNET_SERVER_LISTEN_H

#include <sys/types.h>

/*
 * The listening sockets, bound while fixsrv is still root.
 */

#define LISTEN_BACKLOG 256

/** Bind and listen on "host:port" (TCP).  @ret fd, or a negative errno (logged) */
int listen_tcp(const char *hostport);

/**
 * Bind and listen on a Unix socket path: its directory is created if
 * missing (owned by uid/gid); a stale socket is replaced, a live one is an
 * error; the socket is chmod 0660 and chown uid:gid.
 * @ret fd, or a negative errno (logged)
 */
int listen_unix(const char *path, uid_t uid, gid_t gid);

#endif
