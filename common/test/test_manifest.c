/* SPDX-License-Identifier: MIT */
/* Unit tests of common/manifest*.c. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/manifest.h"

#define SHA_A "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
#define SHA_B "60303ae22b998861bce3b28f33eec1be758a213c86c93c076dbe9f558c11c752"
#define PUT(path, member) \
	"{\"op\":\"put\",\"path\":\"" path "\",\"member\":\"" member \
	"\",\"mode\":\"0644\",\"size\":5,\"sha256\":\"" SHA_A "\"}"

static const char full[] =
	"{\"format\": 1, \"id\": \"av-2026-11\", \"serial\": 3,\n"
	" \"description\": \"AV definitions\\nsecond line\",\n"
	" \"target\": {\"label\": \"PRIMARY\", \"uuid\": \"0f3a-5C21\",\n"
	"            \"fstype\": \"ntfs3\", \"path\": \"Windows/System32\"},\n"
	" \"ops\": [\n"
	"  {\"op\": \"put\", \"path\": \"etc/av/defs.dat\", \"member\": \"payload/0\",\n"
	"   \"mode\": \"0640\", \"size\": 123, \"sha256\": \"" SHA_A "\"},\n"
	"  {\"op\": \"delete\", \"glob\": \"Windows/System32/drivers/CrowdStrike/C-00000291*.sys\"},\n"
	"  {\"op\": \"delete\", \"glob\": \"tmp/old-?.log\", \"max\": 2},\n"
	"  {\"op\": \"hook\", \"member\": \"hooks/0\", \"size\": 99,\n"
	"   \"sha256\": \"" SHA_B "\", \"timeout\": 60},\n"
	"  {\"op\": \"hook\", \"member\": \"hooks/1\", \"size\": 0,\n"
	"   \"sha256\": \"" SHA_B "\"}]}";

/**
 * A manifest with the given ops array content.
 *
 * @v ops	JSON of the ops, without the brackets
 * @ret a string to free
 */
static char *with_ops(const char *ops)
{
	size_t n = strlen(ops) + 128;
	char *s = malloc(n);

	assert_non_null(s);
	snprintf(s, n, "{\"format\":1,\"id\":\"fx-1\",\"serial\":1,\"ops\":[%s]}",
		 ops);
	return s;
}

/**
 * Expect a manifest to be refused.
 *
 * @v json	manifest text
 * @v len	its length
 * @v rc	expected code
 * @v part	text the message must contain
 */
static void refused_len(const char *json, size_t len, int rc, const char *part)
{
	struct manifest *m = NULL;
	struct err e;
	int got = manifest_parse(json, len, &m, &e);

	if (got != rc)
		fail_msg("got %d (%s), want %d, for %.200s", got,
			 got ? e.msg : "accepted", rc, json);
	if (!strstr(e.msg, part))
		fail_msg("message \"%s\" lacks \"%s\"", e.msg, part);
	assert_null(m);
}

/**
 * Expect a manifest text to be refused with -EINVAL.
 *
 * @v json	manifest text
 * @v part	text the message must contain
 */
static void refused(const char *json, const char *part)
{
	refused_len(json, strlen(json), -EINVAL, part);
}

/**
 * Expect a manifest with these ops to be refused with -EINVAL.
 *
 * @v ops	ops JSON
 * @v part	text the message must contain
 */
static void ops_refused(const char *ops, const char *part)
{
	char *s = with_ops(ops);

	refused(s, part);
	free(s);
}

/**
 * Expect a put to path to be refused.
 *
 * @v path	the path (JSON string content)
 * @v part	text the message must contain
 */
static void put_path_refused(const char *path, const char *part)
{
	size_t n = strlen(path) + 256;
	char *op = malloc(n);

	assert_non_null(op);
	snprintf(op, n, "{\"op\":\"put\",\"path\":\"%s\",\"member\":\"p/0\","
		 "\"mode\":\"0644\",\"size\":1,\"sha256\":\"" SHA_A "\"}", path);
	ops_refused(op, part);
	free(op);
}

