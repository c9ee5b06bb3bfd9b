/* SPDX-License-Identifier: MIT */
#include <assert.h>
#include <errno.h>
#include <unistd.h>

#include <nettle/sha2.h>

#include "fixd/sha.h"

/* nettle rather than libsodium: its "fat" build runs the CPU's SHA
 * instructions where there are some, about five times faster, and fixd
 * hashes every byte of a fix twice (deps/recipes/nettle.sh). */
static_assert(SHA256_LEN == SHA256_DIGEST_SIZE, "sha256 size");

#define SHA_CHUNK (64 * 1024)

/** SHA-256 of a buffer. */
void sha_buf(const void *data, size_t len, uint8_t out[SHA256_LEN])
{
	struct sha256_ctx ctx;

	sha256_init(&ctx);
	sha256_update(&ctx, len, data);
	sha256_digest(&ctx, SHA256_LEN, out);
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
	struct sha256_ctx ctx;
	uint8_t chunk[SHA_CHUNK];
	ssize_t n;

	sha256_init(&ctx);
	for (;;) {
		n = read(fd, chunk, sizeof(chunk));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			break;
		sha256_update(&ctx, (size_t)n, chunk);
	}
	sha256_digest(&ctx, SHA256_LEN, out);
	return 0;
}
