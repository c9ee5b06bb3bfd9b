/* SPDX-License-Identifier: MIT */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>

#include "fixd/test/srv.h"

#define SRV_BODY_MAX (8 * 1024 * 1024)	/* largest POST body kept */
#define SRV_BLOCK 4096
#define SRV_SLOW_TICKS 20		/* slow: pieces of at most 1/20 s */

struct srv {
	struct MHD_Daemon *d;
	struct srv_opts o;		/* faults count down here */
	pthread_mutex_t lock;
	unsigned nreports;
};

/* A request being received. */
struct srv_req {
	char *body;
	size_t len;
	bool too_big;
};

/* A file being sent. */
struct srv_send {
	int fd;
	uint64_t start, end;		/* file range [start, end) */
	bool has_fault;
	struct srv_fault fault;
};

/**
 * Parse a fault: "PATH:KIND[=ARG][:TIMES[:SKIP]]".
 * @ret 0 or -EINVAL
 */
int srv_fault_parse(const char *spec, struct srv_fault *out)
{
	char copy[SRV_PATH_MAX + 64], *kind, *arg, *times, *skip = NULL;

	memset(out, 0, sizeof(*out));
	if (strlen(spec) >= sizeof(copy) || spec[0] != '/')
		return -EINVAL;
	strcpy(copy, spec);
	kind = strchr(copy, ':');
	if (!kind)
		return -EINVAL;
	*kind++ = '\0';
	times = strchr(kind, ':');
	if (times) {
		*times++ = '\0';
		skip = strchr(times, ':');
		if (skip)
			*skip++ = '\0';
	}
	arg = strchr(kind, '=');
	if (arg)
		*arg++ = '\0';
	snprintf(out->path, sizeof(out->path), "%s", copy);
	out->times = times ? (unsigned)strtoul(times, NULL, 10) : 1;
	out->arg = arg ? strtoull(arg, NULL, 10) : 0;
	out->skip = skip ? (unsigned)strtoul(skip, NULL, 10) : 0;
	if (strcmp(kind, "drop") == 0 && arg)
		out->kind = SRV_FAULT_DROP;
	else if (strcmp(kind, "endless") == 0 && !arg)
		out->kind = SRV_FAULT_ENDLESS;
	else if (strcmp(kind, "status") == 0 && arg)
		out->kind = SRV_FAULT_STATUS;
	else if (strcmp(kind, "slow") == 0 && arg && out->arg > 0)
		out->kind = SRV_FAULT_SLOW;
	else
		return -EINVAL;
	return 0;
}

/**
 * Take the next fault for a path, if any: a status fault (answered before
 * routing) or a body fault (applied while sending a file).
 * @ret true and *out
 */
static bool srv_fault_take(struct srv *s, const char *url, bool status,
			   struct srv_fault *out)
{
	bool found = false;

	pthread_mutex_lock(&s->lock);
	for (size_t i = 0; i < s->o.nfaults && !found; i++) {
		struct srv_fault *f = &s->o.faults[i];

		if (f->times > 0 && strcmp(f->path, url) == 0 &&
		    (f->kind == SRV_FAULT_STATUS) == status) {
			if (f->skip > 0) {
				f->skip--;
				continue;
			}
			f->times--;
			*out = *f;
			found = true;
		}
	}
	pthread_mutex_unlock(&s->lock);
	return found;
}

/** Append text to a file of the record directory. */
static void srv_record(struct srv *s, const char *name, const char *data,
		       size_t len, bool append)
{
	char path[PATH_MAX];
	int fd;

	snprintf(path, sizeof(path), "%s/record/%s", s->o.dir, name);
	fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC |
		  (append ? O_APPEND : O_TRUNC), 0644);
	if (fd < 0)
		return;
	if (write(fd, data, len) < 0)
		perror(path);
	close(fd);
}

/** Answer with a status and a JSON body. */
static enum MHD_Result srv_answer(struct MHD_Connection *c, unsigned status,
				  const char *json)
{
	struct MHD_Response *r;
	enum MHD_Result ret;

	r = MHD_create_response_from_buffer(strlen(json), (void *)json,
					    MHD_RESPMEM_MUST_COPY);
	if (!r)
		return MHD_NO;
	if (json[0])
		MHD_add_response_header(r, "Content-Type", "application/json");
	ret = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ret;
}

