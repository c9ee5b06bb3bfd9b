/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "fixd/ntfs.h"
#include "fixd/test/testlib.h"

/*
 * NTFS volume state (fixd/ntfs.c): boot sectors and $Volume records made
 * by mkntfs and marked dirty by ntfsfix (ntfs-3g), and records crafted here
 * byte by byte, damaged in every way the parser must catch; hibernation
 * files in a plain directory (the check reads them through the mounted
 * volume).
 */

#define REC 1024

struct fx {
	char *dir;
	char clean[4096], dirty[4096];
	struct err err;
};

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)v);
	put16(p + 2, (uint16_t)(v >> 16));
}

static int run(const char *cmd)
{
	return system(cmd) == 0 ? 0 : -1;
}

/** Images: clean (as mkntfs leaves it) and dirty (ntfsfix marks it). */
static int fx_setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	char cmd[8192];

	if (!tl_have("mkntfs") || !tl_have("ntfsfix"))
		fail_msg("mkntfs or ntfsfix missing: deps/packages.txt installs "
			 "ntfs-3g");
	f->dir = tl_tmpdir();
	snprintf(f->clean, sizeof(f->clean), "%s/clean.img", f->dir);
	snprintf(f->dirty, sizeof(f->dirty), "%s/dirty.img", f->dir);
	snprintf(cmd, sizeof(cmd), "cd '%s' && truncate -s 16M clean.img && "
		 "mkntfs -q -F -f -L W clean.img >/dev/null 2>&1 && "
		 "cp clean.img dirty.img && ntfsfix dirty.img >/dev/null 2>&1",
		 f->dir);
	if (run(cmd) < 0)
		fail_msg("mkntfs or ntfsfix failed");
	*state = f;
	return 0;
}

static int fx_teardown(void **state)
{
	struct fx *f = *state;

	tl_rmtree(f->dir);
	free(f->dir);
	free(f);
	return 0;
}

/** The flags an image file holds.  @ret the rc of ntfs_volume_flags */
static int image_flags(const char *path, uint16_t *flags, struct err *err)
{
	int fd = open(path, O_RDONLY), rc;

	assert_true(fd >= 0);
	rc = ntfs_volume_flags(fd, flags, err);
	close(fd);
	return rc;
}

/** The boot sector of an image. */
static void image_boot(const char *path, uint8_t boot[NTFS_BOOT_BYTES])
{
	int fd = open(path, O_RDONLY);

	assert_true(fd >= 0);
	assert_int_equal(pread(fd, boot, NTFS_BOOT_BYTES, 0), NTFS_BOOT_BYTES);
	close(fd);
}

static void test_boot_of_mkntfs(void **state)
{
	struct fx *f = *state;
	uint8_t boot[NTFS_BOOT_BYTES];
	struct ntfs_geometry g;

	image_boot(f->clean, boot);
	assert_int_equal(ntfs_boot_parse(boot, sizeof(boot), &g, &f->err), 0);
	assert_int_equal(g.sector_size, 512);
	assert_int_equal(g.cluster_size, 4096);
	assert_int_equal(g.record_size, 1024);
	assert_true(g.volume_bytes > 15 * 1024 * 1024 &&
		    g.volume_bytes <= 16 * 1024 * 1024);
	assert_int_equal(g.mft_offset % 4096, 0);
}

static void test_flags_clean_and_dirty(void **state)
{
	struct fx *f = *state;
	uint16_t flags = 0xffff;

	assert_int_equal(image_flags(f->clean, &flags, &f->err), 0);
	assert_int_equal(flags & NTFS_VOLUME_DIRTY, 0);
	assert_int_equal(image_flags(f->dirty, &flags, &f->err), 0);
	assert_int_equal(flags & NTFS_VOLUME_DIRTY, NTFS_VOLUME_DIRTY);
}

static void test_flags_short_image(void **state)
{
	struct fx *f = *state;
	char cmd[8192];
	uint16_t flags;

	snprintf(cmd, sizeof(cmd), "truncate -s 20000 '%s'", f->clean);
	assert_int_equal(run(cmd), 0);
	assert_int_equal(image_flags(f->clean, &flags, &f->err), -EIO);
	assert_non_null(strstr(f->err.msg, "short read"));
}

