/* SPDX-License-Identifier: MIT */
/* Unit tests of common/plan*.c. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/plan.h"
#include "common/protocol.h"

#define SHA "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
#define FIX(id) \
	"{\"id\":\"" id "\",\"serial\":3," \
	"\"bundle\":{\"url\":\"/api/v1/fix/" id "/bundle\",\"size\":12345," \
	"\"sha256\":\"" SHA "\"}," \
	"\"signature\":{\"url\":\"/api/v1/fix/" id "/signature\",\"size\":297}}"
#define PLAN(fixes) \
	"{\"version\":1,\"client\":\"52:54:00:12:34:56\",\"expires\":1795000000," \
	"\"fixes\":[" fixes "]}"

/**
 * Expect a plan to be refused.
 *
 * @v json	plan text
 * @v rc	expected code
 * @v part	text the message must contain
 */
static void refused_rc(const char *json, int rc, const char *part)
{
	struct plan *p = NULL;
	struct err e;
	int got = plan_parse(json, strlen(json), &p, &e);

	if (got != rc)
		fail_msg("got %d (%s), want %d, for %.200s", got,
			 got ? e.msg : "accepted", rc, json);
	if (!strstr(e.msg, part))
		fail_msg("message \"%s\" lacks \"%s\"", e.msg, part);
	assert_null(p);
}

/**
 * Expect a plan to be refused with -EINVAL.
 *
 * @v json	plan text
 * @v part	text the message must contain
 */
static void refused(const char *json, const char *part)
{
	refused_rc(json, -EINVAL, part);
}

/* The protocol's example plan is read field by field. */
static void test_parse(void **state)
{
	static const char json[] = PLAN(FIX("av-2026-11") "," FIX("drv-7"));
	struct plan *p;
	struct err e;

	(void)state;
	assert_int_equal(plan_parse(json, strlen(json), &p, &e), 0);
	assert_int_equal(p->client.b[0], 0x52);
	assert_int_equal(p->client.b[5], 0x56);
	assert_int_equal(p->expires, 1795000000);
	assert_int_equal(p->nfixes, 2);
	assert_string_equal(p->fixes[0].id, "av-2026-11");
	assert_int_equal(p->fixes[0].serial, 3);
	assert_string_equal(p->fixes[0].bundle.url,
			    "/api/v1/fix/av-2026-11/bundle");
	assert_int_equal(p->fixes[0].bundle.size, 12345);
	assert_true(p->fixes[0].bundle.has_sha256);
	assert_int_equal(p->fixes[0].bundle.sha256[0], 0x9f);
	assert_string_equal(p->fixes[0].signature.url,
			    "/api/v1/fix/av-2026-11/signature");
	assert_int_equal(p->fixes[0].signature.size, 297);
	assert_false(p->fixes[0].signature.has_sha256);
	assert_string_equal(p->fixes[1].id, "drv-7");
	plan_free(p);
}

/* An empty fix list is valid: nothing to do. */
static void test_parse_empty(void **state)
{
	static const char json[] = PLAN("");
	struct plan *p;
	struct err e;

	(void)state;
	assert_int_equal(plan_parse(json, strlen(json), &p, &e), 0);
	assert_int_equal(p->nfixes, 0);
	assert_null(p->fixes);
	plan_free(p);
}

/* format writes the canonical text; it parses back to the same plan. */
static void test_format_round_trip(void **state)
{
	static const char json[] = PLAN(FIX("av-2026-11"));
	struct plan *p, *back;
	struct err e;
	struct buf b;

	(void)state;
	assert_int_equal(plan_parse(json, strlen(json), &p, &e), 0);
	buf_init(&b, PROTO_PLAN_MAX);
	assert_int_equal(plan_format(p, &b), 0);
	assert_string_equal(b.data, PLAN(FIX("av-2026-11")) "\n");
	assert_int_equal(plan_parse(b.data, b.len, &back, &e), 0);
	assert_memory_equal(&back->client, &p->client, sizeof(p->client));
	assert_int_equal(back->fixes[0].bundle.size, 12345);
	plan_free(back);
	plan_free(p);
	buf_free(&b);
}

