/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fixd/apply.h"
#include "fixd/fix.h"
#include "fixd/sha.h"
#include "fixd/test/testlib.h"

/*
 * One fix from download to report (fixd/fix.c): the order of the checks,
 * the serial against the receipt, the outcome and the evidence reported.
 */

struct fx {
	char *root, *work;
	struct minisign_seckey sk;
	struct minisign_pubkey pk;
	struct keyring kr;
	struct log log;
	struct fix_ctx ctx;
	struct report r;
	bool final_boot;	/* run()'s plan says final_boot */
};

static struct fx *fx_new(void)
{
	struct fx *f = calloc(1, sizeof(*f));

	f->root = tl_tmpdir();
	f->work = tl_tmpdir();
	tl_keypair(&f->sk, &f->pk);
	keyring_init(&f->kr);
	keyring_add(&f->kr, &f->pk);
	log_init(&f->log, "test", LV_DEBUG, 256 * 1024);
	f->log.out = NULL;
	f->ctx = (struct fix_ctx){ .log = &f->log, .kr = &f->kr, .work_dir = f->work,
		.tctx = { .log = &f->log, .given = f->root, .work_dir = f->work } };
	return f;
}

static void fx_free(struct fx *f)
{
	report_clear(&f->r);
	log_free(&f->log);
	tl_rmtree(f->root);
	tl_rmtree(f->work);
	free(f->root);
	free(f->work);
	free(f);
}

/**
 * Build, sign and run a bundle of one put; the plan names id and serial
 * (plan_serial 0: the bundle's) and the bundle's hash unless bad_sha.
 */
static enum fix_outcome run(struct fx *f, uint64_t serial, const char *content,
			    const char *target, const struct minisign_seckey *sk,
			    uint64_t plan_serial, bool bad_sha)
{
	struct tl_op ops[] = { { MANIFEST_OP_PUT, "etc/app.conf", content, 0644, 0, 0 } };
	struct plan_fix pf = { .id = "app-fix", .serial = plan_serial ? plan_serial : serial,
			       .final_boot = f->final_boot };
	enum fix_outcome o;
	uint8_t *data;
	size_t len, siglen;
	char *sig;

	data = tl_bundle("app-fix", serial, target, ops, 1, &len);
	sig = tl_sign(sk ? sk : &f->sk, data, len, "timestamp:1", &siglen);
	sha_buf(data, len, pf.bundle.sha256);
	pf.bundle.has_sha256 = 1;
	if (bad_sha)
		pf.bundle.sha256[0] ^= 1;
	report_clear(&f->r);
	assert_int_equal(fix_report_init(&f->r, &pf), 0);
	o = fix_run(&f->ctx, &pf, data, len, sig, siglen, &f->r);
	free(data);
	free(sig);
	return o;
}

/** Content of the target's file. */
static void expect_content(struct fx *f, const char *want)
{
	char *got = tl_read_at(f->root, "etc/app.conf", NULL);

	if (!want) {
		assert_null(got);
		return;
	}
	assert_non_null(got);
	assert_string_equal(got, want);
	free(got);
}

static void test_applied_and_reported(void **state)
{
	struct fx *f = fx_new();
	char sha[65], got[65];

	(void)state;
	assert_int_equal(run(f, 1, "v1\n", NULL, NULL, 0, false), FIX_APPLIED);
	expect_content(f, "v1\n");
	assert_int_equal(f->r.result, REPORT_APPLIED);
	assert_int_equal(f->r.nevidence, 1);
	assert_false(f->r.evidence[0].has_before);
	tl_sha_hex("v1\n", sha);
	assert_true(f->r.evidence[0].has_after);
	hex_encode(f->r.evidence[0].after, SHA256_LEN, got);
	assert_string_equal(got, sha);
	fx_free(f);
}

static void test_same_bundle_again_is_applied(void **state)
{
	struct fx *f = fx_new();
	char *before, *after;

	(void)state;
	assert_int_equal(run(f, 1, "v1\n", NULL, NULL, 0, false), FIX_APPLIED);
	before = tl_snapshot(f->root);
	/* the very same bytes: tl_bundle is deterministic */
	assert_int_equal(run(f, 1, "v1\n", NULL, NULL, 0, false), FIX_APPLIED);
	after = tl_snapshot(f->root);
	assert_string_equal(before, after);
	assert_true(f->r.evidence[0].has_before);
	assert_memory_equal(f->r.evidence[0].before, f->r.evidence[0].after, SHA256_LEN);
	free(before);
	free(after);
	fx_free(f);
}

