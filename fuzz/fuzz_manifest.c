/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: manifest_parse(), the bundle manifest (untrusted: it comes
 * out of a downloaded bundle).  Invariants: every path of a manifest that
 * parses passes the path rules again, and the manifest survives
 * manifest_format() -> manifest_parse() unchanged, the canonical text being
 * a fixed point (unless that text would pass MANIFEST_MAX_BYTES, see
 * FM_GROWTH_PER_OP).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/manifest.h"
#include "fuzz/fuzz.h"

/**
 * Check that two manifests are the same, field by field.
 *
 * @v a		manifest
 * @v b		manifest
 */
static void fm_same(const struct manifest *a, const struct manifest *b)
{
	size_t i;

	FUZZ_CHECK(a->format == b->format);
	FUZZ_CHECK(fuzz_str_eq(a->id, b->id));
	FUZZ_CHECK(a->serial == b->serial);
	FUZZ_CHECK(fuzz_str_eq(a->description, b->description));
	FUZZ_CHECK(fuzz_str_eq(a->target.label, b->target.label));
	FUZZ_CHECK(fuzz_str_eq(a->target.uuid, b->target.uuid));
	FUZZ_CHECK(fuzz_str_eq(a->target.fstype, b->target.fstype));
	FUZZ_CHECK(fuzz_str_eq(a->target.path, b->target.path));
	FUZZ_CHECK(a->nops == b->nops);
	for (i = 0; i < a->nops; i++) {
		const struct manifest_op *x = &a->ops[i], *y = &b->ops[i];

		FUZZ_CHECK(x->kind == y->kind);
		FUZZ_CHECK(fuzz_str_eq(x->path, y->path));
		FUZZ_CHECK(fuzz_str_eq(x->member, y->member));
		FUZZ_CHECK(x->mode == y->mode);
		FUZZ_CHECK(x->size == y->size);
		FUZZ_CHECK(memcmp(x->sha256, y->sha256, SHA256_LEN) == 0);
		FUZZ_CHECK(x->max_matches == y->max_matches);
		FUZZ_CHECK(x->timeout_s == y->timeout_s);
	}
}

/**
 * Check the rules a parsed manifest must satisfy.
 *
 * @v m		parsed manifest
 */
static void fm_rules(const struct manifest *m)
{
	size_t i;

	FUZZ_CHECK(m->format == MANIFEST_FORMAT);
	FUZZ_CHECK(manifest_id_check(m->id, NULL) == 0);
	FUZZ_CHECK(m->serial >= 1 && m->serial <= MANIFEST_SERIAL_MAX);
	FUZZ_CHECK(m->nops >= 1 && m->nops <= MANIFEST_MAX_OPS);
	for (i = 0; i < m->nops; i++) {
		const struct manifest_op *op = &m->ops[i];

		switch (op->kind) {
		case MANIFEST_OP_PUT:
			FUZZ_CHECK(manifest_path_check(op->path, NULL) == 0);
			FUZZ_CHECK(!(op->mode & 06000) && op->mode <= 07777);
			break;
		case MANIFEST_OP_DELETE:
			FUZZ_CHECK(manifest_glob_check(op->path, NULL) == 0);
			FUZZ_CHECK(!op->member);
			FUZZ_CHECK(op->max_matches >= 1 &&
				   op->max_matches <= MANIFEST_DELETE_MAX_LIMIT);
			break;
		case MANIFEST_OP_HOOK:
			FUZZ_CHECK(!op->path);
			FUZZ_CHECK(op->timeout_s >= 1 &&
				   op->timeout_s <= MANIFEST_HOOK_TIMEOUT_MAX);
			break;
		default:
			fuzz_fail(__FILE__, __LINE__, "unknown op kind");
		}
		if (op->kind != MANIFEST_OP_DELETE) {
			FUZZ_CHECK(manifest_path_check(op->member, NULL) == 0);
			FUZZ_CHECK(strcmp(op->member, MANIFEST_MEMBER) != 0);
			FUZZ_CHECK(op->size <= MANIFEST_FILE_MAX);
		}
	}
}

/*
 * The canonical text writes defaults out ("max", "timeout", a four-digit
 * mode), so it may be longer than the input by at most this much per op
 * (`,"timeout":3600`) plus a newline: manifest_format() may then refuse a
 * manifest close to MANIFEST_MAX_BYTES with -EFBIG, and only then.
 */
#define FM_GROWTH_PER_OP 15

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct manifest *m, *back;
	struct buf text, again;
	struct err err;
	int rc;

	if (manifest_parse((const char *)data, size, &m, &err) < 0)
		return 0;
	fm_rules(m);
	buf_init(&text, MANIFEST_MAX_BYTES);
	buf_init(&again, MANIFEST_MAX_BYTES);
	rc = manifest_format(m, &text);
	FUZZ_CHECK(rc == 0 || (rc == -EFBIG && size + 1 + FM_GROWTH_PER_OP *
			       m->nops > MANIFEST_MAX_BYTES));
	if (rc == 0) {
		FUZZ_CHECK(manifest_parse(text.data, text.len, &back, &err) == 0);
		fm_same(m, back);
		FUZZ_CHECK(manifest_format(back, &again) == 0);
		FUZZ_CHECK(again.len == text.len &&
			   memcmp(again.data, text.data, text.len) == 0);
		manifest_free(back);
	}
	buf_free(&again);
	buf_free(&text);
	manifest_free(m);
	return 0;
}
