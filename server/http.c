/* SPDX-License-Identifier: MIT */
/*
 * libmicrohttpd glue: daemons, routing, request bodies with caps, replies.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/protocol.h"
#include "server/agent.h"
#include "server/bootlog.h"
#include "server/http.h"
#include "server/log.h"

#define P HTTP_PUBLIC
#define A (HTTP_ADMIN | HTTP_ADMIN_TCP)
static const struct http_route http_routes[] = {
	{ "GET", PROTO_PATH_BOOT, P, BODY_NONE, 0, boot_ipxe },
	{ "GET", "/os/", P, BODY_NONE, 0, boot_os_file },
	{ "GET", PROTO_PATH_PLAN, P, BODY_NONE, 0, agent_plan },
	{ "GET", PROTO_PATH_FIX, P, BODY_NONE, 0, agent_fix_file },
	{ "POST", PROTO_PATH_EVENT, P, BODY_MEM, PROTO_EVENT_MAX, agent_event },
	{ "POST", PROTO_PATH_REPORT, P, BODY_MEM, PROTO_REPORT_MAX,
	  agent_report },
	{ "POST", PROTO_PATH_LOG, P, BODY_MEM, PROTO_LOG_MAX, agent_log },
	{ "GET", "/admin/v1/clients", A, BODY_NONE, 0, admin_clients },
	{ "POST", "/admin/v1/clients", A, BODY_MEM, HTTP_ADMIN_BODY_MAX,
	  admin_client_add },
	{ "POST", "/admin/v1/import", A, BODY_MEM, HTTP_ADMIN_BODY_MAX,
	  admin_client_import },
	{ "GET", "/admin/v1/clients/", A, BODY_NONE, 0, admin_client_show },
	{ "PATCH", "/admin/v1/clients/", A, BODY_MEM, HTTP_ADMIN_BODY_MAX,
	  admin_client_set },
	{ "DELETE", "/admin/v1/clients/", A, BODY_NONE, 0, admin_client_remove },
	{ "GET", "/admin/v1/groups", A, BODY_NONE, 0, admin_groups },
	{ "POST", "/admin/v1/groups", A, BODY_MEM, HTTP_ADMIN_BODY_MAX,
	  admin_group_add },
	{ "GET", "/admin/v1/groups/", A, BODY_NONE, 0, admin_group_show },
	{ "GET", "/admin/v1/fixes", A, BODY_NONE, 0, admin_fixes },
	{ "POST", "/admin/v1/fixes", A, BODY_FILE, PROTO_BUNDLE_MAX,
	  admin_fix_add },
	{ "POST", "/admin/v1/assign", A, BODY_MEM, HTTP_ADMIN_BODY_MAX,
	  admin_assign },
	{ "POST", "/admin/v1/hold", A, BODY_MEM, HTTP_ADMIN_BODY_MAX,
	  admin_hold },
	{ "POST", "/admin/v1/wake", A, BODY_MEM, HTTP_ADMIN_BODY_MAX,
	  admin_wake },
	{ "GET", "/admin/v1/status", A, BODY_NONE, 0, admin_status },
	{ "GET", "/admin/v1/events", A, BODY_NONE, 0, admin_events },
	{ "GET", "/metrics", A, BODY_NONE, 0, admin_metrics },
};
#undef P
#undef A

/**
 * Find the route of a request.
 *
 * @v method	HTTP method (HEAD matches GET routes)
 * @v url	path
 * @v listener	the listener it arrived on
 * @v tail	for a prefix route, the rest of the path
 * @v path_ok	set if some route has this path (for 405 vs 404)
 * @ret route	or NULL
 */
