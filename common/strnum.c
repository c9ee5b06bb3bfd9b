/* SPDX-License-Identifier: MIT */
/*
 * Checked parsing of whole decimal and octal numbers (see strnum.h).
 */
#include <errno.h>
#include <stdint.h>

#include "common/strnum.h"

#define STRNUM_MODE_MAX 07777

/**
 * Parse a whole string as an unsigned decimal number in [min, max].
 *
 * @v s		text: digits only, not empty
 * @v min	smallest accepted value
 * @v max	largest accepted value
 * @v out	the value, set only on success
 * @ret 0, -EINVAL (not a number), -ERANGE (outside [min, max])
 */
int strnum_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;
	int overflow = 0;
	const char *p;

	if (!s || !*s)
		return -EINVAL;
	for (p = s; *p; p++) {
		unsigned d;

		if (*p < '0' || *p > '9')
			return -EINVAL;
		d = (unsigned)(*p - '0');
		if (v > (UINT64_MAX - d) / 10)
			overflow = 1;
		else
			v = v * 10 + d;
	}
	if (overflow || v < min || v > max)
		return -ERANGE;
	*out = v;
	return 0;
}

/**
 * Parse an octal file mode such as "0644" or "755".
 *
 * @v s		text: octal digits only, not empty
 * @v out	the mode, set only on success
 * @ret 0, -EINVAL (not octal), -ERANGE (above 07777)
 */
int strnum_mode(const char *s, uint32_t *out)
{
	uint32_t v = 0;
	int overflow = 0;
	const char *p;

	if (!s || !*s)
		return -EINVAL;
	for (p = s; *p; p++) {
		if (*p < '0' || *p > '7')
			return -EINVAL;
		if (v > STRNUM_MODE_MAX)
			overflow = 1;
		else
			v = v * 8 + (uint32_t)(*p - '0');
	}
	if (overflow || v > STRNUM_MODE_MAX)
		return -ERANGE;
	*out = v;
	return 0;
}
