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
 * The apply (fixd/apply*.c) on a directory target: bytes and modes on
 * disk, evidence, receipt, and every refusal of the check phase leaving the
 * tree exactly as it was (no state directory either).
 */

struct fx {
	char *root, *work, *outside;
	struct target t;
	struct bundle *b;
	struct apply a;
	struct log log;
	struct err err;
	uint8_t sha[SHA256_LEN];
};

/** A target directory, a work directory and a directory "outside". */
static struct fx *fx_new(void)
{
	struct fx *f = calloc(1, sizeof(*f));

	f->root = tl_tmpdir();
	f->work = tl_tmpdir();
	f->outside = tl_tmpdir();
	log_init(&f->log, "test", LV_DEBUG, 256 * 1024);
	f->log.out = NULL;
	return f;
}

/** Open the target and prepare an apply of ops. */
static void fx_prepare(struct fx *f, const struct tl_op *ops, size_t n)
{
	uint8_t *data;
	size_t len;

	data = tl_bundle("fix-1", 3, NULL, ops, n, &len);
	assert_int_equal(bundle_parse(data, len, &f->b, &f->err), 0);
	sha_buf(data, len, f->sha);
	free(data);
	assert_int_equal(target_open_dir(f->root, &f->t, &f->err), 0);
	apply_init(&f->a, &f->log, f->b, &f->t, f->work, f->sha);
}

static void fx_free(struct fx *f)
{
	apply_free(&f->a);
	target_close(&f->t);
	bundle_free(f->b);
	log_free(&f->log);
	tl_rmtree(f->root);
	tl_rmtree(f->work);
	tl_rmtree(f->outside);
	free(f->root);
	free(f->work);
	free(f->outside);
	free(f);
}

/** Mode of root/rel. */
static unsigned mode_of(const char *root, const char *rel)
{
	char path[4096];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	if (lstat(path, &st) < 0)
		return 0;
	return st.st_mode & 07777;
}

/** Check refusal: rc, and the tree unchanged (nor the outside one). */
static void expect_refused(const struct tl_op *ops, size_t n,
			   void (*setup)(struct fx *), int rc)
{
	struct fx *f = fx_new();
	char *before, *after, *obefore, *oafter;

	tl_write(f->outside, "victim", "keep me\n", 8, 0644);
	tl_write(f->root, "etc/keep.conf", "keep\n", 5, 0600);
	if (setup)
		setup(f);
	before = tl_snapshot(f->root);
	obefore = tl_snapshot(f->outside);
	fx_prepare(f, ops, n);
	assert_int_equal(apply_check(&f->a, &f->err), rc);
	after = tl_snapshot(f->root);
	oafter = tl_snapshot(f->outside);
	assert_string_equal(before, after);
	assert_string_equal(obefore, oafter);
	free(before);
	free(after);
	free(obefore);
	free(oafter);
	fx_free(f);
}

static void test_put_new_file_in_new_dirs(void **state)
{
	const struct tl_op ops[] = {
		{ MANIFEST_OP_PUT, "etc/app/sub/a.conf", "alpha\n", 0640, 0, 0 },
		{ MANIFEST_OP_PUT, "bin/tool", "#!/bin/sh\n", 0755, 0, 0 },
	};
	struct fx *f = fx_new();
	char *got, sha[65], path[4096];
	size_t len;

	(void)state;
	fx_prepare(f, ops, 2);
	assert_int_equal(apply_check(&f->a, &f->err), 0);
	assert_int_equal(apply_rest(&f->a, &f->err), 0);
	got = tl_read_at(f->root, "etc/app/sub/a.conf", &len);
	assert_non_null(got);
	assert_string_equal(got, "alpha\n");
	free(got);
	assert_int_equal(mode_of(f->root, "etc/app/sub/a.conf"), 0640);
	assert_int_equal(mode_of(f->root, "bin/tool"), 0755);
	assert_int_equal(mode_of(f->root, "etc/app/sub"), 0755);
	assert_int_equal(f->a.nitems, 2);
	assert_false(f->a.items[0].has_before);
	assert_true(f->a.items[0].has_after);
	tl_sha_hex("alpha\n", sha);
	got = tl_read_at(f->root, ".fixnet/receipts/fix-1.json", NULL);
	assert_non_null(got);
	assert_non_null(strstr(got, sha));
	assert_non_null(strstr(got, "\"serial\": 3"));
	free(got);
	/* nothing staged, backed up or journaled is left behind */
	snprintf(path, sizeof(path), "%s/.fixnet/tmp", f->root);
	assert_int_equal(access(path, F_OK), -1);
	snprintf(path, sizeof(path), "%s/.fixnet/backup", f->root);
	assert_int_equal(access(path, F_OK), -1);
	snprintf(path, sizeof(path), "%s/.fixnet/journal", f->root);
	assert_int_equal(access(path, F_OK), -1);
	fx_free(f);
}

