/* SPDX-License-Identifier: MIT */
/*
 * The evidence of an applied report against its manifest (evidence.c): a
 * parsed manifest and a parsed report in, the verdict and the reason out.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "server/evidence.h"

#define SHA_A "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
#define SHA_B "60303ae22b998861bce3b28f33eec1be758a213c86c93c076dbe9f558c11c752"
#define SHA_C "2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae"

/* Two puts, a delete glob (max 2) and one at the root, and a hook. */
static const char manifest_json[] =
	"{\"format\": 1, \"id\": \"av\", \"serial\": 3, \"ops\": ["
	"{\"op\": \"put\", \"path\": \"etc/av/defs.dat\", \"member\": \"payload/0\","
	" \"mode\": \"0644\", \"size\": 4, \"sha256\": \"" SHA_A "\"},"
	"{\"op\": \"put\", \"path\": \"etc/av/engine.conf\", \"member\": "
	"\"payload/1\", \"mode\": \"0644\", \"size\": 4, \"sha256\": \"" SHA_B "\"},"
	"{\"op\": \"delete\", \"glob\": \"drv/C-291*.sys\", \"max\": 2},"
	"{\"op\": \"delete\", \"glob\": \"old-?.log\"},"
	"{\"op\": \"hook\", \"member\": \"hooks/0\", \"size\": 4, \"sha256\": \""
	SHA_C "\"}]}";

#define PUT(path, after) \
	"{\"path\": \"" path "\", \"op\": \"put\", \"before\": null, " \
	"\"after\": " after "}"
#define DEL(path, after) \
	"{\"path\": \"" path "\", \"op\": \"delete\", \"before\": \"" SHA_C \
	"\", \"after\": " after "}"
#define Q(sha) "\"" sha "\""
#define GOOD_PUTS PUT("etc/av/defs.dat", Q(SHA_A)) "," \
	PUT("etc/av/engine.conf", Q(SHA_B))

/**
 * Check the evidence of a report against the test manifest.
 *
 * @v fstype	the report's target.fstype, or NULL for none
 * @v evidence	the entries, JSON without the brackets
 * @v why	the reason (EVIDENCE_WHY_MAX bytes)
 * @ret what evidence_check() returns
 */
static int check_on(const char *fstype, const char *evidence, char *why)
{
	struct manifest *m;
	struct report *r;
	struct err err;
	char body[8192], target[64] = "";
	int rc;

	if (fstype)
		snprintf(target, sizeof(target), ", \"target\": {\"fstype\": \"%s\"}",
			 fstype);
	snprintf(body, sizeof(body), "{\"fix\": \"av\", \"serial\": 3, \"result\": "
		 "\"applied\"%s, \"evidence\": [%s]}", target, evidence);
	assert_int_equal(manifest_parse(manifest_json, strlen(manifest_json), &m,
					&err), 0);
	if (report_parse(body, strlen(body), &r, &err) < 0)
		fail_msg("report refused: %s", err.msg);
	rc = evidence_check(m, r, why, EVIDENCE_WHY_MAX);
	report_free(r);
	manifest_free(m);
	return rc;
}

/** The same on a report without a target (a directory). */
static int check(const char *evidence, char *why)
{
	return check_on(NULL, evidence, why);
}

/** Expect a mismatch with exactly this reason. */
static void mismatch(const char *evidence, const char *want)
{
	char why[EVIDENCE_WHY_MAX];

	assert_int_equal(check(evidence, why), -EBADMSG);
	assert_string_equal(why, want);
}

/** Expect the evidence to match. */
static void matches(const char *evidence)
{
	char why[EVIDENCE_WHY_MAX];

	if (check(evidence, why) != 0)
		fail_msg("refused: %s", why);
	assert_string_equal(why, "");
}

static void test_every_put_and_deletes_in_the_globs_match(void **state)
{
	(void)state;
	matches(GOOD_PUTS "," DEL("drv/C-291a.sys", "null") ","
		DEL("drv/C-291b.sys", "null") "," DEL("old-1.log", "null"));
	/* in any order, deletes none, some or all the globs allow */
	matches(PUT("etc/av/engine.conf", Q(SHA_B)) ","
		DEL("old-1.log", "null") "," PUT("etc/av/defs.dat", Q(SHA_A)));
	matches(GOOD_PUTS);
}

