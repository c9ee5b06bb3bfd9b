/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
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
 * The journaled commit (fixd/txn*.c): the recovery decisions alone, then
 * the engine on a directory: backups by hard link and by copy, roll back,
 * an idempotent commit, the sweep of leftovers.
 */

/* The decisions (txn_decide.c). */

/** A journal of n steps: puts of new files unless told otherwise. */
static struct journal *jr(size_t n, uint32_t attempt)
{
	struct journal *j = journal_new("x", n);

	j->serial = 1;
	j->attempt = attempt;
	for (size_t i = 0; i < n; i++) {
		char p[16];

		snprintf(p, sizeof(p), "f%zu", i);
		j->steps[i].kind = MANIFEST_OP_PUT;
		j->steps[i].path = strdup(p);
	}
	return j;
}

static void test_decide_before_commit_goes_forward(void **state)
{
	struct journal *j = jr(2, 1);
	struct txn_obs obs[2] = { { TXN_AT_BEFORE, true, false },
				  { TXN_AT_BEFORE, true, false } };
	size_t why;

	(void)state;
	assert_int_equal(txn_decide(j, obs, false, false, &why), TXN_FORWARD);
	assert_int_equal(why, SIZE_MAX);
	journal_free(j);
}

static void test_decide_damaged_stage_goes_back(void **state)
{
	struct journal *j = jr(3, 1);
	struct txn_obs obs[3] = { { TXN_AT_AFTER, false, false },
				  { TXN_AT_BEFORE, false, false },
				  { TXN_AT_BEFORE, true, false } };
	size_t why;

	(void)state;
	assert_int_equal(txn_decide(j, obs, true, false, &why), TXN_BACK);
	assert_int_equal(why, 1);
	journal_free(j);
}

static void test_decide_attempts_used_up_gives_up(void **state)
{
	struct journal *j = jr(1, TXN_ATTEMPTS);
	struct txn_obs obs[1] = { { TXN_AT_BEFORE, true, false } };
	size_t why;

	(void)state;
	assert_int_equal(txn_decide(j, obs, true, false, &why), TXN_GIVE_UP);
	j->attempt = TXN_ATTEMPTS - 1;
	assert_int_equal(txn_decide(j, obs, true, false, &why), TXN_FORWARD);
	journal_free(j);
}

static void test_decide_done_finishes_whatever_the_attempts(void **state)
{
	struct journal *j = jr(1, 50);
	struct txn_obs obs[1] = { { TXN_AT_AFTER, false, false } };
	size_t why;

	(void)state;
	assert_int_equal(txn_decide(j, obs, false, false, &why), TXN_FORWARD);
	journal_free(j);
}

static void test_decide_pending_hooks_need_the_bundle(void **state)
{
	struct journal *j = jr(1, 1);
	struct txn_obs obs[1] = { { TXN_AT_AFTER, false, false } };
	size_t why;

	(void)state;
	j->hooks = 2;
	assert_int_equal(txn_decide(j, obs, true, false, &why), TXN_FORWARD);
	assert_int_equal(txn_decide(j, obs, false, false, &why), TXN_BACK);
	j->hooks_done = true;
	assert_int_equal(txn_decide(j, obs, false, false, &why), TXN_FORWARD);
	journal_free(j);
}

static void test_decide_rollback_begun_goes_on(void **state)
{
	struct journal *j = jr(2, 1);
	struct txn_obs obs[2] = { { TXN_AT_BEFORE, true, false },
				  { TXN_AT_AFTER, false, false } };
	size_t why;

	(void)state;
	j->rollback = true;
	assert_int_equal(txn_decide(j, obs, true, false, &why), TXN_BACK);
	j->attempt = TXN_ATTEMPTS;
	assert_int_equal(txn_decide(j, obs, true, false, &why), TXN_GIVE_UP);
	journal_free(j);
}

static void test_decide_missing_backup_is_stuck(void **state)
{
	struct journal *j = jr(2, 1);
	struct txn_obs obs[2] = { { TXN_AT_AFTER, false, false },
				  { TXN_AT_OTHER, false, false } };
	size_t why;

	(void)state;
	j->steps[0].has_before = true;	/* replaced, backup gone */
	obs[0].at = TXN_AT_OTHER;
	assert_int_equal(txn_decide(j, obs, true, false, &why), TXN_STUCK);
	assert_int_equal(why, 0);
	journal_free(j);
}