/**
 * Expect a delete glob to be refused.
 *
 * @v glob	the glob (JSON string content)
 * @v part	text the message must contain
 */
static void glob_refused(const char *glob, const char *part)
{
	char op[256];

	snprintf(op, sizeof(op), "{\"op\":\"delete\",\"glob\":\"%s\"}", glob);
	ops_refused(op, part);
}

/* Every field of a full manifest is read, defaults filled. */
static void test_parse_full(void **state)
{
	struct manifest *m;
	struct err e;

	(void)state;
	assert_int_equal(manifest_parse(full, strlen(full), &m, &e), 0);
	assert_int_equal(m->format, 1);
	assert_string_equal(m->id, "av-2026-11");
	assert_int_equal(m->serial, 3);
	assert_string_equal(m->description, "AV definitions\nsecond line");
	assert_string_equal(m->target.label, "PRIMARY");
	assert_string_equal(m->target.uuid, "0f3a-5C21");
	assert_string_equal(m->target.fstype, "ntfs3");
	assert_string_equal(m->target.path, "Windows/System32");
	assert_int_equal(m->nops, 5);
	assert_int_equal(m->ops[0].kind, MANIFEST_OP_PUT);
	assert_string_equal(m->ops[0].path, "etc/av/defs.dat");
	assert_string_equal(m->ops[0].member, "payload/0");
	assert_int_equal(m->ops[0].mode, 0640);
	assert_int_equal(m->ops[0].size, 123);
	assert_int_equal(m->ops[0].sha256[0], 0x9f);
	assert_int_equal(m->ops[0].sha256[31], 0x08);
	assert_int_equal(m->ops[1].kind, MANIFEST_OP_DELETE);
	assert_string_equal(m->ops[1].path,
		"Windows/System32/drivers/CrowdStrike/C-00000291*.sys");
	assert_null(m->ops[1].member);
	assert_int_equal(m->ops[1].max_matches, MANIFEST_DELETE_MAX_DEFAULT);
	assert_int_equal(m->ops[2].max_matches, 2);
	assert_int_equal(m->ops[3].kind, MANIFEST_OP_HOOK);
	assert_null(m->ops[3].path);
	assert_string_equal(m->ops[3].member, "hooks/0");
	assert_int_equal(m->ops[3].timeout_s, 60);
	assert_int_equal(m->ops[4].timeout_s, MANIFEST_HOOK_TIMEOUT_DEFAULT);
	assert_int_equal(m->ops[4].size, 0);
	manifest_free(m);
}

/* Without target and description: target is all NULL (auto). */
static void test_parse_minimal(void **state)
{
	char *s = with_ops(PUT("a", "p/0"));
	struct manifest *m;
	struct err e;

	(void)state;
	assert_int_equal(manifest_parse(s, strlen(s), &m, &e), 0);
	assert_null(m->description);
	assert_null(m->target.label);
	assert_null(m->target.uuid);
	assert_null(m->target.fstype);
	assert_null(m->target.path);
	manifest_free(m);
	free(s);
}

