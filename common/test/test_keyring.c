/* SPDX-License-Identifier: MIT */
/* Unit tests of common/keyring.c, on key directories in /tmp. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/keyring.h"
#include "common/test/minisign_fixtures.h"

struct fixture {
	char dir[64];
	struct keyring kr;
};

/**
 * Write a file into the test directory.
 *
 * @v f		fixture
 * @v name	file name
 * @v text	content
 */
static void put(struct fixture *f, const char *name, const char *text)
{
	char path[256];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", f->dir, name);
	fp = fopen(path, "w");
	assert_non_null(fp);
	assert_int_equal(fwrite(text, 1, strlen(text), fp), strlen(text));
	assert_int_equal(fclose(fp), 0);
}

/**
 * The parsed signature fixture and the hash of its message.
 *
 * @v sig	filled
 * @v h		filled
 */
static void signed_msg(struct minisign_sig *sig, uint8_t h[MINISIGN_HASH_LEN])
{
	struct err e;

	assert_int_equal(minisign_sig_parse(a_sig, strlen(a_sig), sig, &e), 0);
	minisign_prehash(msg, strlen(msg), h);
}

/* Both keys of a directory are loaded; a signature by one verifies. */
static void test_load_and_verify(void **state)
{
	struct fixture *f = *state;
	uint8_t h[MINISIGN_HASH_LEN];
	struct minisign_sig sig;
	struct err e;

	put(f, "a.pub", a_pub);
	put(f, "c.pub", c_pub);
	assert_int_equal(keyring_load_dir(&f->kr, f->dir, &e), 0);
	assert_int_equal(f->kr.nkeys, 2);
	assert_int_equal(f->kr.nrevoked, 0);
	signed_msg(&sig, h);
	assert_int_equal(keyring_verify_hash(&f->kr, &sig, h, &e), 0);
	h[0] ^= 1;
	assert_int_equal(keyring_verify_hash(&f->kr, &sig, h, &e), -EBADMSG);
}

/* A revoked key id is refused even though its .pub is present. */
static void test_revoked_refused(void **state)
{
	struct fixture *f = *state;
	uint8_t h[MINISIGN_HASH_LEN];
	struct minisign_sig sig;
	struct err e;

	put(f, "a.pub", a_pub);
	put(f, "revoked", "# compromised 2026-11-20\n"
			  "\n"
			  "  D0A939E6FEA9F93   # key A, as minisign 0.11 prints it\n"
			  "AED1E3BB4AEF4760\r\n");
	assert_int_equal(keyring_load_dir(&f->kr, f->dir, &e), 0);
	assert_int_equal(f->kr.nkeys, 1);
	assert_int_equal(f->kr.nrevoked, 2);
	signed_msg(&sig, h);
	assert_true(keyring_is_revoked(&f->kr, sig.keyid));
	assert_int_equal(keyring_verify_hash(&f->kr, &sig, h, &e),
			 -EKEYREVOKED);
	assert_non_null(strstr(e.msg, "0D0A939E6FEA9F93"));
	assert_non_null(strstr(e.msg, "revoked"));
}

/* A signature by a key that is not in the directory: -ENOKEY. */
static void test_unknown_key(void **state)
{
	struct fixture *f = *state;
	uint8_t h[MINISIGN_HASH_LEN];
	struct minisign_sig sig;
	struct err e;

	put(f, "c.pub", c_pub);
	assert_int_equal(keyring_load_dir(&f->kr, f->dir, &e), 0);
	signed_msg(&sig, h);
	assert_int_equal(keyring_verify_hash(&f->kr, &sig, h, &e), -ENOKEY);
}

/* An empty directory loads no key and trusts nothing. */
static void test_empty_dir(void **state)
{
	struct fixture *f = *state;
	uint8_t h[MINISIGN_HASH_LEN];
	struct minisign_sig sig;
	struct err e;

	assert_int_equal(keyring_load_dir(&f->kr, f->dir, &e), 0);
	assert_int_equal(f->kr.nkeys, 0);
	signed_msg(&sig, h);
	assert_int_equal(keyring_verify_hash(&f->kr, &sig, h, &e), -ENOKEY);
}

/* Only *.pub files count; hidden ones and other names are skipped. */
static void test_other_files_ignored(void **state)
{
	struct fixture *f = *state;
	struct err e;

	put(f, "a.pub", a_pub);
	put(f, "README", "not a key");
	put(f, ".c.pub", "not a key either");
	put(f, "c.pub.old", "nor this");
	put(f, ".pub", "nor this");
	assert_int_equal(keyring_load_dir(&f->kr, f->dir, &e), 0);
	assert_int_equal(f->kr.nkeys, 1);
}

/* One malformed .pub fails the whole load and names the file. */
static void test_malformed_pub_fails_load(void **state)
{
	struct fixture *f = *state;
	struct err e;

	put(f, "a.pub", a_pub);
	put(f, "b.pub", "untrusted comment: typo\nRWRAxB7gpK/0UreAMH4b7Ep\n");
	assert_int_equal(keyring_load_dir(&f->kr, f->dir, &e), -EINVAL);
	assert_non_null(strstr(e.msg, "b.pub"));
	assert_int_equal(f->kr.nkeys, 0);
}