static void test_put_replaces_and_records_before(void **state)
{
	const struct tl_op op = { MANIFEST_OP_PUT, "etc/a.conf", "new\n", 0644, 0, 0 };
	struct fx *f = fx_new();
	uint8_t old[SHA256_LEN], new[SHA256_LEN];
	char *got;

	(void)state;
	tl_write(f->root, "etc/a.conf", "old\n", 4, 0600);
	fx_prepare(f, &op, 1);
	assert_int_equal(apply_check(&f->a, &f->err), 0);
	assert_int_equal(apply_rest(&f->a, &f->err), 0);
	sha_buf("old\n", 4, old);
	sha_buf("new\n", 4, new);
	assert_true(f->a.items[0].has_before);
	assert_memory_equal(f->a.items[0].before, old, SHA256_LEN);
	assert_memory_equal(f->a.items[0].after, new, SHA256_LEN);
	got = tl_read_at(f->root, "etc/a.conf", NULL);
	assert_string_equal(got, "new\n");
	free(got);
	assert_int_equal(mode_of(f->root, "etc/a.conf"), 0644);
	fx_free(f);
}

static void test_delete_glob_regular_files_only(void **state)
{
	const struct tl_op op = { MANIFEST_OP_DELETE, "drv/C-291*.sys", NULL, 0, 5, 0 };
	struct fx *f = fx_new();
	char path[4096];

	(void)state;
	tl_write(f->root, "drv/C-291a.sys", "bad", 3, 0644);
	tl_write(f->root, "drv/C-291b.sys", "bad", 3, 0644);
	tl_write(f->root, "drv/C-292.sys", "good", 4, 0644);
	tl_write(f->root, "drv/C-291dir.sys/inner", "x", 1, 0644);
	snprintf(path, sizeof(path), "%s/drv/C-291link.sys", f->root);
	assert_int_equal(symlink("C-292.sys", path), 0);
	fx_prepare(f, &op, 1);
	assert_int_equal(apply_check(&f->a, &f->err), 0);
	assert_int_equal(f->a.nitems, 2);
	assert_string_equal(f->a.items[0].path, "drv/C-291a.sys");
	assert_int_equal(apply_rest(&f->a, &f->err), 0);
	assert_int_equal(mode_of(f->root, "drv/C-291a.sys"), 0);
	assert_int_equal(mode_of(f->root, "drv/C-291b.sys"), 0);
	assert_int_equal(mode_of(f->root, "drv/C-292.sys"), 0644);
	assert_int_not_equal(mode_of(f->root, "drv/C-291dir.sys"), 0);
	assert_int_not_equal(mode_of(f->root, "drv/C-291link.sys"), 0);
	assert_false(f->a.items[0].has_after);
	assert_true(f->a.items[0].has_before);
	fx_free(f);
}

static void test_delete_in_missing_dir_is_nothing(void **state)
{
	const struct tl_op op = { MANIFEST_OP_DELETE, "no/such/x*", NULL, 0, 5, 0 };
	struct fx *f = fx_new();

	(void)state;
	fx_prepare(f, &op, 1);
	assert_int_equal(apply_check(&f->a, &f->err), 0);
	assert_int_equal(f->a.nitems, 0);
	fx_free(f);
}