/* format writes the canonical text, which parses back to the same. */
static void test_format_round_trip(void **state)
{
	struct manifest *m, *back;
	struct err e;
	struct buf b;
	size_t i;

	(void)state;
	assert_int_equal(manifest_parse(full, strlen(full), &m, &e), 0);
	buf_init(&b, MANIFEST_MAX_BYTES);
	assert_int_equal(manifest_format(m, &b), 0);
	assert_string_equal(b.data,
		"{\"format\":1,\"id\":\"av-2026-11\",\"serial\":3,"
		"\"description\":\"AV definitions\\nsecond line\","
		"\"target\":{\"label\":\"PRIMARY\",\"uuid\":\"0f3a-5C21\","
		"\"fstype\":\"ntfs3\",\"path\":\"Windows/System32\"},"
		"\"ops\":[{\"op\":\"put\",\"path\":\"etc/av/defs.dat\","
		"\"member\":\"payload/0\",\"mode\":\"0640\",\"size\":123,"
		"\"sha256\":\"" SHA_A "\"},"
		"{\"op\":\"delete\",\"glob\":\"Windows/System32/drivers/"
		"CrowdStrike/C-00000291*.sys\",\"max\":64},"
		"{\"op\":\"delete\",\"glob\":\"tmp/old-?.log\",\"max\":2},"
		"{\"op\":\"hook\",\"member\":\"hooks/0\",\"size\":99,"
		"\"sha256\":\"" SHA_B "\",\"timeout\":60},"
		"{\"op\":\"hook\",\"member\":\"hooks/1\",\"size\":0,"
		"\"sha256\":\"" SHA_B "\",\"timeout\":300}]}\n");
	assert_int_equal(manifest_parse(b.data, b.len, &back, &e), 0);
	assert_int_equal(back->nops, m->nops);
	for (i = 0; i < m->nops; i++) {
		assert_int_equal(back->ops[i].kind, m->ops[i].kind);
		assert_int_equal(back->ops[i].mode, m->ops[i].mode);
		assert_int_equal(back->ops[i].size, m->ops[i].size);
		assert_memory_equal(back->ops[i].sha256, m->ops[i].sha256, 32);
		assert_int_equal(back->ops[i].max_matches, m->ops[i].max_matches);
		assert_int_equal(back->ops[i].timeout_s, m->ops[i].timeout_s);
	}
	manifest_free(back);
	manifest_free(m);
	buf_free(&b);
}

/* format refuses a manifest fixd would refuse, and writes nothing. */
static void test_format_refuses_invalid(void **state)
{
	struct manifest_op op = { .kind = MANIFEST_OP_PUT, .path = "../etc/x",
				  .member = "p/0", .mode = 0644 };
	struct manifest m = { .format = 1, .id = "fx", .serial = 1,
			      .ops = &op, .nops = 1 };
	struct buf b;

	(void)state;
	buf_init(&b, MANIFEST_MAX_BYTES);
	assert_int_equal(manifest_format(&m, &b), -EINVAL);
	op.path = "etc/x";
	op.mode = 04755;
	assert_int_equal(manifest_format(&m, &b), -EINVAL);
	op.mode = 0755;
	m.id = NULL;
	assert_int_equal(manifest_format(&m, &b), -EINVAL);
	assert_int_equal(b.len, 0);
	m.id = "fx";
	assert_int_equal(manifest_format(&m, &b), 0);
	buf_free(&b);
}

/* Paths that leave or confuse the target root are refused. */
static void test_path_rejections(void **state)
{
	(void)state;
	put_path_refused("../etc/passwd", "\"..\"");
	put_path_refused("etc/../../x", "\"..\"");
	put_path_refused("..", "\"..\"");
	put_path_refused("/etc/passwd", "absolute");
	put_path_refused("a//b", "empty component");
	put_path_refused("a/b/", "empty component");
	put_path_refused("./a", "\".\"");
	put_path_refused("a/./b", "\".\"");
	put_path_refused("", "empty path");
	put_path_refused("a\\u0001b", "control character");
	put_path_refused("a\\nb", "control character");
	put_path_refused("a\\u007fb", "control character");
	put_path_refused("Windows\\\\System32", "backslash");
}

