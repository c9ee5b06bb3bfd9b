/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: minisign_seckey_parse(), a publisher's secret key file (read
 * by `fixctl` when it signs), once without a password and once with the
 * short password FK_PASSWORD.  Invariants on a key that parses: it signs a
 * message that its public half verifies, and it survives
 * minisign_seckey_format() -> minisign_seckey_parse() unchanged.
 *
 * scrypt runs with the limits the file gives, up to minisign's own (1 GiB,
 * seconds): the target tries the password only when the file asks for at
 * most FK_OPS_MAX / FK_MEM_MAX (or for more than minisign allows, which
 * the parser refuses before scrypt), so that one input costs milliseconds.
 * The larger limits run the same code with more memory.
 */
#include <errno.h>
#include <string.h>

#include <sodium.h>

#include "common/minisign.h"
#include "fuzz/fuzz.h"

#define FK_PASSWORD "fuzz"
#define FK_OPS_MAX 65536ULL
#define FK_MEM_MAX (16ULL * 1024 * 1024)
#define FK_BIN_LEN 158			/* the decoded key line */
#define FK_OPS_OFFSET 38		/* "Ed" kdf "B2" salt(32) */
#define FK_MEM_OFFSET 46
#define FK_COMMENT "fuzz"

/**
 * Read a little-endian 64-bit number.
 *
 * @v p		8 bytes
 * @ret the number
 */
static uint64_t fk_le64(const uint8_t *p)
{
	uint64_t v = 0;
	int i;

	for (i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

/**
 * Whether scrypt, if the parser gets that far, is cheap for this input:
 * the scrypt limits of its second line are small, or above minisign's (the
 * parser refuses them), or that line does not decode (the parser then
 * stops before scrypt).
 *
 * @v text	the input
 * @v len	its length
 * @ret 1 or 0
 */
static int fk_scrypt_cheap(const char *text, size_t len)
{
	const char *line, *nl = memchr(text, '\n', len), *end;
	uint8_t bin[FK_BIN_LEN];
	uint64_t ops, mem;
	size_t got = 0;

	if (!nl)
		return 1;
	line = nl + 1;
	end = memchr(line, '\n', len - (size_t)(line - text));
	if (!end)
		end = text + len;
	if (end > line && end[-1] == '\r')
		end--;
	if (sodium_base642bin(bin, sizeof(bin), line, (size_t)(end - line),
			      NULL, &got, NULL,
			      sodium_base64_VARIANT_ORIGINAL) != 0 ||
	    got != sizeof(bin))
		return 1;
	ops = fk_le64(bin + FK_OPS_OFFSET);
	mem = fk_le64(bin + FK_MEM_OFFSET);
	if (ops > MINISIGN_KDF_OPSLIMIT_MAX || mem > MINISIGN_KDF_MEMLIMIT_MAX)
		return 1;	/* refused before scrypt runs */
	return ops <= FK_OPS_MAX && mem <= FK_MEM_MAX;
}

/**
 * Check a key that parsed: it signs, its public half verifies, and it
 * survives an unencrypted write and read.
 *
 * @v sk	parsed key
 */
static void fk_check(const struct minisign_seckey *sk)
{
	uint8_t hash[MINISIGN_HASH_LEN];
	struct minisign_seckey back;
	struct minisign_pubkey pk;
	struct minisign_sig sig;
	struct buf text;

	minisign_seckey_pubkey(sk, &pk);
	minisign_prehash(FK_COMMENT, strlen(FK_COMMENT), hash);
	buf_init(&text, MINISIGN_FILE_MAX);
	FUZZ_CHECK(minisign_sign_hash(sk, hash, FK_COMMENT, FK_COMMENT, &text,
				      NULL) == 0);
	FUZZ_CHECK(minisign_sig_parse(text.data, text.len, &sig, NULL) == 0);
	FUZZ_CHECK(minisign_verify_hash(&sig, &pk, 1, hash, NULL, NULL) == 0);
	buf_reset(&text);
	FUZZ_CHECK(minisign_seckey_format(sk, NULL, &text) == 0);
	FUZZ_CHECK(minisign_seckey_parse(text.data, text.len, NULL, &back,
					 NULL) == 0);
	FUZZ_CHECK(memcmp(sk, &back, sizeof(back)) == 0);
	sodium_memzero(&back, sizeof(back));
	buf_free(&text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	struct minisign_seckey sk;
	int rc;

	rc = minisign_seckey_parse(text, size, NULL, &sk, NULL);
	FUZZ_CHECK(rc == 0 || rc == -EINVAL || rc == -EACCES || rc == -EFBIG);
	if (rc == 0)
		fk_check(&sk);
	if (rc != -EACCES || !fk_scrypt_cheap(text, size))
		return 0;
	rc = minisign_seckey_parse(text, size, FK_PASSWORD, &sk, NULL);
	FUZZ_CHECK(rc == 0 || rc == -EINVAL || rc == -EACCES);
	if (rc == 0)
		fk_check(&sk);
	return 0;
}
