/* SPDX-License-Identifier: MIT */
/*
 * Growable byte buffer with a hard maximum (see buf.h).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"

#define BUF_MIN_CAP 64

/**
 * Start an empty buffer.
 *
 * @v b		buffer
 * @v max	hard limit for the length
 */
void buf_init(struct buf *b, size_t max)
{
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
	b->max = max;
}

/**
 * Make room for need bytes in total (plus the NUL).
 *
 * @v b		buffer
 * @v need	length the buffer must be able to hold
 * @ret 0, -EFBIG past max, -ENOMEM
 */
static int buf_reserve(struct buf *b, size_t need)
{
	size_t cap;
	char *p;

	if (need > b->max)
		return -EFBIG;
	if (need <= b->cap && b->data)
		return 0;
	cap = b->cap ? b->cap : BUF_MIN_CAP;
	while (cap < need)
		cap = cap > SIZE_MAX / 2 ? need : cap * 2;
	if (cap > b->max)
		cap = b->max;
	if (cap == SIZE_MAX)
		return -ENOMEM;
	p = realloc(b->data, cap + 1);
	if (!p)
		return -ENOMEM;
	b->data = p;
	b->cap = cap;
	return 0;
}

/**
 * Append bytes.
 *
 * @v b		buffer
 * @v p		bytes
 * @v n		how many
 * @ret 0, -EFBIG past max (buffer unchanged), -ENOMEM
 */
int buf_append(struct buf *b, const void *p, size_t n)
{
	int rc;

	if (n > SIZE_MAX - b->len)
		return -EFBIG;
	rc = buf_reserve(b, b->len + n);
	if (rc < 0)
		return rc;
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return 0;
}

/**
 * Append a NUL-terminated string.
 *
 * @v b		buffer
 * @v s		string
 * @ret 0, -EFBIG, -ENOMEM
 */
int buf_puts(struct buf *b, const char *s)
{
	return buf_append(b, s, strlen(s));
}

/**
 * Append formatted text.
 *
 * @v b		buffer
 * @v fmt	printf format
 * @v ap	its arguments
 * @ret 0, -EFBIG, -ENOMEM, -EINVAL (bad format)
 */
int buf_vprintf(struct buf *b, const char *fmt, va_list ap)
{
	va_list ap2;
	int n, rc;

	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		return -EINVAL;
	if ((size_t)n > SIZE_MAX - b->len)
		return -EFBIG;
	rc = buf_reserve(b, b->len + (size_t)n);
	if (rc < 0)
		return rc;
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
	return 0;
}

/**
 * Append formatted text.
 *
 * @v b		buffer
 * @v fmt	printf format
 * @ret 0, -EFBIG, -ENOMEM, -EINVAL
 */
int buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = buf_vprintf(b, fmt, ap);
	va_end(ap);
	return rc;
}

/**
 * Forget the content, keep the allocation and the maximum.
 *
 * @v b		buffer
 */
void buf_reset(struct buf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = '\0';
}

/**
 * Take ownership of the data; the buffer is left empty.
 *
 * @v b		buffer
 * @v len	if not NULL, set to the length of the data
 * @ret the NUL-terminated data, or NULL on -ENOMEM
 */
char *buf_steal(struct buf *b, size_t *len)
{
	char *p;

	if (!b->data && buf_reserve(b, 0) < 0)
		return NULL;
	p = b->data;
	if (len)
		*len = b->len;
	p[b->len] = '\0';
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
	return p;
}

/**
 * Release the memory.
 *
 * @v b		buffer, or NULL
 */
void buf_free(struct buf *b)
{
	if (!b)
		return;
	free(b->data);
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
}
