/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: minisign_sig_parse(), a bundle's .minisig file (untrusted:
 * downloaded with the bundle).  Invariants on a signature that parses: its
 * trusted comment is one bounded line; verifying it over the fixture message
 * against the fixture key (made by Debian's minisign, the one of the common
 * tests) gives 0, -ENOKEY or -EBADMSG, -ENOKEY exactly when the key id is
 * another; a signature that verifies no longer does once its trusted
 * comment changes; and a keyring that revokes its key id always answers
 * -EKEYREVOKED.
 */
#include <errno.h>
#include <string.h>

#include "common/keyring.h"
#include "common/minisign.h"
#include "common/test/minisign_fixtures.h"
#include "fuzz/fuzz.h"

/**
 * Verify sig over the fixture message against the fixture key.
 *
 * @v sig	parsed signature
 * @v pk	the fixture key
 * @ret what minisign_verify() returns
 */
static int fs_verify(const struct minisign_sig *sig,
		     const struct minisign_pubkey *pk)
{
	return minisign_verify(sig, pk, 1, msg, strlen(msg), NULL, NULL);
}

/**
 * A signature that verifies must stop verifying when its trusted comment
 * changes: the global signature covers it.
 *
 * @v sig	a signature that verifies
 * @v pk	the key it verifies against
 */
static void fs_tamper(const struct minisign_sig *sig,
		      const struct minisign_pubkey *pk)
{
	struct minisign_sig t = *sig;
	size_t n = strlen(t.trusted_comment);

	if (n > 0)
		t.trusted_comment[n - 1] ^= 0x01;
	else
		strcpy(t.trusted_comment, "x");
	FUZZ_CHECK(fs_verify(&t, pk) == -EBADMSG);
}

/**
 * A keyring that trusts the fixture key and revokes the signature's key id
 * refuses the signature as revoked, whatever the key.
 *
 * @v sig	parsed signature
 * @v pk	the fixture key
 */
static void fs_revoked(const struct minisign_sig *sig,
		       const struct minisign_pubkey *pk)
{
	struct keyring kr;
	uint8_t hash[MINISIGN_HASH_LEN];

	keyring_init(&kr);
	FUZZ_CHECK(keyring_add(&kr, pk) == 0);
	FUZZ_CHECK(keyring_revoke(&kr, sig->keyid) == 0);
	minisign_prehash(msg, strlen(msg), hash);
	FUZZ_CHECK(keyring_verify_hash(&kr, sig, hash, NULL) == -EKEYREVOKED);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct minisign_pubkey pk;
	struct minisign_sig sig;
	struct err err;
	int rc;

	if (minisign_sig_parse((const char *)data, size, &sig, &err) < 0)
		return 0;
	FUZZ_CHECK(strnlen(sig.trusted_comment, MINISIGN_COMMENT_MAX + 1) <=
		   MINISIGN_COMMENT_MAX);
	FUZZ_CHECK(!strchr(sig.trusted_comment, '\n'));
	FUZZ_CHECK(minisign_pubkey_parse(a_pub, strlen(a_pub), &pk, &err) == 0);
	rc = fs_verify(&sig, &pk);
	FUZZ_CHECK(rc == 0 || rc == -ENOKEY || rc == -EBADMSG);
	FUZZ_CHECK((rc == -ENOKEY) ==
		   (memcmp(sig.keyid, pk.keyid, MINISIGN_KEYID_LEN) != 0));
	if (rc == 0)
		fs_tamper(&sig, &pk);
	fs_revoked(&sig, &pk);
	return 0;
}
