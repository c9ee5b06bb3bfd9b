/* SPDX-License-Identifier: MIT */
#ifndef FIXNET_COMMON_STRNUM_H
#define FIXNET_COMMON_STRNUM_H

#include <stdint.h>

/**
 * Parse a whole string as an unsigned decimal number in [min, max].
 * No sign, no leading or trailing space, no base prefix, not empty.
 *
 * @ret 0, -EINVAL (not a number), -ERANGE (outside [min, max])
 */
int strnum_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out);

/** Same for an octal file mode such as "0644" or "755" (at most 07777). */
int strnum_mode(const char *s, uint32_t *out);

#endif