static void test_higher_serial_applied(void **state)
{
	struct fx *f = fx_new();

	(void)state;
	assert_int_equal(run(f, 1, "v1\n", NULL, NULL, 0, false), FIX_APPLIED);
	assert_int_equal(run(f, 2, "v2\n", NULL, NULL, 0, false), FIX_APPLIED);
	expect_content(f, "v2\n");
	fx_free(f);
}

/** Apply serial 5, then run something that must be refused unchanged. */
static void expect_refused_after_5(uint64_t serial, const char *content,
				   uint64_t plan_serial, bool bad_sha,
				   bool other_key, const char *msg)
{
	struct fx *f = fx_new();
	struct minisign_seckey other;
	struct minisign_pubkey otherpk;
	char *before, *after;

	assert_int_equal(run(f, 5, "v5\n", NULL, NULL, 0, false), FIX_APPLIED);
	before = tl_snapshot(f->root);
	tl_keypair(&other, &otherpk);
	assert_int_equal(run(f, serial, content, NULL, other_key ? &other : NULL,
			     plan_serial, bad_sha), FIX_REFUSED);
	after = tl_snapshot(f->root);
	assert_string_equal(before, after);
	assert_int_equal(f->r.result, REPORT_FAILED);
	if (!strstr(f->r.reason, msg))
		fail_msg("reason \"%s\" lacks \"%s\"", f->r.reason, msg);
	free(before);
	free(after);
	fx_free(f);
}

static void test_lower_serial_refused(void **state)
{
	(void)state;
	expect_refused_after_5(4, "v4\n", 0, false, false, "not above 5");
}

static void test_same_serial_other_bundle_refused(void **state)
{
	(void)state;
	expect_refused_after_5(5, "v5 but different\n", 0, false, false, "not above 5");
}

static void test_plan_hash_mismatch_refused(void **state)
{
	(void)state;
	expect_refused_after_5(6, "v6\n", 0, true, false, "SHA-256");
}

static void test_untrusted_key_refused(void **state)
{
	(void)state;
	expect_refused_after_5(6, "v6\n", 0, false, true, "not a trusted key");
}

static void test_plan_serial_mismatch_refused(void **state)
{
	(void)state;
	expect_refused_after_5(6, "v6\n", 7, false, false, "plan announced");
}

static void test_absent_target_path_skipped(void **state)
{
	struct fx *f = fx_new();

	(void)state;
	assert_int_equal(run(f, 1, "v1\n", "{\"path\": \"Program Files/AV\"}", NULL, 0,
			     false), FIX_SKIPPED);
	assert_int_equal(f->r.result, REPORT_SKIPPED);
	expect_content(f, NULL);
	fx_free(f);
}

/*
 * A hook that fails: the report's reason says so and ends with what the
 * hook printed last, so that the server's events show why.
 */
static void test_failed_hook_reason_has_its_output(void **state)
{
	struct tl_op ops[] = {
		{ MANIFEST_OP_PUT, "etc/app.conf", "v1\n", 0644, 0, 0 },
		{ MANIFEST_OP_HOOK, NULL, "echo checking; echo 'registry hive "
		  "locked' >&2; exit 3\n", 0, 0, 10 },
	};
	struct plan_fix pf = { .id = "app-fix", .serial = 1 };
	struct fx *f = fx_new();
	uint8_t *data;
	size_t len, siglen;
	char *sig;

	(void)state;
	tl_write(f->root, "etc/app.conf", "v0\n", 3, 0644);
	data = tl_bundle("app-fix", 1, NULL, ops, 2, &len);
	sig = tl_sign(&f->sk, data, len, "timestamp:1", &siglen);
	sha_buf(data, len, pf.bundle.sha256);
	pf.bundle.has_sha256 = 1;
	assert_int_equal(fix_report_init(&f->r, &pf), 0);
	assert_int_equal(fix_run(&f->ctx, &pf, data, len, sig, siglen, &f->r),
			 FIX_FAILED);
	assert_int_equal(f->r.result, REPORT_FAILED);
	assert_non_null(strstr(f->r.reason, "hook exited with status 3"));
	assert_non_null(strstr(f->r.reason, "every file was rolled back"));
	assert_non_null(strstr(f->r.reason, "; hook output: checking registry "
			       "hive locked"));
	expect_content(f, "v0\n");
	free(data);
	free(sig);
	fx_free(f);
}

/** fix_ctx's event callback: keep the last message. */
static void keep_event(void *cls, const char *fix, const char *message)
{
	char *out = cls;

	snprintf(out, 512, "%s: %s", fix, message);
}

/**
 * Apply serial 1 of "v1\n" over "v0\n" up to its commit (committed or not)
 * and stop there, as a power cut would.
 */
