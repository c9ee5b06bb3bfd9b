/* SPDX-License-Identifier: MIT */
#ifndef FIXNET_COMMON_UUID_H
#define FIXNET_COMMON_UUID_H

#include <stdint.h>

#define UUID_LEN 16
#define UUID_STR_LEN 37		/* 8-4-4-4-12 and the NUL */

struct uuid {
	uint8_t b[UUID_LEN];
};

/**
 * Parse the 8-4-4-4-12 hex form (either case), as iPXE's ${uuid} and SMBIOS
 * print it.  @ret 0, or -EINVAL
 */
int uuid_parse(const char *s, struct uuid *out);

/** Canonical form: lower case 8-4-4-4-12. */
void uuid_format(const struct uuid *u, char out[UUID_STR_LEN]);

#endif
