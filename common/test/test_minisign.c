/* SPDX-License-Identifier: MIT */
/* Unit tests of common/minisign_*.c, on minisign_fixtures.h. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "common/hex.h"
#include "common/minisign.h"
#include "common/test/minisign_fixtures.h"

/**
 * Parse a public key fixture, failing the test if it does not parse.
 *
 * @v text	fixture
 * @ret the key
 */
static struct minisign_pubkey pub(const char *text)
{
	struct minisign_pubkey pk;
	struct err e;

	assert_int_equal(minisign_pubkey_parse(text, strlen(text), &pk, &e), 0);
	return pk;
}

/**
 * Parse a signature fixture, failing the test if it does not parse.
 *
 * @v text	fixture
 * @ret the signature
 */
static struct minisign_sig sig_of(const char *text)
{
	struct minisign_sig s;
	struct err e;

	assert_int_equal(minisign_sig_parse(text, strlen(text), &s, &e), 0);
	return s;
}

/**
 * Parse text as a signature and expect an error.
 *
 * @v text	file content
 * @v rc	expected code
 * @v part	text the message must contain
 */
static void sig_refused(const char *text, int rc, const char *part)
{
	struct minisign_sig s;
	struct err e;

	assert_int_equal(minisign_sig_parse(text, strlen(text), &s, &e), rc);
	if (!strstr(e.msg, part))
		fail_msg("message \"%s\" lacks \"%s\"", e.msg, part);
}

/**
 * Replace the first occurrence of a substring (fixture variants).
 *
 * @v text	original
 * @v from	substring to replace
 * @v to	replacement
 * @ret a new string, to free
 */
static char *replace(const char *text, const char *from, const char *to)
{
	const char *at = strstr(text, from);
	size_t n = strlen(text) - strlen(from) + strlen(to) + 1;
	char *s = malloc(n);

	assert_non_null(at);
	assert_non_null(s);
	snprintf(s, n, "%.*s%s%s", (int)(at - text), text, to,
		 at + strlen(from));
	return s;
}

/* Key ids print as minisign's little-endian number, zero-padded. */
static void test_keyid_format_and_parse(void **state)
{
	struct minisign_pubkey a = pub(a_pub);
	uint8_t id[MINISIGN_KEYID_LEN];
	char s[MINISIGN_KEYID_STR_LEN];

	(void)state;
	minisign_keyid_format(a.keyid, s);
	assert_string_equal(s, "0D0A939E6FEA9F93");
	assert_int_equal(minisign_keyid_parse("D0A939E6FEA9F93", id), 0);
	assert_memory_equal(id, a.keyid, MINISIGN_KEYID_LEN);
	assert_int_equal(minisign_keyid_parse("0d0a939e6fea9f93", id), 0);
	assert_memory_equal(id, a.keyid, MINISIGN_KEYID_LEN);
	assert_int_equal(minisign_keyid_parse("", id), -EINVAL);
	assert_int_equal(minisign_keyid_parse("10D0A939E6FEA9F93", id),
			 -EINVAL);
	assert_int_equal(minisign_keyid_parse("D0A939E6FEA9F9G", id), -EINVAL);
	assert_int_equal(minisign_keyid_parse(" D0A939E6FEA9F93", id), -EINVAL);
}

/* A .pub file and its bare base64 line give the same key. */
static void test_pubkey_file_and_bare_line(void **state)
{
	static const char bare[] =
		"RWSTn+pvnpMKDQ1qbgMBejw89VK0jq1fC/X2EuSpAOdGhmZ+G9kOD5YG";
	struct minisign_pubkey a = pub(a_pub), b = pub(bare);

	(void)state;
	assert_memory_equal(&a, &b, sizeof(a));
	assert_int_equal(a.keyid[0], 0x93);
	assert_int_equal(a.pk[0], 0x0d);
}

/* Our .pub has minisign's base64 line and parses back to the same key. */
static void test_pubkey_format_round_trip(void **state)
{
	struct minisign_pubkey a = pub(a_pub), back;
	struct buf b;

	(void)state;
	buf_init(&b, MINISIGN_FILE_MAX);
	assert_int_equal(minisign_pubkey_format(&a, &b), 0);
	assert_string_equal(b.data,
		"untrusted comment: minisign public key 0D0A939E6FEA9F93\n"
		"RWSTn+pvnpMKDQ1qbgMBejw89VK0jq1fC/X2EuSpAOdGhmZ+G9kOD5YG\n");
	back = pub(b.data);
	assert_memory_equal(&a, &back, sizeof(a));
	buf_free(&b);
}