/* format refuses what the agent would refuse, and writes nothing. */
static void test_format_refuses_invalid(void **state)
{
	struct plan_fix fix = {
		.id = "av", .serial = 1,
		.bundle = { .url = "http://elsewhere/x", .size = 1,
			    .has_sha256 = 1 },
		.signature = { .url = "/s", .size = 10 },
	};
	struct plan p = { .expires = 1, .fixes = &fix, .nfixes = 1 };
	struct buf b;

	(void)state;
	buf_init(&b, PROTO_PLAN_MAX);
	assert_int_equal(plan_format(&p, &b), -EINVAL);
	fix.bundle.url = "/b";
	fix.bundle.has_sha256 = 0;
	assert_int_equal(plan_format(&p, &b), -EINVAL);
	fix.bundle.has_sha256 = 1;
	fix.signature.size = PROTO_SIG_MAX + 1;
	assert_int_equal(plan_format(&p, &b), -EINVAL);
	assert_int_equal(b.len, 0);
	fix.signature.size = 10;
	assert_int_equal(plan_format(&p, &b), 0);
	buf_free(&b);
}

#define FINAL(id, v) \
	"{\"id\":\"" id "\",\"serial\":3," \
	"\"bundle\":{\"url\":\"/api/v1/fix/" id "/bundle\",\"size\":12345," \
	"\"sha256\":\"" SHA "\"}," \
	"\"signature\":{\"url\":\"/api/v1/fix/" id "/signature\",\"size\":297}," \
	"\"final_boot\":" v "}"

/* final_boot: optional, false when absent; true and false both read. */
static void test_final_boot_parsed(void **state)
{
	static const char json[] = PLAN(FINAL("a", "true") "," FINAL("b", "false")
					"," FIX("c"));
	struct plan *p;
	struct err e;

	(void)state;
	assert_int_equal(plan_parse(json, strlen(json), &p, &e), 0);
	assert_int_equal(p->nfixes, 3);
	assert_true(p->fixes[0].final_boot);
	assert_false(p->fixes[1].final_boot);
	assert_false(p->fixes[2].final_boot);
	plan_free(p);
}

/* final_boot must be a boolean. */
static void test_final_boot_not_boolean(void **state)
{
	(void)state;
	refused(PLAN(FINAL("a", "1")), "fixes[0].final_boot: not a boolean");
	refused(PLAN(FINAL("a", "\"true\"")), "final_boot: not a boolean");
	refused(PLAN(FINAL("a", "null")), "final_boot: not a boolean");
}

/*
 * format writes final_boot only when it is true: a plan without it keeps
 * its canonical text (the fuzz corpus' fixed points), one with it reads
 * back the same.
 */
static void test_final_boot_format(void **state)
{
	static const char json[] = PLAN(FINAL("a", "true") "," FINAL("b", "false"));
	struct plan *p, *back;
	struct err e;
	struct buf b;

	(void)state;
	assert_int_equal(plan_parse(json, strlen(json), &p, &e), 0);
	buf_init(&b, PROTO_PLAN_MAX);
	assert_int_equal(plan_format(p, &b), 0);
	assert_string_equal(b.data, PLAN(FINAL("a", "true") "," FIX("b")) "\n");
	assert_int_equal(plan_parse(b.data, b.len, &back, &e), 0);
	assert_true(back->fixes[0].final_boot);
	assert_false(back->fixes[1].final_boot);
	plan_free(back);
	plan_free(p);
	buf_free(&b);
}