static const struct http_route *http_route_find(const char *method,
						const char *url,
						enum http_listener listener,
						const char **tail, bool *path_ok)
{
	if (strcmp(method, "HEAD") == 0)
		method = "GET";
	*path_ok = false;
	for (size_t i = 0; i < sizeof(http_routes) / sizeof(http_routes[0]); i++) {
		const struct http_route *r = &http_routes[i];
		size_t n = strlen(r->path);
		bool prefix = r->path[n - 1] == '/';

		if (!(r->listeners & listener))
			continue;
		if (prefix ? strncmp(url, r->path, n) != 0 || !url[n] :
		    strcmp(url, r->path) != 0)
			continue;
		*path_ok = true;
		if (strcmp(method, r->method) != 0)
			continue;
		*tail = prefix ? url + n : "";
		return r;
	}
	return NULL;
}

/** Queue a response and release it. */
static enum MHD_Result http_queue(struct http_call *c, unsigned status,
				  struct MHD_Response *resp)
{
	enum MHD_Result ret;

	if (!resp)
		return MHD_NO;
	MHD_add_response_header(resp, "Cache-Control", "no-store");
	ret = MHD_queue_response(c->conn, status, resp);
	MHD_destroy_response(resp);
	return ret;
}

/**
 * Reply with text.
 *
 * @v c		call
 * @v status	HTTP status
 * @v type	Content-Type
 * @v text	body
 * @v len	its length
 * @ret ret	MHD result
 */
enum MHD_Result http_text(struct http_call *c, unsigned status,
			  const char *type, const char *text, size_t len)
{
	struct MHD_Response *resp;

	resp = MHD_create_response_from_buffer(len, (void *)text,
					       MHD_RESPMEM_MUST_COPY);
	if (!resp)
		return MHD_NO;
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	return http_queue(c, status, resp);
}

/**
 * Reply with JSON.
 *
 * @v c		call
 * @v status	HTTP status
 * @v obj	body (reference taken; NULL answers 500)
 * @ret ret	MHD result
 */
enum MHD_Result http_json(struct http_call *c, unsigned status, json_t *obj)
{
	enum MHD_Result ret;
	char *text;

	if (!obj)
		return http_text(c, 500, "application/json",
				 "{\"error\": \"out of memory\"}\n", 27);
	text = json_dumps(obj, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(obj);
	if (!text)
		return MHD_NO;
	struct MHD_Response *resp = MHD_create_response_from_buffer(
		strlen(text), text, MHD_RESPMEM_MUST_FREE);

	if (!resp) {
		free(text);
		return MHD_NO;
	}
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
				"application/json");
	ret = http_queue(c, status, resp);
	return ret;
}

/**
 * Reply with an error object and log it.
 *
 * @v c		call
 * @v status	HTTP status
 * @v fmt	message format
 * @ret ret	MHD result
 */
enum MHD_Result http_error(struct http_call *c, unsigned status,
			   const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (status >= 500)
		log_err("http", "%s %s: %u %s", c->method, c->url, status, msg);
	else
		log_info("http", "%s %s: %u %s", c->method, c->url, status, msg);
	return http_json(c, status, json_pack("{s:s}", "error", msg));
}

/**
 * Reply 204.
 *
 * @v c		call
 * @ret ret	MHD result
 */
enum MHD_Result http_no_content(struct http_call *c)
{
	return http_queue(c, 204, MHD_create_response_from_buffer(
				  0, NULL, MHD_RESPMEM_PERSISTENT));
}

/**
 * A request header.
 *
 * @v c		call
 * @v name	header name
 * @ret value	or NULL
 */
const char *http_header(struct http_call *c, const char *name)
{
	return MHD_lookup_connection_value(c->conn, MHD_HEADER_KIND, name);
}

/**
 * A query argument.
 *
 * @v c		call
 * @v name	argument name
 * @ret value	or NULL
 */
const char *http_arg(struct http_call *c, const char *name)
{
	return MHD_lookup_connection_value(c->conn, MHD_GET_ARGUMENT_KIND, name);
}

/**
 * Parse the body as a JSON object.
 *
 * @v c		call
 * @v ret	the reply sent when NULL is returned
 * @ret obj	new reference, or NULL (400 queued)
 */
