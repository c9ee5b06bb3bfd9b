/* SPDX-License-Identifier: MIT */
/*
 * wol-listen: watch an interface (the lab's bridge) for Wake-on-LAN magic
 * packets and print one line per packet, as libvirt-wakeonlan watches a
 * bridge to start the powered-off domain a packet names:
 *
 *   wake 52:54:00:12:34:56
 *   wake 52:54:00:12:34:56 server=10.77.0.1:8080     (fixnet trailer)
 *
 * The e2e harness reads the lines and powers on the QEMU client with that
 * MAC.  Needs CAP_NET_RAW (a packet socket sees every frame: raw
 * ether-wake frames and UDP to port 7 or 9 alike).
 *
 *   wol-listen IFACE
 *
 * Exit: 0 never (runs until killed), 100 bad usage or no such interface,
 * 111 socket error.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/mac.h"
#include "common/wol.h"
#include "qemu-tests/wolframe.h"

#define EXIT_PERMANENT 100
#define EXIT_TEMPORARY 111

/**
 * Open a packet socket bound to one interface.
 *
 * @v ifname	interface name
 * @v fd	set to the socket
 * @ret 0, -ENODEV, or -errno of socket/bind
 */
static int wl_open(const char *ifname, int *fd)
{
	struct sockaddr_ll sll = { .sll_family = AF_PACKET,
				   .sll_protocol = htons(ETH_P_ALL) };
	int s, rc;

	sll.sll_ifindex = (int)if_nametoindex(ifname);
	if (!sll.sll_ifindex)
		return -ENODEV;
	s = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, htons(ETH_P_ALL));
	if (s < 0)
		return -errno;
	if (bind(s, (struct sockaddr *)&sll, sizeof(sll)) < 0) {
		rc = -errno;
		goto err_bind;
	}
	*fd = s;
	return 0;

err_bind:
	close(s);
	return rc;
}

/**
 * Print the line for one magic packet.
 *
 * @v mac	the MAC it wakes
 * @v tr	its fixnet trailer, or NULL
 */
static void wl_print(const struct mac *mac, const struct wol_trailer *tr)
{
	char m[MAC_STR_LEN], a[INET6_ADDRSTRLEN] = "";

	mac_format(mac, m);
	if (!tr) {
		printf("wake %s\n", m);
		return;
	}
	inet_ntop(tr->family, &tr->addr, a, sizeof(a));
	if (tr->family == AF_INET6)
		printf("wake %s server=[%s]:%u\n", m, a, tr->port);
	else
		printf("wake %s server=%s:%u\n", m, a, tr->port);
}

/**
 * Look at one frame; print a line if it carries a magic packet.
 *
 * @v frame	the frame
 * @v len	its length
 */
static void wl_frame(const uint8_t *frame, size_t len)
{
	const uint8_t *p;
	size_t n;
	struct mac mac;
	struct wol_trailer tr;
	bool has_trailer;

	if (wolframe_payload(frame, len, &p, &n) < 0)
		return;
	if (wol_parse(p, n, &mac, &tr, &has_trailer) < 0)
		return;
	wl_print(&mac, has_trailer ? &tr : NULL);
}

int main(int argc, char **argv)
{
	uint8_t frame[WOLFRAME_MAX];
	ssize_t n;
	int fd = -1, rc;

	if (argc != 2) {
		fprintf(stderr, "usage: wol-listen IFACE\n");
		return EXIT_PERMANENT;
	}
	rc = wl_open(argv[1], &fd);
	if (rc < 0) {
		fprintf(stderr, "wol-listen: %s: %s\n", argv[1], strerror(-rc));
		return rc == -ENODEV ? EXIT_PERMANENT : EXIT_TEMPORARY;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	fprintf(stderr, "wol-listen: watching %s\n", argv[1]);
	for (;;) {
		n = recv(fd, frame, sizeof(frame), MSG_TRUNC);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, "wol-listen: recv: %s\n", strerror(errno));
			close(fd);
			return EXIT_TEMPORARY;
		}
		if ((size_t)n > sizeof(frame))
			continue;	/* truncated: too big for a magic packet */
		wl_frame(frame, (size_t)n);
	}
}