static void test_decide_no_backup_but_forward_possible(void **state)
{
	struct journal *j = jr(1, TXN_ATTEMPTS);
	struct txn_obs obs[1] = { { TXN_AT_OTHER, true, false } };
	size_t why;

	(void)state;
	j->steps[0].has_before = true;
	assert_int_equal(txn_decide(j, obs, true, false, &why), TXN_FORWARD);
	journal_free(j);
}

static void test_decide_delete_changed_meanwhile(void **state)
{
	struct journal *j = jr(1, 1);
	struct txn_obs obs[1] = { { TXN_AT_OTHER, false, true } };
	size_t why;

	(void)state;
	j->steps[0].kind = MANIFEST_OP_DELETE;
	j->steps[0].has_before = true;
	assert_int_equal(txn_decide(j, obs, true, false, &why), TXN_BACK);
	obs[0].backup = false;
	assert_int_equal(txn_decide(j, obs, true, false, &why), TXN_STUCK);
	journal_free(j);
}

/*
 * The server's final boot for the fix: an apply that could be completed
 * (the pc13 case of qemu-tests/e2e-bootloop-cap: a hook that resets the
 * machine, 2 runs cut short) is rolled back instead, on any attempt.
 */
static void test_decide_final_boot_gives_up(void **state)
{
	struct journal *j = jr(2, 1);
	struct txn_obs obs[2] = { { TXN_AT_AFTER, true, false },
				  { TXN_AT_BEFORE, true, false } };
	size_t why;

	(void)state;
	j->hooks = 1;
	assert_int_equal(txn_decide(j, obs, true, false, &why), TXN_FORWARD);
	assert_int_equal(txn_decide(j, obs, true, true, &why), TXN_GIVE_UP);
	j->attempt = 2;
	assert_int_equal(txn_decide(j, obs, true, true, &why), TXN_GIVE_UP);
	/* every step done, the hook not yet run: still rolled back */
	obs[1].at = TXN_AT_AFTER;
	assert_int_equal(txn_decide(j, obs, true, true, &why), TXN_GIVE_UP);
	journal_free(j);
}

/* A roll back that had begun is finished and given up on the final boot. */
static void test_decide_final_boot_rollback_begun(void **state)
{
	struct journal *j = jr(1, 1);
	struct txn_obs obs[1] = { { TXN_AT_AFTER, false, false } };
	size_t why;

	(void)state;
	j->rollback = true;
	assert_int_equal(txn_decide(j, obs, true, true, &why), TXN_GIVE_UP);
	journal_free(j);
}

/*
 * On the final boot, what is left of an apply whose steps are all done and
 * whose hooks ran (receipt and cleanup) is still completed: nothing that
 * was cut short runs again.
 */
static void test_decide_final_boot_done_completes(void **state)
{
	struct journal *j = jr(1, 2);
	struct txn_obs obs[1] = { { TXN_AT_AFTER, false, false } };
	size_t why;

	(void)state;
	j->hooks = 1;
	j->hooks_done = true;
	assert_int_equal(txn_decide(j, obs, true, true, &why), TXN_FORWARD);
	journal_free(j);
}

/* On the final boot, an apply that cannot be restored is completed if it can. */
static void test_decide_final_boot_no_backup_forward(void **state)
{
	struct journal *j = jr(1, 1);
	struct txn_obs obs[1] = { { TXN_AT_OTHER, true, false } };
	size_t why;

	(void)state;
	j->steps[0].has_before = true;
	assert_int_equal(txn_decide(j, obs, true, true, &why), TXN_FORWARD);
	obs[0].staged = false;
	assert_int_equal(txn_decide(j, obs, true, true, &why), TXN_STUCK);
	journal_free(j);
}

/* The engine, through the apply's phases, on a directory. */

struct fx {
	char *root, *work;
	struct target t;
	struct bundle *b;
	struct apply a;
	struct log log;
	struct err err;
	uint8_t sha[SHA256_LEN];
};

static const struct tl_op fx_ops[] = {
	{ MANIFEST_OP_PUT, "etc/a.conf", "new a\n", 0600, 0, 0 },
	{ MANIFEST_OP_PUT, "opt/new/b", "new b\n", 0644, 0, 0 },
	{ MANIFEST_OP_DELETE, "var/old*.log", NULL, 0, 5, 0 },
};

/** A target with the old files, and an apply checked and journaled. */
static struct fx *fx_journaled(bool copy)
{
	struct fx *f = calloc(1, sizeof(*f));
	uint8_t *data;
	size_t len;