/** Reader of a file body, with its fault. */
static ssize_t srv_read(void *cls, uint64_t pos, char *buf, size_t max)
{
	struct srv_send *b = cls;
	uint64_t at = b->start + pos;
	ssize_t n;

	if (b->has_fault && b->fault.kind == SRV_FAULT_SLOW) {
		uint64_t piece = b->fault.arg / SRV_SLOW_TICKS, ns;
		struct timespec pause;

		if (max > piece)
			max = piece ? (size_t)piece : 1;
		/* the time max bytes take at arg bytes per second */
		ns = (uint64_t)max * 1000000000ULL / b->fault.arg;
		pause.tv_sec = (time_t)(ns / 1000000000ULL);
		pause.tv_nsec = (long)(ns % 1000000000ULL);
		nanosleep(&pause, NULL);
	}
	if (b->has_fault && b->fault.kind == SRV_FAULT_DROP) {
		if (pos >= b->fault.arg)
			return MHD_CONTENT_READER_END_WITH_ERROR;
		if (max > b->fault.arg - pos)
			max = (size_t)(b->fault.arg - pos);
	}
	if (at >= b->end) {
		if (!b->has_fault || b->fault.kind != SRV_FAULT_ENDLESS)
			return MHD_CONTENT_READER_END_OF_STREAM;
		memset(buf, 'x', max);
		return (ssize_t)max;
	}
	if (max > b->end - at)
		max = (size_t)(b->end - at);
	n = pread(b->fd, buf, max, (off_t)at);
	return n > 0 ? n : MHD_CONTENT_READER_END_WITH_ERROR;
}

/** Free a file body. */
static void srv_send_free(void *cls)
{
	struct srv_send *b = cls;

	close(b->fd);
	free(b);
}

/**
 * Start of "Range: bytes=N-" if the request has one that If-Range allows.
 * @ret true and *from
 */
static bool srv_range(struct MHD_Connection *c, const char *etag, uint64_t *from)
{
	const char *range = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Range");
	const char *if_range = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
							   "If-Range");
	char *end;

	if (!range || strncmp(range, "bytes=", 6) != 0)
		return false;
	if (if_range && strcmp(if_range, etag) != 0)
		return false;
	errno = 0;
	*from = strtoull(range + 6, &end, 10);
	return errno == 0 && end != range + 6 && strcmp(end, "-") == 0;
}

/** Record the answer to a file's GET: "GET URL STATUS[ bytes A-B/N]". */
static void srv_record_answer(struct srv *s, const char *url, unsigned status,
			      const char *content_range)
{
	char line[SRV_PATH_MAX + 128];
	int n;

	n = snprintf(line, sizeof(line), "GET %s %u%s%s\n", url, status,
		     status == MHD_HTTP_PARTIAL_CONTENT ? " " : "",
		     status == MHD_HTTP_PARTIAL_CONTENT ? content_range : "");
	if (n > 0 && (size_t)n < sizeof(line))
		srv_record(s, "answers", line, (size_t)n, true);
}

/**
 * Serve a file with ETag, Range and the path's fault.
 */
static enum MHD_Result srv_file(struct srv *s, struct MHD_Connection *c,
				const char *url, const char *path)
{
	char etag[96], cr[96] = "";
	struct MHD_Response *r;
	struct srv_send *b;
	enum MHD_Result ret;
	struct stat st;
	uint64_t from = 0, size;
	unsigned status = MHD_HTTP_OK;

	b = calloc(1, sizeof(*b));
	if (!b)
		return MHD_NO;
	b->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (b->fd < 0 || fstat(b->fd, &st) < 0) {
		srv_send_free(b);
		return srv_answer(c, MHD_HTTP_NOT_FOUND, "{\"error\": \"no such file\"}");
	}
	size = (uint64_t)st.st_size;
	snprintf(etag, sizeof(etag), "\"%llx-%llx-%llx\"",
		 (unsigned long long)st.st_ino, (unsigned long long)size,
		 (unsigned long long)st.st_mtim.tv_nsec ^ (unsigned long long)st.st_mtime);
	if (srv_range(c, etag, &from)) {
		if (from >= size) {
			srv_send_free(b);
			return srv_answer(c, MHD_HTTP_RANGE_NOT_SATISFIABLE,
					  "{\"error\": \"range not satisfiable\"}");
		}
		status = MHD_HTTP_PARTIAL_CONTENT;
		snprintf(cr, sizeof(cr), "bytes %llu-%llu/%llu", (unsigned long long)from,
			 (unsigned long long)size - 1, (unsigned long long)size);
	}
	srv_record_answer(s, url, status, cr);
	b->start = from;
	b->end = size;
	b->has_fault = srv_fault_take(s, url, false, &b->fault);
	r = MHD_create_response_from_callback(b->has_fault &&
			b->fault.kind == SRV_FAULT_ENDLESS ? MHD_SIZE_UNKNOWN : size - from,
			SRV_BLOCK, srv_read, b, srv_send_free);
	if (!r) {
		srv_send_free(b);
		return MHD_NO;
	}
	MHD_add_response_header(r, "ETag", etag);
	MHD_add_response_header(r, "Accept-Ranges", "bytes");
	if (status == MHD_HTTP_PARTIAL_CONTENT)
		MHD_add_response_header(r, "Content-Range", cr);
	ret = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ret;
}

