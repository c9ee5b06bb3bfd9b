/* SPDX-License-Identifier: MIT */
#ifndef FIXD_SAFE_H
#define FIXD_SAFE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "common/err.h"
#include "common/hex.h"

/*
 * Paths on the target, opened only through openat2(2) relative to the
 * target's root directory with RESOLVE_IN_ROOT | RESOLVE_NO_SYMLINKS |
 * RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV: a symlink anywhere in a path is
 * refused (ELOOP), never followed, and nothing outside the root (or on
 * another filesystem mounted below it) is reachable.
 */

/**
 * openat2(2) with the resolve flags above (musl has no wrapper).
 *
 * @v dirfd	directory the path is relative to (and confined in)
 * @v path	relative path
 * @v flags	open flags; O_CLOEXEC is added
 * @v mode	for O_CREAT
 * @ret a file descriptor, or -errno
 */
int safe_openat(int dirfd, const char *path, int flags, mode_t mode);

/**
 * Open the directory that holds path's last component.
 *
 * @v root	target root
 * @v path	a checked relative path (manifest_path_check)
 * @v create	create missing directories (mode 0755; each new entry is
 *		made durable with an fsync of its parent)
 * @v dirfd	the directory, to close; -1 when a component is missing and
 *		create is false
 * @v base	set to the last component inside path
 * @ret 0 (also when a component is missing), -ELOOP (a symlink in the way),
 *	-ENOTDIR (a component is not a directory), -errno
 */
int safe_parent(int root, const char *path, bool create, int *dirfd,
		const char **base, struct err *err);

/**
 * Hash the regular file at path, if there is one.
 *
 * @v root	target root
 * @v path	checked relative path
 * @v exists	set to whether the path exists
 * @v sha	its SHA-256 when it exists
 * @ret 0, -ELOOP (symlink in the way or at the end), -EISDIR / -EPERM (not
 *	a regular file: a directory, device, fifo), -errno
 */
int safe_hash(int root, const char *path, bool *exists,
	      uint8_t sha[SHA256_LEN], struct err *err);

/**
 * Write a whole buffer to fd.
 * @ret 0 or -errno
 */
int safe_write_all(int fd, const void *data, size_t len);

/**
 * Create directory name in dirfd (with mode) unless it exists, then open it
 * safely.  @ret a directory fd, or -errno (-ELOOP if it is a symlink)
 */
int safe_mkdir_open(int dirfd, const char *name, mode_t mode);

#endif