/* Malformed public keys are refused with a reason. */
static void test_pubkey_malformed(void **state)
{
	static const char *bad[] = {
		"",
		"untrusted comment: only a comment\n",
		"RWSTn+pvnpMKDQ1qbgMBejw89VK0jq1fC/X2EuSpAOdGhmZ+G9kOD5Y",
		"RWSTn+pvnpMKDQ1qbgMBejw89VK0jq1fC/X2EuSpAOdGhmZ+G9kOD5YGAA==",
		"RWSTn+pvnpMKDQ1qbgMBejw89VK0jq1fC/X2EuSpAOdGhmZ+G9kOD5Y!",
		"SWSTn+pvnpMKDQ1qbgMBejw89VK0jq1fC/X2EuSpAOdGhmZ+G9kOD5YG",
		"RWSTn+pvnpMKDQ1qbgMBejw89VK0jq1fC/X2EuSpAOdGhmZ+G9kOD5YG\nRWS\n",
		"comment: x\nRWSTn+pvnpMKDQ1qbgMBejw89VK0jq1fC/X2EuSpAOdGhmZ+G9kOD5YG",
	};
	static const char nul[] = "RWSTn+pvnpMKDQ1q\0bgMB";
	struct minisign_pubkey pk;
	char big[MINISIGN_FILE_MAX + 2];
	struct err e;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(minisign_pubkey_parse(bad[i], strlen(bad[i]),
						       &pk, &e), -EINVAL);
	assert_int_equal(minisign_pubkey_parse(nul, sizeof(nul) - 1, &pk, &e),
			 -EINVAL);
	assert_non_null(strstr(e.msg, "NUL"));
	memset(big, '\n', sizeof(big));
	assert_int_equal(minisign_pubkey_parse(big, sizeof(big), &pk, &e),
			 -EFBIG);
}

/* A signature made by `minisign -S` verifies. */
static void test_verify_minisign_signature(void **state)
{
	struct minisign_pubkey keys[2] = { pub(c_pub), pub(a_pub) };
	struct minisign_sig s = sig_of(a_sig);
	size_t used = 99;
	struct err e;

	(void)state;
	assert_string_equal(s.trusted_comment, "fixnet fixture");
	assert_memory_equal(s.keyid, keys[1].keyid, MINISIGN_KEYID_LEN);
	assert_int_equal(minisign_verify(&s, keys, 2, msg, strlen(msg), &used,
					 &e), 0);
	assert_int_equal(used, 1);
}

/* Verifying by hash is the same as verifying the message. */
static void test_verify_hash(void **state)
{
	struct minisign_pubkey a = pub(a_pub);
	struct minisign_sig s = sig_of(a_sig);
	uint8_t h[MINISIGN_HASH_LEN];
	struct err e;

	(void)state;
	minisign_prehash(msg, strlen(msg), h);
	assert_int_equal(minisign_verify_hash(&s, &a, 1, h, NULL, &e), 0);
}

/* BLAKE2b-512 known answer for "abc". */
static void test_prehash_known_answer(void **state)
{
	uint8_t h[MINISIGN_HASH_LEN];
	char hex[2 * MINISIGN_HASH_LEN + 1];

	(void)state;
	minisign_prehash("abc", 3, h);
	hex_encode(h, sizeof(h), hex);
	assert_string_equal(hex,
		"ba80a53f981c4d0d6a2797b69f12f6e94c212f14685ac4b74b12bb6fdbffa2d1"
		"7d87c5392aab792dc252d5de4533cc9518d38aa8dbf1925ab92386edd4009923");
}

/* A legacy "Ed" signature (minisign -S -l) is refused, saying why. */
static void test_legacy_refused(void **state)
{
	(void)state;
	sig_refused(legacy_sig, -EINVAL, "legacy");
}

/* A signature by a key that is not trusted: -ENOKEY. */
static void test_wrong_key_id(void **state)
{
	struct minisign_pubkey c = pub(c_pub);
	struct minisign_sig s = sig_of(a_sig);
	struct err e;

	(void)state;
	assert_int_equal(minisign_verify(&s, &c, 1, msg, strlen(msg), NULL,
					 &e), -ENOKEY);
	assert_non_null(strstr(e.msg, "0D0A939E6FEA9F93"));
	assert_int_equal(minisign_verify(&s, NULL, 0, msg, strlen(msg), NULL,
					 &e), -ENOKEY);
}

