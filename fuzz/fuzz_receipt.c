/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: receipt_read() of fixd (fixd/receipt.c), the receipt a fix
 * left on the target disk, which the primary OS controls.  Its parser is
 * reached only through the file: the target writes the input as
 * ROOT/.fixnet/receipts/FR_ID.json in a fresh temporary directory ($TMPDIR,
 * else /tmp) and reads it back.  Invariants: a receipt that reads exists
 * and has a serial in 1..MANIFEST_SERIAL_MAX; one that does not read fails
 * with -EINVAL (refuse rather than guess) and says nothing exists.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/manifest.h"
#include "fixd/receipt.h"
#include "fuzz/fuzz.h"

#define FR_ID "av-2026-11"

/**
 * Write a file whole.
 *
 * @v path	file, created
 * @v data	content
 * @v size	its length
 */
static void fr_write(const char *path, const uint8_t *data, size_t size)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	ssize_t n;

	FUZZ_CHECK(fd >= 0);
	while (size > 0) {
		n = write(fd, data, size);
		FUZZ_CHECK(n > 0);
		data += n;
		size -= (size_t)n;
	}
	FUZZ_CHECK(close(fd) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *tmp = getenv("TMPDIR");
	char root[4096], state[4200], dir[4200], path[4300];
	struct receipt r;
	struct err err;
	int fd, rc;

	snprintf(root, sizeof(root), "%s/fixnet-fuzz-receipt.XXXXXX",
		 tmp && *tmp ? tmp : "/tmp");
	FUZZ_CHECK(mkdtemp(root) != NULL);
	snprintf(state, sizeof(state), "%s/.fixnet", root);
	snprintf(dir, sizeof(dir), "%s/%s", root, RECEIPT_DIR);
	snprintf(path, sizeof(path), "%s/%s.json", dir, FR_ID);
	FUZZ_CHECK(mkdir(state, 0700) == 0 && mkdir(dir, 0700) == 0);
	fr_write(path, data, size);
	fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	FUZZ_CHECK(fd >= 0);
	rc = receipt_read(fd, FR_ID, &r, &err);
	if (rc == 0) {
		FUZZ_CHECK(r.exists);
		FUZZ_CHECK(r.serial >= 1 && r.serial <= MANIFEST_SERIAL_MAX);
	} else {
		FUZZ_CHECK(rc == -EINVAL && !r.exists);
	}
	close(fd);
	FUZZ_CHECK(unlink(path) == 0 && rmdir(dir) == 0 && rmdir(state) == 0 &&
		   rmdir(root) == 0);
	return 0;
}
