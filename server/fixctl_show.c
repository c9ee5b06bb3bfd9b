/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "common/file.h"
#include "common/keyring.h"
#include "common/protocol.h"
#include "fixd/bundle.h"
#include "fixd/sha.h"
#include "server/fixctl.h"

/** Print the selector. */
static void show_target(const struct manifest_target *t)
{
	if (!t->label && !t->uuid && !t->fstype && !t->path) {
		printf("target:      auto (the only filesystem fixd can mount)\n");
		return;
	}
	printf("target:     ");
	if (t->label)
		printf(" label=%s", t->label);
	if (t->uuid)
		printf(" uuid=%s", t->uuid);
	if (t->fstype)
		printf(" fstype=%s", t->fstype);
	if (t->path)
		printf(" path=%s", t->path);
	printf("\n");
}

/** Print one op. */
static void show_op(size_t i, const struct manifest_op *op)
{
	char sha[SHA256_HEX_LEN];

	hex_encode(op->sha256, SHA256_LEN, sha);
	switch (op->kind) {
	case MANIFEST_OP_PUT:
		printf("  %3zu put    %s\n        mode %04o, %llu bytes, sha256 %s "
		       "(member %s)\n", i + 1, op->path, (unsigned)op->mode,
		       (unsigned long long)op->size, sha, op->member);
		break;
	case MANIFEST_OP_DELETE:
		printf("  %3zu delete %s\n        regular files only, at most %u\n",
		       i + 1, op->path, op->max_matches);
		break;
	case MANIFEST_OP_HOOK:
		printf("  %3zu hook   %s, %llu bytes, sha256 %s\n        runs after "
		       "the files, timeout %us\n", i + 1, op->member,
		       (unsigned long long)op->size, sha, op->timeout_s);
		break;
	}
}

/** Print a bundle's manifest. */
static void show_print(const char *path, const struct buf *data,
		       const struct bundle *b)
{
	const struct manifest *m = b->manifest;
	uint8_t digest[SHA256_LEN];
	char sha[SHA256_HEX_LEN];

	sha_buf(data->data, data->len, digest);
	hex_encode(digest, SHA256_LEN, sha);
	printf("bundle:      %s (%zu bytes)\nsha256:      %s\n", path, data->len, sha);
	printf("fix:         %s\nserial:      %llu\n", m->id,
	       (unsigned long long)m->serial);
	if (m->description)
		printf("description: %s\n", m->description);
	show_target(&m->target);
	printf("operations:  %zu\n", m->nops);
	for (size_t i = 0; i < m->nops; i++)
		show_op(i, &m->ops[i]);
}

/**
 * Verify BUNDLE.minisig with one public key.
 * @ret 0 or a negative errno
 */
static int show_verify(const char *path, const char *key, const struct buf *data,
		       struct err *err)
{
	char sigpath[PATH_MAX], id[MINISIGN_KEYID_STR_LEN];
	struct minisign_sig sig;
	struct keyring kr;
	struct buf text;
	int rc;

	snprintf(sigpath, sizeof(sigpath), "%s.minisig", path);
	keyring_init(&kr);
	rc = keyring_add_file(&kr, key, err);
	if (rc < 0)
		return rc;
	rc = file_read(sigpath, MINISIGN_FILE_MAX, &text, err);
	if (rc == 0)
		rc = bundle_verify_sig(&kr, text.data, text.len, data->data, data->len,
				       &sig, err);
	buf_free(&text);
	if (rc < 0)
		return rc;
	minisign_keyid_format(sig.keyid, id);
	printf("signature:   good, key %s\ntrusted:     %s\n", id,
	       sig.trusted_comment);
	return 0;
}

/**
 * `fixctl bundle show [--key KEY.pub] BUNDLE`.
 * @ret exit code
 */
int fixctl_bundle_show(const struct fixctl_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "key", required_argument, NULL, 'k' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *key = NULL, *path;
	struct bundle *b = NULL;
	struct err err = { "" };
	struct buf data;
	int c, rc;

	(void)ctx;
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 'k')
			key = optarg;
		else
			return fixctl_usage("bundle", "show", c == 'h');
	}
	if (optind + 1 != argc)
		return fixctl_usage("bundle", "show", false);
	path = argv[optind];
	rc = file_read(path, PROTO_BUNDLE_MAX, &data, &err);
	if (rc == 0)
		rc = bundle_parse(data.data, data.len, &b, &err);
	if (rc == 0)
		show_print(path, &data, b);
	if (rc == 0 && key)
		rc = show_verify(path, key, &data, &err);
	bundle_free(b);
	buf_free(&data);
	if (rc < 0) {
		fprintf(stderr, "fixctl bundle show: %s: %s\n", path, err.msg);
		return FIXCTL_EXIT_PERMANENT;
	}
	return FIXCTL_EXIT_OK;
}
