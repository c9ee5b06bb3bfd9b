/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <string.h>

#include <archive.h>
#include <archive_entry.h>

#include "server/fixctl_archive.h"

/**
 * Write one regular-file member.
 * @ret 0 or -EIO
 */
static int fixctl_archive_member(struct archive *a, struct archive_entry *e,
				 const char *name, const void *data, size_t size,
				 struct err *err)
{
	archive_entry_clear(e);
	archive_entry_set_pathname(e, name);
	archive_entry_set_filetype(e, AE_IFREG);
	archive_entry_set_perm(e, 0644);
	archive_entry_set_size(e, (la_int64_t)size);
	archive_entry_set_mtime(e, 0, 0);
	if (archive_write_header(a, e) != ARCHIVE_OK ||
	    (size && archive_write_data(a, data, size) != (la_ssize_t)size))
		return err_set(err, -EIO, "%s: %s", name, archive_error_string(a));
	return 0;
}

/**
 * Write a bundle to an open file.
 * @ret 0, -EIO, -ENOMEM
 */
int fixctl_archive_write(int fd, const struct buf *manifest,
			 const struct fixctl_member *members, size_t n,
			 struct err *err)
{
	struct archive *a = archive_write_new();
	struct archive_entry *e = archive_entry_new();
	int rc = 0;

	if (!a || !e) {
		rc = err_set(err, -ENOMEM, "out of memory");
		goto out;
	}
	if (archive_write_set_format_ustar(a) != ARCHIVE_OK ||
	    archive_write_add_filter_zstd(a) != ARCHIVE_OK ||
	    archive_write_set_filter_option(a, "zstd", "compression-level",
					    FIXCTL_ZSTD_LEVEL) != ARCHIVE_OK ||
	    archive_write_open_fd(a, fd) != ARCHIVE_OK) {
		rc = err_set(err, -EIO, "libarchive: %s", archive_error_string(a));
		goto out;
	}
	rc = fixctl_archive_member(a, e, MANIFEST_MEMBER, manifest->data,
				   manifest->len, err);
	for (size_t i = 0; rc == 0 && i < n; i++)
		rc = fixctl_archive_member(a, e, members[i].name, members[i].data,
					   members[i].size, err);
	if (rc == 0 && archive_write_close(a) != ARCHIVE_OK)
		rc = err_set(err, -EIO, "libarchive: %s", archive_error_string(a));
out:
	archive_entry_free(e);
	archive_write_free(a);
	return rc;
}