/* A bad line of the revoked file fails the load, naming file and line. */
static void test_malformed_revoked(void **state)
{
	struct fixture *f = *state;
	struct err e;

	put(f, "a.pub", a_pub);
	put(f, "revoked", "AED1E3BB4AEF4769\nAED1E3BB4AEF476Z\n");
	assert_int_equal(keyring_load_dir(&f->kr, f->dir, &e), -EINVAL);
	assert_non_null(strstr(e.msg, "revoked:2"));
	assert_int_equal(f->kr.nkeys, 0);
	assert_int_equal(f->kr.nrevoked, 0);
	put(f, "revoked", "AED1E3BB4AEF4769 52F4AFA4E01EC440\n");
	assert_int_equal(keyring_load_dir(&f->kr, f->dir, &e), -EINVAL);
}

/* A revoked file over its size limit: -EFBIG. */
static void test_revoked_too_large(void **state)
{
	struct fixture *f = *state;
	char *big = malloc(KEYRING_REVOKED_FILE_MAX + 2);
	struct err e;

	assert_non_null(big);
	memset(big, '#', KEYRING_REVOKED_FILE_MAX + 1);
	big[KEYRING_REVOKED_FILE_MAX + 1] = '\0';
	put(f, "revoked", big);
	assert_int_equal(keyring_load_dir(&f->kr, f->dir, &e), -EFBIG);
	free(big);
}

/* A missing directory: -ENOENT. */
static void test_no_such_dir(void **state)
{
	struct fixture *f = *state;
	struct err e;

	assert_int_equal(keyring_load_dir(&f->kr, "/nonexistent/fixnet-keys",
					  &e), -ENOENT);
	assert_non_null(strstr(e.msg, "/nonexistent/fixnet-keys"));
}

/* More than KEYRING_MAX_KEYS keys: -E2BIG. */
static void test_too_many_keys(void **state)
{
	struct fixture *f = *state;
	struct minisign_seckey sk;
	struct minisign_pubkey pk;
	char name[32];
	struct err e;
	struct buf b;
	int i;

	buf_init(&b, MINISIGN_FILE_MAX);
	for (i = 0; i <= KEYRING_MAX_KEYS; i++) {
		assert_int_equal(minisign_keypair_generate(&sk, &pk), 0);
		buf_reset(&b);
		assert_int_equal(minisign_pubkey_format(&pk, &b), 0);
		snprintf(name, sizeof(name), "k%03d.pub", i);
		put(f, name, b.data);
	}
	buf_free(&b);
	assert_int_equal(keyring_load_dir(&f->kr, f->dir, &e), -E2BIG);
	assert_int_equal(f->kr.nkeys, 0);
}

/* One file added by path, the same key twice counts once. */
static void test_add_file(void **state)
{
	struct fixture *f = *state;
	char path[128];
	struct err e;

	put(f, "a.pub", a_pub);
	snprintf(path, sizeof(path), "%s/a.pub", f->dir);
	assert_int_equal(keyring_add_file(&f->kr, path, &e), 0);
	assert_int_equal(keyring_add_file(&f->kr, path, &e), 0);
	assert_int_equal(f->kr.nkeys, 1);
	snprintf(path, sizeof(path), "%s/missing.pub", f->dir);
	assert_int_equal(keyring_add_file(&f->kr, path, &e), -ENOENT);
	assert_int_equal(keyring_add_file(&f->kr, f->dir, &e), -EINVAL);
}

/**
 * A fresh temporary directory and an empty keyring for each test.
 *
 * @v state	set to the fixture
 * @ret 0
 */
static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	snprintf(f->dir, sizeof(f->dir), "/tmp/fixnet-keyring-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	keyring_init(&f->kr);
	*state = f;
	return 0;
}

/**
 * Remove the directory and its files.
 *
 * @v state	the fixture
 * @ret 0
 */
static int teardown(void **state)
{
	struct fixture *f = *state;
	struct dirent *d;
	char path[512];
	DIR *dir = opendir(f->dir);

	while (dir && (d = readdir(dir))) {
		if (!strcmp(d->d_name, ".") || !strcmp(d->d_name, ".."))
			continue;
		snprintf(path, sizeof(path), "%s/%s", f->dir, d->d_name);
		unlink(path);
	}
	if (dir)
		closedir(dir);
	rmdir(f->dir);
	free(f);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_load_and_verify, setup, teardown),
		cmocka_unit_test_setup_teardown(test_revoked_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unknown_key, setup, teardown),
		cmocka_unit_test_setup_teardown(test_empty_dir, setup, teardown),
		cmocka_unit_test_setup_teardown(test_other_files_ignored, setup, teardown),
		cmocka_unit_test_setup_teardown(test_malformed_pub_fails_load, setup, teardown),
		cmocka_unit_test_setup_teardown(test_malformed_revoked, setup, teardown),
		cmocka_unit_test_setup_teardown(test_revoked_too_large, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_such_dir, setup, teardown),
		cmocka_unit_test_setup_teardown(test_too_many_keys, setup, teardown),
		cmocka_unit_test_setup_teardown(test_add_file, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
