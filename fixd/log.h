/* SPDX-License-Identifier: MIT */
#ifndef FIXD_LOG_H
#define FIXD_LOG_H

#include <stdarg.h>
#include <stdio.h>

#include "common/buf.h"

/*
 * fixd's log: one line per message on stderr (the serial console of the
 * secondary OS) and a bounded copy kept in memory for POST /api/v1/log.
 * Control characters in messages (which often quote untrusted text: server
 * errors, hook output) are replaced by '?'.
 */

#define LOG_LINE_MAX 1024

enum log_level {
	LV_ERR,
	LV_WARN,
	LV_INFO,
	LV_DEBUG,
};

struct log {
	enum log_level level;	/* messages above it are dropped */
	const char *tag;	/* program name at the start of each line */
	FILE *out;		/* stderr, or NULL for the copy only */
	struct buf copy;	/* what the server receives */
	int truncated;		/* the copy is full: a marker was appended */
};

/**
 * Start a log.
 *
 * @v l		log to set up
 * @v tag	program name, e.g. "fixd"
 * @v level	most verbose level written
 * @v copy_max	bytes kept for the upload (0: keep nothing)
 */
void log_init(struct log *l, const char *tag, enum log_level level,
	      size_t copy_max);

/** Write one message at a level.  A trailing newline is not needed. */
void log_msg(struct log *l, enum log_level lv, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/** log_msg() with a va_list. */
void log_vmsg(struct log *l, enum log_level lv, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));

/** Release the copy; accepts NULL. */
void log_free(struct log *l);

#define log_err(l, ...) log_msg((l), LV_ERR, __VA_ARGS__)
#define log_warn(l, ...) log_msg((l), LV_WARN, __VA_ARGS__)
#define log_info(l, ...) log_msg((l), LV_INFO, __VA_ARGS__)
#define log_debug(l, ...) log_msg((l), LV_DEBUG, __VA_ARGS__)

#endif
