/* SPDX-License-Identifier: MIT */
#ifndef FIXNET_COMMON_ERR_H
#define FIXNET_COMMON_ERR_H

/*
 * An error message owned by the caller.  Functions of common/ that can fail
 * for a reason a user must read (a parser, a verifier) take a struct err *,
 * fill it, and return a negative errno.  err may be NULL: the code is then
 * all the caller gets.
 */

#define ERR_MSG_MAX 256

struct err {
	char msg[ERR_MSG_MAX];
};

/**
 * Format a message into err (if not NULL) and return rc unchanged.
 *
 * @v err	error to fill, or NULL
 * @v rc	negative errno to return
 * @v fmt	printf format of the message
 * @ret rc	rc, so that `return err_set(err, -EINVAL, "...")` reads well
 */
int err_set(struct err *err, int rc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/** Clear the message. */
void err_clear(struct err *err);

#endif