static void cut_apply_ops(struct fx *f, const struct tl_op *ops, size_t n,
			  bool committed)
{
	struct bundle *b;
	struct target t;
	struct apply a;
	uint8_t *data, sha[SHA256_LEN];
	size_t len;

	tl_write(f->root, "etc/app.conf", "v0\n", 3, 0644);
	data = tl_bundle("app-fix", 1, NULL, ops, n, &len);
	assert_int_equal(bundle_parse(data, len, &b, NULL), 0);
	sha_buf(data, len, sha);
	assert_int_equal(target_open_dir(f->root, &t, NULL), 0);
	apply_init(&a, &f->log, b, &t, f->work, sha);
	assert_int_equal(apply_check(&a, NULL), 0);
	assert_int_equal(apply_stage(&a, NULL), 0);
	assert_int_equal(apply_journal(&a, NULL), 0);
	if (committed)
		assert_int_equal(txn_commit(&a.tx, NULL, NULL), 0);
	apply_free(&a);
	target_close(&t);
	bundle_free(b);
	free(data);
}

/** cut_apply_ops() of the one put of run(). */
static void cut_apply(struct fx *f, bool committed)
{
	struct tl_op ops[] = { { MANIFEST_OP_PUT, "etc/app.conf", "v1\n", 0644, 0, 0 } };

	cut_apply_ops(f, ops, 1, committed);
}

static void test_interrupted_apply_completed_and_told(void **state)
{
	struct fx *f = fx_new();
	char event[512] = "", v0[65], got[65];

	(void)state;
	cut_apply(f, true);
	f->ctx.event = keep_event;
	f->ctx.event_cls = event;
	assert_int_equal(run(f, 1, "v1\n", NULL, NULL, 0, false), FIX_APPLIED);
	expect_content(f, "v1\n");
	assert_string_equal(f->r.reason, "completed an interrupted apply of app-fix "
			    "serial 1 (1 run(s) cut short)");
	assert_string_equal(event, "app-fix: completed an interrupted apply of "
			    "app-fix serial 1 (1 run(s) cut short)");
	/* the evidence's before is the content before the interrupted apply */
	tl_sha_hex("v0\n", v0);
	hex_encode(f->r.evidence[0].before, SHA256_LEN, got);
	assert_string_equal(got, v0);
	fx_free(f);
}

/* A put and a delete glob: what evidence tests apply. */
static const struct tl_op ev_ops[] = {
	{ MANIFEST_OP_PUT, "etc/app.conf", "v1\n", 0644, 0, 0 },
	{ MANIFEST_OP_DELETE, "var/old*.log", NULL, 0, 5, 0 },
};

/** Run the bundle of ev_ops (serial 1) through fix_run(). */
static enum fix_outcome run_ev(struct fx *f)
{
	struct plan_fix pf = { .id = "app-fix", .serial = 1 };
	enum fix_outcome o;
	uint8_t *data;
	size_t len, siglen;
	char *sig;

	data = tl_bundle("app-fix", 1, NULL, ev_ops, 2, &len);
	sig = tl_sign(&f->sk, data, len, "timestamp:1", &siglen);
	sha_buf(data, len, pf.bundle.sha256);
	pf.bundle.has_sha256 = 1;
	report_clear(&f->r);
	assert_int_equal(fix_report_init(&f->r, &pf), 0);
	o = fix_run(&f->ctx, &pf, data, len, sig, siglen, &f->r);
	free(data);
	free(sig);
	return o;
}

/**
 * The report's evidence is what fixsrv checks against the manifest: the put
 * at its new content, then (unless deleted is 0) var/old1.log and
 * var/old2.log deleted (after null), and nothing else.
 */
static void expect_evidence(struct fx *f, size_t deleted)
{
	static const char *const gone[] = { "var/old1.log", "var/old2.log" };
	char v1[65], got[65];

	tl_sha_hex("v1\n", v1);
	assert_int_equal(f->r.nevidence, 1 + deleted);
	assert_string_equal(f->r.evidence[0].path, "etc/app.conf");
	assert_string_equal(f->r.evidence[0].op, "put");
	assert_true(f->r.evidence[0].has_after);
	hex_encode(f->r.evidence[0].after, SHA256_LEN, got);
	assert_string_equal(got, v1);
	for (size_t i = 0; i < deleted; i++) {
		assert_string_equal(f->r.evidence[1 + i].path, gone[i]);
		assert_string_equal(f->r.evidence[1 + i].op, "delete");
		assert_true(f->r.evidence[1 + i].has_before);
		assert_false(f->r.evidence[1 + i].has_after);
	}
}

/** The old tree of the evidence tests. */
static struct fx *fx_ev(void)
{
	struct fx *f = fx_new();

