/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: bundle_parse() of fixd (fixd/bundle.c), a fix bundle read
 * from memory: libarchive's tar reader behind zstd, xz or gzip, then the
 * manifest and every member.  fixd checks the signature first, but the
 * reader is bounded as a parser of untrusted input.  Invariants on a bundle
 * that parses: its manifest passes bundle_paths_check(); every put and hook
 * has its blob, of the manifest's size and SHA-256 (computed here with
 * libsodium, not with fixd's own code); a delete has none.
 */
#include <string.h>

#include <sodium.h>

#include "fixd/bundle.h"
#include "fuzz/fuzz.h"

/**
 * Check one op of a parsed bundle against its blob.
 *
 * @v op	manifest op
 * @v blob	its blob
 */
static void fb_blob(const struct manifest_op *op, const struct bundle_blob *blob)
{
	uint8_t sha[SHA256_LEN];

	if (op->kind == MANIFEST_OP_DELETE) {
		FUZZ_CHECK(!blob->data && blob->size == 0);
		return;
	}
	FUZZ_CHECK(blob->data != NULL);
	FUZZ_CHECK(blob->size == op->size);
	crypto_hash_sha256(sha, blob->data, blob->size);
	FUZZ_CHECK(memcmp(sha, op->sha256, SHA256_LEN) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bundle *b;
	struct err err;
	size_t i;

	if (bundle_parse(data, size, &b, &err) < 0)
		return 0;
	FUZZ_CHECK(b->manifest && b->blobs);
	FUZZ_CHECK(bundle_paths_check(b->manifest, NULL) == 0);
	for (i = 0; i < b->manifest->nops; i++)
		fb_blob(&b->manifest->ops[i], &b->blobs[i]);
	bundle_free(b);
	return 0;
}
