/* SPDX-License-Identifier: MIT */
/*
 * agentload: many simulated agents against fixsrv on loopback, each item
 * of its input sent exactly once, over CONNS keep-alive connections
 * multiplexed by one epoll loop (so that the load costs little CPU).
 *
 *   agentload -a HOST:PORT -c CONNS -m boot|report [-i IN] [-o OUT] [-d S]
 *
 * boot:   IN lines "MAC"; GET /boot.ipxe for each; OUT gets "MAC TOKEN"
 *         ("MAC -" for a local-boot script).
 * report: IN lines "MAC TOKEN FIX SERIAL [AFTER]"; POST /api/v1/report
 *         (result applied, one evidence entry: a put of etc/av/defs.dat
 *         whose after is AFTER, 64 hex digits, zeros if not given: fixsrv
 *         then finds it does not match the manifest and answers failed);
 *         OUT gets "MAC TOKEN FIX" for each
 *         report acknowledged (200, not a duplicate), written with write(2)
 *         as soon as the answer is read.
 *
 * Stops after the last item or after -d seconds.  Prints one line:
 * "items=N ok=N dup=N failed=N secs=S rate=R p50_us=N p99_us=N" (rate: ok
 * answers per second).  Exit 0 if every item sent was answered ok, 1 if
 * not, 2 on a usage or setup error.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define AL_CONNS_MAX 4096
#define AL_LINE_MAX 512
#define AL_REQ_MAX 2048
#define AL_RESP_MAX 65536

enum al_mode { AL_BOOT, AL_REPORT };

struct al_item {
	char *f[5];		/* MAC [TOKEN FIX SERIAL [AFTER]] */
	long long us;		/* latency, -1: not answered */
};

struct al_conn {
	int fd;
	long item;		/* -1: idle */
	char req[AL_REQ_MAX];
	size_t reqlen, reqoff;
	char resp[AL_RESP_MAX];
	size_t resplen;
	long long t0;
};

struct al {
	enum al_mode mode;
	struct sockaddr_in addr;
	struct al_item *items;
	long nitems, next, nok, ndup, nfail;
	int out_fd, ep;
	long long deadline;
	struct al_conn *conns;
	int nconns, open;
};

/** Microseconds of the monotonic clock. */
static long long al_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/** Read the input: one item per line, blank-separated fields. */
static int al_read(struct al *a, const char *path)
{
	char line[AL_LINE_MAX];
	FILE *f = path ? fopen(path, "re") : stdin;
	long cap = 0;

	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		struct al_item *it;
		char *save = NULL, *tok;
		int n = 0;

		if (a->nitems == cap) {
			cap = cap ? 2 * cap : 1024;
			it = realloc(a->items, (size_t)cap * sizeof(*it));
			if (!it)
				return -ENOMEM;
			a->items = it;
		}
		it = &a->items[a->nitems];
		memset(it, 0, sizeof(*it));
		for (tok = strtok_r(line, " \t\n", &save); tok && n < 5;
		     tok = strtok_r(NULL, " \t\n", &save))
			if (!(it->f[n++] = strdup(tok)))
				return -ENOMEM;
		if (n == 0)
			continue;
		if (a->mode == AL_BOOT ? n != 1 : n != 4 && n != 5)
			return -EINVAL;
		it->us = -1;
		a->nitems++;
	}
	if (f != stdin)
		fclose(f);
	return 0;
}

/** Format the request of an item into c->req. */
static void al_request(struct al *a, struct al_conn *c, const struct al_item *it)
{
	char body[1024];
	int n;

	if (a->mode == AL_BOOT) {
		c->reqlen = (size_t)snprintf(c->req, sizeof(c->req),
			"GET /boot.ipxe?mac=%s&uuid=&arch=x86_64&platform=pcbios "
			"HTTP/1.1\r\nHost: fixsrv\r\n\r\n", it->f[0]);
		return;
	}
	n = snprintf(body, sizeof(body), "{\"fix\":\"%s\",\"serial\":%s,"
		     "\"result\":\"applied\",\"reason\":\"\",\"target\":"
		     "{\"device\":\"/dev/vda1\",\"fstype\":\"ext4\"},"
		     "\"evidence\":[{\"path\":\"etc/av/defs.dat\",\"op\":"
		     "\"put\",\"before\":null,\"after\":\"%s\"}]}",
		     it->f[2], it->f[3], it->f[4] ? it->f[4] :
		     "0000000000000000000000000000000000000000000000000000000000000000");
	c->reqlen = (size_t)snprintf(c->req, sizeof(c->req),
		"POST /api/v1/report HTTP/1.1\r\nHost: fixsrv\r\n"
		"Authorization: Bearer %s\r\nX-Fixnet-Client: %s\r\n"
		"Content-Type: application/json\r\nContent-Length: %d\r\n\r\n%s",
		it->f[1], it->f[0], n, body);
}

