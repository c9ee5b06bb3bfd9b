/* SPDX-License-Identifier: MIT */
/*
 * minisign secret keys and key pairs (see minisign.h).
 *
 * A secret key file is an "untrusted comment:" line and the base64 of:
 *   "Ed" || kdf ("Sc" or "\0\0") || "B2" || salt (32) || opslimit (8, LE)
 *   || memlimit (8, LE) || [key id (8) || sk (64) || checksum (32)]
 * where the bracketed part is XORed with scrypt(password) when kdf is "Sc",
 * and checksum = BLAKE2b-256("Ed" || key id || sk).  minisign -W writes an
 * all-zero checksum for an unencrypted key; it is accepted as such.
 */
#include <errno.h>
#include <string.h>

#include <sodium.h>

#include "common/crypto.h"
#include "common/minisign.h"
#include "common/minisign_text.h"

#define MS_ALG_ED "Ed"
#define MS_KDF_SCRYPT "Sc"
#define MS_KDF_NONE "\0\0"
#define MS_CHK_B2 "B2"
#define MS_SALT_LEN 32
#define MS_CHK_LEN 32
#define MS_SK_COMMENT "minisign encrypted secret key"

/* The decoded secret key file, byte for byte. */
struct ms_seckey_bin {
	uint8_t sig_alg[2];
	uint8_t kdf_alg[2];
	uint8_t chk_alg[2];
	uint8_t salt[MS_SALT_LEN];
	uint8_t opslimit_le[8];
	uint8_t memlimit_le[8];
	struct {
		uint8_t keyid[MINISIGN_KEYID_LEN];
		uint8_t sk[MINISIGN_SK_LEN];
		uint8_t chk[MS_CHK_LEN];
	} enc;		/* the part scrypt protects */
};

_Static_assert(sizeof(struct ms_seckey_bin) == 158, "minisign key layout");

/**
 * Read a little-endian 64-bit number.
 *
 * @v p		8 bytes
 * @ret the number
 */
