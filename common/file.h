/* SPDX-License-Identifier: MIT */
#ifndef FIXNET_COMMON_FILE_H
#define FIXNET_COMMON_FILE_H

#include <stddef.h>

#include "common/buf.h"
#include "common/err.h"

/**
 * Read a whole file into a buffer, refusing one longer than max bytes.
 *
 * @v path	the file
 * @v max	largest size accepted
 * @v out	set up by this function (free with buf_free); NUL-terminated
 * @ret 0, -EFBIG, -ENOMEM, -errno
 */
int file_read(const char *path, size_t max, struct buf *out, struct err *err);

/**
 * Read what is left of an open file into a buffer, at most max bytes.
 *
 * @v fd	open for reading
 * @v max	largest size accepted
 * @v out	set up by this function (free with buf_free); NUL-terminated
 * @ret 0, -EFBIG, -ENOMEM, -errno
 */
int file_read_fd(int fd, size_t max, struct buf *out);

#endif
