/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: report_event_parse(), the progress event an agent POSTs to
 * /api/v1/event (untrusted).  Invariants: the rules of a parsed event hold,
 * and it survives report_event_format() -> report_event_parse() unchanged,
 * the canonical text being a fixed point.
 */
#include <string.h>

#include "common/manifest.h"
#include "common/protocol.h"
#include "common/report.h"
#include "fuzz/fuzz.h"

/**
 * Check the rules a parsed event must satisfy.
 *
 * @v e		parsed event
 */
static void fe_rules(const struct report_event *e)
{
	FUZZ_CHECK(manifest_id_check(e->fix, NULL) == 0);
	FUZZ_CHECK(strcmp(e->state, "downloading") == 0 ||
		   strcmp(e->state, "verifying") == 0 ||
		   strcmp(e->state, "applying") == 0);
	FUZZ_CHECK(!e->message || strlen(e->message) <= PROTO_MESSAGE_MAX);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct report_event *e, *back;
	struct buf text, again;
	struct err err;

	if (report_event_parse((const char *)data, size, &e, &err) < 0)
		return 0;
	fe_rules(e);
	buf_init(&text, PROTO_EVENT_MAX);
	buf_init(&again, PROTO_EVENT_MAX);
	FUZZ_CHECK(report_event_format(e, &text) == 0);
	FUZZ_CHECK(report_event_parse(text.data, text.len, &back, &err) == 0);
	FUZZ_CHECK(fuzz_str_eq(e->fix, back->fix));
	FUZZ_CHECK(fuzz_str_eq(e->state, back->state));
	FUZZ_CHECK(fuzz_str_eq(e->message, back->message));
	FUZZ_CHECK(report_event_format(back, &again) == 0);
	FUZZ_CHECK(again.len == text.len &&
		   memcmp(again.data, text.data, text.len) == 0);
	buf_free(&again);
	buf_free(&text);
	report_event_free(back);
	report_event_free(e);
	return 0;
}