/* URLs must be paths on the server that answered. */
static void test_bad_urls(void **state)
{
	(void)state;
	refused(PLAN("{\"id\":\"a\",\"serial\":1,\"bundle\":{\"url\":"
		     "\"http://evil/x\",\"size\":1,\"sha256\":\"" SHA "\"},"
		     "\"signature\":{\"url\":\"/s\",\"size\":1}}"),
		"not a path on this server");
	refused(PLAN("{\"id\":\"a\",\"serial\":1,\"bundle\":{\"url\":"
		     "\"//evil/x\",\"size\":1,\"sha256\":\"" SHA "\"},"
		     "\"signature\":{\"url\":\"/s\",\"size\":1}}"),
		"not a path");
	refused(PLAN("{\"id\":\"a\",\"serial\":1,\"bundle\":{\"url\":"
		     "\"/x y\",\"size\":1,\"sha256\":\"" SHA "\"},"
		     "\"signature\":{\"url\":\"/s\",\"size\":1}}"),
		"not a path");
	refused(PLAN("{\"id\":\"a\",\"serial\":1,\"bundle\":{\"url\":"
		     "\"/x\\r\\nHost: evil\",\"size\":1,\"sha256\":\"" SHA "\"},"
		     "\"signature\":{\"url\":\"/s\",\"size\":1}}"),
		"control character");
}

/* Sizes of zero or over the caps are refused; bundle needs a sha256. */
static void test_bad_sizes(void **state)
{
	(void)state;
	refused(PLAN("{\"id\":\"a\",\"serial\":1,\"bundle\":{\"url\":\"/b\","
		     "\"size\":1073741825,\"sha256\":\"" SHA "\"},"
		     "\"signature\":{\"url\":\"/s\",\"size\":1}}"), "size");
	refused(PLAN("{\"id\":\"a\",\"serial\":1,\"bundle\":{\"url\":\"/b\","
		     "\"size\":0,\"sha256\":\"" SHA "\"},"
		     "\"signature\":{\"url\":\"/s\",\"size\":1}}"), "size");
	refused(PLAN("{\"id\":\"a\",\"serial\":1,\"bundle\":{\"url\":\"/b\","
		     "\"size\":5,\"sha256\":\"" SHA "\"},"
		     "\"signature\":{\"url\":\"/s\",\"size\":4097}}"),
		"signature.size");
	refused(PLAN("{\"id\":\"a\",\"serial\":1,\"bundle\":{\"url\":\"/b\","
		     "\"size\":5},\"signature\":{\"url\":\"/s\",\"size\":1}}"),
		"\"sha256\" missing");
	refused(PLAN("{\"id\":\"a\",\"serial\":1,\"bundle\":{\"url\":\"/b\","
		     "\"size\":5,\"sha256\":\"xyz\"},"
		     "\"signature\":{\"url\":\"/s\",\"size\":1}}"), "hex");
}

/* Header fields: version, client, expires. */
static void test_bad_header(void **state)
{
	(void)state;
	refused("{\"version\":2,\"client\":\"52:54:00:12:34:56\","
		"\"expires\":1,\"fixes\":[]}", "protocol version 2");
	refused("{\"version\":1,\"client\":\"52:54:00:12:34\","
		"\"expires\":1,\"fixes\":[]}", "MAC");
	refused("{\"version\":1,\"client\":\"52:54:00:12:34:56\","
		"\"expires\":-1,\"fixes\":[]}", "expires");
	refused("{\"version\":1,\"client\":\"52:54:00:12:34:56\","
		"\"fixes\":[]}", "\"expires\" missing");
	refused("{\"version\":1,\"client\":\"52:54:00:12:34:56\","
		"\"expires\":1}", "\"fixes\" missing");
	refused("{\"version\":1,\"client\":\"52:54:00:12:34:56\","
		"\"expires\":1,\"fixes\":{}}", "not an array");
}