	f->root = tl_tmpdir();
	f->work = tl_tmpdir();
	tl_write(f->root, "etc/a.conf", "old a\n", 6, 0640);
	tl_write(f->root, "var/old1.log", "log1", 4, 0644);
	log_init(&f->log, "test", LV_DEBUG, 256 * 1024);
	f->log.out = NULL;
	data = tl_bundle("fx", 1, NULL, fx_ops, 3, &len);
	assert_int_equal(bundle_parse(data, len, &f->b, &f->err), 0);
	sha_buf(data, len, f->sha);
	free(data);
	assert_int_equal(target_open_dir(f->root, &f->t, &f->err), 0);
	apply_init(&f->a, &f->log, f->b, &f->t, f->work, f->sha);
	f->a.tx.copy_backups = copy;
	assert_int_equal(apply_check(&f->a, &f->err), 0);
	assert_int_equal(apply_stage(&f->a, &f->err), 0);
	assert_int_equal(apply_journal(&f->a, &f->err), 0);
	return f;
}

static void fx_free(struct fx *f)
{
	apply_free(&f->a);
	target_close(&f->t);
	bundle_free(f->b);
	log_free(&f->log);
	tl_rmtree(f->root);
	tl_rmtree(f->work);
	free(f->root);
	free(f->work);
	free(f);
}

/** Content of root/rel, or "" if absent (to free). */
static char *at(struct fx *f, const char *rel)
{
	char *s = tl_read_at(f->root, rel, NULL);

	return s ? s : strdup("");
}

/** stat of root/rel; the mode is 0 when absent. */
static struct stat st_of(struct fx *f, const char *rel)
{
	char path[4096];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s", f->root, rel);
	if (lstat(path, &st) < 0)
		memset(&st, 0, sizeof(st));
	return st;
}

/** Expect root/rel to hold want ("" = absent). */
static void expect_at(struct fx *f, const char *rel, const char *want)
{
	char *got = at(f, rel);

	assert_string_equal(got, want);
	free(got);
}

/** Nothing in .fixnet but receipts (if any). */
static void expect_clean(struct fx *f)
{
	assert_int_equal(st_of(f, ".fixnet/journal").st_mode, 0);
	assert_int_equal(st_of(f, ".fixnet/journal.tmp").st_mode, 0);
	assert_int_equal(st_of(f, ".fixnet/tmp").st_mode, 0);
	assert_int_equal(st_of(f, ".fixnet/backup").st_mode, 0);
}

static void test_journal_on_disk_before_any_change(void **state)
{
	struct fx *f = fx_journaled(false);
	char *text = tl_read_at(f->root, ".fixnet/journal", NULL);

	(void)state;
	assert_non_null(text);
	assert_non_null(strstr(text, "\"path\":\"etc/a.conf\""));
	assert_non_null(strstr(text, "\"path\":\"var/old1.log\""));
	free(text);
	expect_at(f, "etc/a.conf", "old a\n");
	expect_at(f, "var/old1.log", "log1");
	/* the backups are hard links: the very same files */
	assert_int_equal(st_of(f, ".fixnet/backup/0").st_ino, st_of(f, "etc/a.conf").st_ino);
	assert_int_equal(st_of(f, ".fixnet/backup/2").st_ino, st_of(f, "var/old1.log").st_ino);
	assert_int_equal(st_of(f, ".fixnet/backup/1").st_mode, 0);
	fx_free(f);
}

/** Commit, roll back, end: the old files back, with their modes. */
static void rollback_restores(bool copy)
{
	struct fx *f = fx_journaled(copy);
	struct stat old = st_of(f, "etc/a.conf");

	assert_int_equal(txn_commit(&f->a.tx, NULL, &f->err), 0);
	expect_at(f, "etc/a.conf", "new a\n");
	expect_at(f, "var/old1.log", "");
	assert_int_equal(txn_rollback(&f->a.tx, &f->err), 0);
	assert_int_equal(txn_end(&f->a.tx, &f->err), 0);
	expect_at(f, "etc/a.conf", "old a\n");
	expect_at(f, "var/old1.log", "log1");
	expect_at(f, "opt/new/b", "");
	assert_int_equal(st_of(f, "etc/a.conf").st_mode & 07777, 0640);
	assert_int_equal(st_of(f, "etc/a.conf").st_mtim.tv_sec, old.st_mtim.tv_sec);
	assert_int_equal(st_of(f, "etc/a.conf").st_mtim.tv_nsec, old.st_mtim.tv_nsec);
	expect_clean(f);
	fx_free(f);
}

static void test_rollback_with_hard_link_backups(void **state)
{
	(void)state;
	rollback_restores(false);
}

static void test_rollback_with_copied_backups(void **state)
{
	(void)state;
	rollback_restores(true);
}

