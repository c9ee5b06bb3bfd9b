/* SPDX-License-Identifier: MIT */
#ifndef FIXNET_COMMON_KEYRING_H
#define FIXNET_COMMON_KEYRING_H

#include <stddef.h>
#include <stdint.h>

#include "common/err.h"
#include "common/minisign.h"

/*
 * The publisher keys a verifier trusts, configured in one place: a directory
 * holding one minisign public key per "*.pub" file (a current and a next key
 * may both be there during a rotation) and an optional file named "revoked"
 * listing key ids (16 hex digits, one per line, '#' comments) that are
 * refused everywhere, even if their .pub is still present.
 *
 * fixsrv reads it to accept fixes; the initramfs build copies it into the
 * secondary OS, where fixd reads it.
 */

#define KEYRING_MAX_KEYS 64
#define KEYRING_MAX_REVOKED 1024
#define KEYRING_REVOKED_FILE "revoked"
#define KEYRING_REVOKED_FILE_MAX (64 * 1024)	/* bytes of the revoked file */

struct keyring {
	struct minisign_pubkey keys[KEYRING_MAX_KEYS];
	size_t nkeys;
	uint8_t revoked[KEYRING_MAX_REVOKED][MINISIGN_KEYID_LEN];
	size_t nrevoked;
};

/** Empty keyring. */
void keyring_init(struct keyring *kr);

/**
 * Load every *.pub of dir and its "revoked" file, adding to what kr holds.
 * Files are read with a size cap; a malformed file fails the whole load (a
 * typo must not silently drop a key) and leaves kr unchanged.  Names that
 * start with '.' are skipped, as a shell's *.pub would.
 * @ret 0, -ENOENT (no such dir), -EINVAL, -E2BIG (too many keys), -EFBIG,
 *	-ENOMEM, or the errno of a failed read
 */
int keyring_load_dir(struct keyring *kr, const char *dir, struct err *err);

/** Add one public key file (e.g. `fixd verify --key KEY.pub`). */
int keyring_add_file(struct keyring *kr, const char *path, struct err *err);

/** Add a parsed key.  @ret 0, -E2BIG */
int keyring_add(struct keyring *kr, const struct minisign_pubkey *pk);

/** Mark a key id revoked.  @ret 0, -E2BIG */
int keyring_revoke(struct keyring *kr, const uint8_t keyid[MINISIGN_KEYID_LEN]);

/** True if the key id is revoked. */
int keyring_is_revoked(const struct keyring *kr,
		       const uint8_t keyid[MINISIGN_KEYID_LEN]);

/**
 * Verify sig over the message with BLAKE2b-512 hash against the trusted,
 * non-revoked keys.
 * @ret 0, -EKEYREVOKED (signed by a revoked key), -ENOKEY (no trusted key
 *	with that id), -EBADMSG (bad signature)
 */
int keyring_verify_hash(const struct keyring *kr, const struct minisign_sig *sig,
			const uint8_t hash[MINISIGN_HASH_LEN], struct err *err);

#endif