/* A path over 4095 bytes, a component over 255, depth over 64. */
static void test_path_limits(void **state)
{
	char *p = malloc(MANIFEST_PATH_MAX + 2);
	char name[MANIFEST_NAME_MAX + 2];
	char deep[2 * (MANIFEST_DEPTH_MAX + 1) + 1];
	struct err e;
	int i;

	(void)state;
	assert_non_null(p);
	for (i = 0; i < MANIFEST_PATH_MAX; i++)
		p[i] = (i % 200 == 199) ? '/' : 'x';
	p[MANIFEST_PATH_MAX] = '\0';
	assert_int_equal(manifest_path_check(p, &e), 0);
	p[MANIFEST_PATH_MAX] = 'x';
	p[MANIFEST_PATH_MAX + 1] = '\0';
	put_path_refused(p, "longer than 4095");
	assert_int_equal(manifest_path_check(p, &e), -EINVAL);

	memset(name, 'n', MANIFEST_NAME_MAX);
	name[MANIFEST_NAME_MAX] = '\0';
	assert_int_equal(manifest_path_check(name, &e), 0);
	name[MANIFEST_NAME_MAX] = 'n';
	name[MANIFEST_NAME_MAX + 1] = '\0';
	put_path_refused(name, "longer than 255");

	for (i = 0; i < MANIFEST_DEPTH_MAX; i++) {
		deep[2 * i] = 'd';
		deep[2 * i + 1] = '/';
	}
	deep[2 * MANIFEST_DEPTH_MAX - 1] = '\0';
	assert_int_equal(manifest_path_check(deep, &e), 0);
	deep[2 * MANIFEST_DEPTH_MAX - 1] = '/';
	deep[2 * MANIFEST_DEPTH_MAX] = 'd';
	deep[2 * MANIFEST_DEPTH_MAX + 1] = '\0';
	put_path_refused(deep, "more than 64 components");
	free(p);
}

/* Globs without a literal prefix in their last component are refused. */
static void test_glob_rejections(void **state)
{
	struct err e;

	(void)state;
	glob_refused("*", "literal prefix");
	glob_refused("*.sys", "literal prefix");
	glob_refused("dir/*", "literal prefix");
	glob_refused("dir/?x", "literal prefix");
	glob_refused("dir/[ab]x", "literal prefix");
	glob_refused("a*/b", "wildcard before the last component");
	glob_refused("a?/b/c", "wildcard before the last component");
	glob_refused("[a]/b", "wildcard before the last component");
	glob_refused("../x*", "\"..\"");
	glob_refused("/etc/x*", "absolute");
	assert_int_equal(manifest_glob_check("dir/C-00000291*.sys", &e), 0);
	assert_int_equal(manifest_glob_check("x?", &e), 0);
	assert_int_equal(manifest_glob_check("etc/exact-file", &e), 0);
}

/**
 * A put op with the given JSON value as its mode.
 *
 * @v op	output buffer
 * @v n		its size
 * @v mode	JSON value of "mode"
 */
static void mode_op(char *op, size_t n, const char *mode)
{
	snprintf(op, n, "{\"op\":\"put\",\"path\":\"a\",\"member\":\"p\","
		 "\"mode\":%s,\"size\":1,\"sha256\":\"" SHA_A "\"}", mode);
}

/* setuid, setgid, non-octal and numeric modes are refused. */
static void test_mode_rejections(void **state)
{
	char op[256];

	(void)state;
	mode_op(op, sizeof(op), "\"4755\"");
	ops_refused(op, "setuid");
	mode_op(op, sizeof(op), "\"2755\"");
	ops_refused(op, "setuid and setgid");
	mode_op(op, sizeof(op), "\"06644\"");
	ops_refused(op, "mode");
	mode_op(op, sizeof(op), "\"0648\"");
	ops_refused(op, "octal");
	mode_op(op, sizeof(op), "\"rw-r--r--\"");
	ops_refused(op, "mode");
	mode_op(op, sizeof(op), "420");
	ops_refused(op, "not a string");
}

/* The sticky bit is allowed. */
static void test_mode_sticky(void **state)
{
	struct manifest *m;
	struct err e;
	char op[256], *s;

	(void)state;
	mode_op(op, sizeof(op), "\"1777\"");
	s = with_ops(op);
	assert_int_equal(manifest_parse(s, strlen(s), &m, &e), 0);
	assert_int_equal(m->ops[0].mode, 01777);
	manifest_free(m);
	free(s);
}