static uint64_t ms_le64_load(const uint8_t *p)
{
	uint64_t v = 0;
	int i;

	for (i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

/**
 * Write a little-endian 64-bit number.
 *
 * @v p		8 bytes
 * @v v		the number
 */
static void ms_le64_store(uint8_t *p, uint64_t v)
{
	int i;

	for (i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/**
 * The checksum: BLAKE2b-256 of the algorithm, the key id and the key.
 *
 * @v bin	decoded (decrypted) key
 * @v chk	MS_CHK_LEN bytes
 */
static void ms_seckey_chk(const struct ms_seckey_bin *bin,
			  uint8_t chk[MS_CHK_LEN])
{
	crypto_generichash_state st;

	crypto_generichash_init(&st, NULL, 0, MS_CHK_LEN);
	crypto_generichash_update(&st, bin->sig_alg, sizeof(bin->sig_alg));
	crypto_generichash_update(&st, bin->enc.keyid, sizeof(bin->enc.keyid));
	crypto_generichash_update(&st, bin->enc.sk, sizeof(bin->enc.sk));
	crypto_generichash_final(&st, chk, MS_CHK_LEN);
	sodium_memzero(&st, sizeof(st));
}

/**
 * XOR the protected part with scrypt(password) (both ways).
 *
 * @v bin	decoded key: salt and limits read, enc changed in place
 * @v password	password
 * @v err	error message
 * @ret 0, -EINVAL (limits out of range), -ENOMEM
 */
static int ms_seckey_crypt(struct ms_seckey_bin *bin, const char *password,
			   struct err *err)
{
	uint64_t ops = ms_le64_load(bin->opslimit_le);
	uint64_t mem = ms_le64_load(bin->memlimit_le);
	uint8_t stream[sizeof(bin->enc)];
	uint8_t *p = (uint8_t *)&bin->enc;
	size_t i;

	if (ops > MINISIGN_KDF_OPSLIMIT_MAX || mem > MINISIGN_KDF_MEMLIMIT_MAX)
		return err_set(err, -EINVAL,
			       "secret key: scrypt limits above minisign's");
	if (crypto_pwhash_scryptsalsa208sha256(stream, sizeof(stream), password,
					       strlen(password), bin->salt,
					       (unsigned long long)ops,
					       (size_t)mem) != 0)
		return err_set(err, -ENOMEM,
			       "secret key: scrypt has not enough memory");
	for (i = 0; i < sizeof(stream); i++)
		p[i] ^= stream[i];
	sodium_memzero(stream, sizeof(stream));
	return 0;
}

/**
 * Check the decrypted key: checksum, and the public half of sk matches the
 * seed.
 *
 * @v bin	decoded, decrypted key
 * @v encrypted	whether a password was used (a bad checksum is then a
 *		wrong password)
 * @v err	error message
 * @ret 0, -EACCES, -EINVAL
 */
static int ms_seckey_check(const struct ms_seckey_bin *bin, int encrypted,
			   struct err *err)
{
	static const uint8_t zero[MS_CHK_LEN];
	uint8_t chk[MS_CHK_LEN], pk[MINISIGN_PK_LEN], sk[MINISIGN_SK_LEN];
	int bad;

	ms_seckey_chk(bin, chk);
	bad = sodium_memcmp(chk, bin->enc.chk, MS_CHK_LEN) != 0;
	if (bad && encrypted)
		return err_set(err, -EACCES, "secret key: wrong password");
	if (bad && sodium_memcmp(bin->enc.chk, zero, MS_CHK_LEN) != 0)
		return err_set(err, -EINVAL, "secret key: checksum mismatch");
	crypto_sign_seed_keypair(pk, sk, bin->enc.sk);
	sodium_memzero(sk, sizeof(sk));
	if (memcmp(pk, bin->enc.sk + MINISIGN_SK_LEN - MINISIGN_PK_LEN,
		   MINISIGN_PK_LEN) != 0)
		return err_set(err, -EINVAL,
			       "secret key: corrupted (public half mismatch)");
	return 0;
}

/**
 * Check the algorithm fields and decrypt if needed.
 *
 * @v bin	decoded key, decrypted in place
 * @v password	password, or NULL
 * @v err	error message
 * @ret 0, -EINVAL, -EACCES, -ENOMEM
 */
static int ms_seckey_open(struct ms_seckey_bin *bin, const char *password,
			  struct err *err)
{
	int encrypted;
	int rc;

	if (memcmp(bin->sig_alg, MS_ALG_ED, 2) != 0)
		return err_set(err, -EINVAL,
			       "secret key: unsupported signature algorithm");
	if (memcmp(bin->chk_alg, MS_CHK_B2, 2) != 0)
		return err_set(err, -EINVAL,
			       "secret key: unsupported checksum algorithm");
	encrypted = memcmp(bin->kdf_alg, MS_KDF_SCRYPT, 2) == 0;
	if (!encrypted && memcmp(bin->kdf_alg, MS_KDF_NONE, 2) != 0)
		return err_set(err, -EINVAL,
			       "secret key: unsupported key derivation function");
	if (encrypted) {
		if (!password)
			return err_set(err, -EACCES,
				       "secret key: encrypted, a password is needed");
		rc = ms_seckey_crypt(bin, password, err);
		if (rc < 0)
			return rc;
	}
	return ms_seckey_check(bin, encrypted, err);
}

/**
 * Parse a secret key file, decrypting it if it is protected.
 *
 * @v text	file content
 * @v len	its length
 * @v password	password, or NULL (ignored for an unencrypted key)
 * @v out	the key, set only on success
 * @v err	error message
 * @ret 0, -EINVAL, -EACCES (wrong or missing password), -EFBIG, -ENOMEM
 */
int minisign_seckey_parse(const char *text, size_t len, const char *password,
			  struct minisign_seckey *out, struct err *err)
{
	static const char what[] = "secret key";
	struct ms_seckey_bin bin;
	struct mstext t;
	int rc;

	if (common_crypto_init() < 0)
		return err_set(err, -EIO, "libsodium cannot start");
	rc = mstext_split(text, len, 2, &t, what, err);
	if (rc < 0)
		return rc;
	rc = mstext_prefix(&t, 0, MSTEXT_COMMENT_PREFIX, what, err);
	if (rc < 0)
		return rc;
	rc = mstext_b64(&t, 1, &bin, sizeof(bin), what, err);
	if (rc == 0)
		rc = ms_seckey_open(&bin, password, err);
	if (rc == 0) {
		memcpy(out->keyid, bin.enc.keyid, MINISIGN_KEYID_LEN);
		memcpy(out->sk, bin.enc.sk, MINISIGN_SK_LEN);
	}
	sodium_memzero(&bin, sizeof(bin));
	return rc;
}

/**
 * Write a secret key file.
 *
 * @v sk	key
 * @v password	NULL for an unencrypted key
 * @v ops	scrypt opslimit (ignored without password)
 * @v mem	scrypt memlimit (ignored without password)
 * @v out	buffer to append to
 * @ret 0, -EINVAL, -ENOMEM, -EFBIG
 */
static int ms_seckey_write(const struct minisign_seckey *sk,
			   const char *password, uint64_t ops, uint64_t mem,
			   struct buf *out)
{
	struct ms_seckey_bin bin;
	int rc;

	if (common_crypto_init() < 0)
		return -EIO;
	memset(&bin, 0, sizeof(bin));
	memcpy(bin.sig_alg, MS_ALG_ED, 2);
	memcpy(bin.kdf_alg, password ? MS_KDF_SCRYPT : MS_KDF_NONE, 2);
	memcpy(bin.chk_alg, MS_CHK_B2, 2);
	memcpy(bin.enc.keyid, sk->keyid, MINISIGN_KEYID_LEN);
	memcpy(bin.enc.sk, sk->sk, MINISIGN_SK_LEN);
	ms_seckey_chk(&bin, bin.enc.chk);
	rc = 0;
	if (password) {
		randombytes_buf(bin.salt, sizeof(bin.salt));
		ms_le64_store(bin.opslimit_le, ops);
		ms_le64_store(bin.memlimit_le, mem);
		rc = ms_seckey_crypt(&bin, password, NULL);
	}
	if (rc == 0)
		rc = buf_printf(out, "%s%s\n", MSTEXT_COMMENT_PREFIX,
				MS_SK_COMMENT);
	if (rc == 0)
		rc = mstext_put_b64(out, &bin, sizeof(bin));
	sodium_memzero(&bin, sizeof(bin));
	return rc;
}

/**
 * Write a secret key file, with minisign's scrypt limits if a password is
 * given.
 *
 * @v sk	key
 * @v password	NULL for an unencrypted key
 * @v out	buffer to append to
 * @ret 0, -ENOMEM, -EFBIG
 */
int minisign_seckey_format(const struct minisign_seckey *sk,
			   const char *password, struct buf *out)
{
	return ms_seckey_write(sk, password, MINISIGN_KDF_OPSLIMIT_MAX,
			       MINISIGN_KDF_MEMLIMIT_MAX, out);
}

/**
 * Write a password-protected secret key file with explicit scrypt limits.
 *
 * @v sk	key
 * @v password	password, not NULL
 * @v opslimit	scrypt opslimit, at most MINISIGN_KDF_OPSLIMIT_MAX
 * @v memlimit	scrypt memlimit, at most MINISIGN_KDF_MEMLIMIT_MAX
 * @v out	buffer to append to
 * @ret 0, -EINVAL, -ENOMEM, -EFBIG
 */
int minisign_seckey_format_kdf(const struct minisign_seckey *sk,
			       const char *password, uint64_t opslimit,
			       uint64_t memlimit, struct buf *out)
{
	if (!password || opslimit > MINISIGN_KDF_OPSLIMIT_MAX ||
	    memlimit > MINISIGN_KDF_MEMLIMIT_MAX)
		return -EINVAL;
	return ms_seckey_write(sk, password, opslimit, memlimit, out);
}

/**
 * The public half of a secret key.
 *
 * @v sk	secret key
 * @v pk	public key
 */
void minisign_seckey_pubkey(const struct minisign_seckey *sk,
			    struct minisign_pubkey *pk)
{
	memcpy(pk->keyid, sk->keyid, MINISIGN_KEYID_LEN);
	memcpy(pk->pk, sk->sk + MINISIGN_SK_LEN - MINISIGN_PK_LEN,
	       MINISIGN_PK_LEN);
}

/**
 * A fresh key pair with a random key id.
 *
 * @v sk	secret key
 * @v pk	public key
 * @ret 0, or -EIO if libsodium cannot start
 */
int minisign_keypair_generate(struct minisign_seckey *sk,
			      struct minisign_pubkey *pk)
{
	uint8_t pub[MINISIGN_PK_LEN];

	if (common_crypto_init() < 0)
		return -EIO;
	randombytes_buf(sk->keyid, MINISIGN_KEYID_LEN);
	crypto_sign_keypair(pub, sk->sk);
	minisign_seckey_pubkey(sk, pk);
	return 0;
}
