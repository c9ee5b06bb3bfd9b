/* SPDX-License-Identifier: MIT */
#ifndef FIXNET_SERVER_LOG_H
#define FIXNET_SERVER_LOG_H

/*
 * The log of one process: lines on stderr with a level and a role tag,
 * "fixsrv[http] warn: ...".  Set once at startup by main (log_init), then
 * read-only: safe from every thread.
 */

enum log_level {
	LOG_LVL_ERROR,
	LOG_LVL_WARN,
	LOG_LVL_INFO,
	LOG_LVL_DEBUG,
};

/** Set the program name and the most verbose level printed. */
void log_init(const char *prog, enum log_level level);

/** @ret 0 and *out for "error", "warn", "info", "debug"; else -EINVAL */
int log_level_parse(const char *s, enum log_level *out);

/** Print one line at a level, tagged with role (e.g. "http", "wol"). */
void log_msg(enum log_level level, const char *role, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#define log_err(role, ...) log_msg(LOG_LVL_ERROR, role, __VA_ARGS__)
#define log_warn(role, ...) log_msg(LOG_LVL_WARN, role, __VA_ARGS__)
#define log_info(role, ...) log_msg(LOG_LVL_INFO, role, __VA_ARGS__)
#define log_debug(role, ...) log_msg(LOG_LVL_DEBUG, role, __VA_ARGS__)

#endif