/** Open a connection (non-blocking connect). */
static int al_connect(struct al *a, struct al_conn *c)
{
	struct epoll_event ev = { .events = EPOLLIN | EPOLLOUT | EPOLLET };
	int one = 1;

	c->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (c->fd < 0)
		return -errno;
	setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (connect(c->fd, (struct sockaddr *)&a->addr, sizeof(a->addr)) < 0 &&
	    errno != EINPROGRESS) {
		close(c->fd);
		c->fd = -1;
		return -errno;
	}
	ev.data.ptr = c;
	epoll_ctl(a->ep, EPOLL_CTL_ADD, c->fd, &ev);
	return 0;
}

/** Close a connection. */
static void al_close(struct al_conn *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
}

/** Give the connection its next item; @ret 0, or -1 when none is left */
static int al_next(struct al *a, struct al_conn *c)
{
	for (;;) {
		c->item = -1;
		if (a->next >= a->nitems || al_us() >= a->deadline)
			return -1;
		c->item = a->next++;
		al_request(a, c, &a->items[c->item]);
		c->reqoff = 0;
		c->resplen = 0;
		c->t0 = al_us();
		if (c->fd >= 0 || al_connect(a, c) == 0)
			return 0;
		a->nfail++;
	}
}

/** Write a line to the output, unbuffered. */
static void al_emit(struct al *a, const char *line)
{
	size_t n = strlen(line);

	if (a->out_fd >= 0 && write(a->out_fd, line, n) != (ssize_t)n)
		perror("agentload: output");
}

/** Act on a complete answer to the connection's item. */
static void al_answer(struct al *a, struct al_conn *c, int status,
		      const char *body, size_t len)
{
	struct al_item *it = &a->items[c->item];
	char line[AL_LINE_MAX];
	const char *t;

	it->us = al_us() - c->t0;
	if (status != 200) {
		a->nfail++;
		return;
	}
	if (a->mode == AL_BOOT) {
		t = memmem(body, len, "fixtoken=", 9);
		snprintf(line, sizeof(line), "%s %.*s\n", it->f[0],
			 t && body + len - t >= 73 ? 64 : 1,
			 t && body + len - t >= 73 ? t + 9 : "-");
	} else if (memmem(body, len, "\"duplicate\"", 11)) {
		a->ndup++;
		return;
	} else {
		snprintf(line, sizeof(line), "%s %s %s\n", it->f[0], it->f[1],
			 it->f[2]);
	}
	a->nok++;
	al_emit(a, line);
}

/**
 * Parse the response read so far.
 * @ret 1 complete (answered), 0 need more, -1 malformed
 */
static int al_parse(struct al *a, struct al_conn *c)
{
	char *end, *cl;
	size_t hlen, blen;
	int status;

	c->resp[c->resplen] = '\0';
	end = strstr(c->resp, "\r\n\r\n");
	if (!end)
		return 0;
	hlen = (size_t)(end + 4 - c->resp);
	if (sscanf(c->resp, "HTTP/1.%*d %d", &status) != 1)
		return -1;
	cl = strcasestr(c->resp, "\r\nContent-Length:");
	if (!cl || cl > end)
		return -1;
	blen = strtoul(cl + 17, NULL, 10);
	if (hlen + blen >= sizeof(c->resp))
		return -1;
	if (c->resplen < hlen + blen)
		return 0;
	al_answer(a, c, status, c->resp + hlen, blen);
	if (strcasestr(c->resp, "\r\nConnection: close") &&
	    strcasestr(c->resp, "\r\nConnection: close") < end)
		al_close(c);
	return 1;
}

/** A failed connection: its item failed; start over on a new one. */
static void al_fail(struct al *a, struct al_conn *c)
{
	al_close(c);
	a->nfail++;
	if (al_next(a, c) < 0)
		a->open--;
}

/** Drive one connection after an event. */
static void al_event(struct al *a, struct al_conn *c)
{
	ssize_t n;
	int rc;

	while (c->item >= 0 && c->reqoff < c->reqlen) {
		n = send(c->fd, c->req + c->reqoff, c->reqlen - c->reqoff,
			 MSG_NOSIGNAL);
		if (n < 0 && errno == EAGAIN)
			return;
		if (n < 0)
			return al_fail(a, c);
		c->reqoff += (size_t)n;
	}
	for (;;) {
		n = recv(c->fd, c->resp + c->resplen,
			 sizeof(c->resp) - 1 - c->resplen, 0);
		if (n < 0 && errno == EAGAIN)
			return;
		if (n <= 0)
			return al_fail(a, c);
		c->resplen += (size_t)n;
		rc = al_parse(a, c);
		if (rc < 0)
			return al_fail(a, c);
		if (rc == 0)
			continue;
		if (al_next(a, c) < 0) {
			a->open--;
			return;
		}
		return al_event(a, c);	/* send the next request */
	}
}

