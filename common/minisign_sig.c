/* SPDX-License-Identifier: MIT */
/*
 * minisign signatures: parse, verify, sign (see minisign.h).
 *
 * A .minisig file has four lines: "untrusted comment: ...", the base64 of
 * "ED" || key id (8) || Ed25519 signature of BLAKE2b-512(message) (64),
 * "trusted comment: ...", and the base64 of the global signature, Ed25519
 * over signature || trusted comment.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "common/crypto.h"
#include "common/minisign.h"
#include "common/minisign_text.h"

#define MS_ALG_PREHASHED "ED"
#define MS_ALG_LEGACY "Ed"
#define MS_SIG_BIN_LEN (2 + MINISIGN_KEYID_LEN + MINISIGN_SIG_LEN)
#define MS_SIG_DEFAULT_COMMENT "signature from minisign secret key"

/**
 * Read the signature line: algorithm, key id, signature.
 *
 * @v t		lines of the file
 * @v out	signature being parsed
 * @v err	error message
 * @ret 0 or -EINVAL
 */
static int ms_sig_read_main(const struct mstext *t, struct minisign_sig *out,
			    struct err *err)
{
	uint8_t bin[MS_SIG_BIN_LEN];
	int rc;

	rc = mstext_b64(t, 1, bin, sizeof(bin), "signature", err);
	if (rc < 0)
		return rc;
	if (memcmp(bin, MS_ALG_LEGACY, 2) == 0)
		return err_set(err, -EINVAL,
			       "signature: legacy \"Ed\" signature (not "
			       "prehashed) refused; re-sign with minisign -S "
			       "without -l (minisign before 0.11: with -H)");
	if (memcmp(bin, MS_ALG_PREHASHED, 2) != 0)
		return err_set(err, -EINVAL,
			       "signature: unsupported signature algorithm");
	memcpy(out->keyid, bin + 2, MINISIGN_KEYID_LEN);
	memcpy(out->sig, bin + 2 + MINISIGN_KEYID_LEN, MINISIGN_SIG_LEN);
	return 0;
}

/**
 * Parse a .minisig file.
 *
 * @v text	file content
 * @v len	its length
 * @v out	the signature, set only on success
 * @v err	error message
 * @ret 0, -EINVAL (malformed, legacy "Ed"), -EFBIG
 */
int minisign_sig_parse(const char *text, size_t len, struct minisign_sig *out,
		       struct err *err)
{
	static const char what[] = "signature";
	size_t tplen = strlen(MSTEXT_TRUSTED_PREFIX), tclen;
	struct minisign_sig sig;
	struct mstext t;
	int rc;

	rc = mstext_split(text, len, 4, &t, what, err);
	if (rc < 0)
		return rc;
	rc = mstext_prefix(&t, 0, MSTEXT_COMMENT_PREFIX, what, err);
	if (rc < 0)
		return rc;
	rc = ms_sig_read_main(&t, &sig, err);
	if (rc < 0)
		return rc;
	rc = mstext_prefix(&t, 2, MSTEXT_TRUSTED_PREFIX, what, err);
	if (rc < 0)
		return rc;
	tclen = t.len[2] - tplen;
	if (tclen > MINISIGN_COMMENT_MAX)
		return err_set(err, -EFBIG, "%s: trusted comment longer than %d bytes",
			       what, MINISIGN_COMMENT_MAX);
	memcpy(sig.trusted_comment, t.line[2] + tplen, tclen);
	sig.trusted_comment[tclen] = '\0';
	rc = mstext_b64(&t, 3, sig.global_sig, MINISIGN_SIG_LEN, what, err);
	if (rc < 0)
		return rc;
	*out = sig;
	return 0;
}

/**
 * BLAKE2b-512 of a message, the prehash that "ED" signs.
 *
 * @v msg	message
 * @v len	its length
 * @v out	MINISIGN_HASH_LEN bytes
 */
void minisign_prehash(const void *msg, size_t len,
		      uint8_t out[MINISIGN_HASH_LEN])
{
	(void)common_crypto_init();
	crypto_generichash(out, MINISIGN_HASH_LEN, msg, len, NULL, 0);
}

/**
 * Verify the global signature: over signature || trusted comment.
 *
 * @v sig	parsed signature
 * @v pk	public key
 * @ret 0 if it verifies, else -EBADMSG
 */
static int ms_verify_global(const struct minisign_sig *sig,
			    const uint8_t pk[MINISIGN_PK_LEN])
{
	uint8_t m[MINISIGN_SIG_LEN + MINISIGN_COMMENT_MAX];
	size_t tclen = strnlen(sig->trusted_comment, MINISIGN_COMMENT_MAX);

	memcpy(m, sig->sig, MINISIGN_SIG_LEN);
	memcpy(m + MINISIGN_SIG_LEN, sig->trusted_comment, tclen);
	if (crypto_sign_verify_detached(sig->global_sig, m,
					MINISIGN_SIG_LEN + tclen, pk) != 0)
		return -EBADMSG;
	return 0;
}

/**
 * Verify a signature over a message given by its BLAKE2b-512.
 *
 * @v sig	parsed signature
 * @v keys	trusted keys
 * @v nkeys	how many
 * @v hash	BLAKE2b-512 of the message
 * @v used	if not NULL, index of the key that verified
 * @v err	error message
 * @ret 0, -ENOKEY (no key has the signature's id), -EBADMSG, -EIO
 */
int minisign_verify_hash(const struct minisign_sig *sig,
			 const struct minisign_pubkey *keys, size_t nkeys,
			 const uint8_t hash[MINISIGN_HASH_LEN], size_t *used,
			 struct err *err)
{
	char id[MINISIGN_KEYID_STR_LEN];
	int found = 0, global_bad = 0;
	size_t i;