/* An unknown op, and ops that are not objects. */
static void test_unknown_op(void **state)
{
	(void)state;
	ops_refused("{\"op\":\"chmod\",\"path\":\"a\"}", "unknown operation");
	ops_refused("{\"path\":\"a\"}", "\"op\" missing");
	ops_refused("{\"op\":1}", "not a string");
	ops_refused("\"put\"", "not an object");
	ops_refused("[]", "not an object");
}

/* Unknown keys are refused at every level. */
static void test_unknown_keys(void **state)
{
	(void)state;
	refused("{\"format\":1,\"id\":\"a\",\"serial\":1,\"ops\":[" PUT("a", "p")
		"],\"signature\":\"x\"}", "unknown key \"signature\"");
	refused("{\"format\":1,\"id\":\"a\",\"serial\":1,\"target\":"
		"{\"label\":\"L\",\"device\":\"/dev/sda1\"},\"ops\":["
		PUT("a", "p") "]}", "unknown key \"device\"");
	ops_refused("{\"op\":\"put\",\"path\":\"a\",\"member\":\"p\",\"mode\":"
		    "\"0644\",\"size\":1,\"sha256\":\"" SHA_A "\",\"owner\":0}",
		    "unknown key \"owner\"");
	ops_refused("{\"op\":\"delete\",\"glob\":\"a*\",\"recursive\":true}",
		    "unknown key \"recursive\"");
	ops_refused("{\"op\":\"hook\",\"member\":\"h\",\"size\":1,\"sha256\":\""
		    SHA_A "\",\"interpreter\":\"sh\"}", "unknown key");
	ops_refused("{\"op\":\"delete\",\"path\":\"a\"}", "unknown key \"path\"");
}

/* Numbers out of range, negative, fractional or beyond 64 bits. */
static void test_number_rejections(void **state)
{
	(void)state;
	refused("{\"format\":1,\"id\":\"a\",\"serial\":9007199254740992,"
		"\"ops\":[" PUT("a", "p") "]}", "serial");
	refused("{\"format\":1,\"id\":\"a\",\"serial\":0,"
		"\"ops\":[" PUT("a", "p") "]}", "serial");
	refused("{\"format\":1,\"id\":\"a\",\"serial\":-1,"
		"\"ops\":[" PUT("a", "p") "]}", "serial");
	refused("{\"format\":1,\"id\":\"a\",\"serial\":3.0,"
		"\"ops\":[" PUT("a", "p") "]}", "not an integer");
	refused("{\"format\":1,\"id\":\"a\",\"serial\":\"3\","
		"\"ops\":[" PUT("a", "p") "]}", "not an integer");
	refused("{\"format\":1,\"id\":\"a\",\"serial\":1e30,"
		"\"ops\":[" PUT("a", "p") "]}", "not an integer");
	refused("{\"format\":1,\"id\":\"a\",\"serial\":"
		"99999999999999999999999999999,\"ops\":[" PUT("a", "p") "]}",
		"bad JSON");
	refused("{\"format\":2,\"id\":\"a\",\"serial\":1,"
		"\"ops\":[" PUT("a", "p") "]}", "format 2 is not supported");
	ops_refused("{\"op\":\"put\",\"path\":\"a\",\"member\":\"p\",\"mode\":"
		    "\"0644\",\"size\":4294967297,\"sha256\":\"" SHA_A "\"}",
		    "size");
	ops_refused("{\"op\":\"put\",\"path\":\"a\",\"member\":\"p\",\"mode\":"
		    "\"0644\",\"size\":-5,\"sha256\":\"" SHA_A "\"}", "size");
	ops_refused("{\"op\":\"delete\",\"glob\":\"a*\",\"max\":10001}", "max");
	ops_refused("{\"op\":\"delete\",\"glob\":\"a*\",\"max\":0}", "max");
	ops_refused("{\"op\":\"hook\",\"member\":\"h\",\"size\":1,\"sha256\":\""
		    SHA_A "\",\"timeout\":3601}", "timeout");
}