static void test_boot_refusals(void **state)
{
	struct fx *f = *state;
	uint8_t boot[NTFS_BOOT_BYTES], b[NTFS_BOOT_BYTES];
	struct ntfs_geometry g;
	const struct { size_t at; uint8_t v; const char *why; } bad[] = {
		{ 0x03, 'X', "OEM id" },
		{ 0x1FE, 0x00, "no 55 AA" },
		{ 0x0C, 0x00, "sector size 0" },	/* 512 = 0x0200 */
		{ 0x0C, 0x03, "sector size 0x0300" },
		{ 0x0C, 0x20, "sector size 8192" },
		{ 0x0D, 0x00, "0 sectors per cluster" },
		{ 0x0D, 0x03, "3 sectors per cluster" },
		{ 0x0D, 0xE0, "2^32 sectors per cluster" },
		{ 0x0D, 0xF3, "4 MiB clusters" },
		{ 0x40, 0x00, "0 clusters per record" },
		{ 0x40, 0x02, "records of 2 clusters (8 KiB)" },
		{ 0x40, 0xF8, "records of 256 bytes" },
		{ 0x40, 0x81, "records of 2^127 bytes" },
		{ 0x32, 0x01, "$MFT beyond the volume" },
		{ 0x2F, 0xFF, "total sectors overflow" },
		{ 0x37, 0x01, "MFT cluster overflows" },
	};

	image_boot(f->clean, boot);
	assert_int_equal(ntfs_boot_parse(boot, 100, &g, &f->err), -EINVAL);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memcpy(b, boot, sizeof(b));
		b[bad[i].at] = bad[i].v;
		if (ntfs_boot_parse(b, sizeof(b), &g, &f->err) != -EINVAL)
			fail_msg("accepted: %s", bad[i].why);
	}
}

/** A $Volume record of REC bytes: header, update sequence, attributes. */
static void craft_volume(uint8_t *r, uint16_t flags)
{
	size_t o = 0x38;

	memset(r, 0, REC);
	memcpy(r, "FILE", 4);
	put16(r + 0x04, 0x30);			/* update sequence at 0x30 */
	put16(r + 0x06, REC / 512 + 1);
	put16(r + 0x14, 0x38);			/* first attribute */
	put16(r + 0x16, 0x0001);		/* in use */
	put32(r + 0x1C, REC);
	put32(r + 0x2C, 3);			/* record number */
	/* $STANDARD_INFORMATION, resident, 48 bytes of value */
	put32(r + o, 0x10);
	put32(r + o + 4, 72);
	put32(r + o + 0x10, 48);
	put16(r + o + 0x14, 24);
	o += 72;
	/* $VOLUME_INFORMATION: 8 reserved, version 3.1, flags */
	put32(r + o, 0x70);
	put32(r + o + 4, 40);
	put32(r + o + 0x10, 12);
	put16(r + o + 0x14, 24);
	r[o + 24 + 8] = 3;
	r[o + 24 + 9] = 1;
	put16(r + o + 24 + 10, flags);
	o += 40;
	put32(r + o, 0xFFFFFFFFu);
	put32(r + 0x18, (uint32_t)o + 8);	/* bytes in use */
	/* update sequence number 0x0007, saved bytes 0xAB 0xCD, 0xEF 0x01 */
	put16(r + 0x30, 0x0007);
	put16(r + 0x32, 0xCDAB);
	put16(r + 0x34, 0x01EF);
	put16(r + 510, 0x0007);
	put16(r + 1022, 0x0007);
}

/* Offset of the crafted $VOLUME_INFORMATION attribute. */
#define VI (0x38 + 72)

static void test_volume_info_crafted(void **state)
{
	uint8_t r[REC];
	uint16_t flags;
	struct err err;

	(void)state;
	craft_volume(r, 0x0001);
	assert_int_equal(ntfs_volume_info(r, REC, &flags, &err), 0);
	assert_int_equal(flags, 0x0001);
	/* the fixups put the saved bytes back at each block's end */
	assert_int_equal(r[510], 0xAB);
	assert_int_equal(r[1023], 0x01);
	craft_volume(r, 0x8000);
	assert_int_equal(ntfs_volume_info(r, REC, &flags, &err), 0);
	assert_int_equal(flags, 0x8000);
}

