/* SPDX-License-Identifier: MIT */
#ifndef FIXNET_COMMON_CRYPTO_H
#define FIXNET_COMMON_CRYPTO_H

/*
 * libsodium initialisation.  Every function of common/ that uses libsodium
 * calls common_crypto_init() itself, so callers need not; a program may call
 * it early (e.g. before a chroot) to have the random source opened there.
 */

/**
 * Initialise libsodium; safe to call many times and from several threads.
 * @ret 0, or -EIO if libsodium cannot start (no random source)
 */
int common_crypto_init(void);

#endif
