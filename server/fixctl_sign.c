/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "common/file.h"
#include "common/keyring.h"
#include "common/minisign.h"
#include "common/protocol.h"
#include "fixd/bundle.h"
#include "fixd/sha.h"
#include "server/fixctl.h"

#define SIGN_SUFFIX ".minisig"
#define SIGN_UNTRUSTED "signature from fixctl secret key"

/**
 * Load a secret key, asking for its password only if it is encrypted.
 * @ret 0 or a negative errno
 */
static int sign_load_key(const char *path, const char *password_file,
			 struct minisign_seckey *sk, struct err *err)
{
	char password[FIXCTL_PASSWORD_MAX];
	struct buf text;
	int rc;

	rc = file_read(path, MINISIGN_FILE_MAX, &text, err);
	if (rc < 0)
		return rc;
	rc = minisign_seckey_parse(text.data, text.len, NULL, sk, err);
	if (rc == -EACCES) {
		err->msg[0] = '\0';
		if (password_file)
			rc = fixctl_password_file(password_file, password,
						  sizeof(password), err);
		else
			rc = fixctl_password_tty("Password for the secret key: ", false,
						 password, sizeof(password), err);
		if (rc == -ENXIO)
			err_set(err, rc, "%s is encrypted and there is no terminal to "
				"ask for its password: give --password-file FILE", path);
		if (rc == 0)
			rc = minisign_seckey_parse(text.data, text.len, password, sk, err);
		sodium_memzero(password, sizeof(password));
	}
	sodium_memzero(text.data, text.len);
	buf_free(&text);
	return rc;
}

/**
 * Sign a bundle file: the trusted comment names the file, the fix and its
 * serial; the signature is checked against the key's public half.
 * @ret 0 or a negative errno
 */
static int sign_run(const char *path, const struct minisign_seckey *sk,
		    struct err *err)
{
	char sigpath[PATH_MAX], name[PATH_MAX], comment[MINISIGN_COMMENT_MAX + 1];
	uint8_t hash[MINISIGN_HASH_LEN];
	struct minisign_pubkey pk;
	struct minisign_sig sig;
	struct bundle *b = NULL;
	struct buf data, out;
	int rc;

	snprintf(sigpath, sizeof(sigpath), "%s%s", path, SIGN_SUFFIX);
	snprintf(name, sizeof(name), "%s", path);
	buf_init(&out, MINISIGN_FILE_MAX);
	rc = file_read(path, PROTO_BUNDLE_MAX, &data, err);
	if (rc == 0)
		rc = bundle_parse(data.data, data.len, &b, err);
	if (rc < 0)
		goto out;
	snprintf(comment, sizeof(comment), "timestamp:%lld\tfile:%s\tfix:%s\t"
		 "serial:%llu\thashed", (long long)time(NULL), basename(name),
		 b->manifest->id, (unsigned long long)b->manifest->serial);
	minisign_prehash(data.data, data.len, hash);
	minisign_seckey_pubkey(sk, &pk);
	rc = minisign_sign_hash(sk, hash, SIGN_UNTRUSTED, comment, &out, err);
	if (rc == 0)
		rc = minisign_sig_parse(out.data, out.len, &sig, err);
	if (rc == 0)
		rc = minisign_verify_hash(&sig, &pk, 1, hash, NULL, err);
	if (rc == 0)
		rc = fixctl_write_file(sigpath, out.data, out.len, 0644, true, err);
	if (rc == 0)
		printf("%s: signed; trusted comment: %s\n", sigpath, comment);
out:
	bundle_free(b);
	buf_free(&data);
	buf_free(&out);
	return rc;
}

/**
 * `fixctl bundle sign --key NAME [--password-file F] BUNDLE`.
 * @ret exit code
 */
int fixctl_bundle_sign(const struct fixctl_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "key", required_argument, NULL, 'k' },
		{ "password-file", required_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *key = NULL, *password_file = NULL;
	struct minisign_seckey sk;
	struct err err = { "" };
	int c, rc;

	(void)ctx;
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 'k')
			key = optarg;
		else if (c == 'p')
			password_file = optarg;
		else
			return fixctl_usage("bundle", "sign", c == 'h');
	}
	if (!key || optind + 1 != argc)
		return fixctl_usage("bundle", "sign", false);
	rc = sign_load_key(key, password_file, &sk, &err);
	if (rc == 0)
		rc = sign_run(argv[optind], &sk, &err);
	sodium_memzero(&sk, sizeof(sk));
	if (rc < 0) {
		fprintf(stderr, "fixctl bundle sign: %s\n", err.msg);
		return FIXCTL_EXIT_PERMANENT;
	}
	return FIXCTL_EXIT_OK;
}
