/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fixd/target.h"
#include "fixd/test/testlib.h"

/*
 * Target selection (fixd/target*.c).  Filesystem images made with mkfs in a
 * scratch directory stand in for block devices: libblkid probes a file as it
 * probes a disk, and a fake partitions file lists them.  Mounting needs root
 * and loop devices: the integration test fixd/test/integ-apply-ext4.sh
 * covers it.
 */

#define UUID_EXT4 "3f0e3a5c-1b2d-4e6f-8a9b-0c1d2e3f4a5b"

struct fx {
	char *dir;
	struct log log;
	struct target_ctx ctx;
	char partitions[4096];
	struct err err;
};

/** Make an image file with a filesystem; @ret 0 or -1. */
static int mkimage(const char *dir, const char *name, const char *mkfs)
{
	char cmd[8192];

	snprintf(cmd, sizeof(cmd), "cd '%s' && truncate -s 8M %s && %s %s "
		 ">/dev/null 2>&1", dir, name, mkfs, name);
	return system(cmd) == 0 ? 0 : -1;
}

/** Images: img0 ext4 PRIMARY, img1 vfat ESP, img2 empty, img3 ext4 DATA. */
static int fx_setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	const char *parts =
		"major minor  #blocks  name\n\n"
		"   7        0       8192 img0\n"
		"   7        1       8192 img1\n"
		"   7        2       8192 img2\n"
		"   1        0       4096 ram0\n"
		"   7        4          0 img4\n"
		"   8        0        100 missing\n";

	if (!tl_have("mkfs.ext4") || !tl_have("mkfs.vfat"))
		fail_msg("mkfs.ext4 or mkfs.vfat missing: make deps installs "
			 "e2fsprogs and dosfstools");
	f->dir = tl_tmpdir();
	if (mkimage(f->dir, "img0", "mkfs.ext4 -q -F -L PRIMARY -U " UUID_EXT4) ||
	    mkimage(f->dir, "img1", "mkfs.vfat -n ESP -i 1234ABCD") ||
	    mkimage(f->dir, "img2", "true") ||
	    mkimage(f->dir, "img3", "mkfs.ext4 -q -F -L DATA") ||
	    mkimage(f->dir, "ram0", "mkfs.ext4 -q -F -L RAM"))
		fail_msg("mkfs failed");
	tl_write(f->dir, "partitions", parts, strlen(parts), 0644);
	snprintf(f->partitions, sizeof(f->partitions), "%s/partitions", f->dir);
	log_init(&f->log, "test", LV_DEBUG, 64 * 1024);
	f->log.out = NULL;
	f->ctx = (struct target_ctx){ .log = &f->log, .partitions = f->partitions,
				      .dev_dir = f->dir, .work_dir = f->dir };
	*state = f;
	return 0;
}

static int fx_teardown(void **state)
{
	struct fx *f = *state;

	log_free(&f->log);
	tl_rmtree(f->dir);
	free(f->dir);
	free(f);
	return 0;
}

static void test_match_every_set_field(void **state)
{
	struct target_dev d = { "/dev/vda1", "ext4", "PRIMARY", UUID_EXT4 };
	struct manifest_target sel = { 0 };

	(void)state;
	assert_true(target_match(&sel, &d));
	sel.label = "PRIMARY";
	assert_true(target_match(&sel, &d));
	sel.fstype = "ext4";
	sel.uuid = "3F0E3A5C-1B2D-4E6F-8A9B-0C1D2E3F4A5B";
	assert_true(target_match(&sel, &d));
	sel.fstype = "vfat";
	assert_false(target_match(&sel, &d));
	sel.fstype = NULL;
	sel.label = "primary";
	assert_false(target_match(&sel, &d));
}

/* Found in the NTFS lab: docs/bundle.md said fstype=ntfs3, the name of the
 * driver, and libblkid says "ntfs": both must select the volume. */
static void test_regression_fstype_by_driver_name(void **state)
{
	struct target_dev d = { "/dev/sda3", "ntfs", "Windows", "0123456789ABCDEF" };
	struct manifest_target sel = { .fstype = "ntfs" };

	(void)state;
	assert_true(target_match(&sel, &d));
	sel.fstype = "ntfs3";
	assert_true(target_match(&sel, &d));
	sel.fstype = "ext4";
	assert_false(target_match(&sel, &d));
}

static void test_fs_table(void **state)
{
	(void)state;
	assert_non_null(target_fs_find("ext4"));
	assert_true(target_fs_find("ext4")->posix_modes);
	assert_non_null(target_fs_find("vfat"));
	assert_false(target_fs_find("vfat")->posix_modes);
	/* NTFS through ntfs3: never "force" (it writes to a dirty volume),
	 * never "nocase" (a first lookup stays case-sensitive in 6.12) */
	assert_non_null(target_fs_find("ntfs"));
	assert_string_equal(target_fs_find("ntfs")->mount_type, "ntfs3");
	assert_non_null(strstr(target_fs_find("ntfs")->options, "windows_names"));
	assert_null(strstr(target_fs_find("ntfs")->options, "force"));
	assert_null(strstr(target_fs_find("ntfs")->options, "nocase"));
	assert_false(target_fs_find("ntfs")->posix_modes);
	assert_null(target_fs_find("ntfs3"));
	assert_null(target_fs_find("swap"));
}

