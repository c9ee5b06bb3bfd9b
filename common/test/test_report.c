/* SPDX-License-Identifier: MIT */
/* Unit tests of common/report*.c: reports and progress events. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/protocol.h"
#include "common/report.h"

#define SHA_A "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
#define SHA_B "60303ae22b998861bce3b28f33eec1be758a213c86c93c076dbe9f558c11c752"

static const char example[] =
	"{\"fix\":\"av-2026-11\",\"serial\":3,\"result\":\"applied\","
	"\"reason\":\"\",\"target\":{\"device\":\"/dev/vda1\",\"fstype\":"
	"\"ext4\",\"label\":\"PRIMARY\",\"uuid\":\"0f3a\"},\"evidence\":["
	"{\"path\":\"etc/av/defs.dat\",\"op\":\"put\",\"before\":\"" SHA_A
	"\",\"after\":\"" SHA_B "\"},"
	"{\"path\":\"etc/av/old.dat\",\"op\":\"delete\",\"before\":\"" SHA_A
	"\",\"after\":null}]}";

/**
 * Expect a report to be refused.
 *
 * @v json	report text
 * @v rc	expected code
 * @v part	text the message must contain
 */
static void report_refused_rc(const char *json, int rc, const char *part)
{
	struct report *r = NULL;
	struct err e;
	int got = report_parse(json, strlen(json), &r, &e);

	if (got != rc)
		fail_msg("got %d (%s), want %d, for %.200s", got,
			 got ? e.msg : "accepted", rc, json);
	if (!strstr(e.msg, part))
		fail_msg("message \"%s\" lacks \"%s\"", e.msg, part);
	assert_null(r);
}

/**
 * Expect a report to be refused with -EINVAL.
 *
 * @v json	report text
 * @v part	text the message must contain
 */
static void report_refused(const char *json, const char *part)
{
	report_refused_rc(json, -EINVAL, part);
}

/**
 * Expect an event to be refused with -EINVAL.
 *
 * @v json	event text
 * @v part	text the message must contain
 */
static void event_refused(const char *json, const char *part)
{
	struct report_event *ev = NULL;
	struct err e;
	int got = report_event_parse(json, strlen(json), &ev, &e);

	if (got != -EINVAL)
		fail_msg("got %d (%s), for %s", got, got ? e.msg : "accepted",
			 json);
	if (!strstr(e.msg, part))
		fail_msg("message \"%s\" lacks \"%s\"", e.msg, part);
	assert_null(ev);
}

/* The protocol's example report is read field by field. */
static void test_parse(void **state)
{
	struct report *r;
	struct err e;

	(void)state;
	assert_int_equal(report_parse(example, strlen(example), &r, &e), 0);
	assert_string_equal(r->fix, "av-2026-11");
	assert_int_equal(r->serial, 3);
	assert_int_equal(r->result, REPORT_APPLIED);
	assert_string_equal(r->reason, "");
	assert_string_equal(r->device, "/dev/vda1");
	assert_string_equal(r->fstype, "ext4");
	assert_string_equal(r->label, "PRIMARY");
	assert_string_equal(r->uuid, "0f3a");
	assert_int_equal(r->nevidence, 2);
	assert_string_equal(r->evidence[0].path, "etc/av/defs.dat");
	assert_string_equal(r->evidence[0].op, "put");
	assert_true(r->evidence[0].has_before);
	assert_true(r->evidence[0].has_after);
	assert_int_equal(r->evidence[0].before[0], 0x9f);
	assert_int_equal(r->evidence[0].after[0], 0x60);
	assert_string_equal(r->evidence[1].op, "delete");
	assert_true(r->evidence[1].has_before);
	assert_false(r->evidence[1].has_after);
	report_free(r);
}

/* A failed report without target or evidence. */
static void test_parse_minimal(void **state)
{
	static const char json[] = "{\"fix\":\"a\",\"serial\":1,\"result\":"
				   "\"skipped\",\"reason\":\"no filesystem "
				   "matched the target\"}";
	struct report *r;
	struct err e;

	(void)state;
	assert_int_equal(report_parse(json, strlen(json), &r, &e), 0);
	assert_int_equal(r->result, REPORT_SKIPPED);
	assert_string_equal(r->reason, "no filesystem matched the target");
	assert_null(r->device);
	assert_int_equal(r->nevidence, 0);
	report_free(r);
}

/* format writes the canonical text; it parses back to the same. */
static void test_format_round_trip(void **state)
{
	struct report *r, *back;
	struct err e;
	struct buf b;

	(void)state;
	assert_int_equal(report_parse(example, strlen(example), &r, &e), 0);
	buf_init(&b, PROTO_REPORT_MAX);
	assert_int_equal(report_format(r, &b), 0);
	assert_int_equal(b.len, strlen(example) + 1);
	assert_memory_equal(b.data, example, strlen(example));
	assert_int_equal(report_parse(b.data, b.len, &back, &e), 0);
	assert_int_equal(back->nevidence, 2);
	assert_memory_equal(back->evidence[0].after, r->evidence[0].after, 32);
	assert_false(back->evidence[1].has_after);
	report_free(back);
	report_free(r);
	buf_free(&b);
}

