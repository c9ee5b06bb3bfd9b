/* SPDX-License-Identifier: MIT */
#ifndef FIXD_SHA_H
#define FIXD_SHA_H

#include <stddef.h>
#include <stdint.h>

#include "common/hex.h"

/** SHA-256 of a buffer. */
void sha_buf(const void *data, size_t len, uint8_t out[SHA256_LEN]);

/**
 * SHA-256 of what is left to read from a file descriptor.
 *
 * @v fd	open for reading
 * @v out	the hash
 * @ret 0 or -errno of read
 */
int sha_fd(int fd, uint8_t out[SHA256_LEN]);

#endif
