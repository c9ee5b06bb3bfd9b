/* SPDX-License-Identifier: MIT */
#ifndef FIXD_FOLD_H
#define FIXD_FOLD_H

#include <stddef.h>

#include "common/err.h"

/*
 * Paths on a filesystem whose names Windows compares without case (NTFS,
 * FAT): Windows opens "Windows/System32/Drivers" under the name
 * "windows/system32/drivers", and fixes are written as Windows users type
 * paths.  fixd's mounts keep Linux's exact lookups (ntfs3's "nocase" is
 * unreliable in 6.12: target_fs.c), so a manifest path is mapped here to
 * the names stored on the volume: each component that does not exist as
 * written is looked up in its directory with ASCII letters folded; exactly
 * one entry may match (names that differ only in case, which NTFS's POSIX
 * namespace allows, are refused as ambiguous).  Letters beyond ASCII must
 * match as stored.  A component not stored as written costs one read of
 * its directory.
 */

#define FOLD_SCAN_MAX 1000000		/* directory entries read per component */

/**
 * Map a path to the names stored on the target.
 *
 * @v root	target root
 * @v path	a checked relative path
 * @v out	the path as stored: every existing component with its stored
 *		name, from the first missing one on as written
 * @v len	size of out (at least strlen(path) + 1)
 * @ret 0, -EINVAL (a component matched by two names), -E2BIG (a directory
 *	too large to search), -ELOOP (a symlink in the way), -errno
 */
int fold_path(int root, const char *path, char *out, size_t len,
	      struct err *err);

#endif