/* Without reason or target, format leaves them out. */
static void test_format_minimal(void **state)
{
	struct report r = { .fix = "a", .serial = 2, .result = REPORT_FAILED };
	struct buf b;

	(void)state;
	buf_init(&b, PROTO_REPORT_MAX);
	assert_int_equal(report_format(&r, &b), 0);
	assert_string_equal(b.data, "{\"fix\":\"a\",\"serial\":2,\"result\":"
				    "\"failed\",\"evidence\":[]}\n");
	buf_free(&b);
}

/* format refuses what the server would refuse, and writes nothing. */
static void test_format_refuses_invalid(void **state)
{
	struct report_evidence ev = { .path = "/etc/x", .op = "put" };
	struct report r = { .fix = "a", .serial = 2, .result = REPORT_APPLIED,
			    .evidence = &ev, .nevidence = 1 };
	struct buf b;

	(void)state;
	buf_init(&b, PROTO_REPORT_MAX);
	assert_int_equal(report_format(&r, &b), -EINVAL);
	ev.path = "etc/x";
	ev.op = "chmod";
	assert_int_equal(report_format(&r, &b), -EINVAL);
	ev.op = "put";
	r.serial = 0;
	assert_int_equal(report_format(&r, &b), -EINVAL);
	r.serial = 1;
	r.result = (enum report_result)7;
	assert_int_equal(report_format(&r, &b), -EINVAL);
	assert_int_equal(b.len, 0);
	buf_free(&b);
}

/* Result names both ways. */
static void test_result_names(void **state)
{
	enum report_result res;

	(void)state;
	assert_string_equal(report_result_name(REPORT_APPLIED), "applied");
	assert_string_equal(report_result_name(REPORT_FAILED), "failed");
	assert_string_equal(report_result_name(REPORT_SKIPPED), "skipped");
	assert_string_equal(report_result_name((enum report_result)9), "?");
	assert_int_equal(report_result_parse("skipped", &res), 0);
	assert_int_equal(res, REPORT_SKIPPED);
	assert_int_equal(report_result_parse("Applied", &res), -EINVAL);
	assert_int_equal(report_result_parse("", &res), -EINVAL);
}

/* Malformed reports are refused with the field named. */
static void test_report_malformed(void **state)
{
	(void)state;
	report_refused("{\"fix\":\"a\",\"serial\":1,\"result\":\"done\"}",
		       "report.result");
	report_refused("{\"fix\":\"a\",\"serial\":0,\"result\":\"failed\"}",
		       "serial");
	report_refused("{\"fix\":\"a b\",\"serial\":1,\"result\":\"failed\"}",
		       "report.fix");
	report_refused("{\"serial\":1,\"result\":\"failed\"}",
		       "\"fix\" missing");
	report_refused("{\"fix\":\"a\",\"serial\":1,\"result\":\"failed\","
		       "\"evil\":1}", "unknown key \"evil\"");
	report_refused("{\"fix\":\"a\",\"serial\":1,\"result\":\"failed\","
		       "\"target\":{\"disk\":\"sda\"}}", "unknown key \"disk\"");
	report_refused("{\"fix\":\"a\",\"serial\":1,\"result\":\"failed\","
		       "\"target\":{\"label\":\"a\\u0000b\"}}", "bad JSON");
	report_refused("{\"fix\":\"a\",\"serial\":1,\"result\":\"failed\","
		       "\"reason\":\"line\\u001b[31m\"}", "control");
	report_refused("{\"fix\":\"a\",\"serial\":1,\"result\":\"failed\","
		       "\"evidence\":{}}", "not an array");
	report_refused("[]", "not a JSON object");
	report_refused("{\"fix\":\"a\",\"serial\":1,\"result\":", "bad JSON");
}

/* Bad evidence entries are refused with their index. */
static void test_evidence_malformed(void **state)
{
	(void)state;
	report_refused("{\"fix\":\"a\",\"serial\":1,\"result\":\"applied\","
		       "\"evidence\":[{\"path\":\"../etc/shadow\",\"op\":\"put\","
		       "\"before\":null,\"after\":null}]}", "evidence[0].path");
	report_refused("{\"fix\":\"a\",\"serial\":1,\"result\":\"applied\","
		       "\"evidence\":[{\"path\":\"x\",\"op\":\"put\",\"before\":"
		       "null,\"after\":null},{\"path\":\"y\",\"op\":\"rm\","
		       "\"before\":null,\"after\":null}]}", "evidence[1].op");
	report_refused("{\"fix\":\"a\",\"serial\":1,\"result\":\"applied\","
		       "\"evidence\":[{\"path\":\"x\",\"op\":\"put\",\"before\":"
		       "\"abcd\",\"after\":null}]}", "64 hex digits");
	report_refused("{\"fix\":\"a\",\"serial\":1,\"result\":\"applied\","
		       "\"evidence\":[{\"path\":\"x\",\"op\":\"put\",\"size\":3}]}",
		       "unknown key \"size\"");
	report_refused("{\"fix\":\"a\",\"serial\":1,\"result\":\"applied\","
		       "\"evidence\":[\"x\"]}", "not an object");
}

