/* SPDX-License-Identifier: MIT */
/*
 * Hexadecimal encoding (see hex.h).
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>

#include "common/hex.h"

/**
 * Value of one hex digit.
 *
 * @v c		character
 * @ret 0..15, or -1 if c is not a hex digit
 */
int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/**
 * Lower-case hex of n bytes.
 *
 * @v in	bytes
 * @v n		how many
 * @v out	2n + 1 bytes, NUL-terminated on return
 */
void hex_encode(const uint8_t *in, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 0xf];
	}
	out[2 * n] = '\0';
}

/**
 * Decode exactly 2n hex digits (either case) into n bytes.
 *
 * @v s		NUL-terminated text
 * @v out	n bytes, written only on success
 * @v n		how many bytes
 * @ret 0, or -EINVAL if s is not exactly 2n hex digits
 */
int hex_decode(const char *s, uint8_t *out, size_t n)
{
	size_t i;

	for (i = 0; i < 2 * n; i++)
		if (hex_digit(s[i]) < 0)
			return -EINVAL;
	if (s[2 * n] != '\0')
		return -EINVAL;
	for (i = 0; i < n; i++)
		out[i] = (uint8_t)(hex_digit(s[2 * i]) << 4 |
				   hex_digit(s[2 * i + 1]));
	return 0;
}
