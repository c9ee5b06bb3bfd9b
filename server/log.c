/* SPDX-License-Identifier: MIT */
/*
 * One log per process, as OpenBSD's log.c: the level and the program name
 * are the only process-wide state, written once by main before any thread
 * starts.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "server/log.h"

static const char *log_prog = "fixsrv";
static enum log_level log_max = LOG_LVL_INFO;

static const char *const log_names[] = {
	[LOG_LVL_ERROR] = "error",
	[LOG_LVL_WARN] = "warn",
	[LOG_LVL_INFO] = "info",
	[LOG_LVL_DEBUG] = "debug",
};

/**
 * Set the program name and the level.
 *
 * @v prog	program name printed first on each line
 * @v level	most verbose level printed
 */
void log_init(const char *prog, enum log_level level)
{
	log_prog = prog;
	log_max = level;
}

/**
 * Parse a level name.
 *
 * @v s		"error", "warn", "info" or "debug"
 * @v out	the level
 * @ret rc	0, or -EINVAL
 */
int log_level_parse(const char *s, enum log_level *out)
{
	for (size_t i = 0; i < sizeof(log_names) / sizeof(log_names[0]); i++) {
		if (strcmp(s, log_names[i]) == 0) {
			*out = (enum log_level)i;
			return 0;
		}
	}
	return -EINVAL;
}

/**
 * Print one line (a single write, so that threads do not interleave).
 *
 * @v level	level of the message
 * @v role	role tag
 * @v fmt	printf format
 */
void log_msg(enum log_level level, const char *role, const char *fmt, ...)
{
	char line[2048];
	va_list ap;
	int n;

	if (level > log_max)
		return;
	n = snprintf(line, sizeof(line), "%s[%s] %s: ", log_prog, role,
		     log_names[level]);
	if (n < 0 || (size_t)n >= sizeof(line))
		return;
	va_start(ap, fmt);
	vsnprintf(line + n, sizeof(line) - (size_t)n, fmt, ap);
	va_end(ap);
	fprintf(stderr, "%s\n", line);
}
