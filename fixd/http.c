/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "fixd/download.h"
#include "fixd/http.h"

#define HTTP_AUTH_MAX 128

/** One call: its state across attempts. */
struct http_call {
	struct http *h;
	const char *what;		/* "GET /api/v1/plan", for the log */
	char url[PROTO_URL_MAX * 2 + 1];
	const void *body;		/* POST body, or NULL for a GET */
	size_t len;
	const char *ctype;
	struct dl dl;
	struct timespec deadline;
	char curl_err[CURL_ERROR_SIZE];
};

/**
 * Set up a session.
 * @ret 0 or -ENOMEM
 */
int http_init(struct http *h, struct log *log, const char *base,
	      const char *token, const struct mac *mac, struct err *err)
{
	char line[HTTP_AUTH_MAX], macs[MAC_STR_LEN];

	memset(h, 0, sizeof(*h));
	h->log = log;
	h->connect_timeout_s = HTTP_CONNECT_TIMEOUT_S;
	h->low_speed_bps = HTTP_LOW_SPEED_BPS;
	h->low_speed_s = HTTP_LOW_SPEED_S;
	h->attempts = HTTP_ATTEMPTS;
	h->backoff_ms = HTTP_BACKOFF_MS;
	h->backoff_max_ms = HTTP_BACKOFF_MAX_MS;
	snprintf(h->base, sizeof(h->base), "%s", base);
	h->curl = curl_easy_init();
	if (!h->curl)
		return err_set(err, -ENOMEM, "curl_easy_init failed");
	snprintf(line, sizeof(line), "Authorization: Bearer %s", token);
	h->headers = curl_slist_append(NULL, line);
	mac_format(mac, macs);
	snprintf(line, sizeof(line), "%s: %s", PROTO_HDR_CLIENT, macs);
	if (!h->headers || !curl_slist_append(h->headers, line) ||
	    !curl_slist_append(h->headers, "Expect:")) {
		http_free(h);
		return err_set(err, -ENOMEM, "out of memory");
	}
	return 0;
}

/** End the session. */
void http_free(struct http *h)
{
	if (!h)
		return;
	curl_slist_free_all(h->headers);
	if (h->curl)
		curl_easy_cleanup(h->curl);
	h->headers = NULL;
	h->curl = NULL;
}

/** libcurl header callback: hand the line to the download state. */
static size_t http_on_header(char *p, size_t size, size_t n, void *arg)
{
	struct http_call *c = arg;

	dl_header(&c->dl, p, size * n);
	return size * n;
}

/** libcurl write callback: hand the bytes to the download state. */
static size_t http_on_body(char *p, size_t size, size_t n, void *arg)
{
	struct http_call *c = arg;
	long status = 0;

	curl_easy_getinfo(c->h->curl, CURLINFO_RESPONSE_CODE, &status);
	return dl_body(&c->dl, status, p, size * n) < 0 ? 0 : size * n;
}

/** Milliseconds left before the call's deadline (0 if past). */
static long http_left_ms(const struct http_call *c)
{
	struct timespec now;
	long long ms;

	clock_gettime(CLOCK_MONOTONIC, &now);
	ms = (long long)(c->deadline.tv_sec - now.tv_sec) * 1000 +
	     (c->deadline.tv_nsec - now.tv_nsec) / 1000000;
	return ms > 0 ? (long)ms : 0;
}

/** The server's {"error": "..."} text, else the body's start. */
static void http_server_error(const struct http_call *c, char *out, size_t outlen)
{
	const struct buf *b = &c->dl.errbody;
	json_t *j, *e;

	snprintf(out, outlen, "no explanation");
	if (!b->data)
		return;
	j = json_loadb(b->data, b->len, JSON_DISABLE_EOF_CHECK, NULL);
	e = j ? json_object_get(j, "error") : NULL;
	if (json_is_string(e))
		snprintf(out, outlen, "%s", json_string_value(e));
	else
		snprintf(out, outlen, "%.*s", (int)(b->len < 200 ? b->len : 200), b->data);
	json_decref(j);
}

/** errno for a status the server refused with. */
static int http_status_errno(long status)
{
	switch (status) {
	case 401: return -EACCES;
	case 403: return -EPERM;
	case 404: return -ENOENT;
	case 409: return -EEXIST;
	case 413: return -EFBIG;
	default: return -EPROTO;
	}
}

/**
 * Set the options of one attempt.
 * @ret 0, or -ENOMEM
 */
