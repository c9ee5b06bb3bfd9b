/* SPDX-License-Identifier: MIT */
#include <archive_entry.h>
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fixd/bundle.h"
#include "fixd/sha.h"
#include "fixd/test/testlib.h"

/*
 * Verification of a bundle (fixd/bundle.c): its hash, its signature, then
 * the structure of its archive.  Every refusal here is one fixd makes
 * before it writes anything.
 */

static const struct tl_op two_ops[] = {
	{ MANIFEST_OP_PUT, "etc/app/a.conf", "alpha\n", 0640, 0, 0 },
	{ MANIFEST_OP_DELETE, "var/log/old*.log", NULL, 0, 5, 0 },
	{ MANIFEST_OP_HOOK, NULL, "echo hi\n", 0, 0, 30 },
};

/** Parse data and expect rc, and a message containing msg. */
static void expect_parse(const void *data, size_t len, int rc, const char *msg)
{
	struct bundle *b = NULL;
	struct err err = { "" };

	assert_int_equal(bundle_parse(data, len, &b, &err), rc);
	if (rc == 0)
		assert_non_null(b);
	else
		assert_null(b);
	if (msg && !strstr(err.msg, msg))
		fail_msg("message \"%s\" lacks \"%s\"", err.msg, msg);
	bundle_free(b);
}

/** A bundle whose archive holds exactly these entries (manifest first). */
static void expect_entries(const char *manifest, const struct tl_entry *extra,
			   size_t n, int rc, const char *msg)
{
	struct tl_entry e[8] = { { .name = MANIFEST_MEMBER, .data = manifest } };
	uint8_t *data;
	size_t len;

	if (n)
		memcpy(e + 1, extra, n * sizeof(*extra));
	data = tl_archive(e, n + 1, true, &len);
	expect_parse(data, len, rc, msg);
	free(data);
}

/** A manifest with one put of "x\n" to path. */
static char *one_put(const char *path)
{
	struct tl_op op = { MANIFEST_OP_PUT, path, "x\n", 0644, 0, 0 };

	return tl_manifest("fix-1", 1, NULL, &op, 1);
}

static void test_valid_bundle(void **state)
{
	struct bundle *b;
	struct err err;
	uint8_t *data;
	size_t len;

	(void)state;
	data = tl_bundle("fix-1", 7, "{\"label\": \"PRIMARY\"}", two_ops, 3, &len);
	assert_int_equal(bundle_parse(data, len, &b, &err), 0);
	assert_string_equal(b->manifest->id, "fix-1");
	assert_int_equal(b->manifest->serial, 7);
	assert_string_equal(b->manifest->target.label, "PRIMARY");
	assert_int_equal(b->manifest->nops, 3);
	assert_int_equal(b->blobs[0].size, 6);
	assert_memory_equal(b->blobs[0].data, "alpha\n", 6);
	assert_null(b->blobs[1].data);
	assert_memory_equal(b->blobs[2].data, "echo hi\n", 8);
	bundle_free(b);
	free(data);
}

static void test_uncompressed_tar_accepted(void **state)
{
	char *m = one_put("a");
	struct tl_entry e[] = {
		{ .name = MANIFEST_MEMBER, .data = m },
		{ .name = "payload/0", .data = "x\n" },
	};
	uint8_t *data;
	size_t len;

	(void)state;
	data = tl_archive(e, 2, false, &len);
	expect_parse(data, len, 0, NULL);
	free(data);
	free(m);
}

static void test_sha_against_plan(void **state)
{
	uint8_t sha[SHA256_LEN];
	struct err err;

	(void)state;
	sha_buf("bundle", 6, sha);
	assert_int_equal(bundle_check_sha("bundle", 6, sha, &err), 0);
	assert_int_equal(bundle_check_sha("bundlE", 6, sha, &err), -EBADMSG);
	assert_non_null(strstr(err.msg, "not the one the plan gives"));
}