	tl_write(f->root, "etc/app.conf", "v0\n", 3, 0644);
	tl_write(f->root, "var/old1.log", "1", 1, 0644);
	tl_write(f->root, "var/old2.log", "2", 1, 0644);
	tl_write(f->root, "var/keep.log", "k", 1, 0644);
	return f;
}

/*
 * Evidence of every touched path: a first apply (the put and each deleted
 * file), the same bundle again (nothing written: the put, the deletes
 * having nothing left to match), and a completed interrupted apply (the
 * journal's steps: the put and each deleted file).
 */
static void test_evidence_covers_every_touched_path(void **state)
{
	struct fx *f = fx_ev();

	(void)state;
	assert_int_equal(run_ev(f), FIX_APPLIED);
	expect_evidence(f, 2);
	assert_int_equal(run_ev(f), FIX_APPLIED);
	expect_evidence(f, 0);
	fx_free(f);
	f = fx_ev();
	cut_apply_ops(f, ev_ops, 2, true);
	assert_int_equal(run_ev(f), FIX_APPLIED);
	assert_non_null(strstr(f->r.reason, "completed an interrupted apply"));
	expect_evidence(f, 2);
	fx_free(f);
}

/*
 * The plan's final_boot: an interrupted apply of the fix is rolled back and
 * the fix reported failed, not completed (nor applied again): the server
 * boots the client locally next, and no later run would settle it.  (One
 * whose steps are all done and hooks settled is completed: only its receipt
 * is left, test_txn.c.)
 */
static void test_final_boot_rolls_back_interrupted_apply(void **state)
{
	struct fx *f = fx_new();
	char event[512] = "";
	static const char why[] = "rolled back an interrupted apply of app-fix "
		"serial 1 on the last boot the server allows (1 run(s) cut short)";

	(void)state;
	cut_apply(f, false);	/* journaled; completing it would be possible */
	f->ctx.event = keep_event;
	f->ctx.event_cls = event;
	f->final_boot = true;
	assert_int_equal(run(f, 1, "v1\n", NULL, NULL, 0, false), FIX_FAILED);
	expect_content(f, "v0\n");
	assert_int_equal(f->r.result, REPORT_FAILED);
	if (strncmp(f->r.reason, why, strlen(why)) != 0)
		fail_msg("reason \"%s\" does not start with \"%s\"", f->r.reason, why);
	assert_non_null(strstr(event, why));
	assert_null(tl_read_at(f->root, ".fixnet/journal", NULL));
	assert_null(tl_read_at(f->root, ".fixnet/receipts/app-fix.json", NULL));
	fx_free(f);
}

/* Without a journal, the final boot applies as any other. */
static void test_final_boot_without_journal_applies(void **state)
{
	struct fx *f = fx_new();

	(void)state;
	f->final_boot = true;
	assert_int_equal(run(f, 1, "v1\n", NULL, NULL, 0, false), FIX_APPLIED);
	expect_content(f, "v1\n");
	fx_free(f);
}

static void test_interrupted_apply_rolled_back_then_applied(void **state)
{
	struct fx *f = fx_new();
	char event[512] = "";

	(void)state;
	cut_apply(f, false);
	tl_write(f->root, ".fixnet/tmp/stage.0", "damaged", 7, 0600);
	f->ctx.event = keep_event;
	f->ctx.event_cls = event;
	assert_int_equal(run(f, 1, "v1\n", NULL, NULL, 0, false), FIX_APPLIED);
	expect_content(f, "v1\n");
	assert_non_null(strstr(f->r.reason, "rolled back an interrupted apply of "
			       "app-fix serial 1"));
	assert_non_null(strstr(event, "rolled back an interrupted apply"));
	fx_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_applied_and_reported),
		cmocka_unit_test(test_same_bundle_again_is_applied),
		cmocka_unit_test(test_higher_serial_applied),
		cmocka_unit_test(test_lower_serial_refused),
		cmocka_unit_test(test_same_serial_other_bundle_refused),
		cmocka_unit_test(test_plan_hash_mismatch_refused),
		cmocka_unit_test(test_untrusted_key_refused),
		cmocka_unit_test(test_plan_serial_mismatch_refused),
		cmocka_unit_test(test_absent_target_path_skipped),
		cmocka_unit_test(test_failed_hook_reason_has_its_output),
		cmocka_unit_test(test_interrupted_apply_completed_and_told),
		cmocka_unit_test(test_interrupted_apply_rolled_back_then_applied),
		cmocka_unit_test(test_final_boot_rolls_back_interrupted_apply),
		cmocka_unit_test(test_evidence_covers_every_touched_path),
		cmocka_unit_test(test_final_boot_without_journal_applies),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