static void test_fixup_torn_write(void **state)
{
	uint8_t r[REC];
	uint16_t flags;
	struct err err;

	(void)state;
	craft_volume(r, 0);
	r[1022] = 0x08;
	assert_int_equal(ntfs_volume_info(r, REC, &flags, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "torn write"));
	craft_volume(r, 0);
	put16(r + 0x06, 2);			/* one entry short */
	assert_int_equal(ntfs_record_fixup(r, REC, &err), -EINVAL);
	craft_volume(r, 0);
	put16(r + 0x04, 0x31);			/* odd offset */
	assert_int_equal(ntfs_record_fixup(r, REC, &err), -EINVAL);
	craft_volume(r, 0);
	put16(r + 0x04, 0x1FC);			/* runs into block 1's end */
	assert_int_equal(ntfs_record_fixup(r, REC, &err), -EINVAL);
	assert_int_equal(ntfs_record_fixup(r, 1000, &err), -EINVAL);
}

static void test_volume_info_refusals(void **state)
{
	const struct { size_t at; uint32_t v; int bytes; int rc; } bad[] = {
		{ 0, 0x44414142, 4, -EINVAL },		/* "BAAD" */
		{ 0x16, 0, 2, -EINVAL },		/* not in use */
		{ 0x20, 5, 4, -EINVAL },		/* an extension record */
		{ 0x2C, 4, 4, -EINVAL },		/* record 4, not 3 */
		{ 0x14, 0x20, 2, -EINVAL },		/* attributes over the USA */
		{ 0x14, 0x3C, 2, -EINVAL },		/* misaligned */
		{ 0x18, REC + 8, 4, -EINVAL },		/* in use beyond the record */
		{ VI + 4, 0, 4, -EINVAL },		/* length 0 */
		{ VI + 4, 44, 4, -EINVAL },		/* misaligned length */
		{ VI + 4, 0x1000, 4, -EINVAL },		/* beyond bytes in use */
		{ VI + 8, 1, 1, -EINVAL },		/* non-resident */
		{ VI + 0x10, 11, 4, -EINVAL },		/* value too short */
		{ VI + 0x10, 0xFFFFFFF0u, 4, -EINVAL },	/* value too long */
		{ VI + 0x14, 0x30, 2, -EINVAL },	/* value beyond it */
		{ VI, 0x80, 4, -ENOENT },		/* no $VOLUME_INFORMATION */
		{ VI, 0xFFFFFFFFu, 4, -ENOENT },	/* ends before it */
	};
	uint8_t r[REC];
	uint16_t flags;
	struct err err;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		craft_volume(r, 1);
		if (bad[i].bytes == 1)
			r[bad[i].at] = (uint8_t)bad[i].v;
		else if (bad[i].bytes == 2)
			put16(r + bad[i].at, (uint16_t)bad[i].v);
		else
			put32(r + bad[i].at, bad[i].v);
		if (ntfs_volume_info(r, REC, &flags, &err) != bad[i].rc)
			fail_msg("case %zu (byte %zu = 0x%x) not refused", i, bad[i].at,
				 bad[i].v);
	}
	assert_int_equal(ntfs_volume_info(r, 256, &flags, &err), -EINVAL);
	assert_int_equal(ntfs_volume_info(r, 8192, &flags, &err), -EINVAL);
}

/** Every byte of the record set to every value of a few: never read past. */
static void test_volume_info_every_byte(void **state)
{
	static const uint8_t vals[] = { 0x00, 0x01, 0x7F, 0x80, 0xFF };
	uint8_t r[REC];
	uint16_t flags;
	struct err err;
	int rc;

	(void)state;
	for (size_t at = 0; at < 0x38 + 72 + 40 + 8; at++) {
		for (size_t v = 0; v < sizeof(vals); v++) {
			craft_volume(r, 1);
			r[at] = vals[v];
			rc = ntfs_volume_info(r, REC, &flags, &err);
			assert_true(rc == 0 || rc == -EINVAL || rc == -ENOENT);
		}
	}
}

static void test_hiber_header(void **state)
{
	(void)state;
	assert_true(ntfs_hiber_active((const uint8_t *)"hibr\0\0", 6));
	assert_true(ntfs_hiber_active((const uint8_t *)"HIBR", 4));
	assert_true(ntfs_hiber_active((const uint8_t *)"HiBr", 4));
	assert_false(ntfs_hiber_active((const uint8_t *)"wake", 4));
	assert_false(ntfs_hiber_active((const uint8_t *)"WAKE", 4));
	assert_false(ntfs_hiber_active((const uint8_t *)"\0\0\0\0", 4));
	assert_false(ntfs_hiber_active((const uint8_t *)"hib", 3));
	assert_false(ntfs_hiber_active((const uint8_t *)"", 0));
}