static void test_copied_backups_are_copies(void **state)
{
	struct fx *f = fx_journaled(true);
	char *b = tl_read_at(f->root, ".fixnet/backup/0", NULL);

	(void)state;
	assert_string_equal(b, "old a\n");
	free(b);
	assert_int_not_equal(st_of(f, ".fixnet/backup/0").st_ino,
			     st_of(f, "etc/a.conf").st_ino);
	fx_free(f);
}

static void test_rollback_is_idempotent(void **state)
{
	struct fx *f = fx_journaled(false);

	(void)state;
	assert_int_equal(txn_commit(&f->a.tx, NULL, &f->err), 0);
	assert_int_equal(txn_rollback(&f->a.tx, &f->err), 0);
	assert_int_equal(txn_rollback(&f->a.tx, &f->err), 0);
	expect_at(f, "etc/a.conf", "old a\n");
	expect_at(f, "var/old1.log", "log1");
	fx_free(f);
}

static void test_commit_is_idempotent(void **state)
{
	struct fx *f = fx_journaled(false);
	struct txn_obs obs[3];

	(void)state;
	assert_int_equal(txn_commit(&f->a.tx, NULL, &f->err), 0);
	txn_observe(&f->a.tx, obs);
	for (size_t i = 0; i < 3; i++)
		assert_int_equal(obs[i].at, TXN_AT_AFTER);
	assert_int_equal(txn_commit(&f->a.tx, obs, &f->err), 0);
	expect_at(f, "etc/a.conf", "new a\n");
	expect_at(f, "opt/new/b", "new b\n");
	fx_free(f);
}

static void test_observe_sees_stage_and_backup(void **state)
{
	struct fx *f = fx_journaled(false);
	struct txn_obs obs[3];

	(void)state;
	txn_observe(&f->a.tx, obs);
	assert_int_equal(obs[0].at, TXN_AT_BEFORE);
	assert_true(obs[0].staged);
	assert_int_equal(obs[2].at, TXN_AT_BEFORE);
	tl_write(f->root, ".fixnet/tmp/stage.1", "damaged", 7, 0600);
	tl_write(f->root, "etc/a.conf", "edited meanwhile", 16, 0644);
	txn_observe(&f->a.tx, obs);
	assert_false(obs[1].staged);
	assert_int_equal(obs[0].at, TXN_AT_OTHER);
	/* the backup was a hard link to the file edited in place */
	assert_false(obs[0].backup);
	fx_free(f);
}

static void test_sweep_removes_leftovers(void **state)
{
	struct fx *f = fx_journaled(false);

	(void)state;
	assert_int_equal(unlinkat(f->a.tx.state_fd, TXN_JOURNAL, 0), 0);
	tl_write(f->root, ".fixnet/journal.tmp", "x", 1, 0600);
	tl_write(f->root, ".fixnet/receipts/keep.json", "{}", 2, 0644);
	txn_sweep(&f->a.tx);
	expect_clean(f);
	expect_at(f, ".fixnet/receipts/keep.json", "{}");
	expect_at(f, "etc/a.conf", "old a\n");
	fx_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decide_before_commit_goes_forward),
		cmocka_unit_test(test_decide_damaged_stage_goes_back),
		cmocka_unit_test(test_decide_attempts_used_up_gives_up),
		cmocka_unit_test(test_decide_done_finishes_whatever_the_attempts),
		cmocka_unit_test(test_decide_pending_hooks_need_the_bundle),
		cmocka_unit_test(test_decide_rollback_begun_goes_on),
		cmocka_unit_test(test_decide_missing_backup_is_stuck),
		cmocka_unit_test(test_decide_no_backup_but_forward_possible),
		cmocka_unit_test(test_decide_delete_changed_meanwhile),
		cmocka_unit_test(test_decide_final_boot_gives_up),
		cmocka_unit_test(test_decide_final_boot_rollback_begun),
		cmocka_unit_test(test_decide_final_boot_done_completes),
		cmocka_unit_test(test_decide_final_boot_no_backup_forward),
		cmocka_unit_test(test_journal_on_disk_before_any_change),
		cmocka_unit_test(test_rollback_with_hard_link_backups),
		cmocka_unit_test(test_rollback_with_copied_backups),
		cmocka_unit_test(test_copied_backups_are_copies),
		cmocka_unit_test(test_rollback_is_idempotent),
		cmocka_unit_test(test_commit_is_idempotent),
		cmocka_unit_test(test_observe_sees_stage_and_backup),
		cmocka_unit_test(test_sweep_removes_leftovers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
