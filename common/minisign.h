/* SPDX-License-Identifier: MIT */
#ifndef FIXNET_COMMON_MINISIGN_H
#define FIXNET_COMMON_MINISIGN_H

#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"
#include "common/err.h"

/*
 * minisign's formats (https://jedisct1.github.io/minisign/), read and written
 * with libsodium.  Only the prehashed algorithm "ED" is accepted for
 * signatures: the message is hashed with BLAKE2b-512 and the hash is signed
 * with Ed25519.  Legacy "Ed" signatures (the raw message signed) are refused.
 * The trusted comment is covered by the global signature, over
 * signature || trusted_comment.
 */

#define MINISIGN_KEYID_LEN 8
#define MINISIGN_PK_LEN 32
#define MINISIGN_SK_LEN 64
#define MINISIGN_SIG_LEN 64
#define MINISIGN_HASH_LEN 64			/* BLAKE2b-512 */
#define MINISIGN_COMMENT_MAX 1024		/* trusted / untrusted comment */
#define MINISIGN_FILE_MAX 4096			/* a .pub, .key or .minisig file */
#define MINISIGN_KEYID_STR_LEN (2 * MINISIGN_KEYID_LEN + 1)
/* scrypt limits of an encrypted secret key: minisign's own ("sensitive") */
#define MINISIGN_KDF_OPSLIMIT_MAX 33554432ULL
#define MINISIGN_KDF_MEMLIMIT_MAX 1073741824ULL

struct minisign_pubkey {
	uint8_t keyid[MINISIGN_KEYID_LEN];
	uint8_t pk[MINISIGN_PK_LEN];
};

struct minisign_seckey {
	uint8_t keyid[MINISIGN_KEYID_LEN];
	uint8_t sk[MINISIGN_SK_LEN];		/* libsodium's seed || pk */
};

struct minisign_sig {
	uint8_t keyid[MINISIGN_KEYID_LEN];
	uint8_t sig[MINISIGN_SIG_LEN];
	char trusted_comment[MINISIGN_COMMENT_MAX + 1];	/* without "trusted comment: " */
	uint8_t global_sig[MINISIGN_SIG_LEN];
};

/**
 * Parse a public key: a whole .pub file (an "untrusted comment:" line, then
 * the base64 line) or the bare base64 line as `minisign -P` takes it.
 * @ret 0, -EINVAL (malformed, wrong algorithm), -EFBIG (too long)
 */
int minisign_pubkey_parse(const char *text, size_t len,
			  struct minisign_pubkey *out, struct err *err);

/** Write a .pub file (untrusted comment line + base64 line). */
int minisign_pubkey_format(const struct minisign_pubkey *pk, struct buf *out);

/** The key id as minisign prints it: 16 upper-case hex digits. */
void minisign_keyid_format(const uint8_t keyid[MINISIGN_KEYID_LEN],
			   char out[MINISIGN_KEYID_STR_LEN]);

/**
 * Parse a key id as minisign prints it: the id read as a little-endian
 * number, in hex, either case; 16 digits, or fewer because minisign up to
 * 0.11 drops leading zeros ("D0A939E6FEA9F93").  The form of the keyring's
 * "revoked" file.  @ret 0 or -EINVAL
 */
int minisign_keyid_parse(const char *s, uint8_t keyid[MINISIGN_KEYID_LEN]);

/**
 * Parse a .minisig file: untrusted comment, base64 signature ("ED" only),
 * "trusted comment: " line, base64 global signature.
 * @ret 0, -EINVAL (malformed, legacy "Ed"), -EFBIG
 */
int minisign_sig_parse(const char *text, size_t len, struct minisign_sig *out,
		       struct err *err);

/** BLAKE2b-512 of a message, the prehash that "ED" signs. */
void minisign_prehash(const void *msg, size_t len,
		      uint8_t out[MINISIGN_HASH_LEN]);

/**
 * Verify a signature over a message whose BLAKE2b-512 is hash, against a set
 * of trusted keys: the key is chosen by key id, then the signature and the
 * global signature (which covers the trusted comment) must both verify.
 *
 * @v keys	trusted keys (nkeys may be 0: every signature is then refused)
 * @v used	if not NULL, set to the index of the key that verified
 * @ret 0, -ENOKEY (no trusted key has that id), -EBADMSG (bad signature or
 *	bad global signature)
 */
int minisign_verify_hash(const struct minisign_sig *sig,
			 const struct minisign_pubkey *keys, size_t nkeys,
			 const uint8_t hash[MINISIGN_HASH_LEN], size_t *used,
			 struct err *err);

/** minisign_verify_hash() over a message in memory. */
int minisign_verify(const struct minisign_sig *sig,
		    const struct minisign_pubkey *keys, size_t nkeys,
		    const void *msg, size_t len, size_t *used, struct err *err);

/** A fresh key pair with a random key id.  @ret 0, or -EIO */
int minisign_keypair_generate(struct minisign_seckey *sk,
			      struct minisign_pubkey *pk);

/**
 * Parse a secret key file.  Both an unencrypted key (KDF "\0\0", as
 * `minisign -G -W` writes) and a password-protected one (scrypt, "Sc") are
 * read; password is ignored for the former and required for the latter.
 * @ret 0, -EINVAL (malformed), -EACCES (wrong password / checksum), -EFBIG
 */
int minisign_seckey_parse(const char *text, size_t len, const char *password,
			  struct minisign_seckey *out, struct err *err);

/**
 * Write a secret key file; with password NULL the key is unencrypted,
 * otherwise protected with scrypt as minisign does.
 * @ret 0, -ENOMEM (also when scrypt cannot get its memory), -EFBIG
 */
int minisign_seckey_format(const struct minisign_seckey *sk,
			   const char *password, struct buf *out);

/**
 * minisign_seckey_format() with explicit scrypt limits (at most the _MAX
 * above): minisign_seckey_format() uses minisign's defaults, which take
 * about 1 GiB and seconds; tests use smaller ones.  password must not be
 * NULL.  @ret 0, -EINVAL, -ENOMEM, -EFBIG
 */
int minisign_seckey_format_kdf(const struct minisign_seckey *sk,
			       const char *password, uint64_t opslimit,
			       uint64_t memlimit, struct buf *out);

/** The public half of a secret key. */
void minisign_seckey_pubkey(const struct minisign_seckey *sk,
			    struct minisign_pubkey *pk);

/**
 * Sign the message whose BLAKE2b-512 is hash and write a whole .minisig file.
 * trusted_comment must not contain a newline.
 * @v untrusted_comment	NULL for minisign's default
 * @v trusted_comment	NULL for "timestamp:<now>"
 * @ret 0, -EINVAL (a comment too long or with a line break), -ENOMEM, -EFBIG
 */
int minisign_sign_hash(const struct minisign_seckey *sk,
		       const uint8_t hash[MINISIGN_HASH_LEN],
		       const char *untrusted_comment,
		       const char *trusted_comment, struct buf *out,
		       struct err *err);

#endif
