/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "fixd/download.h"
#include "fixd/http.h"
#include "fixd/test/srv.h"
#include "fixd/test/testlib.h"

#define TOKEN "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define CLIENT "52:54:00:12:34:56"
#define FILE_SIZE 200000

/* The decisions alone (download.c). */

static void test_backoff_doubles_to_cap(void **state)
{
	(void)state;
	assert_int_equal(dl_backoff_ms(1, 1000, 30000), 0);
	assert_int_equal(dl_backoff_ms(2, 1000, 30000), 1000);
	assert_int_equal(dl_backoff_ms(3, 1000, 30000), 2000);
	assert_int_equal(dl_backoff_ms(4, 1000, 30000), 4000);
	assert_int_equal(dl_backoff_ms(7, 1000, 30000), 30000);
	assert_int_equal(dl_backoff_ms(1000, 1000, 30000), 30000);
}

static void test_status_classes(void **state)
{
	(void)state;
	assert_int_equal(dl_status_class(200), DL_CLASS_OK);
	assert_int_equal(dl_status_class(206), DL_CLASS_OK);
	assert_int_equal(dl_status_class(416), DL_CLASS_RESTART);
	assert_int_equal(dl_status_class(503), DL_CLASS_TEMPORARY);
	assert_int_equal(dl_status_class(429), DL_CLASS_TEMPORARY);
	assert_int_equal(dl_status_class(403), DL_CLASS_PERMANENT);
	assert_int_equal(dl_status_class(404), DL_CLASS_PERMANENT);
	assert_int_equal(dl_status_class(302), DL_CLASS_PERMANENT);
}

/** Feed a header line. */
static void header(struct dl *d, const char *line)
{
	dl_header(d, line, strlen(line));
}

static void test_resume_only_with_strong_etag(void **state)
{
	char range[DL_HEADER_MAX], ifr[DL_HEADER_MAX];
	struct buf out;
	struct dl d;

	(void)state;
	buf_init(&out, 100);
	dl_init(&d, &out, 100);
	dl_attempt(&d, range, ifr);
	assert_string_equal(range, "");
	header(&d, "HTTP/1.1 200 OK\r\n");
	header(&d, "etag: \"abc\"\r\n");
	assert_int_equal(dl_body(&d, 200, "0123456789", 10), 0);
	dl_attempt(&d, range, ifr);
	assert_string_equal(range, "Range: bytes=10-");
	assert_string_equal(ifr, "If-Range: \"abc\"");
	assert_int_equal(out.len, 10);
	/* a weak ETag cannot be used with If-Range: start again */
	header(&d, "HTTP/1.1 200 OK\r\n");
	header(&d, "ETag: W/\"abc\"\r\n");
	assert_int_equal(dl_body(&d, 200, "0123456789", 10), 0);
	dl_attempt(&d, range, ifr);
	assert_string_equal(range, "");
	assert_int_equal(out.len, 0);
	dl_free(&d);
	buf_free(&out);
}

static void test_206_continues_at_offset(void **state)
{
	char range[DL_HEADER_MAX], ifr[DL_HEADER_MAX];
	struct buf out;
	struct dl d;

	(void)state;
	buf_init(&out, 20);
	dl_init(&d, &out, 20);
	dl_attempt(&d, range, ifr);
	header(&d, "ETag: \"v1\"\r\n");
	dl_body(&d, 200, "0123456789", 10);
	dl_attempt(&d, range, ifr);
	header(&d, "HTTP/1.1 206 Partial Content\r\n");
	header(&d, "ETag: \"v1\"\r\n");
	header(&d, "Content-Range: bytes 10-19/20\r\n");
	assert_int_equal(dl_body(&d, 206, "abcdefghij", 10), 0);
	assert_true(dl_complete(&d));
	assert_memory_equal(out.data, "0123456789abcdefghij", 20);
	dl_free(&d);
	buf_free(&out);
}