static void test_wrong_hash_is_named(void **state)
{
	(void)state;
	mismatch(PUT("etc/av/defs.dat", Q(SHA_C)) "," PUT("etc/av/engine.conf",
							    Q(SHA_B)),
		 "evidence: etc/av/defs.dat: after is " SHA_C ", the manifest "
		 "says " SHA_A);
}

static void test_put_absent_after_is_refused(void **state)
{
	(void)state;
	mismatch(PUT("etc/av/defs.dat", "null") "," PUT("etc/av/engine.conf",
							Q(SHA_B)),
		 "evidence: etc/av/defs.dat: after is null, the manifest says "
		 SHA_A);
}

static void test_missing_put_is_refused(void **state)
{
	(void)state;
	mismatch(PUT("etc/av/engine.conf", Q(SHA_B)) ","
		 DEL("drv/C-291a.sys", "null"),
		 "evidence: etc/av/defs.dat: missing, the manifest puts it ("
		 SHA_A ")");
	mismatch("", "evidence: etc/av/defs.dat: missing, the manifest puts it ("
		 SHA_A ")");
}

static void test_delete_outside_the_glob_is_refused(void **state)
{
	(void)state;
	mismatch(GOOD_PUTS "," DEL("drv/C-292.sys", "null"),
		 "evidence: drv/C-292.sys: deleted, but no delete glob of the "
		 "manifest matches it");
	/* fnmatch without FNM_PATHNAME lets '*' match '/': the directory
	 * must be the glob's own, as fixd expands it */
	mismatch(GOOD_PUTS "," DEL("drv/sub/C-291a.sys", "null"),
		 "evidence: drv/sub/C-291a.sys: deleted, but no delete glob of "
		 "the manifest matches it");
	mismatch(GOOD_PUTS "," DEL("x/old-1.log", "null"),
		 "evidence: x/old-1.log: deleted, but no delete glob of the "
		 "manifest matches it");
	/* a path the manifest puts is no delete of it */
	mismatch(GOOD_PUTS "," DEL("etc/av/other.dat", "null"),
		 "evidence: etc/av/other.dat: deleted, but no delete glob of the "
		 "manifest matches it");
}

static void test_delete_left_behind_is_refused(void **state)
{
	(void)state;
	mismatch(GOOD_PUTS "," DEL("drv/C-291a.sys", Q(SHA_C)),
		 "evidence: drv/C-291a.sys: after is " SHA_C ", the manifest "
		 "deletes it");
}

static void test_more_deletes_than_the_max_are_refused(void **state)
{
	(void)state;
	mismatch(GOOD_PUTS "," DEL("drv/C-291a.sys", "null") ","
		 DEL("drv/C-291b.sys", "null") "," DEL("drv/C-291c.sys", "null"),
		 "evidence: drv/C-291*.sys: more than 2 deletes, the manifest's "
		 "max");
}

static void test_put_outside_the_manifest_is_refused(void **state)
{
	(void)state;
	mismatch(GOOD_PUTS "," PUT("etc/passwd", Q(SHA_A)),
		 "evidence: etc/passwd: put, but the manifest does not put it");
}

static void test_path_listed_twice_is_refused(void **state)
{
	(void)state;
	mismatch(GOOD_PUTS "," PUT("etc/av/defs.dat", Q(SHA_A)),
		 "evidence: etc/av/defs.dat: listed more than once");
	mismatch(GOOD_PUTS "," DEL("old-1.log", "null") ","
		 DEL("old-1.log", "null"),
		 "evidence: old-1.log: listed more than once");
}

/* The first mismatch in report order is the one named. */
static void test_first_mismatch_is_named(void **state)
{
	(void)state;
	mismatch(DEL("drv/C-291a.sys", Q(SHA_C)) ","
		 PUT("etc/av/defs.dat", Q(SHA_C)),
		 "evidence: drv/C-291a.sys: after is " SHA_C ", the manifest "
		 "deletes it");
}

