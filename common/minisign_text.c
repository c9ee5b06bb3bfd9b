/* SPDX-License-Identifier: MIT */
/*
 * The line structure of minisign's text files (see minisign_text.h).
 */
#include <errno.h>
#include <string.h>

#include <sodium.h>

#include "common/minisign.h"
#include "common/minisign_text.h"

/**
 * Cut text into lines.
 *
 * @v text	file content (not NUL-terminated)
 * @v len	its length
 * @v nlines	lines the file must have
 * @v t		the lines, pointing into text
 * @v what	name of the file kind, for messages
 * @v err	error message
 * @ret 0, -EFBIG (over MINISIGN_FILE_MAX), -EINVAL
 */
int mstext_split(const char *text, size_t len, size_t nlines,
		 struct mstext *t, const char *what, struct err *err)
{
	size_t pos = 0;

	memset(t, 0, sizeof(*t));
	if (len > MINISIGN_FILE_MAX)
		return err_set(err, -EFBIG, "%s: longer than %d bytes", what,
			       MINISIGN_FILE_MAX);
	if (memchr(text, '\0', len))
		return err_set(err, -EINVAL, "%s: NUL byte in text", what);
	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t end = nl ? (size_t)(nl - text) : len;
		size_t l = end - pos;

		if (l > 0 && text[end - 1] == '\r')
			l--;
		if (l > 0) {
			if (t->n >= nlines)
				return err_set(err, -EINVAL,
					       "%s: unexpected text after line %zu",
					       what, nlines);
		}
		if (t->n < nlines) {
			t->line[t->n] = text + pos;
			t->len[t->n] = l;
			t->n++;
		}
		pos = end + 1;
	}
	while (t->n > 0 && t->len[t->n - 1] == 0)
		t->n--;
	if (t->n != nlines)
		return err_set(err, -EINVAL, "%s: %zu lines expected, %zu found",
			       what, nlines, t->n);
	return 0;
}

/**
 * Check that line i starts with prefix.
 *
 * @v t		lines
 * @v i		line index
 * @v prefix	expected start
 * @v what	name of the file kind
 * @v err	error message
 * @ret 0 or -EINVAL
 */
int mstext_prefix(const struct mstext *t, size_t i, const char *prefix,
		  const char *what, struct err *err)
{
	size_t n = strlen(prefix);

	if (t->len[i] < n || memcmp(t->line[i], prefix, n) != 0)
		return err_set(err, -EINVAL, "%s: line %zu should start with \"%s\"",
			       what, i + 1, prefix);
	return 0;
}

/**
 * Decode a base64 line into exactly n bytes.
 *
 * @v t		lines
 * @v i		line index
 * @v out	n bytes
 * @v n		expected decoded length
 * @v what	name of the file kind
 * @v err	error message
 * @ret 0 or -EINVAL
 */
int mstext_b64(const struct mstext *t, size_t i, void *out, size_t n,
	       const char *what, struct err *err)
{
	size_t got = 0;

	if (sodium_base642bin(out, n, t->line[i], t->len[i], NULL, &got, NULL,
			      sodium_base64_VARIANT_ORIGINAL) != 0 || got != n)
		return err_set(err, -EINVAL,
			       "%s: line %zu is not base64 of %zu bytes",
			       what, i + 1, n);
	return 0;
}

/**
 * Append base64 of n bytes and a newline.
 *
 * @v out	buffer
 * @v bin	bytes
 * @v n		how many (at most a secret key's 158)
 * @ret 0, -EFBIG, -ENOMEM
 */
int mstext_put_b64(struct buf *out, const void *bin, size_t n)
{
	char b64[256];
	int rc;

	if (sodium_base64_encoded_len(n, sodium_base64_VARIANT_ORIGINAL) >
	    sizeof(b64))
		return -EFBIG;
	sodium_bin2base64(b64, sizeof(b64), bin, n,
			  sodium_base64_VARIANT_ORIGINAL);
	rc = buf_puts(out, b64);
	sodium_memzero(b64, sizeof(b64));
	return rc < 0 ? rc : buf_puts(out, "\n");
}

/**
 * Check a comment to write.
 *
 * @v comment	text
 * @v what	"trusted comment" or "untrusted comment"
 * @v err	error message
 * @ret 0 or -EINVAL
 */
int mstext_comment_check(const char *comment, const char *what,
			 struct err *err)
{
	if (strpbrk(comment, "\r\n"))
		return err_set(err, -EINVAL, "%s: no line break allowed", what);
	if (strlen(comment) > MINISIGN_COMMENT_MAX)
		return err_set(err, -EINVAL, "%s: longer than %d bytes", what,
			       MINISIGN_COMMENT_MAX);
	return 0;
}