json_t *http_body_json(struct http_call *c, enum MHD_Result *ret)
{
	json_error_t jerr;
	json_t *obj;

	obj = json_loadb(c->body.data ? c->body.data : "", c->body.len,
			 JSON_REJECT_DUPLICATES, &jerr);
	if (!obj) {
		*ret = http_error(c, 400, "invalid JSON: %s (byte %d)", jerr.text,
				  jerr.position);
		return NULL;
	}
	if (!json_is_object(obj)) {
		json_decref(obj);
		*ret = http_error(c, 400, "invalid JSON: expected an object");
		return NULL;
	}
	return obj;
}

/** The bearer token check of the TCP admin listener. */
static bool http_admin_token_ok(struct http_call *c)
{
	const char *auth = http_header(c, MHD_HTTP_HEADER_AUTHORIZATION);
	const char *want = c->srv->admin_token;
	size_t n;

	if (!auth || strncmp(auth, "Bearer ", 7) != 0 || !want)
		return false;
	auth += 7;
	n = strlen(want);
	if (strlen(auth) != n)
		return false;
	unsigned char diff = 0;

	for (size_t i = 0; i < n; i++)
		diff |= (unsigned char)(auth[i] ^ want[i]);
	return diff == 0;
}

/** True if Content-Length says the body is over the route's limit. */
static bool http_body_declared_too_big(struct http_call *c)
{
	const char *cl = http_header(c, MHD_HTTP_HEADER_CONTENT_LENGTH);
	uint64_t n;

	return cl && sscanf(cl, "%lu", &n) == 1 && n > c->route->body_max;
}

/** Open the temp file of a BODY_FILE upload. */
static int http_upload_open(struct http_call *c)
{
	snprintf(c->upload_path, sizeof(c->upload_path),
		 "%s/.upload-XXXXXX", c->srv->fixes_dir);
	c->upload_fd = mkostemp(c->upload_path, O_CLOEXEC);
	return c->upload_fd < 0 ? -errno : 0;
}

/** Take one piece of the body. */
static void http_body_take(struct http_call *c, const char *data, size_t n)
{
	if (!c->route || c->denied || c->route->body == BODY_NONE) {
		c->upload_len += n;	/* refused anyway, not stored */
		return;
	}
	if (c->too_big || c->upload_err)
		return;
	if (c->upload_len + n > c->route->body_max) {
		c->too_big = true;
		return;
	}
	c->upload_len += n;
	if (c->route->body == BODY_MEM) {
		if (buf_append(&c->body, data, n) < 0)
			c->too_big = true;
		return;
	}
	while (n > 0) {
		ssize_t w = write(c->upload_fd, data, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0) {
			c->upload_err = -errno;
			return;
		}
		data += w;
		n -= (size_t)w;
	}
}

static bool http_refuse(struct http_call *c, enum MHD_Result *ret);

/** Start a call: route it, check what can be checked before the body. */
static enum MHD_Result http_call_start(struct http_listen_ctx *lc,
				       struct MHD_Connection *conn,
				       const char *url, const char *method,
				       void **con_cls)
{
	struct http_call *c = calloc(1, sizeof(*c));
	bool path_ok;

	if (!c)
		return MHD_NO;
	c->srv = lc->srv;
	c->conn = conn;
	c->listener = lc->listener;
	c->method = method;
	c->url = url;
	c->upload_fd = -1;
	*con_cls = c;
	c->route = http_route_find(method, url, lc->listener, &c->tail,
				   &path_ok);
	if (!c->route)
		return MHD_YES;
	buf_init(&c->body, c->route->body_max);
	if (c->route->body == BODY_NONE)
		return MHD_YES;
	/* refuse what can be refused before a byte of the body is kept */
	if (http_body_declared_too_big(c))
		c->too_big = true;
	else if (c->listener == HTTP_ADMIN_TCP && !http_admin_token_ok(c))
		c->denied = 401, c->denied_why = "admin token required "
			"(Authorization: Bearer)";
	else if (c->listener == HTTP_PUBLIC)
		c->denied = agent_precheck(c, &c->denied_why);
	if (c->too_big || c->denied) {
		enum MHD_Result ret;

		/* answered now: MHD then closes without reading the body */
		http_refuse(c, &ret);
		return ret;
	}
	if (c->route->body == BODY_FILE)
		c->upload_err = http_upload_open(c);
	return MHD_YES;
}