static void test_206_wrong_offset_restarts(void **state)
{
	char range[DL_HEADER_MAX], ifr[DL_HEADER_MAX];
	struct buf out;
	struct dl d;

	(void)state;
	buf_init(&out, 20);
	dl_init(&d, &out, 20);
	dl_attempt(&d, range, ifr);
	header(&d, "ETag: \"v1\"\r\n");
	dl_body(&d, 200, "0123456789", 10);
	dl_attempt(&d, range, ifr);
	header(&d, "ETag: \"v1\"\r\n");
	header(&d, "Content-Range: bytes 5-19/20\r\n");
	assert_int_equal(dl_body(&d, 206, "56789abcde", 10), -1);
	assert_int_equal(d.abort, DL_ABORT_RESTART);
	assert_int_equal(out.len, 0);
	dl_attempt(&d, range, ifr);
	assert_string_equal(range, "");
	dl_free(&d);
	buf_free(&out);
}

static void test_206_changed_etag_restarts(void **state)
{
	char range[DL_HEADER_MAX], ifr[DL_HEADER_MAX];
	struct buf out;
	struct dl d;

	(void)state;
	buf_init(&out, 20);
	dl_init(&d, &out, 20);
	dl_attempt(&d, range, ifr);
	header(&d, "ETag: \"v1\"\r\n");
	dl_body(&d, 200, "0123456789", 10);
	dl_attempt(&d, range, ifr);
	header(&d, "ETag: \"v2\"\r\n");
	header(&d, "Content-Range: bytes 10-19/20\r\n");
	assert_int_equal(dl_body(&d, 206, "abcdefghij", 10), -1);
	assert_int_equal(d.abort, DL_ABORT_RESTART);
	assert_int_equal(out.len, 0);
	dl_free(&d);
	buf_free(&out);
}

static void test_200_replaces_held_bytes(void **state)
{
	char range[DL_HEADER_MAX], ifr[DL_HEADER_MAX];
	struct buf out;
	struct dl d;

	(void)state;
	buf_init(&out, 20);
	dl_init(&d, &out, 20);
	dl_attempt(&d, range, ifr);
	header(&d, "ETag: \"v1\"\r\n");
	dl_body(&d, 200, "0123456789", 10);
	dl_attempt(&d, range, ifr);
	header(&d, "ETag: \"v2\"\r\n");
	assert_int_equal(dl_body(&d, 200, "ABCDEFGHIJKLMNOPQRST", 20), 0);
	assert_memory_equal(out.data, "ABCDEFGHIJKLMNOPQRST", 20);
	assert_string_equal(d.etag, "\"v2\"");
	dl_free(&d);
	buf_free(&out);
}

static void test_more_than_declared_cut_there(void **state)
{
	char range[DL_HEADER_MAX], ifr[DL_HEADER_MAX];
	struct buf out;
	struct dl d;

	(void)state;
	buf_init(&out, 1000);
	dl_init(&d, &out, 10);
	dl_attempt(&d, range, ifr);
	assert_int_equal(dl_body(&d, 200, "01234567", 8), 0);
	assert_int_equal(dl_body(&d, 200, "89xyz", 5), -1);
	assert_int_equal(d.abort, DL_ABORT_CUT);
	assert_int_equal(out.len, 10);
	assert_memory_equal(out.data, "0123456789", 10);
	assert_true(dl_complete(&d));
	dl_free(&d);
	buf_free(&out);
}

static void test_unknown_size_over_cap_aborts(void **state)
{
	char range[DL_HEADER_MAX], ifr[DL_HEADER_MAX];
	struct buf out;
	struct dl d;

	(void)state;
	buf_init(&out, 10);
	dl_init(&d, &out, 0);
	dl_attempt(&d, range, ifr);
	assert_int_equal(dl_body(&d, 200, "01234567", 8), 0);
	assert_int_equal(dl_body(&d, 200, "890", 3), -1);
	assert_int_equal(d.abort, DL_ABORT_TOO_LONG);
	assert_int_equal(out.len, 0);
	dl_free(&d);
	buf_free(&out);
}