static void test_glob_at_root_never_matches_state_dir(void **state)
{
	const struct tl_op op = { MANIFEST_OP_DELETE, ".fix*", NULL, 0, 5, 0 };
	struct fx *f = fx_new();

	(void)state;
	tl_write(f->root, ".fixnet", "a file named like the state dir", 31, 0644);
	tl_write(f->root, ".fixme", "x", 1, 0644);
	fx_prepare(f, &op, 1);
	assert_int_equal(apply_check(&f->a, &f->err), 0);
	assert_int_equal(f->a.nitems, 1);
	assert_string_equal(f->a.items[0].path, ".fixme");
	fx_free(f);
}

/* Two globs at the root: each reads the root from its start. */
static void test_two_globs_at_root(void **state)
{
	const struct tl_op ops[] = {
		{ MANIFEST_OP_DELETE, "a*.log", NULL, 0, 5, 0 },
		{ MANIFEST_OP_DELETE, "b*.log", NULL, 0, 5, 0 },
	};
	struct fx *f = fx_new();

	(void)state;
	tl_write(f->root, "a1.log", "a", 1, 0644);
	tl_write(f->root, "b1.log", "b", 1, 0644);
	fx_prepare(f, ops, 2);
	assert_int_equal(apply_check(&f->a, &f->err), 0);
	assert_int_equal(f->a.nitems, 2);
	assert_string_equal(f->a.items[0].path, "a1.log");
	assert_string_equal(f->a.items[1].path, "b1.log");
	fx_free(f);
}

static void setup_many_logs(struct fx *f)
{
	char name[32];

	for (int i = 0; i < 6; i++) {
		snprintf(name, sizeof(name), "var/old%d.log", i);
		tl_write(f->root, name, "log", 3, 0644);
	}
}

static void test_glob_over_max_refused(void **state)
{
	const struct tl_op ops[] = {
		{ MANIFEST_OP_PUT, "etc/new.conf", "x\n", 0644, 0, 0 },
		{ MANIFEST_OP_DELETE, "var/old*.log", NULL, 0, 5, 0 },
	};

	(void)state;
	expect_refused(ops, 2, setup_many_logs, -E2BIG);
}

static void setup_symlink_dir_outside(struct fx *f)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/evil", f->root);
	assert_int_equal(symlink(f->outside, path), 0);
}

static void test_symlink_to_outside_in_path_refused(void **state)
{
	const struct tl_op op = { MANIFEST_OP_PUT, "evil/victim", "pwned\n", 0644, 0, 0 };

	(void)state;
	expect_refused(&op, 1, setup_symlink_dir_outside, -ELOOP);
}

static void test_symlink_dir_in_glob_refused(void **state)
{
	const struct tl_op op = { MANIFEST_OP_DELETE, "evil/vic*", NULL, 0, 5, 0 };

	(void)state;
	expect_refused(&op, 1, setup_symlink_dir_outside, -ELOOP);
}

static void setup_symlink_file(struct fx *f)
{
	char path[4096], target[4096];

	snprintf(path, sizeof(path), "%s/etc/passwd", f->root);
	snprintf(target, sizeof(target), "%s/victim", f->outside);
	assert_int_equal(symlink(target, path), 0);
}

static void test_symlink_at_destination_refused(void **state)
{
	const struct tl_op op = { MANIFEST_OP_PUT, "etc/passwd", "pwned\n", 0644, 0, 0 };

	(void)state;
	expect_refused(&op, 1, setup_symlink_file, -ELOOP);
}

static void setup_dir_at_path(struct fx *f)
{
	tl_write(f->root, "etc/thing/inner", "x", 1, 0644);
}

static void test_directory_at_destination_refused(void **state)
{
	const struct tl_op op = { MANIFEST_OP_PUT, "etc/thing", "x\n", 0644, 0, 0 };

	(void)state;
	expect_refused(&op, 1, setup_dir_at_path, -EISDIR);
}

static void test_file_in_the_way_refused(void **state)
{
	const struct tl_op op = { MANIFEST_OP_PUT, "etc/keep.conf/x", "x\n", 0644, 0, 0 };

	(void)state;
	expect_refused(&op, 1, NULL, -ENOTDIR);
}

static void setup_fifo(struct fx *f)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/etc/fifo", f->root);
	assert_int_equal(mkfifo(path, 0644), 0);
}