/**
 * GET routes.
 */
static enum MHD_Result srv_get(struct srv *s, struct MHD_Connection *c,
			       const char *url)
{
	char path[PATH_MAX], id[128];
	const char *p;
	size_t n;

	if (strcmp(url, "/api/v1/plan") == 0) {
		snprintf(path, sizeof(path), "%s/plan.json", s->o.dir);
		return srv_file(s, c, url, path);
	}
	if (strncmp(url, "/api/v1/fix/", 12) == 0) {
		p = url + 12;
		n = strcspn(p, "/");
		if (n == 0 || n >= sizeof(id) || p[0] == '.' ||
		    strspn(p, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
			   "0123456789._-") != n)
			return srv_answer(c, MHD_HTTP_BAD_REQUEST, "{\"error\": \"bad id\"}");
		memcpy(id, p, n);
		id[n] = '\0';
		if (strcmp(p + n, "/bundle") == 0)
			snprintf(path, sizeof(path), "%s/fixes/%s.fix", s->o.dir, id);
		else if (strcmp(p + n, "/signature") == 0)
			snprintf(path, sizeof(path), "%s/fixes/%s.fix.minisig", s->o.dir, id);
		else
			return srv_answer(c, MHD_HTTP_NOT_FOUND, "{\"error\": \"no such path\"}");
		return srv_file(s, c, url, path);
	}
	return srv_answer(c, MHD_HTTP_NOT_FOUND, "{\"error\": \"no such path\"}");
}

/**
 * POST routes: record the body.
 */
static enum MHD_Result srv_post(struct srv *s, struct MHD_Connection *c,
				const char *url, struct srv_req *q)
{
	char name[64];

	if (q->too_big)
		return srv_answer(c, MHD_HTTP_CONTENT_TOO_LARGE, "{\"error\": \"too big\"}");
	if (strcmp(url, "/api/v1/event") == 0) {
		srv_record(s, "events", q->body ? q->body : "", q->len, true);
		srv_record(s, "events", "\n", 1, true);
		return srv_answer(c, MHD_HTTP_NO_CONTENT, "");
	}
	if (strcmp(url, "/api/v1/report") == 0) {
		pthread_mutex_lock(&s->lock);
		snprintf(name, sizeof(name), "report.%u.json", ++s->nreports);
		pthread_mutex_unlock(&s->lock);
		srv_record(s, name, q->body ? q->body : "", q->len, false);
		return srv_answer(c, MHD_HTTP_OK, "{\"state\": \"recorded\"}");
	}
	if (strcmp(url, "/api/v1/log") == 0) {
		srv_record(s, "log.txt", q->body ? q->body : "", q->len, false);
		return srv_answer(c, MHD_HTTP_NO_CONTENT, "");
	}
	return srv_answer(c, MHD_HTTP_NOT_FOUND, "{\"error\": \"no such path\"}");
}

/**
 * Keep a chunk of a request body, up to SRV_BODY_MAX.
 */
static void srv_keep(struct srv_req *q, const char *data, size_t n)
{
	char *p;

	if (q->too_big || q->len + n > SRV_BODY_MAX) {
		q->too_big = true;
		return;
	}
	p = realloc(q->body, q->len + n + 1);
	if (!p) {
		q->too_big = true;
		return;
	}
	memcpy(p + q->len, data, n);
	q->len += n;
	p[q->len] = '\0';
	q->body = p;
}

/**
 * Check the session headers.
 * @ret 0, or the status to refuse with
 */