static void test_probe_ext4_and_vfat(void **state)
{
	struct fx *f = *state;
	struct target_dev d;
	char path[4096];

	snprintf(path, sizeof(path), "%s/img0", f->dir);
	assert_int_equal(target_probe(path, &d, &f->err), 0);
	assert_string_equal(d.fstype, "ext4");
	assert_string_equal(d.label, "PRIMARY");
	assert_string_equal(d.uuid, UUID_EXT4);
	snprintf(path, sizeof(path), "%s/img1", f->dir);
	assert_int_equal(target_probe(path, &d, &f->err), 0);
	assert_string_equal(d.fstype, "vfat");
	assert_string_equal(d.label, "ESP");
	assert_string_equal(d.uuid, "1234-ABCD");
}

static void test_probe_nothing_there(void **state)
{
	struct fx *f = *state;
	struct target_dev d;
	char path[4096];

	snprintf(path, sizeof(path), "%s/img2", f->dir);
	assert_int_equal(target_probe(path, &d, &f->err), -ENODATA);
	snprintf(path, sizeof(path), "%s/absent", f->dir);
	assert_int_equal(target_probe(path, &d, &f->err), -ENOENT);
}

static void test_scan_keeps_mountable_devices(void **state)
{
	struct fx *f = *state;
	struct target_dev devs[8];
	size_t n;

	assert_int_equal(target_scan(&f->ctx, devs, 8, &n, &f->err), 0);
	assert_int_equal(n, 2);
	assert_string_equal(devs[0].label, "PRIMARY");
	assert_string_equal(devs[1].label, "ESP");
}

static void test_scan_bounded(void **state)
{
	struct fx *f = *state;
	struct target_dev devs[1];
	size_t n;

	assert_int_equal(target_scan(&f->ctx, devs, 1, &n, &f->err), 0);
	assert_int_equal(n, 1);
	assert_non_null(strstr(f->log.copy.data, "not probed"));
}

static void test_select_nothing_matches(void **state)
{
	struct fx *f = *state;
	struct manifest_target sel = { .label = "WINDOWS" };
	struct target t;

	assert_int_equal(target_select(&f->ctx, &sel, &t, &f->err), -ENODEV);
	assert_non_null(strstr(f->err.msg, "label=WINDOWS"));
}

static void test_select_ambiguous_refused(void **state)
{
	struct fx *f = *state;
	const char *parts = "7 0 8192 img0\n7 3 8192 img3\n";
	struct manifest_target sel = { .fstype = "ext4" };
	struct target t;

	tl_write(f->dir, "partitions", parts, strlen(parts), 0644);
	assert_int_equal(target_select(&f->ctx, &sel, &t, &f->err), -ENOTUNIQ);
	assert_non_null(strstr(f->err.msg, "2 filesystems"));
}

static void test_given_directory(void **state)
{
	struct fx *f = *state;
	struct manifest_target sel = { .label = "ignored", .path = "etc/app" };
	char *root = tl_tmpdir();
	struct target t;

	f->ctx.given = root;
	assert_int_equal(target_select(&f->ctx, &sel, &t, &f->err), -ENODEV);
	assert_non_null(strstr(f->err.msg, "etc/app does not exist"));
	tl_write(root, "etc/app/x", "x", 1, 0644);
	assert_int_equal(target_select(&f->ctx, &sel, &t, &f->err), 0);
	assert_string_equal(t.root, root);
	assert_false(t.mounted);
	assert_true(t.posix_modes);
	target_close(&t);
	f->ctx.given = NULL;
	tl_rmtree(root);
	free(root);
}

static void test_given_file_refused(void **state)
{
	struct fx *f = *state;
	struct manifest_target sel = { 0 };
	char path[4096];
	struct target t;

	snprintf(path, sizeof(path), "%s/img0", f->dir);
	f->ctx.given = path;
	assert_int_equal(target_select(&f->ctx, &sel, &t, &f->err), -EINVAL);
	f->ctx.given = NULL;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_match_every_set_field),
		cmocka_unit_test(test_regression_fstype_by_driver_name),
		cmocka_unit_test(test_fs_table),
		cmocka_unit_test_setup_teardown(test_probe_ext4_and_vfat, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_probe_nothing_there, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_scan_keeps_mountable_devices, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_scan_bounded, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_select_nothing_matches, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_select_ambiguous_refused, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_given_directory, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_given_file_refused, fx_setup, fx_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
