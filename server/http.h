/* SPDX-License-Identifier: MIT */
#ifndef FIXNET_SERVER_HTTP_H
#define FIXNET_SERVER_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>
#include <microhttpd.h>

#include "common/buf.h"
#include "server/srv.h"

/*
 * The HTTP daemons (libmicrohttpd, internal thread pool + epoll) on sockets
 * that main bound before dropping root, and the routing of requests to the
 * handlers of boot, agent and admin.
 */

#define HTTP_ADMIN_CONN_LIMIT 1024	/* each admin listener; public: max_connections */
#define HTTP_CONN_TIMEOUT_S 60
/* Per-connection memory of libmicrohttpd (request line and headers, the
 * reply's headers, the read buffer of a body).  iPXE's and fixd's requests
 * have well under 1 KiB of headers; libmicrohttpd touches the whole pool at
 * each request, so it is most of a connection's memory in a boot storm.
 * Not less: a malformed /boot.ipxe query of 3 KB must still get a script
 * (server/test/integ-badinput.sh); with 2 KiB it got 431, for 10,000
 * keep-alive connections at 38.8 MB instead of 58.4 MB. */
#define HTTP_PUB_CONN_MEMORY (4 * 1024)
#define HTTP_ADMIN_CONN_MEMORY (32 * 1024)
#define HTTP_TLS_CONN_MEMORY (32 * 1024)
#define HTTP_TLS_THREADS 4		/* the https listener's pool */
#define HTTP_URL_MAX 4096
#define HTTP_ADMIN_THREADS 2
#define HTTP_ADMIN_BODY_MAX (16 * 1024 * 1024)	/* admin JSON (imports) */

enum http_listener {
	HTTP_PUBLIC = 1,	/* iPXE, boot files, agents */
	HTTP_ADMIN = 2,		/* admin API on the Unix socket */
	HTTP_ADMIN_TCP = 4,	/* admin API over TCP, bearer token */
};

enum http_body { BODY_NONE, BODY_MEM, BODY_FILE };

struct http_call;
typedef enum MHD_Result (*http_handler)(struct http_call *c);

struct http_route {
	const char *method;
	const char *path;	/* exact, or a prefix when it ends in '/' */
	unsigned listeners;	/* mask of enum http_listener */
	enum http_body body;
	size_t body_max;
	http_handler handler;
};

/* One request, alive from its first call to its completion. */
struct http_call {
	const struct srv *srv;
	struct MHD_Connection *conn;
	const struct http_route *route;
	enum http_listener listener;
	const char *method;
	const char *url;		/* path, without the query */
	const char *tail;		/* url after a prefix route's path */
	struct buf body;		/* BODY_MEM */
	int upload_fd;			/* BODY_FILE: temp file, or -1 */
	char upload_path[4200];
	uint64_t upload_len;
	bool too_big;
	int upload_err;			/* negative errno of a failed write */
	unsigned denied;		/* refused before the body: its status */
	const char *denied_why;
};

/* The closure of one daemon: which listener it serves. */
struct http_listen_ctx {
	const struct srv *srv;
	enum http_listener listener;
};

struct http_daemons {
	struct MHD_Daemon *pub, *tls, *admin, *admin_tcp;
	struct http_listen_ctx ctx[3];
};

/* The bound, listening sockets (-1: none), and the https listener's
 * certificate chain and key (PEM text). */
struct http_socks {
	int pub, tls, admin, admin_tcp;
	const char *tls_cert, *tls_key;
};

/**
 * Start the daemons: the public one (and the same routes over TLS when
 * s->tls is a socket), the admin ones.
 * @ret 0, or a negative errno (logged)
 */
int http_start(struct http_daemons *d, const struct srv *srv,
	       const struct http_socks *s);

/** Stop the daemons; accepts a zeroed struct. */
void http_stop(struct http_daemons *d);

/* --- replies (each queues a response and returns MHD's result) --- */

/** A JSON body; takes the reference to obj. */
enum MHD_Result http_json(struct http_call *c, unsigned status, json_t *obj);

/** {"error": "..."} with a status; the message is also logged. */
enum MHD_Result http_error(struct http_call *c, unsigned status,
			   const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/** A body of text (copied). */
enum MHD_Result http_text(struct http_call *c, unsigned status,
			  const char *type, const char *text, size_t len);

/** 204 No Content. */
enum MHD_Result http_no_content(struct http_call *c);

/** A request header, NULL if absent. */
const char *http_header(struct http_call *c, const char *name);

/** A query argument, NULL if absent. */
const char *http_arg(struct http_call *c, const char *name);

/** Parse the JSON body (an object).  @ret the object, or NULL (400 sent) */
json_t *http_body_json(struct http_call *c, enum MHD_Result *ret);

/* --- file serving (http_file.c) --- */

/**
 * Serve an open file with Range, ETag, Last-Modified and If-Range; the
 * response takes fd (sendfile).
 */
enum MHD_Result http_file(struct http_call *c, int fd, const char *type);

/* --- handlers --- */
enum MHD_Result boot_ipxe(struct http_call *c);
enum MHD_Result boot_os_file(struct http_call *c);
enum MHD_Result agent_plan(struct http_call *c);
enum MHD_Result agent_fix_file(struct http_call *c);
enum MHD_Result agent_event(struct http_call *c);
enum MHD_Result agent_report(struct http_call *c);
enum MHD_Result agent_log(struct http_call *c);
enum MHD_Result admin_clients(struct http_call *c);
enum MHD_Result admin_client_add(struct http_call *c);
enum MHD_Result admin_client_import(struct http_call *c);
enum MHD_Result admin_client_show(struct http_call *c);
enum MHD_Result admin_client_set(struct http_call *c);
enum MHD_Result admin_client_remove(struct http_call *c);
enum MHD_Result admin_groups(struct http_call *c);
enum MHD_Result admin_group_add(struct http_call *c);
enum MHD_Result admin_group_show(struct http_call *c);
enum MHD_Result admin_fixes(struct http_call *c);
enum MHD_Result admin_fix_add(struct http_call *c);
enum MHD_Result admin_assign(struct http_call *c);
enum MHD_Result admin_hold(struct http_call *c);
enum MHD_Result admin_wake(struct http_call *c);
enum MHD_Result admin_status(struct http_call *c);
enum MHD_Result admin_events(struct http_call *c);
enum MHD_Result admin_metrics(struct http_call *c);

#endif