static unsigned srv_auth(struct srv *s, struct MHD_Connection *c)
{
	const char *auth = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
						       "Authorization");
	const char *client = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
							 "X-Fixnet-Client");

	if (s->o.token && (!auth || strncmp(auth, "Bearer ", 7) != 0 ||
			   strcmp(auth + 7, s->o.token) != 0))
		return MHD_HTTP_UNAUTHORIZED;
	if (s->o.client && (!client || strcmp(client, s->o.client) != 0))
		return MHD_HTTP_FORBIDDEN;
	return 0;
}

/** Log one request line: method, path, Range, If-Range. */
static void srv_log_request(struct srv *s, struct MHD_Connection *c,
			    const char *method, const char *url)
{
	const char *range = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Range");
	const char *if_range = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
							   "If-Range");
	char line[PATH_MAX];
	int n;

	n = snprintf(line, sizeof(line), "%s %s range=%s if-range=%s\n", method, url,
		     range ? range : "-", if_range ? if_range : "-");
	if (n > 0 && (size_t)n < sizeof(line))
		srv_record(s, "requests", line, (size_t)n, true);
}

/** libmicrohttpd's request handler. */
static enum MHD_Result srv_handle(void *cls, struct MHD_Connection *c,
				  const char *url, const char *method,
				  const char *version, const char *upload,
				  size_t *upload_size, void **con_cls)
{
	struct srv *s = cls;
	struct srv_req *q = *con_cls;
	struct srv_fault f;
	char json[128];
	unsigned refuse;

	(void)version;
	if (!q) {
		q = calloc(1, sizeof(*q));
		*con_cls = q;
		return q ? MHD_YES : MHD_NO;
	}
	if (*upload_size) {
		srv_keep(q, upload, *upload_size);
		*upload_size = 0;
		return MHD_YES;
	}
	srv_log_request(s, c, method, url);
	refuse = srv_auth(s, c);
	if (refuse)
		return srv_answer(c, refuse, "{\"error\": \"token refused\"}");
	if (srv_fault_take(s, url, true, &f)) {
		snprintf(json, sizeof(json), "{\"error\": \"fault: status %llu\"}",
			 (unsigned long long)f.arg);
		return srv_answer(c, (unsigned)f.arg, json);
	}
	if (strcmp(method, "GET") == 0)
		return srv_get(s, c, url);
	if (strcmp(method, "POST") == 0)
		return srv_post(s, c, url, q);
	return srv_answer(c, MHD_HTTP_METHOD_NOT_ALLOWED, "{\"error\": \"method\"}");
}

/** Free a request's context. */
static void srv_done(void *cls, struct MHD_Connection *c, void **con_cls,
		     enum MHD_RequestTerminationCode toe)
{
	struct srv_req *q = *con_cls;

	(void)cls;
	(void)c;
	(void)toe;
	if (q)
		free(q->body);
	free(q);
	*con_cls = NULL;
}

/**
 * Start serving.
 * @ret 0 or -errno
 */
int srv_start(const struct srv_opts *o, struct srv **out)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	char rec[PATH_MAX];
	struct srv *s;

	snprintf(rec, sizeof(rec), "%s/record", o->dir);
	if (mkdir(rec, 0755) < 0 && errno != EEXIST)
		return -errno;
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->o = *o;
	pthread_mutex_init(&s->lock, NULL);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sa.sin_port = htons(o->port);
	s->d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD |
				MHD_USE_THREAD_PER_CONNECTION, 0, NULL, NULL,
				srv_handle, s, MHD_OPTION_SOCK_ADDR, &sa,
				MHD_OPTION_NOTIFY_COMPLETED, srv_done, s,
				MHD_OPTION_END);
	if (!s->d) {
		pthread_mutex_destroy(&s->lock);
		free(s);
		return -EADDRNOTAVAIL;
	}
	*out = s;
	return 0;
}

/** The port it listens on. */
uint16_t srv_port(const struct srv *s)
{
	const union MHD_DaemonInfo *i = MHD_get_daemon_info(s->d,
							    MHD_DAEMON_INFO_BIND_PORT);

	return i ? i->port : 0;
}

/** Stop and free. */
void srv_stop(struct srv *s)
{
	if (!s)
		return;
	MHD_stop_daemon(s->d);
	pthread_mutex_destroy(&s->lock);
	free(s);
}