/** Signature fixture: a bundle, a trusted key, its signature. */
struct sigfix {
	struct minisign_seckey sk;
	struct minisign_pubkey pk;
	struct keyring kr;
	uint8_t *data;
	size_t len;
	char *sig;
	size_t siglen;
};

static void sigfix_init(struct sigfix *f)
{
	tl_keypair(&f->sk, &f->pk);
	keyring_init(&f->kr);
	assert_int_equal(keyring_add(&f->kr, &f->pk), 0);
	f->data = tl_bundle("fix-1", 1, NULL, two_ops, 3, &f->len);
	f->sig = tl_sign(&f->sk, f->data, f->len, "timestamp:1\tfile:x.fix", &f->siglen);
}

static void sigfix_free(struct sigfix *f)
{
	free(f->data);
	free(f->sig);
}

static void test_signature_good(void **state)
{
	struct minisign_sig s;
	struct sigfix f;
	struct err err;

	(void)state;
	sigfix_init(&f);
	assert_int_equal(bundle_verify_sig(&f.kr, f.sig, f.siglen, f.data, f.len, &s,
					   &err), 0);
	assert_string_equal(s.trusted_comment, "timestamp:1\tfile:x.fix");
	sigfix_free(&f);
}

static void test_bit_flip_in_bundle_refused(void **state)
{
	struct minisign_sig s;
	struct sigfix f;
	struct err err;

	(void)state;
	sigfix_init(&f);
	for (size_t i = 0; i < f.len; i += f.len / 7 + 1) {
		f.data[i] ^= 0x10;
		assert_int_equal(bundle_verify_sig(&f.kr, f.sig, f.siglen, f.data, f.len,
						   &s, &err), -EBADMSG);
		f.data[i] ^= 0x10;
	}
	sigfix_free(&f);
}

/** Change one character of the line of sig that starts with prefix. */
static void flip_line(char *sig, const char *prefix, size_t at)
{
	char *line = sig;

	for (int i = 0; i < 4 && strncmp(line, prefix, strlen(prefix)) != 0; i++)
		line = strchr(line, '\n') + 1;
	assert_memory_equal(line, prefix, strlen(prefix));
	line[strlen(prefix) + at] = line[strlen(prefix) + at] == 'A' ? 'B' : 'A';
}

static void test_bit_flip_in_signature_refused(void **state)
{
	struct minisign_sig s;
	struct sigfix f;
	struct err err;
	char *second;

	(void)state;
	sigfix_init(&f);
	second = strchr(f.sig, '\n') + 1;
	second[20] = second[20] == 'A' ? 'B' : 'A';
	assert_int_equal(bundle_verify_sig(&f.kr, f.sig, f.siglen, f.data, f.len, &s,
					   &err), -EBADMSG);
	sigfix_free(&f);
}

static void test_bit_flip_in_trusted_comment_refused(void **state)
{
	struct minisign_sig s;
	struct sigfix f;
	struct err err;

	(void)state;
	sigfix_init(&f);
	flip_line(f.sig, "trusted comment: ", 3);
	assert_int_equal(bundle_verify_sig(&f.kr, f.sig, f.siglen, f.data, f.len, &s,
					   &err), -EBADMSG);
	sigfix_free(&f);
}

static void test_untrusted_key_refused(void **state)
{
	struct minisign_seckey other;
	struct minisign_pubkey otherpk;
	struct minisign_sig s;
	struct sigfix f;
	struct err err;
	char *sig;
	size_t siglen;

	(void)state;
	sigfix_init(&f);
	tl_keypair(&other, &otherpk);
	sig = tl_sign(&other, f.data, f.len, "timestamp:1", &siglen);
	assert_int_equal(bundle_verify_sig(&f.kr, sig, siglen, f.data, f.len, &s,
					   &err), -ENOKEY);
	free(sig);
	sigfix_free(&f);
}

