/* SPDX-License-Identifier: MIT */
#ifndef FIXNET_COMMON_TOKEN_H
#define FIXNET_COMMON_TOKEN_H

#include <stdint.h>

/*
 * Boot tokens: 32 random bytes, written as 64 lower-case hex digits on the
 * kernel command line and in the Authorization header.  The server stores
 * only their SHA-256.
 */

#define TOKEN_BYTES 32
#define TOKEN_STR_LEN (2 * TOKEN_BYTES + 1)
#define TOKEN_HASH_LEN 32

/** A fresh random token. */
void token_generate(char out[TOKEN_STR_LEN]);

/** @ret 0 if s is exactly 64 lower-case hex digits, else -EINVAL */
int token_check(const char *s);

/** SHA-256 of the token text, what the server stores. */
void token_hash(const char *token, uint8_t out[TOKEN_HASH_LEN]);

#endif
