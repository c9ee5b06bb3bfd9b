/* SPDX-License-Identifier: MIT */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "common/strnum.h"
#include "fixd/download.h"

/** Start a download. */
void dl_init(struct dl *d, struct buf *out, uint64_t size)
{
	memset(d, 0, sizeof(*d));
	d->out = out;
	d->size = size;
	buf_init(&d->errbody, DL_ERRBODY_MAX);
}

/** Release the error body. */
void dl_free(struct dl *d)
{
	if (d)
		buf_free(&d->errbody);
}

/** Forget the bytes held. */
static void dl_drop(struct dl *d)
{
	buf_reset(d->out);
	d->etag[0] = '\0';
}

/**
 * Prepare an attempt: resume when the bytes held have a strong ETag.
 */
void dl_attempt(struct dl *d, char range[DL_HEADER_MAX],
		char if_range[DL_HEADER_MAX])
{
	range[0] = if_range[0] = '\0';
	d->from = 0;
	d->new_etag[0] = '\0';
	d->has_range = false;
	d->started = false;
	d->got = 0;
	d->abort = DL_ABORT_NONE;
	buf_reset(&d->errbody);
	if (d->out->len == 0)
		return;
	if (d->size == 0 || d->etag[0] != '"' || d->out->len >= d->size) {
		dl_drop(d);
		return;
	}
	d->from = d->out->len;
	snprintf(range, DL_HEADER_MAX, "Range: bytes=%zu-", d->out->len);
	snprintf(if_range, DL_HEADER_MAX, "If-Range: %s", d->etag);
}

/**
 * Value of header name in line, trimmed, into out.
 * @ret 1 if the line is that header and the value fits, else 0
 */
static int dl_header_value(const char *line, size_t len, const char *name,
			   char *out, size_t outlen)
{
	size_t n = strlen(name);

	if (len <= n || strncasecmp(line, name, n) != 0 || line[n] != ':')
		return 0;
	line += n + 1;
	len -= n + 1;
	while (len > 0 && (*line == ' ' || *line == '\t'))
		line++, len--;
	while (len > 0 && (line[len - 1] == '\r' || line[len - 1] == '\n' ||
			   line[len - 1] == ' ' || line[len - 1] == '\t'))
		len--;
	if (len >= outlen)
		return 0;
	memcpy(out, line, len);
	out[len] = '\0';
	return 1;
}

/**
 * Parse the decimal number of n bytes at s.
 * @ret 0 and *out, or -1
 */
static int dl_parse_num(const char *s, size_t n, uint64_t *out)
{
	char num[24];

	if (n == 0 || n >= sizeof(num))
		return -1;
	memcpy(num, s, n);
	num[n] = '\0';
	return strnum_u64(num, 0, UINT64_MAX, out) < 0 ? -1 : 0;
}

/**
 * Parse "bytes START-END/TOTAL" (TOTAL may be "*": *total is then 0).
 * @ret 0, *start and *total, or -1
 */
static int dl_parse_content_range(const char *v, uint64_t *start,
				  uint64_t *total)
{
	const char *dash, *slash;

	if (strncmp(v, "bytes ", 6) != 0)
		return -1;
	v += 6;
	dash = strchr(v, '-');
	slash = dash ? strchr(dash, '/') : NULL;
	if (!slash || dl_parse_num(v, (size_t)(dash - v), start) < 0)
		return -1;
	*total = 0;
	if (strcmp(slash + 1, "*") == 0)
		return 0;
	return dl_parse_num(slash + 1, strlen(slash + 1), total);
}

/**
 * Take one response header line.
 */
void dl_header(struct dl *d, const char *line, size_t len)
{
	char v[DL_ETAG_MAX + 1];

	if (len >= 5 && strncmp(line, "HTTP/", 5) == 0) {
		d->new_etag[0] = '\0';
		d->has_range = false;
		return;
	}
	if (dl_header_value(line, len, "ETag", v, sizeof(v))) {
		memcpy(d->new_etag, v, strlen(v) + 1);
		return;
	}
	if (dl_header_value(line, len, "Content-Range", v, sizeof(v)))
		d->has_range = dl_parse_content_range(v, &d->range_start,
						      &d->range_total) == 0;
}

/**
 * First body bytes of a 2xx response: decide whether they continue what is
 * held (206 at the right offset, same ETag, same total length) or replace it
 * (200).
 * @ret 0, or -1 with d->abort = DL_ABORT_RESTART
 */
static int dl_start(struct dl *d, long status)
{
	if (status != 206) {
		buf_reset(d->out);
		memcpy(d->etag, d->new_etag, sizeof(d->etag));
		return 0;
	}
	if (d->from == 0 || !d->has_range || d->range_start != d->out->len ||
	    (d->range_total && d->size && d->range_total != d->size) ||
	    strcmp(d->new_etag, d->etag) != 0) {
		dl_drop(d);
		d->abort = DL_ABORT_RESTART;
		return -1;
	}
	return 0;
}

/**
 * Take body bytes.
 * @ret 0 or -1 to abort
 */
int dl_body(struct dl *d, long status, const void *p, size_t n)
{
	if (!d->started) {
		d->started = true;
		if (status / 100 == 2 && dl_start(d, status) < 0)
			return -1;
	}
	if (status / 100 != 2) {
		size_t room = d->errbody.max - d->errbody.len;

		buf_append(&d->errbody, p, n < room ? n : room);
		return 0;
	}
	if (d->size && d->out->len + n > d->size) {
		n = (size_t)(d->size - d->out->len);
		d->abort = DL_ABORT_CUT;
	}
	if (buf_append(d->out, p, n) < 0) {
		dl_drop(d);
		d->abort = DL_ABORT_TOO_LONG;
		return -1;
	}
	d->got += n;
	return d->abort == DL_ABORT_CUT ? -1 : 0;
}

/**
 * End of a completed transfer.
 * @ret 0 or -1
 */
int dl_end(struct dl *d, long status)
{
	if (d->started || status / 100 != 2)
		return 0;
	d->started = true;
	return dl_start(d, status);
}

/** True when the whole file is held. */
bool dl_complete(const struct dl *d)
{
	return d->size == 0 || d->out->len == d->size;
}

/** What a status code means for the download. */
enum dl_class dl_status_class(long status)
{
	if (status / 100 == 2)
		return DL_CLASS_OK;
	if (status == 416)
		return DL_CLASS_RESTART;
	if (status / 100 == 5 || status == 408 || status == 429 || status == 0)
		return DL_CLASS_TEMPORARY;
	return DL_CLASS_PERMANENT;
}

/** Delay before an attempt: base doubled each time, at most max. */
unsigned dl_backoff_ms(unsigned attempt, unsigned base_ms, unsigned max_ms)
{
	unsigned long long ms = base_ms;

	for (unsigned i = 2; i < attempt && ms < max_ms; i++)
		ms *= 2;
	return attempt < 2 ? 0 : (unsigned)(ms < max_ms ? ms : max_ms);
}