static void test_206_changed_total_restarts(void **state)
{
	char range[DL_HEADER_MAX], ifr[DL_HEADER_MAX];
	struct buf out;
	struct dl d;

	(void)state;
	buf_init(&out, 20);
	dl_init(&d, &out, 20);
	dl_attempt(&d, range, ifr);
	header(&d, "ETag: \"v1\"\r\n");
	dl_body(&d, 200, "0123456789", 10);
	dl_attempt(&d, range, ifr);
	/* same ETag (a server that ignores If-Range, say), another length */
	header(&d, "ETag: \"v1\"\r\n");
	header(&d, "Content-Range: bytes 10-24/25\r\n");
	assert_int_equal(dl_body(&d, 206, "abcdefghij", 10), -1);
	assert_int_equal(d.abort, DL_ABORT_RESTART);
	assert_int_equal(out.len, 0);
	/* an unknown total ("*") is taken as it comes */
	dl_attempt(&d, range, ifr);
	header(&d, "ETag: \"v1\"\r\n");
	dl_body(&d, 200, "0123456789", 10);
	dl_attempt(&d, range, ifr);
	header(&d, "ETag: \"v1\"\r\n");
	header(&d, "Content-Range: bytes 10-19/*\r\n");
	assert_int_equal(dl_body(&d, 206, "abcdefghij", 10), 0);
	assert_true(dl_complete(&d));
	dl_free(&d);
	buf_free(&out);
}

static void test_error_body_bounded(void **state)
{
	char range[DL_HEADER_MAX], ifr[DL_HEADER_MAX], big[3000];
	struct buf out;
	struct dl d;

	(void)state;
	memset(big, 'e', sizeof(big));
	buf_init(&out, 10);
	dl_init(&d, &out, 10);
	dl_attempt(&d, range, ifr);
	assert_int_equal(dl_body(&d, 500, big, sizeof(big)), 0);
	assert_int_equal(d.errbody.len, DL_ERRBODY_MAX);
	assert_int_equal(out.len, 0);
	dl_free(&d);
	buf_free(&out);
}

/* Against the test server (http.c with download.c). */

struct fixture {
	char *dir;
	struct srv *srv;
	struct log log;
	struct http http;
	struct srv_opts opts;
	char *data;
	char scratch[4096], scratch2[4096];
	bool longer;			/* replace_when_requested: a longer file */
};

/** Start a server over a directory with one 200 kB bundle file. */
static struct fixture *fixture_start(const char *fault1, const char *fault2)
{
	struct fixture *f = calloc(1, sizeof(*f));
	char url[64];
	struct mac mac;

	f->dir = tl_tmpdir();
	f->data = malloc(FILE_SIZE);
	for (size_t i = 0; i < FILE_SIZE; i++)
		f->data[i] = (char)(i * 7 + i / 251);
	tl_write(f->dir, "fixes/x.fix", f->data, FILE_SIZE, 0644);
	tl_write(f->dir, "plan.json", "{}", 2, 0644);
	f->opts = (struct srv_opts){ .dir = f->dir, .token = TOKEN, .client = CLIENT };
	if (fault1)
		assert_int_equal(srv_fault_parse(fault1, &f->opts.faults[f->opts.nfaults++]), 0);
	if (fault2)
		assert_int_equal(srv_fault_parse(fault2, &f->opts.faults[f->opts.nfaults++]), 0);
	assert_int_equal(srv_start(&f->opts, &f->srv), 0);
	log_init(&f->log, "test", LV_DEBUG, 64 * 1024);
	f->log.out = NULL;
	snprintf(url, sizeof(url), "http://127.0.0.1:%u", srv_port(f->srv));
	mac_parse(CLIENT, &mac);
	assert_int_equal(http_init(&f->http, &f->log, url, TOKEN, &mac, NULL), 0);
	f->http.backoff_ms = 1;
	f->http.attempts = 4;
	f->http.deadline_s = 20;
	return f;
}

/** Stop and clean. */
static void fixture_stop(struct fixture *f)
{
	http_free(&f->http);
	srv_stop(f->srv);
	log_free(&f->log);
	tl_rmtree(f->dir);
	free(f->dir);
	free(f->data);
	free(f);
}

/** The requests the server saw. */
static char *requests(struct fixture *f)
{
	char *r = tl_read_at(f->dir, "record/requests", NULL);

	assert_non_null(r);
	return r;
}

static void test_get_whole_file(void **state)
{
	struct fixture *f = fixture_start(NULL, NULL);
	struct buf out;
	struct err err;

	(void)state;
	buf_init(&out, FILE_SIZE);
	assert_int_equal(http_get(&f->http, "/api/v1/fix/x/bundle", FILE_SIZE, &out,
				  &err), 0);
	assert_int_equal(out.len, FILE_SIZE);
	assert_memory_equal(out.data, f->data, FILE_SIZE);
	buf_free(&out);
	fixture_stop(f);
}

