/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fixd/bundle.h"

/**
 * Compare two paths with '/' ordered before every other byte, so that the
 * paths below a directory sort right after it.
 */
static int bundle_path_cmp(const void *pa, const void *pb)
{
	const unsigned char *a = *(const unsigned char *const *)pa;
	const unsigned char *b = *(const unsigned char *const *)pb;

	for (; *a && *a == *b; a++, b++)
		;
	if (*a == *b)
		return 0;
	if (*a == '/')
		return *b ? -1 : 1;
	if (*b == '/')
		return *a ? 1 : -1;
	return *a < *b ? -1 : 1;
}

/**
 * True if path is the state directory or below it, in any case (NTFS and
 * FAT find it under any).
 */
static int bundle_path_reserved(const char *path)
{
	size_t n = strlen(BUNDLE_STATE_DIR);

	return strncasecmp(path, BUNDLE_STATE_DIR, n) == 0 &&
	       (path[n] == '\0' || path[n] == '/');
}

/**
 * Path rules the manifest parser does not know.
 * @ret 0, -EINVAL, -ENOMEM
 */
int bundle_paths_check(const struct manifest *m, struct err *err)
{
	const char **puts;
	size_t n = 0;
	int rc = 0;

	puts = calloc(m->nops ? m->nops : 1, sizeof(*puts));
	if (!puts)
		return err_set(err, -ENOMEM, "out of memory");
	for (size_t i = 0; i < m->nops; i++) {
		const struct manifest_op *op = &m->ops[i];

		if (op->path && bundle_path_reserved(op->path)) {
			rc = err_set(err, -EINVAL, "%s: %s/ is fixnet's own state "
				     "directory", op->path, BUNDLE_STATE_DIR);
			goto out;
		}
		if (op->kind == MANIFEST_OP_PUT)
			puts[n++] = op->path;
	}
	qsort(puts, n, sizeof(*puts), bundle_path_cmp);
	for (size_t i = 0; i + 1 < n; i++) {
		size_t len = strlen(puts[i]);

		if (strcmp(puts[i], puts[i + 1]) == 0) {
			rc = err_set(err, -EINVAL, "two puts to %s", puts[i]);
			goto out;
		}
		if (strncmp(puts[i], puts[i + 1], len) == 0 &&
		    puts[i + 1][len] == '/') {
			rc = err_set(err, -EINVAL, "put %s is below put %s",
				     puts[i + 1], puts[i]);
			goto out;
		}
	}
out:
	free(puts);
	return rc;
}
