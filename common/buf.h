/* SPDX-License-Identifier: MIT */
#ifndef FIXNET_COMMON_BUF_H
#define FIXNET_COMMON_BUF_H

#include <stdarg.h>
#include <stddef.h>

/*
 * A growable byte buffer with a hard maximum, in the way of curl's dynbuf.
 * data is always NUL-terminated (the NUL is not counted in len) so that text
 * can be used in place.  Appending past max fails with -EFBIG and leaves the
 * buffer as it was.
 */
struct buf {
	char *data;	/* NULL until the first append */
	size_t len;	/* bytes in use */
	size_t cap;	/* bytes allocated, without the NUL */
	size_t max;	/* hard limit for len */
};

/** Start an empty buffer that refuses to grow beyond max bytes. */
void buf_init(struct buf *b, size_t max);

/** Append n bytes; @ret 0, -EFBIG past max, -ENOMEM. */
int buf_append(struct buf *b, const void *p, size_t n);

/** Append a NUL-terminated string. */
int buf_puts(struct buf *b, const char *s);

/** Append formatted text; @ret 0, -EFBIG, -ENOMEM, -EINVAL. */
int buf_printf(struct buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int buf_vprintf(struct buf *b, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));

/** Forget the content, keep the allocation and the maximum. */
void buf_reset(struct buf *b);

/**
 * Take ownership of the data (NUL-terminated, never NULL on success).
 * The buffer is left empty.  @ret the data, or NULL on -ENOMEM.
 */
char *buf_steal(struct buf *b, size_t *len);

/** Release the memory; accepts a buffer never appended to. */
void buf_free(struct buf *b);

#endif
