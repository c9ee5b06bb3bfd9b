/* SPDX-License-Identifier: MIT */
/*
 * minisign public keys and key ids (see minisign.h).
 *
 * A .pub file is an "untrusted comment:" line and the base64 of
 * "Ed" || key id (8) || Ed25519 public key (32).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "common/hex.h"
#include "common/minisign.h"
#include "common/minisign_text.h"

#define MS_ALG_ED "Ed"
#define MS_PUB_BIN_LEN (2 + MINISIGN_KEYID_LEN + MINISIGN_PK_LEN)

/**
 * Parse a public key: a whole .pub file or its bare base64 line.
 *
 * @v text	file content
 * @v len	its length
 * @v out	the key, set only on success
 * @v err	error message
 * @ret 0, -EINVAL, -EFBIG
 */
int minisign_pubkey_parse(const char *text, size_t len,
			  struct minisign_pubkey *out, struct err *err)
{
	static const char what[] = "public key";
	size_t plen = strlen(MSTEXT_COMMENT_PREFIX);
	uint8_t bin[MS_PUB_BIN_LEN];
	struct mstext t;
	size_t b64line = 0;
	int rc;

	if (len >= plen && memcmp(text, MSTEXT_COMMENT_PREFIX, plen) == 0)
		b64line = 1;
	rc = mstext_split(text, len, b64line + 1, &t, what, err);
	if (rc < 0)
		return rc;
	rc = mstext_b64(&t, b64line, bin, sizeof(bin), what, err);
	if (rc < 0)
		return rc;
	if (memcmp(bin, MS_ALG_ED, 2) != 0)
		return err_set(err, -EINVAL,
			       "%s: unsupported signature algorithm (not \"Ed\")",
			       what);
	memcpy(out->keyid, bin + 2, MINISIGN_KEYID_LEN);
	memcpy(out->pk, bin + 2 + MINISIGN_KEYID_LEN, MINISIGN_PK_LEN);
	return 0;
}

/**
 * Write a .pub file as minisign does.
 *
 * @v pk	key
 * @v out	buffer to append to
 * @ret 0, -EFBIG, -ENOMEM
 */
int minisign_pubkey_format(const struct minisign_pubkey *pk, struct buf *out)
{
	char id[MINISIGN_KEYID_STR_LEN];
	uint8_t bin[MS_PUB_BIN_LEN];
	int rc;

	minisign_keyid_format(pk->keyid, id);
	rc = buf_printf(out, "%sminisign public key %s\n",
			MSTEXT_COMMENT_PREFIX, id);
	if (rc < 0)
		return rc;
	memcpy(bin, MS_ALG_ED, 2);
	memcpy(bin + 2, pk->keyid, MINISIGN_KEYID_LEN);
	memcpy(bin + 2 + MINISIGN_KEYID_LEN, pk->pk, MINISIGN_PK_LEN);
	return mstext_put_b64(out, bin, sizeof(bin));
}

/**
 * The key id as minisign prints it: the 8 bytes read as a little-endian
 * number, in 16 upper-case hex digits (so the last byte comes first).
 *
 * @v keyid	key id bytes
 * @v out	MINISIGN_KEYID_STR_LEN bytes
 */
void minisign_keyid_format(const uint8_t keyid[MINISIGN_KEYID_LEN],
			   char out[MINISIGN_KEYID_STR_LEN])
{
	int i;

	for (i = 0; i < MINISIGN_KEYID_LEN; i++)
		snprintf(out + 2 * i, 3, "%02X",
			 keyid[MINISIGN_KEYID_LEN - 1 - i]);
}

/**
 * Parse a key id as minisign prints it.
 *
 * @v s		1 to 16 hex digits, either case (leading zeros optional)
 * @v keyid	the key id bytes, set only on success
 * @ret 0 or -EINVAL
 */
int minisign_keyid_parse(const char *s, uint8_t keyid[MINISIGN_KEYID_LEN])
{
	char digits[MINISIGN_KEYID_STR_LEN];
	uint8_t be[MINISIGN_KEYID_LEN];
	size_t n = strnlen(s, MINISIGN_KEYID_STR_LEN);
	int i;

	if (n == 0 || n >= MINISIGN_KEYID_STR_LEN)
		return -EINVAL;
	memset(digits, '0', MINISIGN_KEYID_STR_LEN - 1 - n);
	memcpy(digits + MINISIGN_KEYID_STR_LEN - 1 - n, s, n + 1);
	if (hex_decode(digits, be, sizeof(be)) < 0)
		return -EINVAL;
	for (i = 0; i < MINISIGN_KEYID_LEN; i++)
		keyid[i] = be[MINISIGN_KEYID_LEN - 1 - i];
	return 0;
}