/* Bad ids, sha256 values, members, target fields, missing fields. */
static void test_field_rejections(void **state)
{
	(void)state;
	refused("{\"format\":1,\"id\":\"-a\",\"serial\":1,\"ops\":["
		PUT("a", "p") "]}", "id");
	refused("{\"format\":1,\"id\":\"a/b\",\"serial\":1,\"ops\":["
		PUT("a", "p") "]}", "id");
	refused("{\"format\":1,\"id\":\"\",\"serial\":1,\"ops\":["
		PUT("a", "p") "]}", "id");
	refused("{\"format\":1,\"serial\":1,\"ops\":[" PUT("a", "p") "]}",
		"\"id\" missing");
	refused("{\"format\":1,\"id\":\"a\",\"ops\":[" PUT("a", "p") "]}",
		"\"serial\" missing");
	refused("{\"id\":\"a\",\"serial\":1,\"ops\":[" PUT("a", "p") "]}",
		"\"format\" missing");
	refused("{\"format\":1,\"id\":\"a\",\"serial\":1}", "\"ops\" missing");
	refused("{\"format\":1,\"id\":\"a\",\"serial\":1,\"ops\":[]}",
		"no operation");
	refused("{\"format\":1,\"id\":\"a\",\"serial\":1,\"ops\":{}}",
		"not an array");
	ops_refused("{\"op\":\"put\",\"path\":\"a\",\"member\":\"p\",\"mode\":"
		    "\"0644\",\"size\":1,\"sha256\":\"abc\"}", "64 hex digits");
	ops_refused("{\"op\":\"put\",\"path\":\"a\",\"member\":\"p\",\"mode\":"
		    "\"0644\",\"size\":1}", "\"sha256\" missing");
	ops_refused(PUT("a", "MANIFEST.json"), "the manifest itself");
	ops_refused(PUT("a", "../p"), "member");
	refused("{\"format\":1,\"id\":\"a\",\"serial\":1,\"target\":"
		"{\"fstype\":\"NTFS\"},\"ops\":[" PUT("a", "p") "]}", "fstype");
	refused("{\"format\":1,\"id\":\"a\",\"serial\":1,\"target\":"
		"{\"uuid\":\"xyz\"},\"ops\":[" PUT("a", "p") "]}", "uuid");
	refused("{\"format\":1,\"id\":\"a\",\"serial\":1,\"target\":"
		"{\"path\":\"/etc\"},\"ops\":[" PUT("a", "p") "]}", "absolute");
	refused("{\"format\":1,\"id\":\"a\",\"serial\":1,\"target\":"
		"\"auto\",\"ops\":[" PUT("a", "p") "]}", "not an object");
	refused("{\"format\":1,\"id\":\"a\",\"serial\":1,\"description\":"
		"\"a\\u0007b\",\"ops\":[" PUT("a", "p") "]}", "control");
}

/* Two puts to a path, one member twice, a repeated key: refused. */
static void test_duplicates(void **state)
{
	(void)state;
	ops_refused(PUT("etc/x", "p/0") "," PUT("etc/x", "p/1"),
		    "path \"etc/x\" appears twice");
	ops_refused(PUT("etc/x", "p/0") "," PUT("etc/y", "p/0"),
		    "member \"p/0\" appears twice");
	ops_refused(PUT("etc/x", "p/0") ",{\"op\":\"hook\",\"member\":\"p/0\","
		    "\"size\":5,\"sha256\":\"" SHA_A "\"}", "member");
	refused("{\"format\":1,\"id\":\"a\",\"id\":\"b\",\"serial\":1,"
		"\"ops\":[" PUT("a", "p") "]}", "duplicate");
}

