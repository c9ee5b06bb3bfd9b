/* SPDX-License-Identifier: MIT */
#ifndef FIXD_BUNDLE_H
#define FIXD_BUNDLE_H

#include <stddef.h>
#include <stdint.h>

#include "common/err.h"
#include "common/hex.h"
#include "common/keyring.h"
#include "common/manifest.h"
#include "common/minisign.h"

/*
 * A fix bundle held in memory: its hash and signature checked, then its
 * archive read with libarchive (tar, compressed with zstd, xz or gzip, or
 * not at all).  The first member is MANIFEST.json; every other member is a
 * regular file that an op of the manifest names, with the size and SHA-256
 * the manifest gives; nothing else is accepted.  fixd applies what this
 * module accepts, and `fixctl bundle create` reads back what it wrote
 * through the same code.
 */

#define BUNDLE_UNPACKED_MAX (2ULL * 1024 * 1024 * 1024)	/* all members */
#define BUNDLE_STATE_DIR ".fixnet"	/* reserved on the target */

struct bundle_blob {
	uint8_t *data;		/* NULL for a delete op */
	size_t size;
};

struct bundle {
	struct manifest *manifest;
	struct bundle_blob *blobs;	/* one per op, same index */
};

/**
 * Compare the SHA-256 of the bundle file with the one expected.
 *
 * @v data	the bundle file
 * @v len	its length
 * @v want	the hash the plan gives
 * @ret 0 or -EBADMSG
 */
int bundle_check_sha(const void *data, size_t len,
		     const uint8_t want[SHA256_LEN], struct err *err);

/**
 * Check the detached minisign signature of a bundle file against a keyring.
 *
 * @v kr	trusted keys and revoked ids
 * @v sigtext	the .minisig file
 * @v siglen	its length
 * @v data	the bundle file
 * @v len	its length
 * @v sig	set to the parsed signature (for its key id and trusted comment)
 * @ret 0, -EINVAL (malformed signature), -ENOKEY (untrusted key),
 *	-EKEYREVOKED, -EBADMSG (bad signature or trusted comment)
 */
int bundle_verify_sig(const struct keyring *kr, const char *sigtext,
		      size_t siglen, const void *data, size_t len,
		      struct minisign_sig *sig, struct err *err);

/**
 * Read a bundle file from memory and check its structure.
 *
 * @v data	the bundle file (verified first: this is still a parser of
 *		untrusted input and is bounded as one)
 * @v len	its length
 * @v out	the bundle, to free with bundle_free()
 * @ret 0, -EINVAL (bad archive or manifest), -EBADMSG (a member's hash),
 *	-EFBIG (a limit), -ENOMEM
 */
int bundle_parse(const void *data, size_t len, struct bundle **out,
		 struct err *err);

/**
 * Rules on the paths of a manifest that its parser does not know: nothing
 * under the state directory BUNDLE_STATE_DIR, no two puts to the same path,
 * no put below another put (a file cannot also be a directory).
 *
 * @v m	a parsed manifest
 * @ret 0, -EINVAL, -ENOMEM
 */
int bundle_paths_check(const struct manifest *m, struct err *err);

/** Free a bundle; accepts NULL. */
void bundle_free(struct bundle *b);

#endif