/* A key with the right id but another public key: -EBADMSG. */
static void test_same_id_other_key(void **state)
{
	struct minisign_pubkey k = pub(c_pub), a = pub(a_pub);
	struct minisign_sig s = sig_of(a_sig);
	struct err e;

	(void)state;
	memcpy(k.keyid, a.keyid, MINISIGN_KEYID_LEN);
	assert_int_equal(minisign_verify(&s, &k, 1, msg, strlen(msg), NULL,
					 &e), -EBADMSG);
}

/* One flipped bit anywhere that is signed: -EBADMSG. */
static void test_flipped_bits(void **state)
{
	struct minisign_pubkey a = pub(a_pub);
	struct minisign_sig s;
	char m[sizeof(msg)];
	struct err e;
	size_t len = strlen(msg);

	(void)state;
	s = sig_of(a_sig);
	s.sig[17] ^= 0x04;
	assert_int_equal(minisign_verify(&s, &a, 1, msg, len, NULL, &e),
			 -EBADMSG);
	s = sig_of(a_sig);
	s.trusted_comment[3] ^= 0x01;
	assert_int_equal(minisign_verify(&s, &a, 1, msg, len, NULL, &e),
			 -EBADMSG);
	assert_non_null(strstr(e.msg, "trusted comment"));
	s = sig_of(a_sig);
	s.global_sig[40] ^= 0x80;
	assert_int_equal(minisign_verify(&s, &a, 1, msg, len, NULL, &e),
			 -EBADMSG);
	s = sig_of(a_sig);
	memcpy(m, msg, sizeof(msg));
	m[5] ^= 0x01;
	assert_int_equal(minisign_verify(&s, &a, 1, m, len, NULL, &e),
			 -EBADMSG);
	assert_int_equal(minisign_verify(&s, &a, 1, msg, len - 1, NULL, &e),
			 -EBADMSG);
}

/* An edited trusted comment in the file no longer verifies. */
static void test_edited_trusted_comment_file(void **state)
{
	struct minisign_pubkey a = pub(a_pub);
	char *t = replace(a_sig, "fixnet fixture", "fixnet fixturf");
	struct minisign_sig s = sig_of(t);
	struct err e;

	(void)state;
	assert_int_equal(minisign_verify(&s, &a, 1, msg, strlen(msg), NULL,
					 &e), -EBADMSG);
	free(t);
}

/* The untrusted comment may change freely; CRLF line ends are read. */
static void test_untrusted_comment_and_crlf(void **state)
{
	struct minisign_pubkey a = pub(a_pub);
	char *t = replace(a_sig, "fixture\n", "anything at all\r\n");
	char *u = replace(t, "fixnet fixture\n", "fixnet fixture\r\n");
	struct minisign_sig s = sig_of(u);
	struct err e;

	(void)state;
	assert_string_equal(s.trusted_comment, "fixnet fixture");
	assert_int_equal(minisign_verify(&s, &a, 1, msg, strlen(msg), NULL,
					 &e), 0);
	free(t);
	free(u);
}

/* Malformed .minisig files are refused with a reason. */
static void test_sig_malformed(void **state)
{
	char *t;

	(void)state;
	sig_refused("", -EINVAL, "4 lines");
	t = replace(a_sig, "untrusted comment: ", "comment: ");
	sig_refused(t, -EINVAL, "untrusted comment");
	free(t);
	t = replace(a_sig, "trusted comment: fixnet", "trusted-comment: fixnet");
	sig_refused(t, -EINVAL, "trusted comment");
	free(t);
	t = replace(a_sig, "RUSTn+pv", "RUSTn-pv");
	sig_refused(t, -EINVAL, "base64");
	free(t);
	t = replace(a_sig, "8wk=\n", "8w==\n");
	sig_refused(t, -EINVAL, "base64");
	free(t);
	t = replace(a_sig, "RUSTn", "RXSTn");
	sig_refused(t, -EINVAL, "algorithm");
	free(t);
	t = replace(a_sig, "BAg==\n", "BAg==\nmore\n");
	sig_refused(t, -EINVAL, "unexpected text");
	free(t);
	t = replace(a_sig, "BAg==\n", "BA==\n");
	sig_refused(t, -EINVAL, "base64");
	free(t);
	t = replace(a_sig, "trusted comment: fixnet fixture\n", "");
	sig_refused(t, -EINVAL, "lines");
	free(t);
}

/* A trusted comment over MINISIGN_COMMENT_MAX is refused. */
static void test_sig_trusted_comment_too_long(void **state)
{
	char tc[MINISIGN_COMMENT_MAX + 2];
	char *t;

	(void)state;
	memset(tc, 'x', sizeof(tc) - 1);
	tc[sizeof(tc) - 1] = '\0';
	t = replace(a_sig, "fixnet fixture", tc);
	sig_refused(t, -EFBIG, "trusted comment");
	free(t);
}

