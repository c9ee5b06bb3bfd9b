/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "fixd/apply.h"
#include "fixd/sha.h"
#include "fixd/test/testlib.h"

/*
 * Recovery of an interrupted apply (fixd/apply_recover.c) on a directory:
 * an apply is cut short by hand after one of its phases, then a second
 * apply recovers it; the bytes on disk, the receipt and the report's
 * evidence say what was done.  And what cannot be recovered is left alone.
 */

struct fx {
	char *root, *work;
	struct target t;
	struct bundle *b, *other;
	struct log log;
	struct err err;
	uint8_t sha[SHA256_LEN], other_sha[SHA256_LEN];
	struct apply_recovery rec;
};

static const struct tl_op fx_ops[] = {
	{ MANIFEST_OP_PUT, "etc/a.conf", "new a\n", 0600, 0, 0 },
	{ MANIFEST_OP_PUT, "opt/b", "new b\n", 0644, 0, 0 },
	{ MANIFEST_OP_DELETE, "var/old*.log", NULL, 0, 5, 0 },
	{ MANIFEST_OP_HOOK, NULL, "echo ran >> hook.out\n", 0, 0, 10 },
};

/** Parse a bundle of ops (n of them) into *b. */
static void fx_bundle(struct fx *f, const char *id, size_t n, struct bundle **b,
		      uint8_t sha[SHA256_LEN])
{
	uint8_t *data;
	size_t len;

	data = tl_bundle(id, 1, NULL, fx_ops, n, &len);
	assert_int_equal(bundle_parse(data, len, b, &f->err), 0);
	sha_buf(data, len, sha);
	free(data);
}

/** The old tree, the fix's bundle (with or without its hook), and another. */
static struct fx *fx_new(bool hook)
{
	struct fx *f = calloc(1, sizeof(*f));

	f->root = tl_tmpdir();
	f->work = tl_tmpdir();
	tl_write(f->root, "etc/a.conf", "old a\n", 6, 0640);
	tl_write(f->root, "var/old1.log", "log1", 4, 0644);
	log_init(&f->log, "test", LV_DEBUG, 256 * 1024);
	f->log.out = NULL;
	fx_bundle(f, "fx", hook ? 4 : 3, &f->b, f->sha);
	fx_bundle(f, "other", 1, &f->other, f->other_sha);
	assert_int_equal(target_open_dir(f->root, &f->t, &f->err), 0);
	return f;
}

static void fx_free(struct fx *f)
{
	target_close(&f->t);
	bundle_free(f->b);
	bundle_free(f->other);
	log_free(&f->log);
	tl_rmtree(f->root);
	tl_rmtree(f->work);
	free(f->root);
	free(f->work);
	free(f);
}

/* Where the first apply stops. */
enum cut { CUT_JOURNALED, CUT_COMMITTED, CUT_RECEIPT };

/** Run the first apply up to cut, and leave it there (as a crash would). */
static void fx_cut(struct fx *f, enum cut cut, uint32_t attempt)
{
	struct apply a;

	apply_init(&a, &f->log, f->b, &f->t, f->work, f->sha);
	a.attempt = attempt;
	assert_int_equal(apply_check(&a, &f->err), 0);
	assert_int_equal(apply_stage(&a, &f->err), 0);
	assert_int_equal(apply_journal(&a, &f->err), 0);
	if (cut >= CUT_COMMITTED)
		assert_int_equal(txn_commit(&a.tx, NULL, &f->err), 0);
	if (cut >= CUT_RECEIPT) {
		assert_int_equal(apply_hooks(&a, &f->err), 0);
		assert_int_equal(txn_hooks_done(&a.tx, &f->err), 0);
		apply_evidence(&a);
		assert_int_equal(apply_receipt(&a, &f->err), 0);
	}
	apply_free(&a);
}

/**
 * Recover with bundle b in hand, on the server's final boot for it or not.
 * @ret what apply_recover() returns
 */
static int fx_recover_final(struct fx *f, const struct bundle *b,
			    const uint8_t *sha, bool final_boot, struct apply *a)
{
	apply_init(a, &f->log, b, &f->t, f->work, sha);
	a->final_boot = final_boot;
	return apply_recover(a, &f->rec, &f->err);
}

/** Recover with bundle b in hand; @ret what apply_recover() returns. */
static int fx_recover(struct fx *f, const struct bundle *b, const uint8_t *sha,
		      struct apply *a)
{
	return fx_recover_final(f, b, sha, false, a);
}

/** Content of root/rel, "" if absent. */
static void expect_at(struct fx *f, const char *rel, const char *want)
{
	char *got = tl_read_at(f->root, rel, NULL);

	assert_string_equal(got ? got : "", want);
	free(got);
}

/** Whether root/rel exists. */
static bool exists(struct fx *f, const char *rel)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/%s", f->root, rel);
	return access(path, F_OK) == 0;
}

static void expect_old(struct fx *f)
{
	expect_at(f, "etc/a.conf", "old a\n");
	expect_at(f, "opt/b", "");
	expect_at(f, "var/old1.log", "log1");
}

