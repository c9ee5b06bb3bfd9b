/* SPDX-License-Identifier: MIT */
/*
 * UUIDs in the 8-4-4-4-12 form (see uuid.h).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "common/hex.h"
#include "common/uuid.h"

#define UUID_TEXT_LEN (UUID_STR_LEN - 1)

/* Offsets of the dashes in the text form. */
static const int uuid_dashes[] = { 8, 13, 18, 23 };

/**
 * Parse the 8-4-4-4-12 hex form, either case.
 *
 * @v s		text, nothing before or after
 * @v out	the UUID, set only on success
 * @ret 0, or -EINVAL
 */
int uuid_parse(const char *s, struct uuid *out)
{
	char digits[2 * UUID_LEN + 1];
	size_t i, d = 0, k = 0;

	if (strnlen(s, UUID_TEXT_LEN + 1) != UUID_TEXT_LEN)
		return -EINVAL;
	for (i = 0; i < UUID_TEXT_LEN; i++) {
		if (k < sizeof(uuid_dashes) / sizeof(uuid_dashes[0]) &&
		    (int)i == uuid_dashes[k]) {
			if (s[i] != '-')
				return -EINVAL;
			k++;
			continue;
		}
		digits[d++] = s[i];
	}
	digits[d] = '\0';
	return hex_decode(digits, out->b, UUID_LEN);
}

/**
 * Canonical text: lower case 8-4-4-4-12.
 *
 * @v u		UUID
 * @v out	UUID_STR_LEN bytes
 */
void uuid_format(const struct uuid *u, char out[UUID_STR_LEN])
{
	char hex[2 * UUID_LEN + 1];

	hex_encode(u->b, UUID_LEN, hex);
	snprintf(out, UUID_STR_LEN, "%.8s-%.4s-%.4s-%.4s-%.12s",
		 hex, hex + 8, hex + 12, hex + 16, hex + 20);
}
