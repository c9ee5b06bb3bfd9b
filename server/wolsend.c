/* SPDX-License-Identifier: MIT */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/strnum.h"
#include "server/log.h"
#include "server/wolsend.h"

/**
 * Open one target's socket.
 *
 * @v target	"A.B.C.D" or "iface:NAME"
 * @v fd	the socket
 * @v dst	where packets go
 * @ret rc	0 or a negative errno
 */
static int wolsend_open_one(const char *target, int *fd,
			    struct sockaddr_in *dst)
{
	const char *dev = NULL;
	int one = 1, rc;

	memset(dst, 0, sizeof(*dst));
	dst->sin_family = AF_INET;
	dst->sin_port = htons(WOL_PORT);
	if (strncmp(target, "iface:", 6) == 0) {
		dev = target + 6;
		dst->sin_addr.s_addr = htonl(INADDR_BROADCAST);
	} else if (inet_pton(AF_INET, target, &dst->sin_addr) != 1) {
		return -EINVAL;
	}
	*fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (*fd < 0)
		return -errno;
	if (setsockopt(*fd, SOL_SOCKET, SO_BROADCAST, &one, sizeof(one)) < 0)
		goto err;
	if (dev && setsockopt(*fd, SOL_SOCKET, SO_BINDTODEVICE, dev,
			      (socklen_t)strlen(dev)) < 0)
		goto err;
	return 0;
err:
	rc = -errno;
	close(*fd);
	*fd = -1;
	return rc;
}

/**
 * Open the sockets.
 *
 * @v ws	sender
 * @v targets	wol_broadcast values
 * @v n		how many
 * @ret rc	0 or a negative errno
 */
int wolsend_open(struct wolsend *ws, char *const *targets, size_t n)
{
	int rc;

	memset(ws, 0, sizeof(*ws));
	for (size_t i = 0; i < n && i < CONFIG_WOL_MAX; i++) {
		rc = wolsend_open_one(targets[i], &ws->fd[i], &ws->dst[i]);
		if (rc < 0) {
			log_err("wol", "wol_broadcast %s: %s%s", targets[i],
				strerror(-rc), rc == -ENODEV ?
				" (no such interface)" : "");
			wolsend_close(ws);
			return rc;
		}
		ws->name[i] = targets[i];
		ws->n = i + 1;
	}
	return 0;
}

/**
 * Send a packet to every target.
 *
 * @v ws	sender
 * @v pkt	magic packet
 * @v len	its length
 * @ret rc	0 if any target took it, else the last error
 */
int wolsend_send(struct wolsend *ws, const uint8_t *pkt, size_t len)
{
	int rc = -ENOTCONN, ok = 0;

	for (size_t i = 0; i < ws->n; i++) {
		if (sendto(ws->fd[i], pkt, len, 0,
			   (const struct sockaddr *)&ws->dst[i],
			   sizeof(ws->dst[i])) == (ssize_t)len) {
			ok = 1;
			continue;
		}
		rc = -errno;
		log_warn("wol", "send to %s: %s", ws->name[i], strerror(errno));
	}
	return ok ? 0 : rc;
}

/**
 * Close the sockets.
 *
 * @v ws	sender, may be zeroed
 */
void wolsend_close(struct wolsend *ws)
{
	for (size_t i = 0; i < ws->n; i++)
		if (ws->fd[i] >= 0)
			close(ws->fd[i]);
	ws->n = 0;
}

/**
 * Build the trailer from public_url.
 *
 * @v public_url	"http://10.77.0.1:8080" or "http://[fd00::1]:8080"
 * @v out		the trailer
 * @ret rc		0 or -EINVAL
 */
int wolsend_trailer(const char *public_url, struct wol_trailer *out)
{
	const char *host = strstr(public_url, "://");
	char h[64];
	const char *end, *port = NULL;
	uint64_t p;
	size_t n;

	if (!host)
		return -EINVAL;
	host += 3;
	memset(out, 0, sizeof(*out));
	out->port = strncmp(public_url, "https", 5) == 0 ? 443 : 80;
	if (*host == '[') {
		host++;
		end = strchr(host, ']');
		if (!end)
			return -EINVAL;
		if (end[1] == ':')
			port = end + 2;
	} else {
		end = host + strcspn(host, ":/");
		if (*end == ':')
			port = end + 1;
	}
	n = (size_t)(end - host);
	if (n == 0 || n >= sizeof(h))
		return -EINVAL;
	memcpy(h, host, n);
	h[n] = '\0';
	if (port) {
		char num[8];
		size_t pn = strcspn(port, "/");

		if (pn == 0 || pn >= sizeof(num))
			return -EINVAL;
		memcpy(num, port, pn);
		num[pn] = '\0';
		if (strnum_u64(num, 1, 65535, &p) < 0)
			return -EINVAL;
		out->port = (uint16_t)p;
	}
	if (inet_pton(AF_INET, h, &out->addr.v4) == 1)
		out->family = AF_INET;
	else if (inet_pton(AF_INET6, h, &out->addr.v6) == 1)
		out->family = AF_INET6;
	else
		return -EINVAL;
	return 0;
}