static int al_cmp(const void *x, const void *y)
{
	long long a = *(const long long *)x, b = *(const long long *)y;

	return a < b ? -1 : a > b;
}

/** Print the summary line. */
static void al_summary(const struct al *a, double secs)
{
	long long *lat = calloc((size_t)a->nitems + 1, sizeof(*lat));
	long n = 0;

	for (long i = 0; lat && i < a->nitems; i++)
		if (a->items[i].us >= 0)
			lat[n++] = a->items[i].us;
	if (lat)
		qsort(lat, (size_t)n, sizeof(*lat), al_cmp);
	printf("items=%ld ok=%ld dup=%ld failed=%ld secs=%.3f rate=%.1f "
	       "p50_us=%lld p99_us=%lld\n", a->next, a->nok, a->ndup, a->nfail,
	       secs, secs > 0 ? a->nok / secs : 0.0,
	       n ? lat[n / 2] : 0, n ? lat[n * 99 / 100] : 0);
	free(lat);
}

/** Parse HOST:PORT (IPv4). */
static int al_addr(const char *s, struct sockaddr_in *sa)
{
	char host[64];
	const char *colon = strrchr(s, ':');

	if (!colon || (size_t)(colon - s) >= sizeof(host))
		return -EINVAL;
	memcpy(host, s, (size_t)(colon - s));
	host[colon - s] = '\0';
	memset(sa, 0, sizeof(*sa));
	sa->sin_family = AF_INET;
	sa->sin_port = htons((uint16_t)atoi(colon + 1));
	return inet_pton(AF_INET, host, &sa->sin_addr) == 1 ? 0 : -EINVAL;
}

/** Run the load; @ret 0 */
static int al_run(struct al *a)
{
	struct epoll_event evs[256];
	long long t0 = al_us();
	int n;

	for (int i = 0; i < a->nconns; i++) {
		a->conns[i].fd = -1;
		if (al_next(a, &a->conns[i]) == 0)
			a->open++;
	}
	while (a->open > 0) {
		n = epoll_wait(a->ep, evs, 256, 1000);
		for (int i = 0; i < n; i++)
			al_event(a, evs[i].data.ptr);
		if (al_us() >= a->deadline + 30000000LL)
			break;	/* answers 30 s late: give up */
	}
	al_summary(a, (double)(al_us() - t0) / 1e6);
	return 0;
}

/** Release what the load holds (LeakSanitizer checks it at exit). */
static void al_free(struct al *a)
{
	for (long i = 0; i < a->nitems; i++)
		for (int j = 0; j < 5; j++)
			free(a->items[i].f[j]);
	free(a->items);
	free(a->conns);
	if (a->ep >= 0)
		close(a->ep);
	if (a->out_fd >= 0)
		close(a->out_fd);
}

int main(int argc, char **argv)
{
	struct al a = { .out_fd = -1, .ep = -1, .nconns = 64 };
	const char *in = NULL, *out = NULL, *addr = NULL, *mode = NULL;
	double secs = 3600;
	int c, rc;

	while ((c = getopt(argc, argv, "a:c:m:i:o:d:")) != -1) {
		switch (c) {
		case 'a': addr = optarg; break;
		case 'c': a.nconns = atoi(optarg); break;
		case 'm': mode = optarg; break;
		case 'i': in = optarg; break;
		case 'o': out = optarg; break;
		case 'd': secs = atof(optarg); break;
		default: goto usage;
		}
	}
	if (!addr || !mode || al_addr(addr, &a.addr) < 0 || a.nconns < 1 ||
	    a.nconns > AL_CONNS_MAX || optind != argc)
		goto usage;
	if (strcmp(mode, "boot") == 0)
		a.mode = AL_BOOT;
	else if (strcmp(mode, "report") == 0)
		a.mode = AL_REPORT;
	else
		goto usage;
	if (al_read(&a, in) < 0) {
		fprintf(stderr, "agentload: cannot read the input (wrong field count?)\n");
		return 2;
	}
	if (out && (a.out_fd = open(out, O_WRONLY | O_CREAT | O_TRUNC |
				    O_APPEND | O_CLOEXEC, 0644)) < 0) {
		perror(out);
		return 2;
	}
	a.ep = epoll_create1(EPOLL_CLOEXEC);
	a.conns = calloc((size_t)a.nconns, sizeof(*a.conns));
	if (a.ep < 0 || !a.conns)
		return 2;
	a.deadline = al_us() + (long long)(secs * 1e6);
	al_run(&a);
	rc = a.nfail == 0 && a.nok + a.ndup == a.next ? 0 : 1;
	al_free(&a);
	return rc;
usage:
	fprintf(stderr, "usage: agentload -a HOST:PORT -c CONNS -m boot|report "
		"[-i IN] [-o OUT] [-d SECONDS]\n");
	return 2;
}