	if (common_crypto_init() < 0)
		return err_set(err, -EIO, "libsodium cannot start");
	minisign_keyid_format(sig->keyid, id);
	for (i = 0; i < nkeys; i++) {
		if (memcmp(keys[i].keyid, sig->keyid, MINISIGN_KEYID_LEN))
			continue;
		found = 1;
		if (crypto_sign_verify_detached(sig->sig, hash,
						MINISIGN_HASH_LEN,
						keys[i].pk) != 0)
			continue;
		if (ms_verify_global(sig, keys[i].pk) < 0) {
			global_bad = 1;
			continue;
		}
		if (used)
			*used = i;
		return 0;
	}
	if (!found)
		return err_set(err, -ENOKEY,
			       "signature by key %s, which is not a trusted key",
			       id);
	if (global_bad)
		return err_set(err, -EBADMSG,
			       "trusted comment signature invalid (key %s)", id);
	return err_set(err, -EBADMSG,
		       "signature does not match the data (key %s)", id);
}

/**
 * Verify a signature over a message in memory.
 *
 * @v sig	parsed signature
 * @v keys	trusted keys
 * @v nkeys	how many
 * @v msg	message
 * @v len	its length
 * @v used	if not NULL, index of the key that verified
 * @v err	error message
 * @ret 0, -ENOKEY, -EBADMSG, -EIO
 */
int minisign_verify(const struct minisign_sig *sig,
		    const struct minisign_pubkey *keys, size_t nkeys,
		    const void *msg, size_t len, size_t *used, struct err *err)
{
	uint8_t hash[MINISIGN_HASH_LEN];

	minisign_prehash(msg, len, hash);
	return minisign_verify_hash(sig, keys, nkeys, hash, used, err);
}

/**
 * Compute the signature and the global signature.
 *
 * @v sk	secret key
 * @v hash	BLAKE2b-512 of the message
 * @v tc	trusted comment, checked
 * @v sig	filled
 */
static void ms_sign_compute(const struct minisign_seckey *sk,
			    const uint8_t hash[MINISIGN_HASH_LEN],
			    const char *tc, struct minisign_sig *sig)
{
	uint8_t m[MINISIGN_SIG_LEN + MINISIGN_COMMENT_MAX];
	size_t tclen = strlen(tc);

	memcpy(sig->keyid, sk->keyid, MINISIGN_KEYID_LEN);
	crypto_sign_detached(sig->sig, NULL, hash, MINISIGN_HASH_LEN, sk->sk);
	memcpy(sig->trusted_comment, tc, tclen + 1);
	memcpy(m, sig->sig, MINISIGN_SIG_LEN);
	memcpy(m + MINISIGN_SIG_LEN, tc, tclen);
	crypto_sign_detached(sig->global_sig, NULL, m,
			     MINISIGN_SIG_LEN + tclen, sk->sk);
}

/**
 * Write the four lines of a .minisig file.
 *
 * @v sig	signature
 * @v uc	untrusted comment
 * @v out	buffer to append to
 * @ret 0, -EFBIG, -ENOMEM
 */
static int ms_sig_write(const struct minisign_sig *sig, const char *uc,
			struct buf *out)
{
	uint8_t bin[MS_SIG_BIN_LEN];
	int rc;

	memcpy(bin, MS_ALG_PREHASHED, 2);
	memcpy(bin + 2, sig->keyid, MINISIGN_KEYID_LEN);
	memcpy(bin + 2 + MINISIGN_KEYID_LEN, sig->sig, MINISIGN_SIG_LEN);
	rc = buf_printf(out, "%s%s\n", MSTEXT_COMMENT_PREFIX, uc);
	if (rc == 0)
		rc = mstext_put_b64(out, bin, sizeof(bin));
	if (rc == 0)
		rc = buf_printf(out, "%s%s\n", MSTEXT_TRUSTED_PREFIX,
				sig->trusted_comment);
	if (rc == 0)
		rc = mstext_put_b64(out, sig->global_sig, MINISIGN_SIG_LEN);
	return rc;
}

/**
 * Sign a message given by its BLAKE2b-512 and write a .minisig file.
 *
 * @v sk		secret key
 * @v hash		BLAKE2b-512 of the message
 * @v untrusted_comment	NULL for minisign's default
 * @v trusted_comment	NULL for "timestamp:<now>"
 * @v out		buffer to append to
 * @v err		error message
 * @ret 0, -EINVAL, -ENOMEM, -EFBIG, -EIO
 */
int minisign_sign_hash(const struct minisign_seckey *sk,
		       const uint8_t hash[MINISIGN_HASH_LEN],
		       const char *untrusted_comment,
		       const char *trusted_comment, struct buf *out,
		       struct err *err)
{
	char tsbuf[32];
	struct minisign_sig sig;
	int rc;

	if (common_crypto_init() < 0)
		return err_set(err, -EIO, "libsodium cannot start");
	if (!untrusted_comment)
		untrusted_comment = MS_SIG_DEFAULT_COMMENT;
	if (!trusted_comment) {
		snprintf(tsbuf, sizeof(tsbuf), "timestamp:%lld",
			 (long long)time(NULL));
		trusted_comment = tsbuf;
	}
	rc = mstext_comment_check(untrusted_comment, "untrusted comment", err);
	if (rc < 0)
		return rc;
	rc = mstext_comment_check(trusted_comment, "trusted comment", err);
	if (rc < 0)
		return rc;
	ms_sign_compute(sk, hash, trusted_comment, &sig);
	rc = ms_sig_write(&sig, untrusted_comment, out);
	if (rc < 0)
		return err_set(err, rc, "signature: cannot write: %s",
			       rc == -EFBIG ? "output limit" : "out of memory");
	return 0;
}