static void test_dropped_download_resumes_with_range(void **state)
{
	struct fixture *f = fixture_start("/api/v1/fix/x/bundle:drop=70000", NULL);
	struct buf out;
	struct err err;
	char *req;

	(void)state;
	buf_init(&out, FILE_SIZE);
	assert_int_equal(http_get(&f->http, "/api/v1/fix/x/bundle", FILE_SIZE, &out,
				  &err), 0);
	assert_memory_equal(out.data, f->data, FILE_SIZE);
	req = requests(f);
	assert_non_null(strstr(req, "range=bytes=70000- if-range=\""));
	free(req);
	buf_free(&out);
	fixture_stop(f);
}

/** Replace the served file by a longer one (new bytes, new ETag). */
static void replace_longer(struct fixture *f)
{
	char *longer = malloc(FILE_SIZE + 5000);

	memset(longer, 'L', FILE_SIZE + 5000);
	tl_write(f->dir, "fixes/x.fix.new", longer, FILE_SIZE + 5000, 0644);
	rename(strcat(strcpy(f->scratch, f->dir), "/fixes/x.fix.new"),
	       strcat(strcpy(f->scratch2, f->dir), "/fixes/x.fix"));
	memcpy(f->data, longer, FILE_SIZE);
	free(longer);
}

/** Replace the served file once the first request for it was seen. */
static void *replace_when_requested(void *arg)
{
	struct fixture *f = arg;
	char *req = NULL;

	for (int i = 0; i < 2000 && !req; i++) {
		usleep(5000);
		req = tl_read_at(f->dir, "record/requests", NULL);
	}
	free(req);
	if (f->longer) {
		replace_longer(f);
		return NULL;
	}
	memset(f->data, 'N', FILE_SIZE);
	/* a new file renamed over the old one: a new ETag */
	tl_write(f->dir, "fixes/x.fix.new", f->data, FILE_SIZE, 0644);
	rename(strcat(strcpy(f->scratch, f->dir), "/fixes/x.fix.new"),
	       strcat(strcpy(f->scratch2, f->dir), "/fixes/x.fix"));
	return NULL;
}

static void test_changed_file_restarts_from_zero(void **state)
{
	/* cut at 70000, then a 503 whose backoff leaves time to replace it */
	struct fixture *f = fixture_start("/api/v1/fix/x/bundle:drop=70000",
					  "/api/v1/fix/x/bundle:status=503:1:1");
	struct buf out;
	struct err err;
	pthread_t t;
	char *req;

	(void)state;
	buf_init(&out, FILE_SIZE);
	f->http.backoff_ms = 500;
	pthread_create(&t, NULL, replace_when_requested, f);
	assert_int_equal(http_get(&f->http, "/api/v1/fix/x/bundle", FILE_SIZE, &out,
				  &err), 0);
	pthread_join(t, NULL);
	assert_memory_equal(out.data, f->data, FILE_SIZE);
	req = requests(f);
	/* the resume was asked for, the server saw the old ETag and sent all */
	assert_non_null(strstr(req, "range=bytes=70000- if-range=\""));
	free(req);
	buf_free(&out);
	fixture_stop(f);
}

static void test_endless_body_cut_at_declared_size(void **state)
{
	struct fixture *f = fixture_start("/api/v1/fix/x/bundle:endless:10", NULL);
	struct buf out;
	struct err err;
	char *req;

	(void)state;
	buf_init(&out, FILE_SIZE);
	assert_int_equal(http_get(&f->http, "/api/v1/fix/x/bundle", FILE_SIZE, &out,
				  &err), 0);
	assert_int_equal(out.len, FILE_SIZE);
	assert_memory_equal(out.data, f->data, FILE_SIZE);
	/* one request was enough */
	req = requests(f);
	assert_null(strchr(strchr(req, '\n') + 1, '\n'));
	free(req);
	assert_non_null(strstr(f->log.copy.data, "cut there"));
	buf_free(&out);
	fixture_stop(f);
}

