/* SPDX-License-Identifier: MIT */
#ifndef FIXD_HTTP_H
#define FIXD_HTTP_H

#include <errno.h>
#include <stdint.h>

#include <curl/curl.h>

#include "common/buf.h"
#include "common/err.h"
#include "common/mac.h"
#include "common/protocol.h"
#include "fixd/log.h"

/*
 * fixd's HTTP client (libcurl): the session's headers on every request,
 * retries with exponential backoff (at most `attempts` in a row that make
 * no progress), a connect timeout, a low-speed limit per attempt and a
 * deadline per call that bounds all its attempts; downloads go into memory
 * with a size cap and resume with Range (fixd/download.h).
 *
 * Return codes: 0; -EAGAIN when a temporary failure (network, 5xx, short or
 * overlong body) outlived the retries; for a refusal by the server -EACCES
 * (401), -EPERM (403), -ENOENT (404), -EEXIST (409), -EFBIG (413) or
 * -EPROTO (other status); -EPROTONOSUPPORT when this libcurl cannot speak
 * the URL's scheme (https in a build without TLS); -EKEYREJECTED when the
 * server's certificate is not signed by ca_file.
 *
 * https: the server's certificate must chain to ca_file, a CA of the
 * operator's own, for fix servers only; its name is not checked (the
 * secondary OS has no DNS and reaches the server by address, and mbedTLS
 * 2.28 matches no IP address in a certificate).  err holds the server's
 * "error" text.
 */

#define HTTP_CONNECT_TIMEOUT_S 10
#define HTTP_ATTEMPTS 5
#define HTTP_BACKOFF_MS 1000
#define HTTP_BACKOFF_MAX_MS 30000
#define HTTP_LOW_SPEED_BPS 4096		/* abort an attempt below this rate ... */
#define HTTP_LOW_SPEED_S 30		/* ... sustained this long */
#define HTTP_DEADLINE_S 300		/* per call, plus the size at ... */
#define HTTP_MIN_RATE_BPS (256 * 1024)	/* ... this rate */
#define HTTP_RESPONSE_MAX (64 * 1024)	/* body of a POST's answer */

struct http {
	CURL *curl;
	struct log *log;
	char base[PROTO_URL_MAX + 1];	/* server URL, no trailing slash */
	struct curl_slist *headers;	/* Authorization, X-Fixnet-Client */
	long connect_timeout_s;
	long low_speed_bps, low_speed_s;
	unsigned attempts;		/* in a row without progress */
	unsigned backoff_ms, backoff_max_ms;
	unsigned deadline_s;		/* 0: HTTP_DEADLINE_S + size / rate */
	const char *ca_file;		/* https: the CA that signs the server */
};

/**
 * Set up a session with a server.
 *
 * @v h		session
 * @v log	log
 * @v base	checked server URL (cmdline_server_check)
 * @v token	boot token
 * @v mac	the client's MAC
 * @ret 0, -ENOMEM
 */
int http_init(struct http *h, struct log *log, const char *base,
	      const char *token, const struct mac *mac, struct err *err);

/** End the session; accepts one never set up. */
void http_free(struct http *h);

/**
 * GET a path of the server into memory.
 *
 * @v h		session
 * @v path	absolute path on the server ("/api/...")
 * @v size	exact size expected (resumable), or 0 if unknown
 * @v out	the body; out->max is the cap
 * @ret 0 or a negative errno (see above)
 */
int http_get(struct http *h, const char *path, uint64_t size, struct buf *out,
	     struct err *err);

/**
 * POST a body to a path of the server.
 *
 * @v h		session
 * @v path	absolute path
 * @v ctype	Content-Type
 * @v body	the body
 * @v len	its length
 * @v resp	the answer's body, or NULL
 * @ret 0 or a negative errno (see above)
 */
int http_post(struct http *h, const char *path, const char *ctype,
	      const void *body, size_t len, struct buf *resp, struct err *err);

/** True for a return code that means "try again later". */
static inline int http_temporary(int rc)
{
	return rc == -EAGAIN;
}

#endif