/* A manifest of deletes and hooks only: an empty evidence matches. */
static void test_no_put_no_evidence_matches(void **state)
{
	static const char json[] = "{\"format\": 1, \"id\": \"cs\", \"serial\": 1,"
		" \"ops\": [{\"op\": \"delete\", \"glob\": \"drv/C-291*.sys\"}]}";
	static const char body[] = "{\"fix\": \"cs\", \"serial\": 1, \"result\": "
		"\"applied\", \"evidence\": []}";
	char why[EVIDENCE_WHY_MAX];
	struct manifest *m;
	struct report *r;

	(void)state;
	assert_int_equal(manifest_parse(json, strlen(json), &m, NULL), 0);
	assert_int_equal(report_parse(body, strlen(body), &r, NULL), 0);
	assert_int_equal(evidence_check(m, r, why, sizeof(why)), 0);
	report_free(r);
	manifest_free(m);
}

/* The reason fits its buffer, whatever the path's length. */
/* fixd reports names as stored on NTFS and FAT, which may differ in case
 * from the manifest's: they match there, and only there. */
static void test_case_folds_on_ntfs_and_fat_only(void **state)
{
	static const char ev[] =
		PUT("ETC/av/Defs.dat", Q(SHA_A)) "," PUT("etc/AV/engine.conf", Q(SHA_B))
		"," DEL("DRV/c-291a.SYS", "null");
	char why[EVIDENCE_WHY_MAX];

	(void)state;
	assert_int_equal(check_on("ntfs", ev, why), 0);
	assert_int_equal(check_on("vfat", ev, why), 0);
	assert_int_equal(check_on("ext4", ev, why), -EBADMSG);
	assert_string_equal(why, "evidence: ETC/av/Defs.dat: put, but the manifest "
			    "does not put it");
	assert_int_equal(check(ev, why), -EBADMSG);
	/* folded, a path is still listed once */
	assert_int_equal(check_on("ntfs", GOOD_PUTS "," PUT("ETC/AV/DEFS.DAT", Q(SHA_A)),
				  why), -EBADMSG);
	assert_string_equal(why, "evidence: ETC/AV/DEFS.DAT: listed more than once");
}

static void test_long_path_reason_bounded(void **state)
{
	char path[4001], ev[8192], why[EVIDENCE_WHY_MAX];

	(void)state;
	for (size_t i = 0; i < sizeof(path) - 1; i++)
		path[i] = i % 100 == 50 ? '/' : 'a';
	path[sizeof(path) - 1] = '\0';
	snprintf(ev, sizeof(ev), GOOD_PUTS ",{\"path\": \"%s\", \"op\": \"put\","
		 " \"before\": null, \"after\": null}", path);
	assert_int_equal(check(ev, why), -EBADMSG);
	assert_true(strlen(why) < EVIDENCE_WHY_MAX);
	assert_non_null(strstr(why, ": put, but the manifest does not put it"));
}

/* fixd's expansion: the glob's directory literally, then fnmatch. */

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_put_and_deletes_in_the_globs_match),
		cmocka_unit_test(test_wrong_hash_is_named),
		cmocka_unit_test(test_put_absent_after_is_refused),
		cmocka_unit_test(test_missing_put_is_refused),
		cmocka_unit_test(test_delete_outside_the_glob_is_refused),
		cmocka_unit_test(test_delete_left_behind_is_refused),
		cmocka_unit_test(test_more_deletes_than_the_max_are_refused),
		cmocka_unit_test(test_put_outside_the_manifest_is_refused),
		cmocka_unit_test(test_path_listed_twice_is_refused),
		cmocka_unit_test(test_first_mismatch_is_named),
		cmocka_unit_test(test_no_put_no_evidence_matches),
		cmocka_unit_test(test_long_path_reason_bounded),
		cmocka_unit_test(test_case_folds_on_ntfs_and_fat_only),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
