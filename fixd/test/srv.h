/* SPDX-License-Identifier: MIT */
#ifndef FIXD_TEST_SRV_H
#define FIXD_TEST_SRV_H

#include <stddef.h>
#include <stdint.h>

/*
 * A stand-in for fixsrv's agent API, for fixd's tests (libmicrohttpd, on
 * 127.0.0.1).  It serves files from a directory and records what the agent
 * sends there:
 *
 *   GET  /api/v1/plan                 DIR/plan.json
 *   GET  /api/v1/fix/ID/bundle        DIR/fixes/ID.fix
 *   GET  /api/v1/fix/ID/signature     DIR/fixes/ID.fix.minisig
 *   POST /api/v1/event                appended to DIR/record/events (a line each)
 *   POST /api/v1/report               DIR/record/report.N.json (N = 1, 2, ...)
 *   POST /api/v1/log                  DIR/record/log.txt
 *   every request                     a line in DIR/record/requests
 *   every file answered               a line in DIR/record/answers
 *
 * Files are served with a strong ETag; "Range: bytes=N-" is honoured
 * (206), "If-Range" too (a different ETag gets the whole file), and a start
 * past the end gets 416.  The bearer token and the client header are checked
 * when given (401, 403).
 *
 * Faults, for the download logic: each applies to one path, to `times`
 * requests after `skip` requests were let through.
 */

#define SRV_FAULTS_MAX 16
#define SRV_PATH_MAX 256

enum srv_fault_kind {
	SRV_FAULT_DROP,		/* close the connection after arg body bytes */
	SRV_FAULT_ENDLESS,	/* after the file, send bytes without end */
	SRV_FAULT_STATUS,	/* answer with status arg and an error body */
	SRV_FAULT_SLOW,		/* send the body at arg bytes per second */
};

struct srv_fault {
	char path[SRV_PATH_MAX];
	enum srv_fault_kind kind;
	uint64_t arg;
	unsigned times;		/* requests it still applies to */
	unsigned skip;		/* requests to let through first */
};

struct srv_opts {
	const char *dir;
	uint16_t port;		/* 0: an ephemeral port */
	const char *token;	/* required bearer token, or NULL */
	const char *client;	/* required X-Fixnet-Client, or NULL */
	struct srv_fault faults[SRV_FAULTS_MAX];
	size_t nfaults;
};

struct srv;

/**
 * Start serving on 127.0.0.1, on o->port or an ephemeral port.
 * @ret 0 and *out, or -errno
 */
int srv_start(const struct srv_opts *o, struct srv **out);

/** The port it listens on. */
uint16_t srv_port(const struct srv *s);

/** Stop and free; accepts NULL. */
void srv_stop(struct srv *s);

/**
 * Parse "PATH:KIND[=ARG][:TIMES[:SKIP]]" with KIND drop=N, endless,
 * status=CODE or slow=BPS; the fault applies to TIMES requests (default 1)
 * after SKIP requests (default 0) of that path were let through.
 * @ret 0 or -EINVAL
 */
int srv_fault_parse(const char *spec, struct srv_fault *out);

#endif
