/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: report_parse(), the report body an agent POSTs to
 * /api/v1/report (untrusted: anyone on the LAN can post one).  Invariants:
 * the rules of a parsed report hold, and it survives report_format() ->
 * report_parse() unchanged, the canonical text being a fixed point (unless
 * that text would pass PROTO_REPORT_MAX, see FR_GROWTH).
 */
#include <errno.h>
#include <string.h>

#include "common/manifest.h"
#include "common/protocol.h"
#include "common/report.h"
#include "fuzz/fuzz.h"

/**
 * Check that two evidence entries are the same.
 *
 * @v a		entry
 * @v b		entry
 */
static void fr_evidence_same(const struct report_evidence *a,
			     const struct report_evidence *b)
{
	FUZZ_CHECK(fuzz_str_eq(a->path, b->path));
	FUZZ_CHECK(fuzz_str_eq(a->op, b->op));
	FUZZ_CHECK(a->has_before == b->has_before);
	FUZZ_CHECK(a->has_after == b->has_after);
	FUZZ_CHECK(!a->has_before ||
		   memcmp(a->before, b->before, SHA256_LEN) == 0);
	FUZZ_CHECK(!a->has_after || memcmp(a->after, b->after, SHA256_LEN) == 0);
}

/**
 * Check that two reports are the same, field by field.
 *
 * @v a		report
 * @v b		report
 */
static void fr_same(const struct report *a, const struct report *b)
{
	size_t i;

	FUZZ_CHECK(fuzz_str_eq(a->fix, b->fix));
	FUZZ_CHECK(a->serial == b->serial);
	FUZZ_CHECK(a->result == b->result);
	FUZZ_CHECK(fuzz_str_eq(a->reason, b->reason));
	FUZZ_CHECK(fuzz_str_eq(a->device, b->device));
	FUZZ_CHECK(fuzz_str_eq(a->fstype, b->fstype));
	FUZZ_CHECK(fuzz_str_eq(a->label, b->label));
	FUZZ_CHECK(fuzz_str_eq(a->uuid, b->uuid));
	FUZZ_CHECK(a->nevidence == b->nevidence);
	for (i = 0; i < a->nevidence; i++)
		fr_evidence_same(&a->evidence[i], &b->evidence[i]);
}

/**
 * Check the rules a parsed report must satisfy.
 *
 * @v r		parsed report
 */
static void fr_rules(const struct report *r)
{
	enum report_result back;
	size_t i;

	FUZZ_CHECK(manifest_id_check(r->fix, NULL) == 0);
	FUZZ_CHECK(r->serial >= 1 && r->serial <= MANIFEST_SERIAL_MAX);
	FUZZ_CHECK(report_result_parse(report_result_name(r->result),
				       &back) == 0 && back == r->result);
	FUZZ_CHECK(r->nevidence <= REPORT_EVIDENCE_MAX);
	for (i = 0; i < r->nevidence; i++) {
		const struct report_evidence *ev = &r->evidence[i];

		FUZZ_CHECK(manifest_path_check(ev->path, NULL) == 0);
		FUZZ_CHECK(strcmp(ev->op, "put") == 0 ||
			   strcmp(ev->op, "delete") == 0);
	}
}

/*
 * The canonical text may be longer than the input: an absent hash is
 * written `,"before":null` (14 bytes, twice per entry), an absent evidence
 * array `,"evidence":[]`, and a newline ends it.  report_format() may then
 * refuse a report close to PROTO_REPORT_MAX with -EFBIG, and only then.
 */
#define FR_GROWTH_PER_EVIDENCE 28
#define FR_GROWTH 15

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct report *r, *back;
	struct buf text, again;
	struct err err;
	int rc;

	if (report_parse((const char *)data, size, &r, &err) < 0)
		return 0;
	fr_rules(r);
	buf_init(&text, PROTO_REPORT_MAX);
	buf_init(&again, PROTO_REPORT_MAX);
	rc = report_format(r, &text);
	FUZZ_CHECK(rc == 0 || (rc == -EFBIG && size + FR_GROWTH +
			       FR_GROWTH_PER_EVIDENCE * r->nevidence >
			       PROTO_REPORT_MAX));
	if (rc == 0) {
		FUZZ_CHECK(report_parse(text.data, text.len, &back, &err) == 0);
		fr_same(r, back);
		FUZZ_CHECK(report_format(back, &again) == 0);
		FUZZ_CHECK(again.len == text.len &&
			   memcmp(again.data, text.data, text.len) == 0);
		report_free(back);
	}
	buf_free(&again);
	buf_free(&text);
	report_free(r);
	return 0;
}