static void test_fifo_at_destination_refused(void **state)
{
	const struct tl_op op = { MANIFEST_OP_PUT, "etc/fifo", "x\n", 0644, 0, 0 };

	(void)state;
	expect_refused(&op, 1, setup_fifo, -EPERM);
}

static void setup_existing_target(struct fx *f)
{
	tl_write(f->root, "etc/old.conf", "x", 1, 0644);
}

static void test_put_and_delete_same_path_refused(void **state)
{
	const struct tl_op ops[] = {
		{ MANIFEST_OP_PUT, "etc/old.conf", "new\n", 0644, 0, 0 },
		{ MANIFEST_OP_DELETE, "etc/old*.conf", NULL, 0, 5, 0 },
	};

	(void)state;
	expect_refused(ops, 2, setup_existing_target, -EINVAL);
}

static void test_state_dir_not_a_dir_fails_stage_cleanly(void **state)
{
	const struct tl_op op = { MANIFEST_OP_PUT, "etc/a.conf", "x\n", 0644, 0, 0 };
	struct fx *f = fx_new();
	char *before, *after;

	(void)state;
	tl_write(f->root, ".fixnet", "not a directory", 15, 0644);
	before = tl_snapshot(f->root);
	fx_prepare(f, &op, 1);
	assert_int_equal(apply_check(&f->a, &f->err), 0);
	assert_int_equal(apply_rest(&f->a, &f->err), -ENOTDIR);
	after = tl_snapshot(f->root);
	assert_string_equal(before, after);
	free(before);
	free(after);
	fx_free(f);
}

static void test_hook_runs_after_files(void **state)
{
	const struct tl_op ops[] = {
		{ MANIFEST_OP_HOOK, NULL, "cat etc/a.conf > hook.out\n"
		  "echo \"$FIXNET_FIX_ID $FIXNET_SERIAL\" >> hook.out\n", 0, 0, 10 },
		{ MANIFEST_OP_PUT, "etc/a.conf", "from put\n", 0644, 0, 0 },
	};
	struct fx *f = fx_new();
	char *got;

	(void)state;
	fx_prepare(f, ops, 2);
	assert_int_equal(apply_check(&f->a, &f->err), 0);
	assert_int_equal(apply_rest(&f->a, &f->err), 0);
	got = tl_read_at(f->root, "hook.out", NULL);
	assert_non_null(got);
	assert_string_equal(got, "from put\nfix-1 3\n");
	free(got);
	fx_free(f);
}

static void test_failing_hook_rolls_files_back(void **state)
{
	const struct tl_op ops[] = {
		{ MANIFEST_OP_PUT, "etc/a.conf", "x\n", 0644, 0, 0 },
		{ MANIFEST_OP_PUT, "etc/b.conf", "new b\n", 0644, 0, 0 },
		{ MANIFEST_OP_HOOK, NULL, "echo broken >&2; exit 3\n", 0, 0, 10 },
	};
	struct fx *f = fx_new();
	char *got;

	(void)state;
	tl_write(f->root, "etc/b.conf", "old b\n", 6, 0600);
	fx_prepare(f, ops, 3);
	assert_int_equal(apply_check(&f->a, &f->err), 0);
	assert_int_equal(apply_rest(&f->a, &f->err), -ECHILD);
	assert_non_null(strstr(f->err.msg, "status 3"));
	assert_non_null(strstr(f->err.msg, "every file was rolled back"));
	assert_false(f->a.items[0].has_after);
	assert_int_equal(mode_of(f->root, "etc/a.conf"), 0);
	got = tl_read_at(f->root, "etc/b.conf", NULL);
	assert_string_equal(got, "old b\n");
	free(got);
	assert_int_equal(mode_of(f->root, "etc/b.conf"), 0600);
	assert_int_equal(mode_of(f->root, ".fixnet/receipts/fix-1.json"), 0);
	assert_int_equal(mode_of(f->root, ".fixnet/journal"), 0);
	assert_int_equal(mode_of(f->root, ".fixnet/backup"), 0);
	assert_non_null(strstr(f->log.copy.data, "hook: broken"));
	fx_free(f);
}

