/* SPDX-License-Identifier: MIT */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fixd/apply.h"
#include "fixd/fold.h"
#include "fixd/safe.h"

/** Order items by path. */
static int apply_glob_cmp(const void *pa, const void *pb)
{
	const struct apply_item *a = pa, *b = pb;

	return strcmp(a->path, b->path);
}

/**
 * Take one directory entry that matched: a regular file becomes an item
 * (hashed); anything else is left alone.
 *
 * @v dir	the glob's directory part ("" for the root)
 * @ret 1 if it became an item, 0 if left alone, or a negative errno
 */
static int apply_glob_match(struct apply *a, size_t op, int dfd,
			    const char *dir, const char *name, struct err *err)
{
	char path[MANIFEST_PATH_MAX + 2];
	struct apply_item *it;
	struct stat st;
	int rc;

	if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == ENOENT ? 0 : err_set(err, -errno, "%s/%s: %s", dir,
						     name, strerror(errno));
	if ((size_t)snprintf(path, sizeof(path), "%s%s%s", dir, dir[0] ? "/" : "",
			     name) > MANIFEST_PATH_MAX)
		return err_set(err, -ENAMETOOLONG, "%s/%s: path too long", dir, name);
	if (!S_ISREG(st.st_mode)) {
		log_info(a->log, "delete: %s is not a regular file; left alone", path);
		return 0;
	}
	rc = apply_item_add(a, MANIFEST_OP_DELETE, path, op, &it, err);
	if (rc < 0)
		return rc;
	rc = safe_hash(a->target->root_fd, path, &it->has_before, it->before, err);
	return rc < 0 ? rc : 1;
}

/**
 * Match the entries of an open directory against the op's glob.
 * @ret 0, -E2BIG, -errno
 */
static int apply_glob_scan(struct apply *a, size_t op, int dfd, const char *dir,
			   struct err *err)
{
	const struct manifest_op *mop = &a->bundle->manifest->ops[op];
	size_t scanned = 0, matched = 0, first = a->nitems;
	struct dirent *e;
	DIR *d;
	int fd, rc = 0;

	/* a description of its own: a dup() would share the directory
	 * position, and a glob at the root would leave the root's at its end
	 * for the next one */
	fd = safe_openat(dfd, ".", O_RDONLY | O_DIRECTORY, 0);
	if (fd < 0)
		return err_set(err, fd, "%s: %s", dir[0] ? dir : ".", strerror(-fd));
	if (!(d = fdopendir(fd))) {
		rc = -errno;
		close(fd);
		return err_set(err, rc, "%s: %s", dir, strerror(-rc));
	}
	while (rc >= 0 && (e = readdir(d)) != NULL) {
		if (++scanned > APPLY_SCAN_MAX) {
			rc = err_set(err, -E2BIG, "%s: more than %d entries", dir,
				     APPLY_SCAN_MAX);
		} else if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0 ||
			   (!dir[0] && strcasecmp(e->d_name, BUNDLE_STATE_DIR) == 0) ||
			   !manifest_glob_match_name(mop->path, e->d_name,
						     a->target->casefold)) {
			continue;
		} else {
			rc = apply_glob_match(a, op, dfd, dir, e->d_name, err);
			if (rc > 0 && ++matched > mop->max_matches)
				rc = err_set(err, -E2BIG, "delete %s matches more than its "
					     "max of %u files; nothing changed",
					     mop->path, mop->max_matches);
		}
	}
	closedir(d);
	if (rc < 0)
		return rc;
	qsort(&a->items[first], a->nitems - first, sizeof(a->items[0]),
	      apply_glob_cmp);
	log_info(a->log, "delete %s: %zu match(es)", mop->path, matched);
	return 0;
}

/**
 * Expand one delete op into items.  On a casefold target the glob's
 * directory is the one stored under any case of its names, and its last
 * component matches names in any case.
 * @ret 0, -E2BIG, -errno
 */
int apply_glob(struct apply *a, size_t op, struct err *err)
{
	const char *glob = a->bundle->manifest->ops[op].path, *path = glob;
	const char *slash = strrchr(glob, '/');
	char dir[MANIFEST_PATH_MAX + 1] = "", stored[MANIFEST_PATH_MAX + 1];
	const char *base;
	int dfd, rc;

	if (slash) {
		memcpy(dir, glob, (size_t)(slash - glob));
		dir[slash - glob] = '\0';
	}
	if (slash && a->target->casefold) {
		rc = fold_path(a->target->root_fd, dir, stored, sizeof(stored), err);
		if (rc < 0)
			return rc;
		memcpy(dir, stored, strlen(stored) + 1);	/* same length */
		snprintf(stored, sizeof(stored), "%s%s", dir, slash);
		path = stored;	/* the glob, its directory as stored */
	}
	rc = safe_parent(a->target->root_fd, path, false, &dfd, &base, err);
	if (rc < 0)
		return rc;
	if (dfd < 0) {
		log_info(a->log, "delete %s: no directory %s; nothing to delete", glob,
			 dir);
		return 0;
	}
	rc = apply_glob_scan(a, op, dfd, dir, err);
	close(dfd);
	return rc;
}