/** ntfs_hiber_find on a directory.  @ret whether it found an active one */
static bool hiber_in(const char *dir)
{
	struct err err;
	bool active;
	int fd = open(dir, O_RDONLY | O_DIRECTORY);

	assert_true(fd >= 0);
	assert_int_equal(ntfs_hiber_find(fd, &active, &err), 0);
	close(fd);
	return active;
}

static void test_hiber_file(void **state)
{
	char *dir = tl_tmpdir(), path[4096], target[4096];

	(void)state;
	tl_write(dir, "Windows/System32/x.sys", "x", 1, 0644);
	assert_false(hiber_in(dir));
	tl_write(dir, "hiberfil.sys", "WAKE\0\0\0\0", 8, 0644);
	assert_false(hiber_in(dir));
	tl_write(dir, "hiberfil.sys", "\0\0\0\0\0\0\0\0", 8, 0644);
	assert_false(hiber_in(dir));
	tl_write(dir, "hiberfil.sys", "HIB", 3, 0644);
	assert_false(hiber_in(dir));
	tl_write(dir, "hiberfil.sys", "HIBR\0\0\0\0", 8, 0644);
	assert_true(hiber_in(dir));
	snprintf(path, sizeof(path), "%s/hiberfil.sys", dir);
	unlink(path);
	tl_write(dir, "HiberFil.SYS", "hibr", 4, 0644);	/* any case */
	assert_true(hiber_in(dir));
	snprintf(path, sizeof(path), "%s/HiberFil.SYS", dir);
	unlink(path);
	/* a symlink is not followed, a directory is not a file */
	tl_write(dir, "elsewhere", "HIBR", 4, 0644);
	snprintf(target, sizeof(target), "%s/elsewhere", dir);
	snprintf(path, sizeof(path), "%s/hiberfil.sys", dir);
	assert_int_equal(symlink(target, path), 0);
	assert_false(hiber_in(dir));
	unlink(path);
	assert_int_equal(mkdir(path, 0755), 0);
	assert_false(hiber_in(dir));
	tl_rmtree(dir);
	free(dir);
}

static void test_check_writable(void **state)
{
	struct fx *f = *state;
	char *root = tl_tmpdir();
	int fd = open(root, O_RDONLY | O_DIRECTORY);

	assert_true(fd >= 0);
	assert_int_equal(ntfs_check_writable(f->clean, fd, &f->err), 0);
	assert_int_equal(ntfs_check_writable(f->dirty, fd, &f->err), -EUCLEAN);
	assert_non_null(strstr(f->err.msg, "marked dirty"));
	assert_non_null(strstr(f->err.msg, "chkdsk"));
	assert_non_null(strstr(f->err.msg, "left untouched"));
	tl_write(root, "hiberfil.sys", "HIBR", 4, 0644);
	assert_int_equal(ntfs_check_writable(f->clean, fd, &f->err), -EROFS);
	assert_non_null(strstr(f->err.msg, "hibernated"));
	assert_non_null(strstr(f->err.msg, "Fast Startup"));
	/* not NTFS at all: unreadable state, refused */
	tl_write(root, "notntfs.img", "plain text, no boot sector", 26, 0644);
	snprintf(f->clean, sizeof(f->clean), "%s/notntfs.img", root);
	assert_int_equal(ntfs_check_writable(f->clean, fd, &f->err), -EIO);
	assert_non_null(strstr(f->err.msg, "unreadable"));
	close(fd);
	tl_rmtree(root);
	free(root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_boot_of_mkntfs, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_flags_clean_and_dirty, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_flags_short_image, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_boot_refusals, fx_setup, fx_teardown),
		cmocka_unit_test(test_volume_info_crafted),
		cmocka_unit_test(test_fixup_torn_write),
		cmocka_unit_test(test_volume_info_refusals),
		cmocka_unit_test(test_volume_info_every_byte),
		cmocka_unit_test(test_hiber_header),
		cmocka_unit_test(test_hiber_file),
		cmocka_unit_test_setup_teardown(test_check_writable, fx_setup, fx_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