static void test_revoked_key_refused(void **state)
{
	struct minisign_sig s;
	struct sigfix f;
	struct err err;

	(void)state;
	sigfix_init(&f);
	assert_int_equal(keyring_revoke(&f.kr, f.pk.keyid), 0);
	assert_int_equal(bundle_verify_sig(&f.kr, f.sig, f.siglen, f.data, f.len, &s,
					   &err), -EKEYREVOKED);
	sigfix_free(&f);
}

static void test_not_an_archive(void **state)
{
	(void)state;
	expect_parse("this is not a bundle at all, just text", 38, -EINVAL, NULL);
}

static void test_truncated_archive(void **state)
{
	uint8_t *data;
	size_t len;

	(void)state;
	data = tl_bundle("fix-1", 1, NULL, two_ops, 3, &len);
	expect_parse(data, len / 2, -EINVAL, NULL);
	free(data);
}

static void test_manifest_not_first(void **state)
{
	char *m = one_put("a");
	struct tl_entry e[] = {
		{ .name = "payload/0", .data = "x\n" },
		{ .name = MANIFEST_MEMBER, .data = m },
	};
	uint8_t *data;
	size_t len;

	(void)state;
	data = tl_archive(e, 2, true, &len);
	expect_parse(data, len, -EINVAL, "first member is not MANIFEST.json");
	free(data);
	free(m);
}

/* Members in another order than the manifest's: each still meets its op. */
static void test_members_out_of_order(void **state)
{
	static const struct tl_op ops[] = {
		{ MANIFEST_OP_PUT, "a", "first\n", 0644, 0, 0 },
		{ MANIFEST_OP_PUT, "b", "second\n", 0644, 0, 0 },
		{ MANIFEST_OP_PUT, "c", "third\n", 0644, 0, 0 },
	};
	char *m = tl_manifest("fix-1", 1, NULL, ops, 3);
	struct tl_entry e[] = {
		{ .name = MANIFEST_MEMBER, .data = m },
		{ .name = "payload/2", .data = "third\n" },
		{ .name = "payload/0", .data = "first\n" },
		{ .name = "payload/1", .data = "second\n" },
	};
	struct bundle *b;
	struct err err;
	uint8_t *data;
	size_t len;

	(void)state;
	data = tl_archive(e, 4, true, &len);
	assert_int_equal(bundle_parse(data, len, &b, &err), 0);
	assert_memory_equal(b->blobs[0].data, "first\n", 6);
	assert_memory_equal(b->blobs[1].data, "second\n", 7);
	assert_memory_equal(b->blobs[2].data, "third\n", 6);
	bundle_free(b);
	free(data);
	free(m);
}

static void test_extra_member_refused(void **state)
{
	char *m = one_put("a");
	struct tl_entry e[] = {
		{ .name = "payload/0", .data = "x\n" },
		{ .name = "payload/9", .data = "surprise" },
	};

	(void)state;
	expect_entries(m, e, 2, -EINVAL, "not named in the manifest");
	free(m);
}

static void test_dotdot_member_refused(void **state)
{
	char *m = one_put("a");
	struct tl_entry e[] = {
		{ .name = "payload/0", .data = "x\n" },
		{ .name = "../../etc/passwd", .data = "root::0:0::/:/bin/sh\n" },
	};

	(void)state;
	expect_entries(m, e, 2, -EINVAL, "not named in the manifest");
	free(m);
}

static void test_missing_member_refused(void **state)
{
	char *m = one_put("a");

	(void)state;
	expect_entries(m, NULL, 0, -EINVAL, "missing");
	free(m);
}

static void test_duplicate_member_refused(void **state)
{
	char *m = one_put("a");
	struct tl_entry e[] = {
		{ .name = "payload/0", .data = "x\n" },
		{ .name = "payload/0", .data = "x\n" },
	};

	(void)state;
	expect_entries(m, e, 2, -EINVAL, "twice");
	free(m);
}