/* Unknown keys, a fix listed twice, bad ids and serials. */
static void test_bad_fixes(void **state)
{
	(void)state;
	refused("{\"version\":1,\"client\":\"52:54:00:12:34:56\",\"expires\":1,"
		"\"fixes\":[],\"debug\":true}", "unknown key \"debug\"");
	refused(PLAN("{\"id\":\"a\",\"serial\":1,\"extra\":1,\"bundle\":"
		     "{\"url\":\"/b\",\"size\":5,\"sha256\":\"" SHA "\"},"
		     "\"signature\":{\"url\":\"/s\",\"size\":1}}"),
		"unknown key \"extra\"");
	refused(PLAN("{\"id\":\"a\",\"serial\":1,\"bundle\":{\"url\":\"/b\","
		     "\"size\":5,\"sha256\":\"" SHA "\",\"mirror\":\"/m\"},"
		     "\"signature\":{\"url\":\"/s\",\"size\":1}}"),
		"unknown key \"mirror\"");
	refused(PLAN(FIX("av") "," FIX("av")), "listed twice");
	refused(PLAN("{\"id\":\"../x\",\"serial\":1,\"bundle\":{\"url\":\"/b\","
		     "\"size\":5,\"sha256\":\"" SHA "\"},"
		     "\"signature\":{\"url\":\"/s\",\"size\":1}}"), "id");
	refused(PLAN("{\"id\":\"a\",\"serial\":0,\"bundle\":{\"url\":\"/b\","
		     "\"size\":5,\"sha256\":\"" SHA "\"},"
		     "\"signature\":{\"url\":\"/s\",\"size\":1}}"), "serial");
	refused(PLAN("[]"), "not an object");
	refused(PLAN("{\"id\":\"a\",\"serial\":1,\"bundle\":\"/b\","
		     "\"signature\":{\"url\":\"/s\",\"size\":1}}"),
		"not an object");
}

/* More than PROTO_PLAN_FIXES_MAX fixes are refused. */
static void test_too_many_fixes(void **state)
{
	char *json = malloc(PROTO_PLAN_MAX);
	size_t off;
	int i;

	(void)state;
	assert_non_null(json);
	off = (size_t)snprintf(json, PROTO_PLAN_MAX, "{\"version\":1,\"client\":"
			       "\"52:54:00:12:34:56\",\"expires\":1,\"fixes\":[");
	for (i = 0; i <= PROTO_PLAN_FIXES_MAX; i++)
		off += (size_t)snprintf(json + off, PROTO_PLAN_MAX - off,
			"%s{\"id\":\"f%d\",\"serial\":1,\"bundle\":{\"url\":\"/b\","
			"\"size\":5,\"sha256\":\"" SHA "\"},\"signature\":"
			"{\"url\":\"/s\",\"size\":1}}", i ? "," : "", i);
	snprintf(json + off, PROTO_PLAN_MAX - off, "]}");
	refused(json, "33 entries, limit 32");
	free(json);
}

/* Not JSON, not an object, truncated, over 64 KiB. */
static void test_malformed_and_large(void **state)
{
	static const char json[] = PLAN(FIX("av"));
	char *big = malloc(PROTO_PLAN_MAX + 1);
	struct plan *p = NULL;
	struct err e;
	size_t n;

	(void)state;
	refused("", "bad JSON");
	refused("[]", "not a JSON object");
	refused("<html>502 Bad Gateway</html>", "bad JSON");
	for (n = 1; n < strlen(json); n += 13) {
		assert_int_equal(plan_parse(json, n, &p, &e), -EINVAL);
		assert_null(p);
	}
	assert_non_null(big);
	memset(big, ' ', PROTO_PLAN_MAX + 1);
	memcpy(big, json, strlen(json));
	assert_int_equal(plan_parse(big, PROTO_PLAN_MAX + 1, &p, &e), -EFBIG);
	assert_int_equal(plan_parse(big, PROTO_PLAN_MAX, &p, &e), 0);
	plan_free(p);
	free(big);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_parse_empty),
		cmocka_unit_test(test_format_round_trip),
		cmocka_unit_test(test_format_refuses_invalid),
		cmocka_unit_test(test_final_boot_parsed),
		cmocka_unit_test(test_final_boot_not_boolean),
		cmocka_unit_test(test_final_boot_format),
		cmocka_unit_test(test_bad_urls),
		cmocka_unit_test(test_bad_sizes),
		cmocka_unit_test(test_bad_header),
		cmocka_unit_test(test_bad_fixes),
		cmocka_unit_test(test_too_many_fixes),
		cmocka_unit_test(test_malformed_and_large),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