static void test_receipt_failure_rolls_files_back(void **state)
{
	const struct tl_op op = { MANIFEST_OP_DELETE, "var/old*.log", NULL, 0, 5, 0 };
	struct fx *f = fx_new();
	char *got;

	(void)state;
	tl_write(f->root, "var/old1.log", "log", 3, 0644);
	/* receipts/ is a file: the receipt cannot be written */
	tl_write(f->root, ".fixnet/receipts", "in the way", 10, 0644);
	fx_prepare(f, &op, 1);
	assert_int_equal(apply_check(&f->a, &f->err), 0);
	assert_int_equal(apply_rest(&f->a, &f->err), -ENOTDIR);
	assert_non_null(strstr(f->err.msg, "every file was rolled back"));
	got = tl_read_at(f->root, "var/old1.log", NULL);
	assert_string_equal(got, "log");
	free(got);
	assert_true(f->a.items[0].has_after);
	fx_free(f);
}

static void test_journal_in_the_way_refused(void **state)
{
	const struct tl_op op = { MANIFEST_OP_PUT, "etc/a.conf", "x\n", 0644, 0, 0 };
	struct fx *f = fx_new();
	char *got;

	(void)state;
	tl_write(f->root, ".fixnet/journal", "someone else's", 14, 0600);
	tl_write(f->root, ".fixnet/backup/0", "their backup", 12, 0600);
	fx_prepare(f, &op, 1);
	assert_int_equal(apply_check(&f->a, &f->err), 0);
	assert_int_equal(apply_rest(&f->a, &f->err), -EBUSY);
	got = tl_read_at(f->root, ".fixnet/backup/0", NULL);
	assert_string_equal(got, "their backup");
	free(got);
	assert_int_equal(mode_of(f->root, "etc/a.conf"), 0);
	fx_free(f);
}

/*
 * A casefold target (NTFS, FAT: t.casefold, set here on a directory): the
 * manifest's names find the stored ones in any case of ASCII letters.
 */
static void cs_tree(struct fx *f)
{
	tl_write(f->root, "Windows/System32/Drivers/CrowdStrike/C-00000291-00000000-00000032.sys",
		 "bad 32", 6, 0644);
	tl_write(f->root, "Windows/System32/Drivers/CrowdStrike/c-00000291-00000000-00000033.SYS",
		 "bad 33", 6, 0644);
	tl_write(f->root, "Windows/System32/Drivers/CrowdStrike/C-00000290-00000000-00000001.sys",
		 "good", 4, 0644);
}

static void test_casefold_delete_glob(void **state)
{
	const struct tl_op op = { MANIFEST_OP_DELETE,
		"windows/system32/drivers/CROWDSTRIKE/C-00000291*.sys", NULL, 0, 5, 0 };
	struct fx *f = fx_new();
	char *got;

	(void)state;
	cs_tree(f);
	fx_prepare(f, &op, 1);
	f->t.casefold = true;
	assert_int_equal(apply_check(&f->a, &f->err), 0);
	assert_int_equal(f->a.nitems, 2);
	/* the evidence names the files as stored */
	assert_string_equal(f->a.items[0].path, "Windows/System32/Drivers/CrowdStrike/"
			    "C-00000291-00000000-00000032.sys");
	assert_string_equal(f->a.items[1].path, "Windows/System32/Drivers/CrowdStrike/"
			    "c-00000291-00000000-00000033.SYS");
	assert_int_equal(apply_rest(&f->a, &f->err), 0);
	assert_int_equal(mode_of(f->root, "Windows/System32/Drivers/CrowdStrike/"
				 "C-00000291-00000000-00000032.sys"), 0);
	assert_int_equal(mode_of(f->root, "Windows/System32/Drivers/CrowdStrike/"
				 "c-00000291-00000000-00000033.SYS"), 0);
	got = tl_read_at(f->root, "Windows/System32/Drivers/CrowdStrike/"
			 "C-00000290-00000000-00000001.sys", NULL);
	assert_string_equal(got, "good");
	free(got);
	fx_free(f);
}

