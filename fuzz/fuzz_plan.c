/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: plan_parse(), the plan fixd downloads (untrusted: it comes
 * over plain HTTP).  Invariants: the limits of a parsed plan hold, and it
 * survives plan_format() -> plan_parse() unchanged, the canonical text
 * being a fixed point (unless that text would pass PROTO_PLAN_MAX, see
 * FP_GROWTH).
 */
#include <errno.h>
#include <string.h>

#include "common/manifest.h"
#include "common/plan.h"
#include "common/protocol.h"
#include "fuzz/fuzz.h"

/**
 * Check that two files of a plan are the same.
 *
 * @v a		file
 * @v b		file
 */
static void fp_file_same(const struct plan_file *a, const struct plan_file *b)
{
	FUZZ_CHECK(fuzz_str_eq(a->url, b->url));
	FUZZ_CHECK(a->size == b->size);
	FUZZ_CHECK(a->has_sha256 == b->has_sha256);
	FUZZ_CHECK(!a->has_sha256 ||
		   memcmp(a->sha256, b->sha256, SHA256_LEN) == 0);
}

/**
 * Check that two plans are the same, field by field.
 *
 * @v a		plan
 * @v b		plan
 */
static void fp_same(const struct plan *a, const struct plan *b)
{
	size_t i;

	FUZZ_CHECK(memcmp(&a->client, &b->client, sizeof(a->client)) == 0);
	FUZZ_CHECK(a->expires == b->expires);
	FUZZ_CHECK(a->nfixes == b->nfixes);
	for (i = 0; i < a->nfixes; i++) {
		FUZZ_CHECK(fuzz_str_eq(a->fixes[i].id, b->fixes[i].id));
		FUZZ_CHECK(a->fixes[i].serial == b->fixes[i].serial);
		FUZZ_CHECK(a->fixes[i].final_boot == b->fixes[i].final_boot);
		fp_file_same(&a->fixes[i].bundle, &b->fixes[i].bundle);
		fp_file_same(&a->fixes[i].signature, &b->fixes[i].signature);
	}
}

/**
 * Check the rules a parsed plan must satisfy.
 *
 * @v p		parsed plan
 */
static void fp_rules(const struct plan *p)
{
	size_t i;

	FUZZ_CHECK(p->expires >= 0);
	FUZZ_CHECK(p->nfixes <= PROTO_PLAN_FIXES_MAX);
	for (i = 0; i < p->nfixes; i++) {
		const struct plan_fix *f = &p->fixes[i];

		FUZZ_CHECK(manifest_id_check(f->id, NULL) == 0);
		FUZZ_CHECK(f->serial >= 1 && f->serial <= MANIFEST_SERIAL_MAX);
		FUZZ_CHECK(f->bundle.url[0] == '/' && f->bundle.url[1] != '/');
		FUZZ_CHECK(f->signature.url[0] == '/' &&
			   f->signature.url[1] != '/');
		FUZZ_CHECK(f->bundle.has_sha256);
		FUZZ_CHECK(f->bundle.size >= 1 &&
			   f->bundle.size <= PROTO_BUNDLE_MAX);
		FUZZ_CHECK(f->signature.size >= 1 &&
			   f->signature.size <= PROTO_SIG_MAX);
	}
}

/*
 * The canonical text may be longer than the input: a MAC given as 12 digits
 * is written with colons, and a newline ends it.  plan_format() may then
 * refuse a plan close to PROTO_PLAN_MAX with -EFBIG, and only then.
 */
#define FP_GROWTH 6

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buf text, again;
	struct plan *p, *back;
	struct err err;
	int rc;

	if (plan_parse((const char *)data, size, &p, &err) < 0)
		return 0;
	fp_rules(p);
	buf_init(&text, PROTO_PLAN_MAX);
	buf_init(&again, PROTO_PLAN_MAX);
	rc = plan_format(p, &text);
	FUZZ_CHECK(rc == 0 ||
		   (rc == -EFBIG && size + FP_GROWTH > PROTO_PLAN_MAX));
	if (rc == 0) {
		FUZZ_CHECK(plan_parse(text.data, text.len, &back, &err) == 0);
		fp_same(p, back);
		FUZZ_CHECK(plan_format(back, &again) == 0);
		FUZZ_CHECK(again.len == text.len &&
			   memcmp(again.data, text.data, text.len) == 0);
		plan_free(back);
	}
	buf_free(&again);
	buf_free(&text);
	plan_free(p);
	return 0;
}