/* The unencrypted secret key of minisign -W (zero checksum) is read. */
static void test_seckey_unencrypted_minisign(void **state)
{
	struct minisign_pubkey a = pub(a_pub), derived;
	struct minisign_seckey sk;
	struct err e;

	(void)state;
	assert_int_equal(minisign_seckey_parse(a_key, strlen(a_key), NULL, &sk,
					       &e), 0);
	minisign_seckey_pubkey(&sk, &derived);
	assert_memory_equal(&derived, &a, sizeof(a));
}

/* Ed25519 is deterministic: we write exactly what minisign -S wrote. */
static void test_sign_matches_minisign(void **state)
{
	uint8_t h[MINISIGN_HASH_LEN];
	struct minisign_seckey sk;
	struct err e;
	struct buf b;

	(void)state;
	assert_int_equal(minisign_seckey_parse(a_key, strlen(a_key), NULL, &sk,
					       &e), 0);
	minisign_prehash(msg, strlen(msg), h);
	buf_init(&b, MINISIGN_FILE_MAX);
	assert_int_equal(minisign_sign_hash(&sk, h, "fixture", "fixnet fixture",
					    &b, &e), 0);
	assert_string_equal(b.data, a_sig);
	buf_free(&b);
}

/* A password-protected key by minisign: read with its password. */
static void test_seckey_encrypted_minisign(void **state)
{
	struct minisign_pubkey b = pub(b_pub), derived;
	struct minisign_seckey sk;
	struct err e;

	(void)state;
	assert_int_equal(minisign_seckey_parse(b_key, strlen(b_key), b_password,
					       &sk, &e), 0);
	minisign_seckey_pubkey(&sk, &derived);
	assert_memory_equal(&derived, &b, sizeof(b));
}

/* Wrong or missing password: -EACCES. */
static void test_seckey_wrong_password(void **state)
{
	struct minisign_seckey sk;
	struct err e;

	(void)state;
	assert_int_equal(minisign_seckey_parse(b_key, strlen(b_key), "wrong",
					       &sk, &e), -EACCES);
	assert_non_null(strstr(e.msg, "wrong password"));
	assert_int_equal(minisign_seckey_parse(b_key, strlen(b_key), NULL,
					       &sk, &e), -EACCES);
	assert_non_null(strstr(e.msg, "password"));
}

/* Our unencrypted and encrypted key files read back; wrong pw refused. */
static void test_seckey_format_round_trip(void **state)
{
	struct minisign_seckey sk, back;
	struct minisign_pubkey pk;
	struct err e;
	struct buf b;

	(void)state;
	assert_int_equal(minisign_keypair_generate(&sk, &pk), 0);
	buf_init(&b, MINISIGN_FILE_MAX);
	assert_int_equal(minisign_seckey_format(&sk, NULL, &b), 0);
	assert_int_equal(minisign_seckey_parse(b.data, b.len, NULL, &back, &e),
			 0);
	assert_memory_equal(&back, &sk, sizeof(sk));
	buf_reset(&b);
	assert_int_equal(minisign_seckey_format_kdf(&sk, "pw",
			 crypto_pwhash_scryptsalsa208sha256_OPSLIMIT_MIN,
			 crypto_pwhash_scryptsalsa208sha256_MEMLIMIT_MIN, &b), 0);
	assert_int_equal(minisign_seckey_parse(b.data, b.len, "pw", &back, &e),
			 0);
	assert_memory_equal(&back, &sk, sizeof(sk));
	assert_int_equal(minisign_seckey_parse(b.data, b.len, "pW", &back, &e),
			 -EACCES);
	buf_free(&b);
}