/* Top levels other than an object are refused. */
static void test_not_an_object(void **state)
{
	(void)state;
	refused("[]", "not a JSON object");
	refused("[" PUT("a", "p") "]", "not a JSON object");
	refused("\"manifest\"", "bad JSON");
	refused("1", "bad JSON");
	refused("null", "bad JSON");
	refused("", "bad JSON");
}

/* Truncated or trailing garbage JSON is refused. */
static void test_truncated(void **state)
{
	size_t n;

	(void)state;
	for (n = 0; n < strlen(full); n += 37)
		refused_len(full, n, -EINVAL, "bad JSON");
	refused_len(full, strlen(full) - 1, -EINVAL, "bad JSON");
	{
		char *s = malloc(strlen(full) + 4);

		assert_non_null(s);
		strcpy(s, full);
		strcat(s, " {}");
		refused(s, "bad JSON");
		free(s);
	}
	refused_len("{\"format\":1}\0{}", 15, -EINVAL, "bad JSON");
}

/* 10000 ops are accepted; 10001 are refused. */
static void test_max_ops(void **state)
{
	size_t each = 40, n = (MANIFEST_MAX_OPS + 1) * each + 1;
	char *ops = malloc(n), *s;
	struct manifest *m;
	struct err e;
	size_t off = 0, last = 0;
	int i;

	(void)state;
	assert_non_null(ops);
	for (i = 0; i <= MANIFEST_MAX_OPS; i++) {
		last = off;
		off += (size_t)snprintf(ops + off, n - off,
					"%s{\"op\":\"delete\",\"glob\":\"d%d*\"}",
					i ? "," : "", i);
	}
	s = with_ops(ops);
	refused(s, "10001 entries, limit 10000");
	free(s);
	ops[last] = '\0';		/* drop the last op */
	s = with_ops(ops);
	assert_int_equal(manifest_parse(s, strlen(s), &m, &e), 0);
	assert_int_equal(m->nops, MANIFEST_MAX_OPS);
	manifest_free(m);
	free(s);
	free(ops);
}

/* A manifest over MANIFEST_MAX_BYTES is refused before parsing. */
static void test_too_large(void **state)
{
	size_t n = MANIFEST_MAX_BYTES + 1;
	char *s = malloc(n);
	char *ops = with_ops(PUT("a", "p"));

	(void)state;
	assert_non_null(s);
	memset(s, ' ', n);
	memcpy(s, ops, strlen(ops));
	refused_len(s, n, -EFBIG, "limit");
	free(ops);
	free(s);
}

/* manifest_op_name names each kind. */
static void test_op_names(void **state)
{
	(void)state;
	assert_string_equal(manifest_op_name(MANIFEST_OP_PUT), "put");
	assert_string_equal(manifest_op_name(MANIFEST_OP_DELETE), "delete");
	assert_string_equal(manifest_op_name(MANIFEST_OP_HOOK), "hook");
}

/* manifest_id_check takes the documented alphabet only. */
static void test_id_check(void **state)
{
	char long_id[MANIFEST_ID_MAX + 2];
	struct err e;

	(void)state;
	assert_int_equal(manifest_id_check("av-2026.11_b", &e), 0);
	assert_int_equal(manifest_id_check("9", &e), 0);
	assert_int_equal(manifest_id_check(".a", &e), -EINVAL);
	assert_int_equal(manifest_id_check("a b", &e), -EINVAL);
	assert_int_equal(manifest_id_check("a\xc3\xa9", &e), -EINVAL);
	memset(long_id, 'a', sizeof(long_id) - 1);
	long_id[MANIFEST_ID_MAX] = '\0';
	assert_int_equal(manifest_id_check(long_id, &e), 0);
	long_id[MANIFEST_ID_MAX] = 'a';
	long_id[MANIFEST_ID_MAX + 1] = '\0';
	assert_int_equal(manifest_id_check(long_id, &e), -EINVAL);
}

