/* SPDX-License-Identifier: MIT */
/*
 * Serving a file: Range (one range), ETag, Last-Modified, If-Range, and the
 * body sent by libmicrohttpd from the descriptor (sendfile).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/strnum.h"
#include "server/http.h"

#define HTTP_DATE_LEN 40

/** An HTTP date (IMF-fixdate) of a time. */
static void http_date(time_t t, char out[HTTP_DATE_LEN])
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, HTTP_DATE_LEN, "%a, %d %b %Y %H:%M:%S GMT", &tm);
}

/**
 * Parse "bytes=FIRST-[LAST]" or "bytes=-SUFFIX" against a size.
 *
 * @v spec	Range header value
 * @v size	file size
 * @v first	first byte
 * @v last	last byte (inclusive)
 * @ret rc	0; -EINVAL (not a single byte range: serve it whole);
 *		-ERANGE (not satisfiable: 416)
 */
static int http_range_parse(const char *spec, uint64_t size, uint64_t *first,
			    uint64_t *last)
{
	char a[24], b[24];
	const char *dash;
	size_t na, nb;

	if (strncmp(spec, "bytes=", 6) != 0 || strchr(spec, ','))
		return -EINVAL;
	spec += 6;
	dash = strchr(spec, '-');
	if (!dash)
		return -EINVAL;
	na = (size_t)(dash - spec);
	nb = strlen(dash + 1);
	if (na >= sizeof(a) || nb >= sizeof(b) || (na == 0 && nb == 0))
		return -EINVAL;
	memcpy(a, spec, na);
	a[na] = '\0';
	memcpy(b, dash + 1, nb + 1);
	if (na == 0) {		/* suffix: the last N bytes */
		uint64_t n;

		if (strnum_u64(b, 0, UINT64_MAX, &n) < 0)
			return -EINVAL;
		if (n == 0 || size == 0)
			return -ERANGE;
		*first = n >= size ? 0 : size - n;
		*last = size - 1;
		return 0;
	}
	if (strnum_u64(a, 0, UINT64_MAX, first) < 0)
		return -EINVAL;
	*last = UINT64_MAX;
	if (nb && strnum_u64(b, 0, UINT64_MAX, last) < 0)
		return -EINVAL;
	if (*last < *first)
		return -EINVAL;
	if (*first >= size)
		return -ERANGE;
	if (*last >= size)
		*last = size - 1;
	return 0;
}

/** True if If-Range (absent, or matching the ETag or date) allows a range. */
static bool http_if_range_ok(struct http_call *c, const char *etag,
			     const char *date)
{
	const char *ir = http_header(c, MHD_HTTP_HEADER_IF_RANGE);

	return !ir || strcmp(ir, etag) == 0 || strcmp(ir, date) == 0;
}

/**
 * Serve a file.
 *
 * @v c		call
 * @v fd	open file (owned by the response from here on)
 * @v type	Content-Type
 * @ret ret	MHD result
 */
enum MHD_Result http_file(struct http_call *c, int fd, const char *type)
{
	char etag[80], date[HTTP_DATE_LEN], crange[96];
	struct MHD_Response *resp;
	uint64_t size, first = 0, last = 0;
	const char *range;
	unsigned status = 200;
	enum MHD_Result ret;
	struct stat sb;
	int rc = 0;

	if (fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode)) {
		close(fd);
		return http_error(c, 500, "cannot read the file");
	}
	size = (uint64_t)sb.st_size;
	snprintf(etag, sizeof(etag), "\"%" PRIx64 "-%" PRIx64 "-%" PRIx64 "\"",
		 (uint64_t)sb.st_ino, size,
		 (uint64_t)sb.st_mtim.tv_sec * 1000000000u +
		 (uint64_t)sb.st_mtim.tv_nsec);
	http_date(sb.st_mtime, date);
	range = http_header(c, MHD_HTTP_HEADER_RANGE);
	if (range && http_if_range_ok(c, etag, date))
		rc = http_range_parse(range, size, &first, &last);
	if (range && rc == -ERANGE) {
		close(fd);
		resp = MHD_create_response_from_buffer(0, NULL,
						       MHD_RESPMEM_PERSISTENT);
		if (!resp)
			return MHD_NO;
		snprintf(crange, sizeof(crange), "bytes */%" PRIu64, size);
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_RANGE,
					crange);
		ret = MHD_queue_response(c->conn, 416, resp);
		MHD_destroy_response(resp);
		return ret;
	}
	if (range && rc == 0 && http_if_range_ok(c, etag, date)) {
		status = 206;
		snprintf(crange, sizeof(crange), "bytes %" PRIu64 "-%" PRIu64
			 "/%" PRIu64, first, last, size);
	} else {
		first = 0;
		last = size ? size - 1 : 0;
	}
	resp = MHD_create_response_from_fd_at_offset64(
		size ? last - first + 1 : 0, fd, first);
	if (!resp) {
		close(fd);
		return MHD_NO;
	}
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	MHD_add_response_header(resp, MHD_HTTP_HEADER_ETAG, etag);
	MHD_add_response_header(resp, MHD_HTTP_HEADER_LAST_MODIFIED, date);
	MHD_add_response_header(resp, MHD_HTTP_HEADER_ACCEPT_RANGES, "bytes");
	if (status == 206)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_RANGE,
					crange);
	ret = MHD_queue_response(c->conn, status, resp);
	MHD_destroy_response(resp);
	return ret;
}