/**
 * Refuse a request that has no route or fails a check made before its
 * handler runs.
 *
 * @v c		call
 * @v ret	the reply queued, when refused
 * @ret refused	true if a refusal was queued
 */
static bool http_refuse(struct http_call *c, enum MHD_Result *ret)
{
	const char *tail;
	bool path_ok;

	if (strstr(c->url, "/..") || strstr(c->url, "../"))
		*ret = http_error(c, 400, "path with '..' refused");
	else if (strlen(c->url) > HTTP_URL_MAX)
		*ret = http_error(c, 414, "path too long");
	else if (!c->route) {
		http_route_find(c->method, c->url, c->listener, &tail, &path_ok);
		if (path_ok)
			*ret = http_error(c, 405, "method %s not allowed here",
					  c->method);
		else
			*ret = http_error(c, 404, "no such path");
	} else if (c->denied)
		*ret = http_error(c, c->denied, "%s", c->denied_why);
	else if (c->listener == HTTP_ADMIN_TCP && !http_admin_token_ok(c))
		*ret = http_error(c, 401, "admin token required "
				  "(Authorization: Bearer)");
	else if (c->too_big || http_body_declared_too_big(c))
		*ret = http_error(c, 413, "body over its limit of %zu bytes",
				  c->route->body_max);
	else if (c->route->body == BODY_NONE && c->upload_len > 0)
		*ret = http_error(c, 400, "unexpected request body");
	else if (c->upload_err)
		*ret = http_error(c, 500, "cannot store the upload: %s",
				  strerror(-c->upload_err));
	else
		return false;
	return true;
}

/** MHD's access handler. */
static enum MHD_Result http_access(void *cls, struct MHD_Connection *conn,
				   const char *url, const char *method,
				   const char *version, const char *upload_data,
				   size_t *upload_data_size, void **con_cls)
{
	struct http_call *c = *con_cls;
	enum MHD_Result ret;

	(void)version;
	if (!c)
		return http_call_start(cls, conn, url, method, con_cls);
	if (*upload_data_size) {
		http_body_take(c, upload_data, *upload_data_size);
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (http_refuse(c, &ret))
		return ret;
	if (c->listener != HTTP_PUBLIC)
		bootlog_flush(c->srv->bootlog);	/* read every boot answered */
	return c->route->handler(c);
}

/** MHD's completion callback: free the call and any temp file. */
static void http_completed(void *cls, struct MHD_Connection *conn,
			   void **con_cls, enum MHD_RequestTerminationCode toe)
{
	struct http_call *c = *con_cls;

	(void)cls;
	(void)conn;
	(void)toe;
	if (!c)
		return;
	if (c->upload_fd >= 0) {
		close(c->upload_fd);
		unlink(c->upload_path);
	}
	buf_free(&c->body);
	free(c);
	*con_cls = NULL;
}

/** MHD's own error messages, into our log. */
static void http_mhd_log(void *cls, const char *fmt, va_list ap)
{
	char msg[512];
	size_t n;

	(void)cls;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	n = strlen(msg);
	if (n && msg[n - 1] == '\n')
		msg[n - 1] = '\0';
	log_warn("mhd", "%s", msg);
}

/** Start one daemon on a socket, with a pool of threads (1: no pool),
 *  at most conns connections of mem bytes each; TLS (GnuTLS) when key and
 *  cert are given. */
static struct MHD_Daemon *http_daemon(struct http_listen_ctx *lc, int fd,
				      unsigned threads, unsigned conns,
				      size_t mem, const char *key,
				      const char *cert)
{
	struct MHD_OptionItem tls[] = {
		{ key ? MHD_OPTION_HTTPS_MEM_KEY : MHD_OPTION_END, 0,
		  (void *)(uintptr_t)key },
		{ MHD_OPTION_HTTPS_MEM_CERT, 0, (void *)(uintptr_t)cert },
		{ MHD_OPTION_END, 0, NULL },
	};

	return MHD_start_daemon(
		MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_ERROR_LOG |
		(key ? MHD_USE_TLS : 0), 0, NULL, NULL, http_access, lc,
		MHD_OPTION_ARRAY, tls,
		MHD_OPTION_EXTERNAL_LOGGER, http_mhd_log, NULL,
		MHD_OPTION_LISTEN_SOCKET, fd,
		MHD_OPTION_THREAD_POOL_SIZE, threads > 1 ? threads : 0,
		MHD_OPTION_CONNECTION_LIMIT, conns,
		MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)HTTP_CONN_TIMEOUT_S,
		MHD_OPTION_CONNECTION_MEMORY_LIMIT, mem,
		MHD_OPTION_NOTIFY_COMPLETED, http_completed, NULL,
		MHD_OPTION_END);
}

