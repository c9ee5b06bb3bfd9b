/* SPDX-License-Identifier: MIT */
/*
 * Boot tokens (see token.h).
 */
#include <errno.h>
#include <string.h>

#include <sodium.h>

#include "common/crypto.h"
#include "common/hex.h"
#include "common/token.h"

/**
 * A fresh random token: 32 bytes from libsodium's random source, as 64
 * lower-case hex digits.  libsodium aborts the process if the kernel has no
 * random source at all, so there is no error to return.
 *
 * @v out	TOKEN_STR_LEN bytes
 */
void token_generate(char out[TOKEN_STR_LEN])
{
	uint8_t raw[TOKEN_BYTES];

	(void)common_crypto_init();
	randombytes_buf(raw, sizeof(raw));
	hex_encode(raw, sizeof(raw), out);
	sodium_memzero(raw, sizeof(raw));
}

/**
 * Check the text form of a token.
 *
 * @v s		text
 * @ret 0 if s is exactly 64 lower-case hex digits, else -EINVAL
 */
int token_check(const char *s)
{
	size_t i;

	for (i = 0; i < 2 * TOKEN_BYTES; i++) {
		char c = s[i];

		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
			return -EINVAL;
	}
	return s[2 * TOKEN_BYTES] == '\0' ? 0 : -EINVAL;
}

/**
 * SHA-256 of the token text, what the server stores.
 *
 * @v token	token text
 * @v out	TOKEN_HASH_LEN bytes
 */
void token_hash(const char *token, uint8_t out[TOKEN_HASH_LEN])
{
	(void)common_crypto_init();
	crypto_hash_sha256(out, (const unsigned char *)token, strlen(token));
}
