/* SPDX-License-Identifier: MIT */
#ifndef FIXNET_COMMON_HEX_H
#define FIXNET_COMMON_HEX_H

#include <stddef.h>
#include <stdint.h>

#define SHA256_LEN 32
#define SHA256_HEX_LEN (2 * SHA256_LEN + 1)

/** The value of one hex digit (either case): 0..15, or -1. */
int hex_digit(char c);

/** Lower-case hex of n bytes into out (2n + 1 bytes, NUL-terminated). */
void hex_encode(const uint8_t *in, size_t n, char *out);

/**
 * Decode exactly 2n hex digits (either case) into n bytes.
 * @ret 0, or -EINVAL if s is not exactly 2n hex digits
 */
int hex_decode(const char *s, uint8_t *out, size_t n);

#endif
