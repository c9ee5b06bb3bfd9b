/* SPDX-License-Identifier: MIT */
#include <assert.h>
#include <errno.h>
#include <unistd.h>

#include <sodium.h>

#include "fixd/sha.h"

#define SHA_CHUNK (64 * 1024)

/** SHA-256 of a buffer. */
void sha_buf(const void *data, size_t len, uint8_t out[SHA256_LEN])
{
	crypto_hash_sha256(out, data, len);
}

/**
 * SHA-256 of what is left to read from fd.
 *
 * @v fd	open for reading
 * @v out	the hash
 * @ret 0 or -errno
 */
int sha_fd(int fd, uint8_t out[SHA256_LEN])
{
	static_assert(SHA256_LEN == crypto_hash_sha256_BYTES, "sha256 size");
	crypto_hash_sha256_state st;
	unsigned char chunk[SHA_CHUNK];
	ssize_t n;

	crypto_hash_sha256_init(&st);
	for (;;) {
		n = read(fd, chunk, sizeof(chunk));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			break;
		crypto_hash_sha256_update(&st, chunk, (unsigned long long)n);
	}
	crypto_hash_sha256_final(&st, out);
	return 0;
}
