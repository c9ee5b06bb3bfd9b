/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "common/file.h"

#define FILE_CHUNK (64 * 1024)

/**
 * Read what is left of an open file, at most max bytes.
 * @ret 0, -EFBIG, -ENOMEM, -errno
 */
int file_read_fd(int fd, size_t max, struct buf *out)
{
	char chunk[FILE_CHUNK];
	ssize_t n;
	int rc = 0;

	buf_init(out, max);
	while (rc == 0) {
		n = read(fd, chunk, sizeof(chunk));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			rc = n < 0 ? -errno : 0;
			break;
		}
		rc = buf_append(out, chunk, (size_t)n);
	}
	if (rc == 0 && !out->data && buf_append(out, "", 0) < 0)
		rc = -ENOMEM;
	return rc;
}

/**
 * Read a whole file into a buffer, at most max bytes.
 * @ret 0, -EFBIG, -ENOMEM, -errno
 */
int file_read(const char *path, size_t max, struct buf *out, struct err *err)
{
	int fd, rc;

	buf_init(out, max);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return err_set(err, -errno, "%s: %s", path, strerror(errno));
	rc = file_read_fd(fd, max, out);
	close(fd);
	if (rc == -EFBIG)
		return err_set(err, rc, "%s: larger than %zu bytes", path, max);
	if (rc < 0)
		return err_set(err, rc, "%s: %s", path, strerror(-rc));
	return 0;
}