static void expect_new(struct fx *f)
{
	expect_at(f, "etc/a.conf", "new a\n");
	expect_at(f, "opt/b", "new b\n");
	expect_at(f, "var/old1.log", "");
}

/** Nothing of an apply left in .fixnet. */
static void expect_clean(struct fx *f)
{
	assert_false(exists(f, ".fixnet/journal"));
	assert_false(exists(f, ".fixnet/tmp"));
	assert_false(exists(f, ".fixnet/backup"));
}

static void test_no_journal_nothing_done(void **state)
{
	struct fx *f = fx_new(true);
	struct apply a;

	(void)state;
	assert_int_equal(fx_recover(f, f->b, f->sha, &a), 0);
	assert_int_equal(f->rec.what, APPLY_REC_NONE);
	assert_false(exists(f, ".fixnet"));
	apply_free(&a);
	fx_free(f);
}

static void test_cut_before_commit_completed(void **state)
{
	struct fx *f = fx_new(true);
	struct apply a;
	struct report r = { 0 };

	(void)state;
	fx_cut(f, CUT_JOURNALED, 1);
	assert_int_equal(fx_recover(f, f->b, f->sha, &a), 0);
	assert_int_equal(f->rec.what, APPLY_REC_FORWARD);
	assert_true(f->rec.same);
	assert_int_equal(f->rec.interrupted, 1);
	expect_new(f);
	expect_at(f, "hook.out", "ran\n");
	assert_true(exists(f, ".fixnet/receipts/fx.json"));
	expect_clean(f);
	/* the evidence is the journal's before and the disk's after */
	assert_int_equal(apply_report(&a, &r), 0);
	assert_int_equal(r.nevidence, 3);
	assert_true(r.evidence[0].has_before && r.evidence[0].has_after);
	assert_false(r.evidence[1].has_before);
	assert_false(r.evidence[2].has_after);
	for (size_t i = 0; i < r.nevidence; i++) {
		free(r.evidence[i].path);
		free(r.evidence[i].op);
	}
	free(r.evidence);
	apply_free(&a);
	fx_free(f);
}

static void test_cut_after_receipt_only_cleaned(void **state)
{
	struct fx *f = fx_new(true);
	struct apply a;

	(void)state;
	fx_cut(f, CUT_RECEIPT, 1);
	assert_int_equal(fx_recover(f, f->b, f->sha, &a), 0);
	assert_int_equal(f->rec.what, APPLY_REC_FORWARD);
	expect_new(f);
	/* the hooks ran once: the journal said so */
	expect_at(f, "hook.out", "ran\n");
	expect_clean(f);
	apply_free(&a);
	fx_free(f);
}

static void test_damaged_stage_rolled_back(void **state)
{
	struct fx *f = fx_new(true);
	struct apply a;

	(void)state;
	fx_cut(f, CUT_JOURNALED, 1);
	tl_write(f->root, ".fixnet/tmp/stage.1", "damaged", 7, 0600);
	assert_int_equal(fx_recover(f, f->b, f->sha, &a), 0);
	assert_int_equal(f->rec.what, APPLY_REC_BACK);
	/* the next apply counts as the journal's attempts and this one */
	assert_int_equal(a.attempt, 2);
	expect_old(f);
	expect_at(f, "hook.out", "");
	expect_clean(f);
	apply_free(&a);
	fx_free(f);
}

static void test_third_interrupted_run_gives_up(void **state)
{
	struct fx *f = fx_new(true);
	struct apply a;

	(void)state;
	fx_cut(f, CUT_COMMITTED, TXN_ATTEMPTS);
	expect_new(f);
	assert_int_equal(fx_recover(f, f->b, f->sha, &a), 0);
	assert_int_equal(f->rec.what, APPLY_REC_GAVE_UP);
	assert_int_equal(f->rec.interrupted, TXN_ATTEMPTS);
	expect_old(f);
	expect_clean(f);
	apply_free(&a);
	fx_free(f);
}

/*
 * The server's final boot for the fix (pc13 of qemu-tests/e2e-bootloop-cap):
 * a committed apply whose hook has not run, which the rules would complete
 * (running the hook that reset the machine again), is rolled back instead;
 * the hook does not run, the target holds its old files, no journal stays.
 */
static void test_final_boot_rolls_back_and_gives_up(void **state)
{
	struct fx *f = fx_new(true);
	struct apply a;

	(void)state;
	fx_cut(f, CUT_COMMITTED, 2);
	expect_new(f);
	assert_int_equal(fx_recover_final(f, f->b, f->sha, true, &a), 0);
	assert_int_equal(f->rec.what, APPLY_REC_GAVE_UP);
	assert_true(f->rec.final_boot);
	assert_true(f->rec.same);
	assert_int_equal(f->rec.interrupted, 2);
	expect_old(f);
	expect_at(f, "hook.out", "");
	expect_clean(f);
	assert_false(exists(f, ".fixnet/receipts/fx.json"));
	apply_free(&a);
	fx_free(f);
}

