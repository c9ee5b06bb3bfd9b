/* SPDX-License-Identifier: MIT */
#ifndef FIXNET_FIXCTL_ARCHIVE_H
#define FIXNET_FIXCTL_ARCHIVE_H

#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"
#include "common/err.h"
#include "common/manifest.h"

/*
 * Writing a bundle file: ustar, compressed with zstd at level
 * FIXCTL_ZSTD_LEVEL, MANIFEST.json first, then one member per put and hook.
 * Members are written reproducibly: mode 0644, owner 0:0, no names, mtime 0.
 *
 * Level 19: a bundle is compressed once and downloaded by every client of a
 * fleet, often over one busy link, so bytes saved count many times while the
 * slower compression is paid once; zstd decompresses at the same speed
 * whatever the level.  19 is the highest level without --ultra: it keeps
 * the window at 8 MiB, so the agent in a small RAM-only OS needs little
 * memory to decompress (levels 20-22 use windows up to 128 MiB).
 */

#define FIXCTL_ZSTD_LEVEL "19"

/* One member after the manifest. */
struct fixctl_member {
	const char *name;
	const void *data;
	size_t size;
};

/**
 * Write a bundle to an open file.
 *
 * @v fd	file, positioned at 0
 * @v manifest	the manifest's JSON text
 * @v members	the other members, in order
 * @v n		their number
 * @ret 0, -EIO (libarchive's message in err), -ENOMEM
 */
int fixctl_archive_write(int fd, const struct buf *manifest,
			 const struct fixctl_member *members, size_t n,
			 struct err *err);

#endif