static void test_symlink_member_refused(void **state)
{
	char *m = one_put("a");
	struct tl_entry e[] = {
		{ .name = "payload/0", .type = AE_IFLNK, .link = "/etc/shadow" },
	};

	(void)state;
	expect_entries(m, e, 1, -EINVAL, "symlink");
	free(m);
}

static void test_hardlink_member_refused(void **state)
{
	char *m = one_put("a");
	struct tl_entry e[] = {
		{ .name = "payload/0", .link = MANIFEST_MEMBER, .hardlink = true },
	};

	(void)state;
	expect_entries(m, e, 1, -EINVAL, "hard link");
	free(m);
}

static void test_device_member_refused(void **state)
{
	char *m = one_put("a");
	struct tl_entry e[] = { { .name = "payload/0", .type = AE_IFCHR } };

	(void)state;
	expect_entries(m, e, 1, -EINVAL, "not a regular file");
	free(m);
}

static void test_directory_member_refused(void **state)
{
	char *m = one_put("a");
	struct tl_entry e[] = { { .name = "payload/0", .type = AE_IFDIR, .perm = 0755 } };

	(void)state;
	expect_entries(m, e, 1, -EINVAL, "not a regular file");
	free(m);
}

static void test_setuid_member_refused(void **state)
{
	char *m = one_put("a");
	struct tl_entry e[] = { { .name = "payload/0", .data = "x\n", .perm = 04755 } };

	(void)state;
	expect_entries(m, e, 1, -EINVAL, "setuid");
	free(m);
}

static void test_member_size_differs(void **state)
{
	char *m = one_put("a");
	struct tl_entry e[] = { { .name = "payload/0", .data = "xy\n" } };

	(void)state;
	expect_entries(m, e, 1, -EINVAL, "the manifest says 2");
	free(m);
}

static void test_member_hash_differs(void **state)
{
	char *m = one_put("a");
	struct tl_entry e[] = { { .name = "payload/0", .data = "y\n" } };

	(void)state;
	expect_entries(m, e, 1, -EBADMSG, "SHA-256");
	free(m);
}

static void test_manifest_too_big(void **state)
{
	char *m = malloc(MANIFEST_MAX_BYTES + 2);

	(void)state;
	memset(m, ' ', MANIFEST_MAX_BYTES + 1);
	m[0] = '{';
	m[MANIFEST_MAX_BYTES] = '}';
	m[MANIFEST_MAX_BYTES + 1] = '\0';
	expect_entries(m, NULL, 0, -EFBIG, NULL);
	free(m);
}

/** A put path the bundle must refuse. */
static void expect_bad_put(const char *path, int rc, const char *msg)
{
	char *m = one_put(path);
	struct tl_entry e[] = { { .name = "payload/0", .data = "x\n" } };

	expect_entries(m, e, 1, rc, msg);
	free(m);
}

static void test_dotdot_path_refused(void **state)
{
	(void)state;
	expect_bad_put("etc/../../outside", -EINVAL, NULL);
	expect_bad_put("..", -EINVAL, NULL);
}

static void test_absolute_path_refused(void **state)
{
	(void)state;
	expect_bad_put("/etc/passwd", -EINVAL, NULL);
}

static void test_path_longer_than_path_max_refused(void **state)
{
	char *path = malloc(PATH_MAX + 100);

	(void)state;
	for (size_t i = 0; i < PATH_MAX + 50; i += 10)
		memcpy(path + i, "abcdefghi/", 10);
	path[PATH_MAX + 49] = 'z';
	path[PATH_MAX + 50] = '\0';
	expect_bad_put(path, -EINVAL, NULL);
	free(path);
}

static void test_state_dir_refused(void **state)
{
	(void)state;
	expect_bad_put(".fixnet/receipts/fix-1.json", -EINVAL, "state directory");
	expect_bad_put(".FixNet/journal", -EINVAL, "state directory");
}

