/* SPDX-License-Identifier: MIT */
/*
 * Integration test: common/minisign against Debian's minisign binary, both
 * ways, on files in a temporary directory.  Skipped (exit 77) when minisign
 * is not installed.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sodium.h>

#include "common/minisign.h"

extern char **environ;

static const char msg[] = "fixnet interop message\n";

/**
 * Run a program with its output discarded and optional standard input.
 *
 * @v argv	program and arguments (looked up in PATH)
 * @v input	text for its standard input, or NULL
 * @ret its exit status, 127 if it could not start, -1 if it died
 */
static int run(char *const argv[], const char *input)
{
	posix_spawn_file_actions_t fa;
	int in[2], status;
	pid_t pid;

	if (pipe(in) < 0)
		return -1;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, in[0], 0);
	posix_spawn_file_actions_addclose(&fa, in[1]);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	if (posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ) != 0) {
		posix_spawn_file_actions_destroy(&fa);
		close(in[0]);
		close(in[1]);
		return 127;
	}
	posix_spawn_file_actions_destroy(&fa);
	close(in[0]);
	if (input && write(in[1], input, strlen(input)) < 0)
		status = -1;
	close(in[1]);
	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

/**
 * Write a file in the test directory.
 *
 * @v dir	directory
 * @v name	file name
 * @v data	content
 * @v len	its length
 */
static void put(const char *dir, const char *name, const void *data,
		size_t len)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

/**
 * Read a file of the test directory into a buffer.
 *
 * @v dir	directory
 * @v name	file name
 * @v b		buffer, reset first
 */
static void get(const char *dir, const char *name, struct buf *b)
{
	char path[512], chunk[1024];
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "r");
	assert_non_null(f);
	buf_reset(b);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		assert_int_equal(buf_append(b, chunk, n), 0);
	fclose(f);
}

/**
 * Path of a file in the test directory.
 *
 * @v dir	directory
 * @v name	file name
 * @ret a static buffer (one of four, used in turn)
 */
static char *at(const char *dir, const char *name)
{
	static char paths[4][512];
	static int next;
	char *p = paths[next++ % 4];

	snprintf(p, sizeof(paths[0]), "%s/%s", dir, name);
	return p;
}

/* Our key and signature verify with `minisign -V` (and -H, prehashed). */
static void test_our_signature_minisign_verifies(void **state)
{
	const char *dir = *state;
	uint8_t h[MINISIGN_HASH_LEN];
	struct minisign_seckey sk;
	struct minisign_pubkey pk;
	struct err e;
	struct buf b;

	assert_int_equal(minisign_keypair_generate(&sk, &pk), 0);
	buf_init(&b, MINISIGN_FILE_MAX);
	assert_int_equal(minisign_pubkey_format(&pk, &b), 0);
	put(dir, "ours.pub", b.data, b.len);
	put(dir, "msg", msg, strlen(msg));
	minisign_prehash(msg, strlen(msg), h);
	buf_reset(&b);
	assert_int_equal(minisign_sign_hash(&sk, h, NULL, "fixnet interop", &b,
					    &e), 0);
	put(dir, "msg.minisig", b.data, b.len);
	assert_int_equal(run((char *[]){ "minisign", "-V", "-H", "-p",
			 at(dir, "ours.pub"), "-m", at(dir, "msg"), NULL },
			 NULL), 0);
	/* and a changed message fails there too */
	put(dir, "msg", "fixnet interop messagf\n", strlen(msg));
	assert_int_equal(run((char *[]){ "minisign", "-V", "-p",
			 at(dir, "ours.pub"), "-m", at(dir, "msg"), "-x",
			 at(dir, "msg.minisig"), NULL }, NULL), 1);
	buf_free(&b);
}