/**
 * Start the daemons.
 *
 * @v d		daemons
 * @v srv	server
 * @v s		sockets, and the TLS listener's certificate and key
 * @ret rc	0 or -EIO
 */
int http_start(struct http_daemons *d, const struct srv *srv,
	       const struct http_socks *s)
{
	memset(d, 0, sizeof(*d));
	d->ctx[0] = (struct http_listen_ctx){ srv, HTTP_PUBLIC };
	d->ctx[1] = (struct http_listen_ctx){ srv, HTTP_ADMIN };
	d->ctx[2] = (struct http_listen_ctx){ srv, HTTP_ADMIN_TCP };
	d->pub = http_daemon(&d->ctx[0], s->pub, (unsigned)srv->cfg->threads,
			     (unsigned)srv->cfg->max_connections,
			     (size_t)HTTP_PUB_CONN_MEMORY, NULL, NULL);
	/* the agents' https: a larger pool for GnuTLS's records */
	if (s->tls >= 0)
		d->tls = http_daemon(&d->ctx[0], s->tls, HTTP_TLS_THREADS,
				     (unsigned)srv->cfg->max_connections,
				     (size_t)HTTP_TLS_CONN_MEMORY, s->tls_key,
				     s->tls_cert);
	d->admin = http_daemon(&d->ctx[1], s->admin, HTTP_ADMIN_THREADS,
			       HTTP_ADMIN_CONN_LIMIT,
			       (size_t)HTTP_ADMIN_CONN_MEMORY, NULL, NULL);
	if (s->admin_tcp >= 0)
		d->admin_tcp = http_daemon(&d->ctx[2], s->admin_tcp,
					    HTTP_ADMIN_THREADS,
					    HTTP_ADMIN_CONN_LIMIT,
					    (size_t)HTTP_ADMIN_CONN_MEMORY,
					    NULL, NULL);
	if (!d->pub || !d->admin || (s->tls >= 0 && !d->tls) ||
	    (s->admin_tcp >= 0 && !d->admin_tcp)) {
		log_err("http", "cannot start the HTTP daemons");
		http_stop(d);
		return -EIO;
	}
	return 0;
}

/**
 * Stop the daemons.
 *
 * @v d		daemons, may be zeroed
 */
void http_stop(struct http_daemons *d)
{
	if (d->pub)
		MHD_stop_daemon(d->pub);
	if (d->tls)
		MHD_stop_daemon(d->tls);
	if (d->admin)
		MHD_stop_daemon(d->admin);
	if (d->admin_tcp)
		MHD_stop_daemon(d->admin_tcp);
	memset(d, 0, sizeof(*d));
}
