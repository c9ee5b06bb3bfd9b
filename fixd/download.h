/* SPDX-License-Identifier: MIT */
#ifndef FIXD_DOWNLOAD_H
#define FIXD_DOWNLOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"

/*
 * The decisions of a download into memory, kept apart from libcurl so that
 * they can be tested alone: which Range to ask for on a retry, what to do
 * with each response (append, restart from zero, abort because the body is
 * longer than declared), how long to wait before the next attempt.
 *
 * A retry resumes with "Range: bytes=N-" and "If-Range: <ETag>" only when
 * the bytes held came with a strong ETag; a 206 must then start exactly at N,
 * carry the same ETag and declare the same total length, otherwise what is
 * held is dropped and the next attempt starts from zero.  A 200 always
 * replaces what is held.  When the size is known, nothing past it is ever
 * kept: a server that sends more (endless data) is cut at the size, and the
 * hash the caller checks decides.
 */

#define DL_ETAG_MAX 256			/* longest ETag kept */
#define DL_ERRBODY_MAX 1024		/* bytes of an error body kept */
#define DL_HEADER_MAX 512		/* Range / If-Range header lines */

enum dl_abort {
	DL_ABORT_NONE,
	DL_ABORT_TOO_LONG,		/* more bytes than the cap (size unknown) */
	DL_ABORT_CUT,			/* the size reached and more sent: cut there */
	DL_ABORT_RESTART,		/* a 206 that does not continue what we hold */
};

enum dl_class {
	DL_CLASS_OK,			/* 2xx */
	DL_CLASS_RESTART,		/* 416: start again from zero */
	DL_CLASS_TEMPORARY,		/* 5xx, 408, 429: retry */
	DL_CLASS_PERMANENT,		/* any other status */
};

struct dl {
	struct buf *out;		/* the body (its max is the cap) */
	uint64_t size;			/* exact size expected, 0 if unknown */
	char etag[DL_ETAG_MAX + 1];	/* ETag of the bytes in out, "" if none */
	/* per attempt */
	uint64_t from;			/* Range start asked for, 0 if none */
	char new_etag[DL_ETAG_MAX + 1];
	bool has_range;			/* a Content-Range was received */
	uint64_t range_start;
	uint64_t range_total;		/* its total length, 0 if "*" */
	bool started;			/* the first body byte was seen */
	uint64_t got;			/* body bytes kept in this attempt */
	enum dl_abort abort;
	struct buf errbody;		/* body of a non-2xx answer */
};

/**
 * Start a download.
 *
 * @v d		state
 * @v out	where the body goes; out->max is the size cap
 * @v size	exact size expected (the plan's), or 0 when unknown
 */
void dl_init(struct dl *d, struct buf *out, uint64_t size);

/** Release the error body; accepts NULL. */
void dl_free(struct dl *d);

/**
 * Prepare an attempt: decide whether to resume.  Bytes held without a
 * strong ETag are dropped.
 *
 * @v d		state
 * @v range	set to "Range: bytes=N-" or ""
 * @v if_range	set to "If-Range: <etag>" or ""
 *		(both DL_HEADER_MAX bytes)
 */
void dl_attempt(struct dl *d, char range[DL_HEADER_MAX],
		char if_range[DL_HEADER_MAX]);

/**
 * Take one response header line (as libcurl passes them, with CRLF).  A
 * status line starts a new response (after a 100 Continue, say).
 *
 * @v d		state
 * @v line	the line, not NUL-terminated
 * @v len	its length
 */
void dl_header(struct dl *d, const char *line, size_t len);

/**
 * Take body bytes of the response whose status is status.
 *
 * @ret 0 to go on, or -1 to abort the transfer (d->abort says why; the
 *	bytes held are dropped for DL_ABORT_RESTART and DL_ABORT_TOO_LONG,
 *	kept, exactly size of them, for DL_ABORT_CUT)
 */
int dl_body(struct dl *d, long status, const void *p, size_t n);

/**
 * End of a transfer that libcurl completed: a 2xx with an empty body still
 * replaces (200) or must continue (206) what is held.
 *
 * @ret 0, or -1 with d->abort = DL_ABORT_RESTART
 */
int dl_end(struct dl *d, long status);

/** True when the bytes held are the whole file (size known and reached). */
bool dl_complete(const struct dl *d);

/** What a status code means for the download. */
enum dl_class dl_status_class(long status);

/**
 * Delay before attempt number attempt (2, 3, ...): base doubled each time,
 * at most max.
 */
unsigned dl_backoff_ms(unsigned attempt, unsigned base_ms, unsigned max_ms);

#endif
