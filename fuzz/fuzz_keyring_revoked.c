/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: the "revoked" file of a keys directory.  Its parser is
 * private to common/keyring.c and reached only through keyring_load_dir(),
 * which reads a directory: the target writes the input as DIR/revoked in a
 * fresh temporary directory ($TMPDIR, else /tmp) and loads DIR.
 * Invariants: a file that loads adds no key, every revoked id is reported
 * revoked and survives minisign_keyid_format() -> minisign_keyid_parse(),
 * and there are no more ids than lines; a file that does not load fails
 * with one of the documented codes.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/keyring.h"
#include "fuzz/fuzz.h"

/**
 * Write the input as DIR/revoked.
 *
 * @v path	DIR/revoked
 * @v data	content
 * @v size	its length
 */
static void fkr_write(const char *path, const uint8_t *data, size_t size)
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

/**
 * Check a keyring loaded from a revoked file of nlines lines.
 *
 * @v kr	keyring
 * @v nlines	lines of the file
 */
static void fkr_check(const struct keyring *kr, size_t nlines)
{
	uint8_t back[MINISIGN_KEYID_LEN];
	char id[MINISIGN_KEYID_STR_LEN];
	size_t i;

	FUZZ_CHECK(kr->nkeys == 0);
	FUZZ_CHECK(kr->nrevoked <= nlines);
	FUZZ_CHECK(kr->nrevoked <= KEYRING_MAX_REVOKED);
	for (i = 0; i < kr->nrevoked; i++) {
		FUZZ_CHECK(keyring_is_revoked(kr, kr->revoked[i]));
		minisign_keyid_format(kr->revoked[i], id);
		FUZZ_CHECK(minisign_keyid_parse(id, back) == 0);
		FUZZ_CHECK(memcmp(back, kr->revoked[i], sizeof(back)) == 0);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *tmp = getenv("TMPDIR");
	char dir[4096], path[4096 + 16];
	struct keyring *kr;
	size_t nlines = 1, i;
	struct err err;
	int rc;

	snprintf(dir, sizeof(dir), "%s/fixnet-fuzz-keyring.XXXXXX",
		 tmp && *tmp ? tmp : "/tmp");
	FUZZ_CHECK(mkdtemp(dir) != NULL);
	snprintf(path, sizeof(path), "%s/%s", dir, KEYRING_REVOKED_FILE);
	fkr_write(path, data, size);
	kr = malloc(sizeof(*kr));
	FUZZ_CHECK(kr != NULL);
	keyring_init(kr);
	rc = keyring_load_dir(kr, dir, &err);
	FUZZ_CHECK(rc == 0 || rc == -EINVAL || rc == -E2BIG || rc == -EFBIG);
	for (i = 0; i < size; i++)
		nlines += data[i] == '\n';
	if (rc == 0)
		fkr_check(kr, nlines);
	else
		FUZZ_CHECK(kr->nrevoked == 0);
	free(kr);
	FUZZ_CHECK(unlink(path) == 0 && rmdir(dir) == 0);
	return 0;
}
