/* SPDX-License-Identifier: MIT */
/*
 * wolcap: capture one UDP datagram to port 9 on an interface, as it is on
 * the wire (AF_PACKET), for the Wake-on-LAN integration test.
 *
 *   wolcap IFACE TIMEOUT_S [COUNT]
 *
 * Prints a line "ms=<since start> dst=<ethernet destination> port=<udp
 * port> payload=<hex>" per datagram, and exits 0 after COUNT (default 1) of
 * them, or 1 at the timeout.  Writes "ready" to stderr once the socket is
 * open.
 */
#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <netinet/ip.h>
#include <netinet/udp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define WOLCAP_FRAME_MAX 2048

/** Milliseconds of the monotonic clock. */
static long long wolcap_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/** Print the frame if it is IPv4/UDP to port 9; @ret 1 if printed */
static int wolcap_frame(const unsigned char *f, size_t n, long long ms)
{
	struct iphdr ip;	/* copies: the headers are not aligned in f */
	struct udphdr udp;
	size_t ihl, len;

	if (n < ETH_HLEN + sizeof(ip) || f[12] != 0x08 || f[13] != 0x00)
		return 0;
	memcpy(&ip, f + ETH_HLEN, sizeof(ip));
	if (ip.protocol != IPPROTO_UDP)
		return 0;
	ihl = (size_t)ip.ihl * 4;
	if (n < ETH_HLEN + ihl + sizeof(udp))
		return 0;
	memcpy(&udp, f + ETH_HLEN + ihl, sizeof(udp));
	if (ntohs(udp.dest) != 9)
		return 0;
	len = ntohs(udp.len);
	if (len < sizeof(udp) || ETH_HLEN + ihl + len > n)
		return 0;
	printf("ms=%lld dst=%02x:%02x:%02x:%02x:%02x:%02x port=%u payload=", ms,
	       f[0], f[1], f[2], f[3], f[4], f[5], ntohs(udp.dest));
	for (size_t i = 0; i < len - sizeof(udp); i++)
		printf("%02x", f[ETH_HLEN + ihl + sizeof(udp) + i]);
	printf("\n");
	fflush(stdout);
	return 1;
}

int main(int argc, char **argv)
{
	struct sockaddr_ll sll = { .sll_family = AF_PACKET,
				   .sll_protocol = htons(ETH_P_ALL) };
	unsigned char frame[WOLCAP_FRAME_MAX];
	long long start = wolcap_ms();
	int fd, count = argc == 4 ? atoi(argv[3]) : 1;
	time_t end;

	if (argc != 3 && argc != 4) {
		fprintf(stderr, "usage: wolcap IFACE TIMEOUT_S [COUNT]\n");
		return 2;
	}
	sll.sll_ifindex = (int)if_nametoindex(argv[1]);
	fd = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL));
	if (!sll.sll_ifindex || fd < 0 ||
	    bind(fd, (struct sockaddr *)&sll, sizeof(sll)) < 0) {
		perror("wolcap");
		return 2;
	}
	fprintf(stderr, "ready\n");
	end = time(NULL) + atoi(argv[2]);
	while (time(NULL) < end) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		ssize_t n;

		if (poll(&p, 1, 200) <= 0)
			continue;
		n = recv(fd, frame, sizeof(frame), 0);
		if (n > 0 && wolcap_frame(frame, (size_t)n, wolcap_ms() - start) &&
		    --count == 0)
			return 0;
	}
	fprintf(stderr, "wolcap: nothing to port 9 on %s\n", argv[1]);
	return 1;
}