static int http_setup(struct http_call *c, struct curl_slist **hdrs)
{
	struct http *h = c->h;
	char range[DL_HEADER_MAX], if_range[DL_HEADER_MAX];
	CURL *cu = h->curl;

	dl_attempt(&c->dl, range, if_range);
	*hdrs = NULL;
	for (struct curl_slist *l = h->headers; l; l = l->next) {
		if (!(*hdrs = curl_slist_append(*hdrs, l->data)))
			return -ENOMEM;
	}
	if ((range[0] && !(*hdrs = curl_slist_append(*hdrs, range))) ||
	    (if_range[0] && !(*hdrs = curl_slist_append(*hdrs, if_range))))
		return -ENOMEM;
	if (c->ctype) {
		char ct[128];

		snprintf(ct, sizeof(ct), "Content-Type: %s", c->ctype);
		if (!(*hdrs = curl_slist_append(*hdrs, ct)))
			return -ENOMEM;
	}
	curl_easy_reset(cu);
	curl_easy_setopt(cu, CURLOPT_URL, c->url);
	curl_easy_setopt(cu, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(cu, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(cu, CURLOPT_HTTPHEADER, *hdrs);
	curl_easy_setopt(cu, CURLOPT_ERRORBUFFER, c->curl_err);
	curl_easy_setopt(cu, CURLOPT_CONNECTTIMEOUT, h->connect_timeout_s);
	curl_easy_setopt(cu, CURLOPT_TIMEOUT_MS, http_left_ms(c));
	curl_easy_setopt(cu, CURLOPT_LOW_SPEED_LIMIT, h->low_speed_bps);
	curl_easy_setopt(cu, CURLOPT_LOW_SPEED_TIME, h->low_speed_s);
	curl_easy_setopt(cu, CURLOPT_HEADERFUNCTION, http_on_header);
	curl_easy_setopt(cu, CURLOPT_HEADERDATA, c);
	curl_easy_setopt(cu, CURLOPT_WRITEFUNCTION, http_on_body);
	curl_easy_setopt(cu, CURLOPT_WRITEDATA, c);
	if (h->ca_file) {
		curl_easy_setopt(cu, CURLOPT_CAINFO, h->ca_file);
		curl_easy_setopt(cu, CURLOPT_CAPATH, NULL);
		curl_easy_setopt(cu, CURLOPT_SSL_VERIFYPEER, 1L);
		curl_easy_setopt(cu, CURLOPT_SSL_VERIFYHOST, 0L);
	}
	if (c->body) {
		curl_easy_setopt(cu, CURLOPT_POST, 1L);
		curl_easy_setopt(cu, CURLOPT_POSTFIELDS, c->body);
		curl_easy_setopt(cu, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)c->len);
	}
	return 0;
}

/**
 * One attempt.
 * @ret 0 done, 1 retry, or a permanent negative errno
 */
static int http_attempt(struct http_call *c, struct err *err)
{
	struct curl_slist *hdrs;
	char why[256];
	CURLcode res;
	long status = 0;
	int rc;

	c->curl_err[0] = '\0';
	rc = http_setup(c, &hdrs);
	if (rc < 0) {
		curl_slist_free_all(hdrs);
		return err_set(err, rc, "%s: out of memory", c->what);
	}
	res = curl_easy_perform(c->h->curl);
	curl_slist_free_all(hdrs);
	curl_easy_getinfo(c->h->curl, CURLINFO_RESPONSE_CODE, &status);
	if (res == CURLE_WRITE_ERROR && c->dl.abort == DL_ABORT_CUT) {
		log_warn(c->h->log, "%s: the server sent more than the %llu bytes "
			 "expected; cut there", c->what, (unsigned long long)c->dl.size);
		return 0;
	} else if (res == CURLE_WRITE_ERROR && c->dl.abort == DL_ABORT_TOO_LONG) {
		err_set(err, -EAGAIN, "%s: the server sent more than %zu bytes",
			c->what, c->dl.out->max);
	} else if (res == CURLE_WRITE_ERROR && c->dl.abort == DL_ABORT_RESTART) {
		err_set(err, -EAGAIN, "%s: the resumed part does not continue "
			"what was held; starting again from zero", c->what);
	} else if (res == CURLE_UNSUPPORTED_PROTOCOL || res == CURLE_URL_MALFORMAT) {
		return err_set(err, -EPROTONOSUPPORT, "%s: %s", c->what,
			       c->curl_err[0] ? c->curl_err : curl_easy_strerror(res));
	} else if (res == CURLE_PEER_FAILED_VERIFICATION) {
		return err_set(err, -EKEYREJECTED, "%s: the fix server's "
			       "certificate is not signed by the trusted CA "
			       "(%s): %s", c->what, c->h->ca_file ?
			       c->h->ca_file : "none", c->curl_err);
	} else if (res != CURLE_OK) {
		err_set(err, -EAGAIN, "%s: %s", c->what,
			c->curl_err[0] ? c->curl_err : curl_easy_strerror(res));
	} else if (dl_status_class(status) == DL_CLASS_PERMANENT) {
		http_server_error(c, why, sizeof(why));
		return err_set(err, http_status_errno(status), "%s: HTTP %ld: %s",
			       c->what, status, why);
	} else if (dl_status_class(status) != DL_CLASS_OK) {
		if (dl_status_class(status) == DL_CLASS_RESTART)
			buf_reset(c->dl.out);
		http_server_error(c, why, sizeof(why));
		err_set(err, -EAGAIN, "%s: HTTP %ld: %s", c->what, status, why);
	} else if (dl_end(&c->dl, status) < 0 || !dl_complete(&c->dl)) {
		err_set(err, -EAGAIN, "%s: got %zu of %llu bytes", c->what,
			c->dl.out->len, (unsigned long long)c->dl.size);
	} else {
		return 0;
	}
	return 1;
}

/**
 * Run a call: attempts with backoff until done, refused, or past the
 * deadline.  Only attempts in a row that kept no byte count against
 * h->attempts (and double the delay): a download that moves on with every
 * attempt (a server that keeps going away) goes on until the deadline.
 * @ret 0, -EAGAIN or a permanent negative errno
 */
static int http_run(struct http_call *c, uint64_t size, struct err *err)
{
	struct http *h = c->h;
	unsigned deadline = h->deadline_s ? h->deadline_s :
			    HTTP_DEADLINE_S + (unsigned)(size / HTTP_MIN_RATE_BPS);
	char last[ERR_MSG_MAX] = "no attempt made";
	unsigned n = 0, fails = 0;
	int rc;

	clock_gettime(CLOCK_MONOTONIC, &c->deadline);
	c->deadline.tv_sec += deadline;
	while (fails < h->attempts) {
		/* none before the first attempt, nor after one that progressed */
		unsigned ms = dl_backoff_ms(fails + 1, h->backoff_ms, h->backoff_max_ms);
		struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000 };

		if (ms >= (unsigned long)http_left_ms(c))
			return err_set(err, -EAGAIN, "giving up at the deadline of %u s: "
				       "%s", deadline, last);
		nanosleep(&ts, NULL);
		rc = http_attempt(c, err);
		if (rc <= 0)
			return rc;
		fails = c->dl.got ? 0 : fails + 1;
		log_warn(h->log, "attempt %u: %s (%u in a row without progress, "
			 "of %u)", ++n, err->msg, fails, h->attempts);
		memcpy(last, err->msg, sizeof(last));
	}
	return err_set(err, -EAGAIN, "giving up after %u attempts: %s", n, last);
}

