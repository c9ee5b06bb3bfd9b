/* SPDX-License-Identifier: MIT */
/*
 * libsodium initialisation (see crypto.h).
 */
#include <errno.h>

#include <sodium.h>

#include "common/crypto.h"

/**
 * Initialise libsodium.  sodium_init() is idempotent and thread-safe: it
 * answers 1 once the library is already initialised.
 *
 * @ret 0, or -EIO
 */
int common_crypto_init(void)
{
	return sodium_init() < 0 ? -EIO : 0;
}