/* Our secret key files, plain and encrypted, sign with `minisign -S`. */
static void test_our_seckey_minisign_signs(void **state)
{
	const char *dir = *state;
	struct minisign_sig sig;
	struct minisign_seckey sk;
	struct minisign_pubkey pk;
	struct err e;
	struct buf b;

	assert_int_equal(minisign_keypair_generate(&sk, &pk), 0);
	buf_init(&b, MINISIGN_FILE_MAX);
	assert_int_equal(minisign_seckey_format(&sk, NULL, &b), 0);
	put(dir, "plain.key", b.data, b.len);
	buf_reset(&b);
	assert_int_equal(minisign_seckey_format_kdf(&sk, "interop-pw",
			 crypto_pwhash_scryptsalsa208sha256_OPSLIMIT_MIN,
			 crypto_pwhash_scryptsalsa208sha256_MEMLIMIT_MIN, &b), 0);
	put(dir, "enc.key", b.data, b.len);
	put(dir, "msg", msg, strlen(msg));

	assert_int_equal(run((char *[]){ "minisign", "-S", "-W", "-s",
			 at(dir, "plain.key"), "-m", at(dir, "msg"), "-x",
			 at(dir, "plain.minisig"), NULL }, NULL), 0);
	get(dir, "plain.minisig", &b);
	assert_int_equal(minisign_sig_parse(b.data, b.len, &sig, &e), 0);
	assert_int_equal(minisign_verify(&sig, &pk, 1, msg, strlen(msg), NULL,
					 &e), 0);

	assert_int_equal(run((char *[]){ "minisign", "-S", "-s",
			 at(dir, "enc.key"), "-m", at(dir, "msg"), "-x",
			 at(dir, "enc.minisig"), NULL }, "interop-pw\n"), 0);
	get(dir, "enc.minisig", &b);
	assert_int_equal(minisign_sig_parse(b.data, b.len, &sig, &e), 0);
	assert_int_equal(minisign_verify(&sig, &pk, 1, msg, strlen(msg), NULL,
					 &e), 0);
	buf_free(&b);
}

/* A fresh `minisign -G -W` key pair: minisign signs, we verify. */
static void test_minisign_key_we_read(void **state)
{
	const char *dir = *state;
	struct minisign_pubkey pk, derived;
	struct minisign_seckey sk;
	struct minisign_sig sig;
	struct err e;
	struct buf b;

	assert_int_equal(run((char *[]){ "minisign", "-G", "-f", "-W", "-p",
			 at(dir, "theirs.pub"), "-s", at(dir, "theirs.key"),
			 NULL }, NULL), 0);
	put(dir, "msg", msg, strlen(msg));
	assert_int_equal(run((char *[]){ "minisign", "-S", "-W", "-s",
			 at(dir, "theirs.key"), "-m", at(dir, "msg"), "-x",
			 at(dir, "theirs.minisig"), NULL }, NULL), 0);
	buf_init(&b, MINISIGN_FILE_MAX);
	get(dir, "theirs.pub", &b);
	assert_int_equal(minisign_pubkey_parse(b.data, b.len, &pk, &e), 0);
	get(dir, "theirs.key", &b);
	assert_int_equal(minisign_seckey_parse(b.data, b.len, NULL, &sk, &e),
			 0);
	minisign_seckey_pubkey(&sk, &derived);
	assert_memory_equal(&derived, &pk, sizeof(pk));
	get(dir, "theirs.minisig", &b);
	assert_int_equal(minisign_sig_parse(b.data, b.len, &sig, &e), 0);
	assert_int_equal(minisign_verify(&sig, &pk, 1, msg, strlen(msg), NULL,
					 &e), 0);
	buf_free(&b);
}

/**
 * Make the temporary directory.
 *
 * @v state	set to its path
 * @ret 0
 */
static int setup(void **state)
{
	static char dir[] = "/tmp/fixnet-interop-XXXXXX";

	assert_non_null(mkdtemp(dir));
	*state = dir;
	return 0;
}

/**
 * Remove the temporary directory and its files.
 *
 * @v state	its path
 * @ret 0
 */
static int teardown(void **state)
{
	static const char *names[] = { "ours.pub", "msg", "msg.minisig",
		"plain.key", "enc.key", "plain.minisig", "enc.minisig",
		"theirs.pub", "theirs.key", "theirs.minisig" };
	const char *dir = *state;
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		unlink(at(dir, names[i]));
	rmdir(dir);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_our_signature_minisign_verifies),
		cmocka_unit_test(test_our_seckey_minisign_signs),
		cmocka_unit_test(test_minisign_key_we_read),
	};

	if (run((char *[]){ "minisign", "-v", NULL }, NULL) != 0) {
		printf("SKIPPED: the minisign binary is not installed "
		       "(apt-get install minisign)\n");
		return 77;
	}
	return cmocka_run_group_tests(tests, setup, teardown);
}