/* The same fix on a case-sensitive target (ext4) finds nothing. */
static void test_case_sensitive_target_matches_exactly(void **state)
{
	const struct tl_op op = { MANIFEST_OP_DELETE,
		"windows/system32/drivers/CROWDSTRIKE/C-00000291*.sys", NULL, 0, 5, 0 };
	struct fx *f = fx_new();

	(void)state;
	cs_tree(f);
	fx_prepare(f, &op, 1);
	assert_false(f->t.casefold);
	assert_int_equal(apply_check(&f->a, &f->err), 0);
	assert_int_equal(f->a.nitems, 0);
	fx_free(f);
}

/* A put replaces a file under its stored name, and a new file goes into
 * the directory stored under another case; nothing new is made beside. */
static void test_casefold_put_uses_stored_names(void **state)
{
	const struct tl_op ops[] = {
		{ MANIFEST_OP_PUT, "windows/win.ini", "new ini\n", 0644, 0, 0 },
		{ MANIFEST_OP_PUT, "WINDOWS/system/new.dll", "dll\n", 0644, 0, 0 },
	};
	struct fx *f = fx_new();
	char *got, *listing;

	(void)state;
	tl_write(f->root, "Windows/WIN.INI", "old ini\n", 8, 0644);
	tl_write(f->root, "Windows/System/old.dll", "old\n", 4, 0644);
	fx_prepare(f, ops, 2);
	f->t.casefold = true;
	assert_int_equal(apply_check(&f->a, &f->err), 0);
	assert_string_equal(f->a.items[0].path, "Windows/WIN.INI");
	assert_true(f->a.items[0].has_before);
	assert_string_equal(f->a.items[1].path, "Windows/System/new.dll");
	assert_int_equal(apply_rest(&f->a, &f->err), 0);
	got = tl_read_at(f->root, "Windows/WIN.INI", NULL);
	assert_string_equal(got, "new ini\n");
	free(got);
	got = tl_read_at(f->root, "Windows/System/new.dll", NULL);
	assert_string_equal(got, "dll\n");
	free(got);
	assert_int_equal(mode_of(f->root, "windows"), 0);
	assert_int_equal(mode_of(f->root, "WINDOWS"), 0);
	listing = tl_snapshot(f->root);
	assert_null(strstr(listing, "win.ini"));
	free(listing);
	fx_free(f);
}

/* Two stored names that differ only in case (NTFS's POSIX namespace
 * allows them): fixd does not choose, and changes nothing. */
static void test_casefold_ambiguous_refused(void **state)
{
	const struct tl_op op = { MANIFEST_OP_PUT, "dir/a.txt", "x\n", 0644, 0, 0 };
	struct fx *f = fx_new();
	char *before, *after;

	(void)state;
	tl_write(f->root, "Dir/x", "1", 1, 0644);
	tl_write(f->root, "DIR/y", "2", 1, 0644);
	before = tl_snapshot(f->root);
	fx_prepare(f, &op, 1);
	f->t.casefold = true;
	assert_int_equal(apply_check(&f->a, &f->err), -EINVAL);
	assert_non_null(strstr(f->err.msg, "differ only in case"));
	after = tl_snapshot(f->root);
	assert_string_equal(before, after);
	free(before);
	free(after);
	fx_free(f);
}

/* Two ops on paths Windows sees as one are refused on a casefold target. */
static void test_casefold_conflict_refused(void **state)
{
	const struct tl_op ops[] = {
		{ MANIFEST_OP_PUT, "etc/A.conf", "a\n", 0644, 0, 0 },
		{ MANIFEST_OP_PUT, "etc/a.conf", "b\n", 0644, 0, 0 },
	};
	struct fx *f = fx_new();

	(void)state;
	fx_prepare(f, ops, 2);
	f->t.casefold = true;
	assert_int_equal(apply_check(&f->a, &f->err), -EINVAL);
	assert_non_null(strstr(f->err.msg, "two operations touch"));
	fx_free(f);
}

/* The selector's path, on a casefold target. */
static void test_casefold_selector_path(void **state)
{
	struct fx *f = fx_new();

	(void)state;
	cs_tree(f);
	assert_int_equal(target_open_dir(f->root, &f->t, &f->err), 0);
	assert_false(target_path_exists(&f->t, "windows/system32/drivers/crowdstrike"));
	f->t.casefold = true;
	assert_true(target_path_exists(&f->t, "windows/system32/drivers/crowdstrike"));
	assert_false(target_path_exists(&f->t, "windows/system32/drivers/other"));
	fx_free(f);
}

