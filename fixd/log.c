/* SPDX-License-Identifier: MIT */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "fixd/log.h"

#define LOG_TRUNCATED_MARK "[log truncated]\n"

static const char *const log_level_names[] = {
	[LV_ERR] = "error",
	[LV_WARN] = "warning",
	[LV_INFO] = "info",
	[LV_DEBUG] = "debug",
};

/**
 * Start a log.
 *
 * @v l		log to set up
 * @v tag	program name
 * @v level	most verbose level written
 * @v copy_max	bytes kept for the upload
 */
void log_init(struct log *l, const char *tag, enum log_level level,
	      size_t copy_max)
{
	l->level = level;
	l->tag = tag;
	l->out = stderr;
	buf_init(&l->copy, copy_max);
	l->truncated = 0;
}

/**
 * Replace a tab by a space and other control characters by '?'.
 *
 * @v s		NUL-terminated text, changed in place
 */
static void log_sanitize(char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '\t')
			*s = ' ';
		else if (c < 0x20 || c == 0x7f)
			*s = '?';
	}
}

/**
 * Keep a line in the bounded copy; once it is full, append a marker
 * (space for it is reserved) and drop the rest.
 *
 * @v l		log
 * @v line	the line, with its newline
 */
static void log_keep(struct log *l, const char *line)
{
	size_t n = strlen(line);
	size_t room;

	if (l->truncated || l->copy.max == 0)
		return;
	room = l->copy.max - l->copy.len;
	if (n + sizeof(LOG_TRUNCATED_MARK) <= room) {
		buf_append(&l->copy, line, n);
		return;
	}
	l->truncated = 1;
	buf_puts(&l->copy, LOG_TRUNCATED_MARK);
}

/** log_msg() with a va_list. */
void log_vmsg(struct log *l, enum log_level lv, const char *fmt, va_list ap)
{
	char msg[LOG_LINE_MAX];
	char line[LOG_LINE_MAX + 64];
	struct timespec ts;

	if (lv > l->level)
		return;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	log_sanitize(msg);
	clock_gettime(CLOCK_MONOTONIC, &ts);
	snprintf(line, sizeof(line), "[%5lld.%03ld] %s: %s: %s\n",
		 (long long)ts.tv_sec, ts.tv_nsec / 1000000, l->tag,
		 log_level_names[lv], msg);
	if (l->out) {
		fputs(line, l->out);
		fflush(l->out);
	}
	log_keep(l, line);
}

/** Write one message at a level. */
void log_msg(struct log *l, enum log_level lv, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vmsg(l, lv, fmt, ap);
	va_end(ap);
}

/** Release the copy; accepts NULL. */
void log_free(struct log *l)
{
	if (!l)
		return;
	buf_free(&l->copy);
}
