/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "common/crypto.h"
#include "common/file.h"
#include "common/keyring.h"
#include "common/protocol.h"
#include "fixd/agent.h"
#include "fixd/bundle.h"
#include "fixd/cmd.h"

#define VERIFY_KEYS_MAX 16	/* --key options */
#define VERIFY_SIG_SUFFIX ".minisig"

/**
 * Print what a verified bundle holds.
 */
static void verify_print(const char *path, const struct bundle *b,
			 const struct minisign_sig *sig)
{
	const struct manifest *m = b->manifest;
	char keyid[MINISIGN_KEYID_STR_LEN];

	minisign_keyid_format(sig->keyid, keyid);
	printf("%s: good signature by key %s\n", path, keyid);
	printf("trusted comment: %s\n", sig->trusted_comment);
	printf("fix %s serial %llu, %zu operation(s)\n", m->id,
	       (unsigned long long)m->serial, m->nops);
	for (size_t i = 0; i < m->nops; i++) {
		const struct manifest_op *op = &m->ops[i];

		if (op->kind == MANIFEST_OP_PUT)
			printf("  put    %s (mode %04o, %llu bytes)\n", op->path,
			       (unsigned)op->mode, (unsigned long long)op->size);
		else if (op->kind == MANIFEST_OP_DELETE)
			printf("  delete %s (at most %u)\n", op->path, op->max_matches);
		else
			printf("  hook   %s (%llu bytes, timeout %us)\n", op->member,
			       (unsigned long long)op->size, op->timeout_s);
	}
}

/**
 * Load the keys: each --key file, or the keys directory.
 * @ret 0 or a negative errno
 */
static int verify_keys(struct keyring *kr, char **keys, size_t nkeys,
		       const char *dir, struct err *err)
{
	int rc = 0;

	keyring_init(kr);
	if (nkeys == 0)
		return keyring_load_dir(kr, dir, err);
	for (size_t i = 0; rc == 0 && i < nkeys; i++)
		rc = keyring_add_file(kr, keys[i], err);
	return rc;
}

/**
 * Read the bundle and its signature, verify both.
 * @ret exit code
 */
static int verify_run(const char *path, const struct keyring *kr)
{
	char sigpath[4096];
	struct buf data, sig;
	struct minisign_sig s;
	struct bundle *b = NULL;
	struct err err = { "" };
	int rc;

	if ((size_t)snprintf(sigpath, sizeof(sigpath), "%s%s", path,
			     VERIFY_SIG_SUFFIX) >= sizeof(sigpath)) {
		fprintf(stderr, "fixd verify: %s: name too long\n", path);
		return EXIT_PERMANENT;
	}
	rc = file_read(path, PROTO_BUNDLE_MAX, &data, &err);
	if (rc == 0)
		rc = file_read(sigpath, MINISIGN_FILE_MAX, &sig, &err);
	else
		buf_init(&sig, 0);
	if (rc == 0)
		rc = bundle_verify_sig(kr, sig.data, sig.len, data.data, data.len, &s,
				       &err);
	if (rc == 0)
		rc = bundle_parse(data.data, data.len, &b, &err);
	if (rc == 0)
		verify_print(path, b, &s);
	else
		fprintf(stderr, "fixd verify: %s: %s\n", path, err.msg);
	bundle_free(b);
	buf_free(&data);
	buf_free(&sig);
	return rc == 0 ? EXIT_DONE : EXIT_PERMANENT;
}

/**
 * `fixd verify [--key KEY.pub]... [--keys DIR] BUNDLE`.
 * @ret exit code
 */
int cmd_verify(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "key", required_argument, NULL, 'k' },
		{ "keys", required_argument, NULL, 'K' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char *keys[VERIFY_KEYS_MAX];
	const char *dir = FIXD_KEYS_DIR;
	struct keyring kr;
	struct err err = { "" };
	size_t nkeys = 0;
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 'k' && nkeys < VERIFY_KEYS_MAX) {
			keys[nkeys++] = optarg;
		} else if (c == 'K') {
			dir = optarg;
		} else {
			fprintf(c == 'h' ? stdout : stderr, "Usage: fixd verify "
				"[--key KEY.pub]... [--keys DIR] BUNDLE\n"
				"Checks BUNDLE against BUNDLE%s and its structure.\n",
				VERIFY_SIG_SUFFIX);
			return c == 'h' ? EXIT_DONE : EXIT_PERMANENT;
		}
	}
	if (optind + 1 != argc) {
		fprintf(stderr, "fixd verify: give exactly one BUNDLE\n");
		return EXIT_PERMANENT;
	}
	if (common_crypto_init() < 0 ||
	    verify_keys(&kr, keys, nkeys, dir, &err) < 0) {
		fprintf(stderr, "fixd verify: %s\n", err.msg[0] ? err.msg : "libsodium");
		return EXIT_PERMANENT;
	}
	return verify_run(argv[optind], &kr);
}
