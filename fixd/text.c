/* SPDX-License-Identifier: MIT */
#include <stddef.h>

#include "fixd/text.h"

/**
 * Length of the UTF-8 sequence at p, or 0 if it is not a valid one.
 */
static size_t text_seq(const unsigned char *p)
{
	unsigned char lo = 0x80, hi = 0xbf;
	size_t n;

	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		n = 2;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		n = 3;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		n = 4;
	else
		return 0;
	if (p[0] == 0xe0)
		lo = 0xa0;
	else if (p[0] == 0xed)
		hi = 0x9f;
	else if (p[0] == 0xf0)
		lo = 0x90;
	else if (p[0] == 0xf4)
		hi = 0x8f;
	if (p[1] < lo || p[1] > hi)
		return 0;
	for (size_t i = 2; i < n; i++) {
		if (p[i] < 0x80 || p[i] > 0xbf)
			return 0;
	}
	return n;
}

/** True if s is valid UTF-8. */
bool text_utf8(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n;

	while (*p) {
		n = text_seq(p);
		if (n == 0)
			return false;
		p += n;
	}
	return true;
}

/**
 * Make a string printable in place.
 * @ret true if it was changed
 */
bool text_clean(char *s)
{
	bool utf8 = text_utf8(s), changed = false;

	for (unsigned char *p = (unsigned char *)s; *p; p++) {
		if (*p < 0x20 || *p == 0x7f || (!utf8 && *p > 0x7f)) {
			*p = '?';
			changed = true;
		}
	}
	return changed;
}
