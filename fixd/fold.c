/* SPDX-License-Identifier: MIT */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "common/manifest.h"
#include "fixd/fold.h"
#include "fixd/safe.h"

/**
 * Find the one entry of a directory whose name equals comp without case.
 *
 * @v dfd	the directory (not closed)
 * @v comp	the component as written
 * @v out	its stored name (MANIFEST_NAME_MAX + 1 bytes)
 * @ret 1 found, 0 none, -EINVAL (two), -E2BIG, -errno
 */
static int fold_lookup(int dfd, const char *comp, char *out)
{
	size_t scanned = 0;
	struct dirent *e;
	int fd, found = 0;
	DIR *d;

	/* a description of its own: a dup() would share (and move) the
	 * directory position of dfd, the target's root among them */
	fd = safe_openat(dfd, ".", O_RDONLY | O_DIRECTORY, 0);
	if (fd < 0)
		return fd;
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return -errno;
	}
	while ((e = readdir(d)) != NULL) {
		if (++scanned > FOLD_SCAN_MAX) {
			found = -E2BIG;
			break;
		}
		if (strcasecmp(e->d_name, comp) != 0 ||
		    strlen(e->d_name) > MANIFEST_NAME_MAX)
			continue;
		if (found) {
			found = -EINVAL;
			break;
		}
		strcpy(out, e->d_name);
		found = 1;
	}
	closedir(d);
	return found;
}

/**
 * Map a path to the names stored on the target.
 *
 * @v root	target root
 * @v path	checked relative path
 * @v out	the stored path
 * @v len	its size
 * @ret 0 or a negative errno
 */
int fold_path(int root, const char *path, char *out, size_t len,
	      struct err *err)
{
	char comp[MANIFEST_NAME_MAX + 1], stored[MANIFEST_NAME_MAX + 1];
	const char *p = path;
	size_t used = 0;
	bool missing = false;
	int cur, next = -1, rc = 0;

	if (strlen(path) >= len)
		return err_set(err, -ENAMETOOLONG, "%s: path too long", path);
	cur = dup(root);
	if (cur < 0)
		return err_set(err, -errno, "dup: %s", strerror(errno));
	for (;;) {
		const char *slash = strchr(p, '/');
		size_t n = slash ? (size_t)(slash - p) : strlen(p);

		if (n == 0 || n > MANIFEST_NAME_MAX) {
			rc = err_set(err, -EINVAL, "%s: bad path", path);
			break;
		}
		memcpy(comp, p, n);
		comp[n] = '\0';
		strcpy(stored, comp);
		if (!missing && faccessat(cur, comp, F_OK, AT_SYMLINK_NOFOLLOW) < 0) {
			rc = errno == ENOENT ? fold_lookup(cur, comp, stored) :
				-errno;
			if (rc == -EINVAL)
				rc = err_set(err, rc, "%s: \"%s\" matches two names that "
					     "differ only in case; refusing to "
					     "choose", path, comp);
			else if (rc == -E2BIG)
				rc = err_set(err, rc, "%s: more than %d entries beside "
					     "\"%s\"", path, FOLD_SCAN_MAX, comp);
			else if (rc < 0)
				rc = err_set(err, rc, "%s: %s: %s", path, comp,
					     strerror(-rc));
			if (rc < 0)
				break;
			missing = rc == 0;
			rc = 0;
		}
		memcpy(out + used, stored, n);	/* same length: ASCII folding */
		used += n;
		if (!slash)
			break;
		out[used++] = '/';
		p = slash + 1;
		if (missing)
			continue;
		next = safe_openat(cur, stored, O_RDONLY | O_DIRECTORY, 0);
		close(cur);
		cur = -1;
		if (next == -ENOENT || next == -ENOTDIR) {
			missing = true;	/* what follows stays as written */
			continue;
		}
		if (next < 0) {
			rc = err_set(err, next, "%s: \"%s\": %s", path, stored,
				     next == -ELOOP || next == -EXDEV ?
				     "a symlink or a mount point; refusing to "
				     "follow it" : strerror(-next));
			break;
		}
		cur = next;
	}
	if (cur >= 0)
		close(cur);
	out[used] = '\0';
	return rc;
}