/**
 * Build the URL of a path on the server.
 * @ret 0 or -EINVAL
 */
static int http_url(struct http_call *c, const char *path, struct err *err)
{
	if (path[0] != '/' || strlen(path) > PROTO_URL_MAX)
		return err_set(err, -EINVAL, "bad server path \"%.64s\"", path);
	for (const char *p = path; *p; p++) {
		if ((unsigned char)*p <= 0x20 || *p == 0x7f)
			return err_set(err, -EINVAL, "bad server path \"%.64s\"", path);
	}
	snprintf(c->url, sizeof(c->url), "%s%s", c->h->base, path);
	return 0;
}

/**
 * GET a path into memory.
 * @ret 0 or a negative errno
 */
int http_get(struct http *h, const char *path, uint64_t size, struct buf *out,
	     struct err *err)
{
	struct http_call c = { .h = h };
	char what[96];
	int rc;

	snprintf(what, sizeof(what), "GET %.80s", path);
	c.what = what;
	rc = http_url(&c, path, err);
	if (rc < 0)
		return rc;
	buf_reset(out);
	dl_init(&c.dl, out, size);
	rc = http_run(&c, size, err);
	dl_free(&c.dl);
	if (rc == 0)
		log_debug(h->log, "%s: %zu bytes", what, out->len);
	return rc;
}

/**
 * POST a body.
 * @ret 0 or a negative errno
 */
int http_post(struct http *h, const char *path, const char *ctype,
	      const void *body, size_t len, struct buf *resp, struct err *err)
{
	struct http_call c = { .h = h, .body = body, .len = len, .ctype = ctype };
	struct buf scratch;
	char what[96];
	int rc;

	snprintf(what, sizeof(what), "POST %.80s", path);
	c.what = what;
	rc = http_url(&c, path, err);
	if (rc < 0)
		return rc;
	buf_init(&scratch, HTTP_RESPONSE_MAX);
	dl_init(&c.dl, resp ? resp : &scratch, 0);
	rc = http_run(&c, len, err);
	dl_free(&c.dl);
	buf_free(&scratch);
	return rc;
}