static void test_changed_length_restarts_from_zero(void **state)
{
	struct fixture *f = fixture_start("/api/v1/fix/x/bundle:drop=70000",
					  "/api/v1/fix/x/bundle:status=503:1:1");
	struct buf out;
	struct err err;
	pthread_t t;

	(void)state;
	buf_init(&out, FILE_SIZE);
	f->http.backoff_ms = 500;
	f->longer = true;
	pthread_create(&t, NULL, replace_when_requested, f);
	assert_int_equal(http_get(&f->http, "/api/v1/fix/x/bundle", FILE_SIZE, &out,
				  &err), 0);
	pthread_join(t, NULL);
	/* never old bytes and new ones spliced: the new file, cut at the size */
	assert_memory_equal(out.data, f->data, FILE_SIZE);
	buf_free(&out);
	fixture_stop(f);
}

static void test_progress_does_not_use_up_attempts(void **state)
{
	/* every response cut after 15000 bytes, 20 times over */
	struct fixture *f = fixture_start("/api/v1/fix/x/bundle:drop=15000:20", NULL);
	struct buf out;
	struct err err;
	char *req, *p;
	int resumed = 0;

	(void)state;
	buf_init(&out, FILE_SIZE);
	f->http.attempts = 2;
	assert_int_equal(http_get(&f->http, "/api/v1/fix/x/bundle", FILE_SIZE, &out,
				  &err), 0);
	assert_memory_equal(out.data, f->data, FILE_SIZE);
	req = requests(f);
	for (p = req; (p = strstr(p, "range=bytes=")); p++)
		resumed++;
	assert_int_equal(resumed, FILE_SIZE / 15000);
	free(req);
	buf_free(&out);
	fixture_stop(f);
}

static void test_slow_server_below_min_rate_resumed(void **state)
{
	/* the first response crawls at 4000 B/s: aborted after 1 s, resumed */
	struct fixture *f = fixture_start("/api/v1/fix/x/bundle:slow=4000", NULL);
	struct buf out;
	struct err err;
	char *req;

	(void)state;
	buf_init(&out, FILE_SIZE);
	f->http.low_speed_bps = 20000;
	f->http.low_speed_s = 1;
	assert_int_equal(http_get(&f->http, "/api/v1/fix/x/bundle", FILE_SIZE, &out,
				  &err), 0);
	assert_memory_equal(out.data, f->data, FILE_SIZE);
	assert_non_null(strstr(f->log.copy.data, "too slow"));
	req = requests(f);
	assert_non_null(strstr(req, "range=bytes="));
	free(req);
	buf_free(&out);
	fixture_stop(f);
}

static void test_deadline_bounds_a_slow_download(void **state)
{
	/* 40000 B/s: fast enough for the rate limit, 5 s for the file */
	struct fixture *f = fixture_start("/api/v1/fix/x/bundle:slow=40000:100", NULL);
	struct timespec t0, t1;
	struct buf out;
	struct err err;

	(void)state;
	buf_init(&out, FILE_SIZE);
	f->http.deadline_s = 2;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(http_get(&f->http, "/api/v1/fix/x/bundle", FILE_SIZE, &out,
				  &err), -EAGAIN);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	assert_non_null(strstr(err.msg, "deadline of 2 s"));
	assert_true(t1.tv_sec - t0.tv_sec <= 3);
	buf_free(&out);
	fixture_stop(f);
}

static void test_5xx_retried(void **state)
{
	struct fixture *f = fixture_start("/api/v1/plan:status=503:2", NULL);
	struct buf out;
	struct err err;

	(void)state;
	buf_init(&out, 1024);
	assert_int_equal(http_get(&f->http, "/api/v1/plan", 0, &out, &err), 0);
	assert_string_equal(out.data, "{}");
	buf_free(&out);
	fixture_stop(f);
}

static void test_416_restarts(void **state)
{
	struct fixture *f = fixture_start("/api/v1/fix/x/bundle:drop=1000",
					  "/api/v1/fix/x/bundle:status=416:1:1");
	struct buf out;
	struct err err;
	char *req;

	(void)state;
	buf_init(&out, FILE_SIZE);
	assert_int_equal(http_get(&f->http, "/api/v1/fix/x/bundle", FILE_SIZE, &out,
				  &err), 0);
	assert_memory_equal(out.data, f->data, FILE_SIZE);
	req = requests(f);
	/* the third request, after the 416, asks for no range */
	assert_non_null(strstr(req, "range=bytes=1000-"));
	assert_non_null(strstr(strstr(req, "range=bytes=1000-"),
			       "GET /api/v1/fix/x/bundle range=- if-range=-"));
	free(req);
	buf_free(&out);
	fixture_stop(f);
}