/* More than REPORT_EVIDENCE_MAX entries, or over PROTO_REPORT_MAX bytes. */
static void test_report_limits(void **state)
{
	static const char entry[] = "{\"path\":\"x\",\"op\":\"put\"}";
	size_t n = (REPORT_EVIDENCE_MAX + 1) * sizeof(entry) + 128, off;
	char *json = malloc(n > PROTO_REPORT_MAX + 1 ? n : PROTO_REPORT_MAX + 1);
	struct report *r = NULL;
	struct err e;
	int i;

	(void)state;
	assert_non_null(json);
	off = (size_t)snprintf(json, n, "{\"fix\":\"a\",\"serial\":1,\"result\":"
			       "\"applied\",\"evidence\":[");
	for (i = 0; i <= REPORT_EVIDENCE_MAX; i++)
		off += (size_t)snprintf(json + off, n - off, "%s%s",
					i ? "," : "", entry);
	snprintf(json + off, n - off, "]}");
	report_refused(json, "20001 entries, limit 20000");
	memset(json, ' ', PROTO_REPORT_MAX + 1);
	memcpy(json, example, strlen(example));
	assert_int_equal(report_parse(json, PROTO_REPORT_MAX + 1, &r, &e),
			 -EFBIG);
	assert_null(r);
	free(json);
}

/* An event with and without message; round trip. */
static void test_event_round_trip(void **state)
{
	static const char json[] = "{\"fix\":\"av-2026-11\",\"state\":"
				   "\"downloading\",\"message\":\"attempt 2\"}";
	struct report_event *ev, plain = { .fix = "a", .state = "applying" };
	struct err e;
	struct buf b;

	(void)state;
	assert_int_equal(report_event_parse(json, strlen(json), &ev, &e), 0);
	assert_string_equal(ev->fix, "av-2026-11");
	assert_string_equal(ev->state, "downloading");
	assert_string_equal(ev->message, "attempt 2");
	buf_init(&b, PROTO_EVENT_MAX);
	assert_int_equal(report_event_format(ev, &b), 0);
	assert_string_equal(b.data, "{\"fix\":\"av-2026-11\",\"state\":"
				    "\"downloading\",\"message\":\"attempt 2\"}\n");
	buf_reset(&b);
	assert_int_equal(report_event_format(&plain, &b), 0);
	assert_string_equal(b.data, "{\"fix\":\"a\",\"state\":\"applying\"}\n");
	report_event_free(ev);
	assert_int_equal(report_event_parse(b.data, b.len, &ev, &e), 0);
	assert_null(ev->message);
	report_event_free(ev);
	plain.state = "rebooting";
	buf_reset(&b);
	assert_int_equal(report_event_format(&plain, &b), -EINVAL);
	buf_free(&b);
}

/* Malformed and oversized events are refused. */
static void test_event_malformed(void **state)
{
	char msg[PROTO_MESSAGE_MAX + 64];
	char big[PROTO_EVENT_MAX + 1];
	struct report_event *ev = NULL;
	struct err e;

	(void)state;
	event_refused("{\"fix\":\"a\",\"state\":\"done\"}", "event.state");
	event_refused("{\"fix\":\"a\"}", "\"state\" missing");
	event_refused("{\"fix\":\"/a\",\"state\":\"applying\"}", "event.fix");
	event_refused("{\"fix\":\"a\",\"state\":\"applying\",\"x\":1}",
		      "unknown key");
	event_refused("{\"fix\":\"a\",\"state\":\"applying\",\"message\":7}",
		      "not a string");
	event_refused("\"applying\"", "bad JSON");
	snprintf(msg, sizeof(msg), "{\"fix\":\"a\",\"state\":\"applying\","
		 "\"message\":\"%0*d\"}", PROTO_MESSAGE_MAX + 1, 0);
	event_refused(msg, "longer than 1024");
	memset(big, ' ', sizeof(big));
	memcpy(big, "{\"fix\":\"a\",\"state\":\"applying\"}", 31);
	assert_int_equal(report_event_parse(big, sizeof(big), &ev, &e), -EFBIG);
	assert_null(ev);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_parse_minimal),
		cmocka_unit_test(test_format_round_trip),
		cmocka_unit_test(test_format_minimal),
		cmocka_unit_test(test_format_refuses_invalid),
		cmocka_unit_test(test_result_names),
		cmocka_unit_test(test_report_malformed),
		cmocka_unit_test(test_evidence_malformed),
		cmocka_unit_test(test_report_limits),
		cmocka_unit_test(test_event_round_trip),
		cmocka_unit_test(test_event_malformed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