/* Corrupted or unsupported secret keys are refused. */
static void test_seckey_malformed(void **state)
{
	struct minisign_seckey sk;
	struct err e;
	char *t;

	(void)state;
	/* a non-zero checksum that does not match */
	t = replace(a_key, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
		    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAE=");
	assert_int_equal(minisign_seckey_parse(t, strlen(t), NULL, &sk, &e),
			 -EINVAL);
	assert_non_null(strstr(e.msg, "checksum"));
	free(t);
	/* a flipped bit in the seed: the public half no longer matches */
	t = replace(a_key, "k5/qb56TCg25", "k5/qb56TCg26");
	assert_int_equal(minisign_seckey_parse(t, strlen(t), NULL, &sk, &e),
			 -EINVAL);
	free(t);
	/* KDF "\0\1" */
	t = replace(a_key, "RWQAAEIy", "RWQAAUIy");
	assert_int_equal(minisign_seckey_parse(t, strlen(t), NULL, &sk, &e),
			 -EINVAL);
	assert_non_null(strstr(e.msg, "key derivation"));
	free(t);
	/* scrypt memlimit of 2^62, far above minisign's */
	t = replace(b_key, "AAAAAAQAAAAA", "AAAAAAQAAEAA");
	assert_int_equal(minisign_seckey_parse(t, strlen(t), b_password, &sk,
					       &e), -EINVAL);
	assert_non_null(strstr(e.msg, "scrypt"));
	free(t);
	/* truncated */
	t = replace(a_key, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n", "\n");
	assert_int_equal(minisign_seckey_parse(t, strlen(t), NULL, &sk, &e),
			 -EINVAL);
	free(t);
	assert_int_equal(minisign_seckey_parse(a_pub, strlen(a_pub), NULL, &sk,
					       &e), -EINVAL);
}

/* A generated key signs, and the signature verifies with its public key. */
static void test_generate_sign_verify(void **state)
{
	struct minisign_pubkey pk, other_pk;
	struct minisign_seckey sk, other;
	uint8_t h[MINISIGN_HASH_LEN];
	struct minisign_sig s;
	struct err e;
	struct buf b;

	(void)state;
	assert_int_equal(minisign_keypair_generate(&sk, &pk), 0);
	assert_int_equal(minisign_keypair_generate(&other, &other_pk), 0);
	assert_memory_not_equal(pk.keyid, other_pk.keyid, MINISIGN_KEYID_LEN);
	minisign_prehash("bundle", 6, h);
	buf_init(&b, MINISIGN_FILE_MAX);
	assert_int_equal(minisign_sign_hash(&sk, h, NULL, NULL, &b, &e), 0);
	assert_non_null(strstr(b.data, "trusted comment: timestamp:"));
	assert_int_equal(minisign_sig_parse(b.data, b.len, &s, &e), 0);
	assert_int_equal(minisign_verify_hash(&s, &pk, 1, h, NULL, &e), 0);
	assert_int_equal(minisign_verify_hash(&s, &other_pk, 1, h, NULL, &e),
			 -ENOKEY);
	buf_free(&b);
}

/* Comments with a line break or over the limit are not written. */
static void test_sign_bad_comments(void **state)
{
	char long_tc[MINISIGN_COMMENT_MAX + 2];
	uint8_t h[MINISIGN_HASH_LEN] = { 0 };
	struct minisign_seckey sk;
	struct minisign_pubkey pk;
	struct err e;
	struct buf b;

	(void)state;
	memset(long_tc, 'y', sizeof(long_tc) - 1);
	long_tc[sizeof(long_tc) - 1] = '\0';
	assert_int_equal(minisign_keypair_generate(&sk, &pk), 0);
	buf_init(&b, MINISIGN_FILE_MAX);
	assert_int_equal(minisign_sign_hash(&sk, h, NULL, "a\nb", &b, &e),
			 -EINVAL);
	assert_int_equal(minisign_sign_hash(&sk, h, "a\rb", "ok", &b, &e),
			 -EINVAL);
	assert_int_equal(minisign_sign_hash(&sk, h, NULL, long_tc, &b, &e),
			 -EINVAL);
	assert_int_equal(b.len, 0);
	buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_keyid_format_and_parse),
		cmocka_unit_test(test_pubkey_file_and_bare_line),
		cmocka_unit_test(test_pubkey_format_round_trip),
		cmocka_unit_test(test_pubkey_malformed),
		cmocka_unit_test(test_verify_minisign_signature),
		cmocka_unit_test(test_verify_hash),
		cmocka_unit_test(test_prehash_known_answer),
		cmocka_unit_test(test_legacy_refused),
		cmocka_unit_test(test_wrong_key_id),
		cmocka_unit_test(test_same_id_other_key),
		cmocka_unit_test(test_flipped_bits),
		cmocka_unit_test(test_edited_trusted_comment_file),
		cmocka_unit_test(test_untrusted_comment_and_crlf),
		cmocka_unit_test(test_sig_malformed),
		cmocka_unit_test(test_sig_trusted_comment_too_long),
		cmocka_unit_test(test_seckey_unencrypted_minisign),
		cmocka_unit_test(test_sign_matches_minisign),
		cmocka_unit_test(test_seckey_encrypted_minisign),
		cmocka_unit_test(test_seckey_wrong_password),
		cmocka_unit_test(test_seckey_format_round_trip),
		cmocka_unit_test(test_seckey_malformed),
		cmocka_unit_test(test_generate_sign_verify),
		cmocka_unit_test(test_sign_bad_comments),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
