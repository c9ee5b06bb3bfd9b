/* SPDX-License-Identifier: MIT */
/*
 * Error messages owned by the caller (see err.h).
 */
#include <stdarg.h>
#include <stdio.h>

#include "common/err.h"

/**
 * Format a message into err and return rc unchanged.
 *
 * @v err	error to fill, or NULL
 * @v rc	negative errno to return
 * @v fmt	printf format of the message
 * @ret rc	rc
 */
int err_set(struct err *err, int rc, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return rc;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return rc;
}

/**
 * Clear the message.
 *
 * @v err	error to clear, or NULL
 */
void err_clear(struct err *err)
{
	if (err)
		err->msg[0] = '\0';
}
