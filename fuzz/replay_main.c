/* SPDX-License-Identifier: MIT */
/*
 * A plain main for the fuzz targets, so that `make check` replays their
 * corpora with gcc and no libFuzzer:
 *
 *   replay_TARGET DIR|FILE...
 *
 * calls LLVMFuzzerTestOneInput() once per file (a directory's regular
 * files, in name order).  A failed invariant aborts, as under libFuzzer.
 * Exit 0 when every input ran, 1 when an argument cannot be read or a
 * directory holds no input (an empty corpus would replay nothing).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz/fuzz.h"

#define REPLAY_FILE_MAX (16 * 1024 * 1024)	/* larger than any seed */

/**
 * Read a whole file into an allocation of exactly its size, so that a
 * sanitizer sees a read past the end of the input.
 *
 * @v path	file
 * @v data	the content, to free()
 * @v size	its length
 * @ret 0 or a negative errno
 */
static int replay_read(const char *path, uint8_t **data, size_t *size)
{
	struct stat st;
	uint8_t *p;
	size_t got = 0;
	ssize_t n;
	int fd, rc = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0 || st.st_size > REPLAY_FILE_MAX) {
		rc = -EFBIG;
		goto err_close;
	}
	p = malloc(st.st_size ? (size_t)st.st_size : 1);
	if (!p) {
		rc = -ENOMEM;
		goto err_close;
	}
	while (got < (size_t)st.st_size) {
		n = read(fd, p + got, (size_t)st.st_size - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			rc = n < 0 ? -errno : -EIO;
			free(p);
			goto err_close;
		}
		got += (size_t)n;
	}
	*data = p;
	*size = got;
err_close:
	close(fd);
	return rc;
}

/**
 * Run one file through the target.
 *
 * @v path	file
 * @ret 0 or a negative errno
 */
static int replay_file(const char *path)
{
	uint8_t *data = NULL;
	size_t size = 0;
	int rc;

	rc = replay_read(path, &data, &size);
	if (rc < 0) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(-rc));
		return rc;
	}
	LLVMFuzzerTestOneInput(data, size);
	free(data);
	return 0;
}

/**
 * Whether a directory entry is an input: not hidden (a README may sit
 * beside the seeds as ".README").
 *
 * @v e		directory entry
 * @ret 1 or 0
 */
static int replay_is_input(const struct dirent *e)
{
	return e->d_name[0] != '.';
}

/**
 * Run every file of a directory through the target, in name order.
 *
 * @v dir	directory
 * @v count	incremented per input
 * @ret 0 or a negative errno
 */
static int replay_dir(const char *dir, unsigned *count)
{
	struct dirent **names;
	char path[4096];
	int n, i, rc = 0;

	n = scandir(dir, &names, replay_is_input, alphasort);
	if (n < 0) {
		fprintf(stderr, "replay: %s: %s\n", dir, strerror(errno));
		return -errno;
	}
	if (n == 0) {
		fprintf(stderr, "replay: %s: no input\n", dir);
		rc = -ENOENT;
	}
	for (i = 0; i < n; i++) {
		if (rc == 0 && (size_t)snprintf(path, sizeof(path), "%s/%s", dir,
					       names[i]->d_name) >= sizeof(path))
			rc = -ENAMETOOLONG;
		if (rc == 0)
			rc = replay_file(path);
		if (rc == 0)
			(*count)++;
		free(names[i]);
	}
	free(names);
	return rc;
}

int main(int argc, char **argv)
{
	unsigned count = 0;
	struct stat st;
	int i, rc = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: %s DIR|FILE...\n", argv[0]);
		return 1;
	}
	for (i = 1; i < argc && rc == 0; i++) {
		if (stat(argv[i], &st) < 0) {
			fprintf(stderr, "replay: %s: %s\n", argv[i],
				strerror(errno));
			return 1;
		}
		if (S_ISDIR(st.st_mode))
			rc = replay_dir(argv[i], &count);
		else if ((rc = replay_file(argv[i])) == 0)
			count++;
	}
	if (rc < 0)
		return 1;
	printf("%s: %u inputs replayed\n", argv[0], count);
	return 0;
}