static void test_glob_match(void **state)
{
	(void)state;
	assert_true(manifest_glob_match("drv/C-291*.sys", "drv/C-291.sys", false));
	assert_true(manifest_glob_match("drv/C-291*.sys", "drv/C-291x.y.sys", false));
	assert_true(manifest_glob_match("a/b/x[0-9]", "a/b/x7", false));
	assert_true(manifest_glob_match("old-?.log", "old-1.log", false));
	assert_false(manifest_glob_match("drv/C-291*.sys", "drv/c-291.sys", false));
	assert_false(manifest_glob_match("drv/C-291*.sys", "drv/x/C-291.sys", false));
	assert_false(manifest_glob_match("drv/C-291*.sys", "drv/C-291/x.sys", false));
	assert_false(manifest_glob_match("drv/C-291*.sys", "C-291.sys", false));
	assert_false(manifest_glob_match("old-?.log", "x/old-1.log", false));
	assert_false(manifest_glob_match("a/b/x[0-9]", "a/b/xa", false));
	assert_false(manifest_glob_match("dr/x*", "drv/x1", false));
}

static void test_glob_match_name(void **state)
{
	(void)state;
	assert_true(manifest_glob_match_name("drv/C-291*.sys", "C-291-00.sys", false));
	assert_false(manifest_glob_match_name("drv/C-291*.sys", "c-291.sys", false));
	assert_true(manifest_glob_match_name("old?.log", "old1.log", false));
	/* FNM_PERIOD: a wildcard never matches a leading dot */
	assert_false(manifest_glob_match_name("a/x*", ".x1", false));
}

/* On NTFS and FAT names match as Windows compares them: ASCII letters in
 * either case, in the directory part too; the rest as before. */
static void test_glob_match_fold(void **state)
{
	(void)state;
	assert_true(manifest_glob_match_name("drv/C-291*.sys", "c-291-00.SYS", true));
	assert_false(manifest_glob_match_name("drv/C-291*.sys", "c-292.sys", true));
	assert_false(manifest_glob_match_name("a/x*", ".X1", true));
	assert_true(manifest_glob_match("Windows/System32/drivers/CrowdStrike/C-00000291*.sys",
					"windows/system32/Drivers/crowdstrike/c-00000291-00.SYS",
					true));
	assert_false(manifest_glob_match("Windows/System32/drivers/CrowdStrike/C-00000291*.sys",
					 "windows/system32/Drivers/crowdstrike/c-00000291-00.SYS",
					 false));
	assert_false(manifest_glob_match("drv/C-291*.sys", "drw/C-291.sys", true));
	assert_false(manifest_glob_match("drv/C-291*.sys", "drv/x/C-291.sys", true));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_glob_match),
		cmocka_unit_test(test_glob_match_name),
		cmocka_unit_test(test_glob_match_fold),
		cmocka_unit_test(test_parse_full),
		cmocka_unit_test(test_parse_minimal),
		cmocka_unit_test(test_format_round_trip),
		cmocka_unit_test(test_format_refuses_invalid),
		cmocka_unit_test(test_path_rejections),
		cmocka_unit_test(test_path_limits),
		cmocka_unit_test(test_glob_rejections),
		cmocka_unit_test(test_mode_rejections),
		cmocka_unit_test(test_mode_sticky),
		cmocka_unit_test(test_unknown_op),
		cmocka_unit_test(test_unknown_keys),
		cmocka_unit_test(test_number_rejections),
		cmocka_unit_test(test_field_rejections),
		cmocka_unit_test(test_duplicates),
		cmocka_unit_test(test_not_an_object),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_max_ops),
		cmocka_unit_test(test_too_large),
		cmocka_unit_test(test_op_names),
		cmocka_unit_test(test_id_check),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