/* The final boot of another fix id changes nothing for this journal. */
static void test_final_boot_of_another_fix_keeps_the_rules(void **state)
{
	struct fx *f = fx_new(false);
	struct apply a;

	(void)state;
	fx_cut(f, CUT_COMMITTED, 1);
	assert_int_equal(fx_recover_final(f, f->other, f->other_sha, true, &a), 0);
	assert_false(f->rec.final_boot);
	assert_int_equal(f->rec.what, APPLY_REC_FORWARD);
	expect_new(f);
	expect_clean(f);
	apply_free(&a);
	fx_free(f);
}

static void test_other_fix_with_pending_hooks_rolled_back(void **state)
{
	struct fx *f = fx_new(true);
	struct apply a;

	(void)state;
	fx_cut(f, CUT_COMMITTED, 1);
	assert_int_equal(fx_recover(f, f->other, f->other_sha, &a), 0);
	assert_int_equal(f->rec.what, APPLY_REC_BACK);
	assert_false(f->rec.same);
	expect_old(f);
	expect_clean(f);
	apply_free(&a);
	fx_free(f);
}

static void test_other_fix_without_hooks_completed(void **state)
{
	struct fx *f = fx_new(false);
	struct apply a;
	char *receipt;

	(void)state;
	fx_cut(f, CUT_COMMITTED, 1);
	assert_int_equal(fx_recover(f, f->other, f->other_sha, &a), 0);
	assert_int_equal(f->rec.what, APPLY_REC_FORWARD);
	assert_false(f->rec.same);
	expect_new(f);
	/* the receipt is the journal's fix's, not the bundle's at hand */
	receipt = tl_read_at(f->root, ".fixnet/receipts/fx.json", NULL);
	assert_non_null(receipt);
	free(receipt);
	assert_false(exists(f, ".fixnet/receipts/other.json"));
	expect_clean(f);
	apply_free(&a);
	fx_free(f);
}

static void test_malformed_journal_left_alone(void **state)
{
	struct fx *f = fx_new(true);
	struct apply a;
	char *before, *after;

	(void)state;
	fx_cut(f, CUT_COMMITTED, 1);
	tl_write(f->root, ".fixnet/journal", "{\"format\": 1", 12, 0600);
	before = tl_snapshot(f->root);
	assert_int_equal(fx_recover(f, f->b, f->sha, &a), -EINVAL);
	assert_non_null(strstr(f->err.msg, ".fixnet/journal"));
	after = tl_snapshot(f->root);
	assert_string_equal(before, after);
	free(before);
	free(after);
	apply_free(&a);
	fx_free(f);
}

static void test_stuck_apply_left_alone(void **state)
{
	struct fx *f = fx_new(true);
	struct apply a;
	char path[4096];

	(void)state;
	fx_cut(f, CUT_COMMITTED, 1);
	/* the replaced file's backup lost, and the hook cannot run */
	snprintf(path, sizeof(path), "%s/.fixnet/backup/0", f->root);
	assert_int_equal(unlink(path), 0);
	tl_write(f->root, "etc/a.conf", "edited\n", 7, 0644);
	assert_int_equal(fx_recover(f, f->other, f->other_sha, &a), -EIO);
	assert_non_null(strstr(f->err.msg, "neither completed nor rolled back"));
	assert_non_null(strstr(f->err.msg, "etc/a.conf"));
	expect_at(f, "etc/a.conf", "edited\n");
	assert_true(exists(f, ".fixnet/journal"));
	apply_free(&a);
	fx_free(f);
}

static void test_leftovers_without_journal_swept(void **state)
{
	struct fx *f = fx_new(true);
	struct apply a;

	(void)state;
	tl_write(f->root, ".fixnet/tmp/stage.0", "x", 1, 0600);
	tl_write(f->root, ".fixnet/backup/3", "y", 1, 0600);
	tl_write(f->root, ".fixnet/journal.tmp", "z", 1, 0600);
	assert_int_equal(fx_recover(f, f->b, f->sha, &a), 0);
	assert_int_equal(f->rec.what, APPLY_REC_NONE);
	expect_clean(f);
	assert_false(exists(f, ".fixnet/journal.tmp"));
	apply_free(&a);
	fx_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_no_journal_nothing_done),
		cmocka_unit_test(test_cut_before_commit_completed),
		cmocka_unit_test(test_cut_after_receipt_only_cleaned),
		cmocka_unit_test(test_damaged_stage_rolled_back),
		cmocka_unit_test(test_third_interrupted_run_gives_up),
		cmocka_unit_test(test_final_boot_rolls_back_and_gives_up),
		cmocka_unit_test(test_final_boot_of_another_fix_keeps_the_rules),
		cmocka_unit_test(test_other_fix_with_pending_hooks_rolled_back),
		cmocka_unit_test(test_other_fix_without_hooks_completed),
		cmocka_unit_test(test_malformed_journal_left_alone),
		cmocka_unit_test(test_stuck_apply_left_alone),
		cmocka_unit_test(test_leftovers_without_journal_swept),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