static void test_glob_without_literal_prefix_refused(void **state)
{
	const char *globs[] = { "*", "dir/*", "*.sys", "?x" };

	(void)state;
	for (size_t i = 0; i < 4; i++) {
		struct tl_op op = { MANIFEST_OP_DELETE, globs[i], NULL, 0, 5, 0 };
		char *m = tl_manifest("fix-1", 1, NULL, &op, 1);

		expect_entries(m, NULL, 0, -EINVAL, NULL);
		free(m);
	}
}

static void test_two_puts_one_path_refused(void **state)
{
	struct tl_op ops[] = {
		{ MANIFEST_OP_PUT, "etc/a", "x\n", 0644, 0, 0 },
		{ MANIFEST_OP_PUT, "etc/a", "y\n", 0644, 0, 0 },
	};
	uint8_t *data;
	size_t len;

	(void)state;
	data = tl_bundle("fix-1", 1, NULL, ops, 2, &len);
	expect_parse(data, len, -EINVAL, NULL);
	free(data);
}

static void test_put_below_put_refused(void **state)
{
	struct tl_op ops[] = {
		{ MANIFEST_OP_PUT, "etc/a", "x\n", 0644, 0, 0 },
		{ MANIFEST_OP_PUT, "etc/a-b", "z\n", 0644, 0, 0 },
		{ MANIFEST_OP_PUT, "etc/a/b", "y\n", 0644, 0, 0 },
	};
	uint8_t *data;
	size_t len;

	(void)state;
	data = tl_bundle("fix-1", 1, NULL, ops, 3, &len);
	expect_parse(data, len, -EINVAL, "below put etc/a");
	free(data);
}

static void test_setuid_mode_in_manifest_refused(void **state)
{
	struct tl_op op = { MANIFEST_OP_PUT, "bin/x", "x\n", 04755, 0, 0 };
	uint8_t *data;
	size_t len;

	(void)state;
	data = tl_bundle("fix-1", 1, NULL, &op, 1, &len);
	expect_parse(data, len, -EINVAL, NULL);
	free(data);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid_bundle),
		cmocka_unit_test(test_uncompressed_tar_accepted),
		cmocka_unit_test(test_members_out_of_order),
		cmocka_unit_test(test_sha_against_plan),
		cmocka_unit_test(test_signature_good),
		cmocka_unit_test(test_bit_flip_in_bundle_refused),
		cmocka_unit_test(test_bit_flip_in_signature_refused),
		cmocka_unit_test(test_bit_flip_in_trusted_comment_refused),
		cmocka_unit_test(test_untrusted_key_refused),
		cmocka_unit_test(test_revoked_key_refused),
		cmocka_unit_test(test_not_an_archive),
		cmocka_unit_test(test_truncated_archive),
		cmocka_unit_test(test_manifest_not_first),
		cmocka_unit_test(test_extra_member_refused),
		cmocka_unit_test(test_dotdot_member_refused),
		cmocka_unit_test(test_missing_member_refused),
		cmocka_unit_test(test_duplicate_member_refused),
		cmocka_unit_test(test_symlink_member_refused),
		cmocka_unit_test(test_hardlink_member_refused),
		cmocka_unit_test(test_device_member_refused),
		cmocka_unit_test(test_directory_member_refused),
		cmocka_unit_test(test_setuid_member_refused),
		cmocka_unit_test(test_member_size_differs),
		cmocka_unit_test(test_member_hash_differs),
		cmocka_unit_test(test_manifest_too_big),
		cmocka_unit_test(test_dotdot_path_refused),
		cmocka_unit_test(test_absolute_path_refused),
		cmocka_unit_test(test_path_longer_than_path_max_refused),
		cmocka_unit_test(test_state_dir_refused),
		cmocka_unit_test(test_glob_without_literal_prefix_refused),
		cmocka_unit_test(test_two_puts_one_path_refused),
		cmocka_unit_test(test_put_below_put_refused),
		cmocka_unit_test(test_setuid_mode_in_manifest_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