static void test_unprintable_names_reported_cleaned(void **state)
{
	const struct tl_op op = { MANIFEST_OP_DELETE, "drv/C-291*", NULL, 0, 5, 0 };
	struct fx *f = fx_new();
	struct report r = { 0 };
	struct buf json;
	char *receipt;

	(void)state;
	tl_write(f->root, "drv/C-291\n\xe9.sys", "bad", 3, 0644);
	fx_prepare(f, &op, 1);
	assert_int_equal(apply_check(&f->a, &f->err), 0);
	assert_int_equal(apply_rest(&f->a, &f->err), 0);
	assert_int_equal(mode_of(f->root, "drv/C-291\n\xe9.sys"), 0);
	assert_int_equal(apply_report(&f->a, &r), 0);
	r.fix = "fix-1";
	r.serial = 3;
	assert_string_equal(r.evidence[0].path, "drv/C-291??.sys");
	buf_init(&json, 1 << 20);
	assert_int_equal(report_format(&r, &json), 0);
	receipt = tl_read_at(f->root, ".fixnet/receipts/fix-1.json", NULL);
	assert_non_null(strstr(receipt, "drv/C-291??.sys"));
	free(receipt);
	buf_free(&json);
	free(r.evidence[0].path);
	free(r.evidence[0].op);
	free(r.evidence);
	fx_free(f);
}

static void test_report_carries_evidence(void **state)
{
	const struct tl_op op = { MANIFEST_OP_PUT, "etc/a.conf", "x\n", 0644, 0, 0 };
	struct fx *f = fx_new();
	struct report r = { 0 };

	(void)state;
	fx_prepare(f, &op, 1);
	assert_int_equal(apply_check(&f->a, &f->err), 0);
	assert_int_equal(apply_rest(&f->a, &f->err), 0);
	assert_int_equal(apply_report(&f->a, &r), 0);
	assert_int_equal(r.nevidence, 1);
	assert_string_equal(r.evidence[0].path, "etc/a.conf");
	assert_string_equal(r.evidence[0].op, "put");
	assert_false(r.evidence[0].has_before);
	assert_true(r.evidence[0].has_after);
	free(r.evidence[0].path);
	free(r.evidence[0].op);
	free(r.evidence);
	fx_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_put_new_file_in_new_dirs),
		cmocka_unit_test(test_put_replaces_and_records_before),
		cmocka_unit_test(test_delete_glob_regular_files_only),
		cmocka_unit_test(test_delete_in_missing_dir_is_nothing),
		cmocka_unit_test(test_glob_at_root_never_matches_state_dir),
		cmocka_unit_test(test_glob_over_max_refused),
		cmocka_unit_test(test_symlink_to_outside_in_path_refused),
		cmocka_unit_test(test_symlink_dir_in_glob_refused),
		cmocka_unit_test(test_symlink_at_destination_refused),
		cmocka_unit_test(test_directory_at_destination_refused),
		cmocka_unit_test(test_file_in_the_way_refused),
		cmocka_unit_test(test_fifo_at_destination_refused),
		cmocka_unit_test(test_put_and_delete_same_path_refused),
		cmocka_unit_test(test_state_dir_not_a_dir_fails_stage_cleanly),
		cmocka_unit_test(test_hook_runs_after_files),
		cmocka_unit_test(test_failing_hook_rolls_files_back),
		cmocka_unit_test(test_receipt_failure_rolls_files_back),
		cmocka_unit_test(test_journal_in_the_way_refused),
		cmocka_unit_test(test_two_globs_at_root),
		cmocka_unit_test(test_casefold_delete_glob),
		cmocka_unit_test(test_case_sensitive_target_matches_exactly),
		cmocka_unit_test(test_casefold_put_uses_stored_names),
		cmocka_unit_test(test_casefold_ambiguous_refused),
		cmocka_unit_test(test_casefold_conflict_refused),
		cmocka_unit_test(test_casefold_selector_path),
		cmocka_unit_test(test_unprintable_names_reported_cleaned),
		cmocka_unit_test(test_report_carries_evidence),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
