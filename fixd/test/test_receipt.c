/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "fixd/receipt.h"
#include "fixd/test/testlib.h"

struct fx {
	char *root;
	int fd;
	struct err err;
};

static struct fx *fx_new(void)
{
	struct fx *f = calloc(1, sizeof(*f));

	f->root = tl_tmpdir();
	f->fd = open(f->root, O_RDONLY | O_DIRECTORY);
	return f;
}

static void fx_free(struct fx *f)
{
	close(f->fd);
	tl_rmtree(f->root);
	free(f->root);
	free(f);
}

static void test_write_then_read(void **state)
{
	struct fx *f = fx_new();
	struct report_evidence ev[2] = {
		{ .path = "etc/a", .op = "put", .has_after = 1, .after = { 0xab } },
		{ .path = "var/b", .op = "delete" },
	};
	uint8_t sha[SHA256_LEN] = { 1, 2, 3 };
	struct receipt r;
	char *text;

	(void)state;
	assert_int_equal(receipt_write(f->fd, "av-1", 12, 1790000000, sha, ev, 2,
				       &f->err), 0);
	assert_int_equal(receipt_read(f->fd, "av-1", &r, &f->err), 0);
	assert_true(r.exists);
	assert_int_equal(r.serial, 12);
	assert_int_equal(r.time, 1790000000);
	assert_memory_equal(r.bundle_sha256, sha, SHA256_LEN);
	text = tl_read_at(f->root, ".fixnet/receipts/av-1.json", NULL);
	assert_non_null(strstr(text, "\"path\": \"etc/a\""));
	assert_non_null(strstr(text, "\"sha256\": \"ab00"));
	assert_non_null(strstr(text, "\"sha256\": null"));
	free(text);
	fx_free(f);
}

static void test_rewrite_replaces(void **state)
{
	struct fx *f = fx_new();
	uint8_t sha[SHA256_LEN] = { 0 };
	struct receipt r;

	(void)state;
	assert_int_equal(receipt_write(f->fd, "av-1", 1, 1, sha, NULL, 0, &f->err), 0);
	assert_int_equal(receipt_write(f->fd, "av-1", 2, 2, sha, NULL, 0, &f->err), 0);
	assert_int_equal(receipt_read(f->fd, "av-1", &r, &f->err), 0);
	assert_int_equal(r.serial, 2);
	fx_free(f);
}

static void test_absent_is_no_receipt(void **state)
{
	struct fx *f = fx_new();
	struct receipt r;

	(void)state;
	assert_int_equal(receipt_read(f->fd, "av-1", &r, &f->err), 0);
	assert_false(r.exists);
	fx_free(f);
}

/** Put text as the receipt of av-1 and expect rc when reading it. */
static void expect_read(const char *text, int rc)
{
	struct fx *f = fx_new();
	struct receipt r;

	tl_write(f->root, ".fixnet/receipts/av-1.json", text, strlen(text), 0644);
	assert_int_equal(receipt_read(f->fd, "av-1", &r, &f->err), rc);
	fx_free(f);
}

static void test_malformed_refused(void **state)
{
	(void)state;
	expect_read("{not json", -EINVAL);
	expect_read("[]", -EINVAL);
	expect_read("{\"id\": \"av-1\", \"serial\": 1, \"time\": 1}", -EINVAL);
	expect_read("{\"id\": \"av-2\", \"serial\": 1, \"time\": 1, \"bundle_sha256\": "
		    "\"0000000000000000000000000000000000000000000000000000000000000000\"}",
		    -EINVAL);
	expect_read("{\"id\": \"av-1\", \"serial\": -4, \"time\": 1, \"bundle_sha256\": "
		    "\"0000000000000000000000000000000000000000000000000000000000000000\"}",
		    -EINVAL);
	expect_read("{\"id\": \"av-1\", \"serial\": 1, \"serial\": 9, \"time\": 1, "
		    "\"bundle_sha256\": \"0000000000000000000000000000000000000000000000"
		    "000000000000000000\"}", -EINVAL);
}

static void test_oversized_refused(void **state)
{
	char *big = malloc(RECEIPT_MAX_BYTES + 2);

	(void)state;
	memset(big, ' ', RECEIPT_MAX_BYTES + 1);
	big[RECEIPT_MAX_BYTES + 1] = '\0';
	expect_read(big, -EFBIG);
	free(big);
}

static void test_symlinked_receipt_refused(void **state)
{
	struct fx *f = fx_new();
	char path[4096];
	struct receipt r;

	(void)state;
	tl_write(f->root, "elsewhere.json", "{}", 2, 0644);
	tl_write(f->root, ".fixnet/receipts/placeholder", "", 0, 0644);
	snprintf(path, sizeof(path), "%s/.fixnet/receipts/av-1.json", f->root);
	assert_int_equal(symlink("../../elsewhere.json", path), 0);
	assert_int_equal(receipt_read(f->fd, "av-1", &r, &f->err), -ELOOP);
	fx_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_write_then_read),
		cmocka_unit_test(test_rewrite_replaces),
		cmocka_unit_test(test_absent_is_no_receipt),
		cmocka_unit_test(test_malformed_refused),
		cmocka_unit_test(test_oversized_refused),
		cmocka_unit_test(test_symlinked_receipt_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