static void test_404_not_retried(void **state)
{
	struct fixture *f = fixture_start(NULL, NULL);
	struct buf out;
	struct err err;
	char *req;

	(void)state;
	buf_init(&out, 100);
	assert_int_equal(http_get(&f->http, "/api/v1/fix/nope/bundle", 10, &out,
				  &err), -ENOENT);
	assert_non_null(strstr(err.msg, "HTTP 404: no such file"));
	req = requests(f);
	assert_null(strstr(strstr(req, "\n") + 1, "GET"));
	free(req);
	buf_free(&out);
	fixture_stop(f);
}

static void test_wrong_token_refused(void **state)
{
	struct fixture *f = fixture_start(NULL, NULL);
	struct buf out;
	struct err err;
	struct mac mac;
	struct http h;

	(void)state;
	mac_parse(CLIENT, &mac);
	assert_int_equal(http_init(&h, &f->log, f->http.base, "00000000000000000000"
				   "000000000000000000000000000000000000000000000",
				   &mac, NULL), 0);
	buf_init(&out, 100);
	assert_int_equal(http_get(&h, "/api/v1/plan", 0, &out, &err), -EACCES);
	http_free(&h);
	buf_free(&out);
	fixture_stop(f);
}

static void test_post_recorded(void **state)
{
	struct fixture *f = fixture_start(NULL, NULL);
	const char *body = "{\"fix\": \"x\", \"state\": \"downloading\"}";
	struct err err;
	char *ev;

	(void)state;
	assert_int_equal(http_post(&f->http, "/api/v1/event", "application/json",
				   body, strlen(body), NULL, &err), 0);
	ev = tl_read_at(f->dir, "record/events", NULL);
	assert_non_null(ev);
	assert_non_null(strstr(ev, body));
	free(ev);
	fixture_stop(f);
}

static void test_no_server_is_temporary(void **state)
{
	struct log log;
	struct http h;
	struct buf out;
	struct err err;
	struct mac mac;

	(void)state;
	log_init(&log, "test", LV_DEBUG, 0);
	log.out = NULL;
	mac_parse(CLIENT, &mac);
	assert_int_equal(http_init(&h, &log, "http://127.0.0.1:1", TOKEN, &mac, NULL), 0);
	h.attempts = 2;
	h.backoff_ms = 1;
	buf_init(&out, 100);
	assert_int_equal(http_get(&h, "/api/v1/plan", 0, &out, &err), -EAGAIN);
	assert_true(http_temporary(-EAGAIN));
	http_free(&h);
	buf_free(&out);
	log_free(&log);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_backoff_doubles_to_cap),
		cmocka_unit_test(test_status_classes),
		cmocka_unit_test(test_resume_only_with_strong_etag),
		cmocka_unit_test(test_206_continues_at_offset),
		cmocka_unit_test(test_206_wrong_offset_restarts),
		cmocka_unit_test(test_206_changed_etag_restarts),
		cmocka_unit_test(test_200_replaces_held_bytes),
		cmocka_unit_test(test_more_than_declared_cut_there),
		cmocka_unit_test(test_unknown_size_over_cap_aborts),
		cmocka_unit_test(test_206_changed_total_restarts),
		cmocka_unit_test(test_error_body_bounded),
		cmocka_unit_test(test_get_whole_file),
		cmocka_unit_test(test_dropped_download_resumes_with_range),
		cmocka_unit_test(test_changed_file_restarts_from_zero),
		cmocka_unit_test(test_endless_body_cut_at_declared_size),
		cmocka_unit_test(test_changed_length_restarts_from_zero),
		cmocka_unit_test(test_progress_does_not_use_up_attempts),
		cmocka_unit_test(test_slow_server_below_min_rate_resumed),
		cmocka_unit_test(test_deadline_bounds_a_slow_download),
		cmocka_unit_test(test_5xx_retried),
		cmocka_unit_test(test_416_restarts),
		cmocka_unit_test(test_404_not_retried),
		cmocka_unit_test(test_wrong_token_refused),
		cmocka_unit_test(test_post_recorded),
		cmocka_unit_test(test_no_server_is_temporary),
	};

	curl_global_init(CURL_GLOBAL_DEFAULT);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
