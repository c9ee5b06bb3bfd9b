/* SPDX-License-Identifier: MIT */
#ifndef FIXNET_COMMON_MINISIGN_TEXT_H
#define FIXNET_COMMON_MINISIGN_TEXT_H

/*
 * Private to the minisign modules: the line structure of minisign's text
 * files (.pub, .key, .minisig) and their base64 lines.
 */

#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"
#include "common/err.h"

#define MSTEXT_MAX_LINES 4
#define MSTEXT_COMMENT_PREFIX "untrusted comment: "
#define MSTEXT_TRUSTED_PREFIX "trusted comment: "

/* A file cut into lines, without their "\n" or "\r\n". */
struct mstext {
	const char *line[MSTEXT_MAX_LINES];
	size_t len[MSTEXT_MAX_LINES];
	size_t n;		/* lines that have content or come before one */
};

/**
 * Cut text into lines: at most MINISIGN_FILE_MAX bytes, no NUL byte, and
 * exactly nlines lines (blank lines at the end are ignored).
 * @ret 0, -EFBIG, -EINVAL
 */
int mstext_split(const char *text, size_t len, size_t nlines,
		 struct mstext *t, const char *what, struct err *err);

/**
 * Check that line i starts with prefix.
 * @ret 0 or -EINVAL
 */
int mstext_prefix(const struct mstext *t, size_t i, const char *prefix,
		  const char *what, struct err *err);

/**
 * Decode line i, base64 (original alphabet, padded), into exactly n bytes.
 * @ret 0 or -EINVAL
 */
int mstext_b64(const struct mstext *t, size_t i, void *out, size_t n,
	       const char *what, struct err *err);

/** Append base64 of n bytes and a newline.  @ret 0, -EFBIG, -ENOMEM */
int mstext_put_b64(struct buf *out, const void *bin, size_t n);

/**
 * Check a comment to write: no line break, at most MINISIGN_COMMENT_MAX.
 * @ret 0 or -EINVAL
 */
int mstext_comment_check(const char *comment, const char *what,
			 struct err *err);

#endif
