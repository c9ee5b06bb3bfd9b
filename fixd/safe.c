/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/openat2.h>

#include "common/manifest.h"
#include "fixd/safe.h"
#include "fixd/sha.h"

#define SAFE_RESOLVE (RESOLVE_IN_ROOT | RESOLVE_NO_SYMLINKS | \
		      RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV)

/**
 * openat2(2) with fixd's resolve flags.
 *
 * @v dirfd	directory the path is confined in
 * @v path	relative path
 * @v flags	open flags
 * @v mode	for O_CREAT
 * @ret fd or -errno
 */
int safe_openat(int dirfd, const char *path, int flags, mode_t mode)
{
	struct open_how how;
	long fd;

	memset(&how, 0, sizeof(how));
	how.flags = (uint64_t)(flags | O_CLOEXEC);
	how.mode = (flags & (O_CREAT | O_TMPFILE)) ? mode : 0;
	how.resolve = SAFE_RESOLVE;
	do
		fd = syscall(SYS_openat2, dirfd, path, &how, sizeof(how));
	while (fd < 0 && errno == EINTR);
	return fd < 0 ? -errno : (int)fd;
}

/**
 * Message for a failure to open a component of a target path.
 *
 * @v path	the whole path
 * @v comp	the component that failed
 * @v rc	-errno
 * @ret rc
 */
static int safe_fail(struct err *err, const char *path, const char *comp,
		     int rc)
{
	if (rc == -ELOOP || rc == -EXDEV)
		return err_set(err, rc, "%s: \"%s\" is a symlink or a mount point; "
			       "refusing to follow it", path, comp);
	if (rc == -ENOTDIR)
		return err_set(err, rc, "%s: \"%s\" is not a directory", path, comp);
	return err_set(err, rc, "%s: %s: %s", path, comp, strerror(-rc));
}

/**
 * Create directory name in dirfd unless it exists, then open it.
 *
 * @v dirfd	parent directory
 * @v name	one component
 * @v mode	mode of a new directory
 * @ret directory fd or -errno
 */
int safe_mkdir_open(int dirfd, const char *name, mode_t mode)
{
	int fd;

	fd = safe_openat(dirfd, name, O_RDONLY | O_DIRECTORY, 0);
	if (fd != -ENOENT)
		return fd;
	if (mkdirat(dirfd, name, mode) < 0 && errno != EEXIST)
		return -errno;
	if (fsync(dirfd) < 0)
		return -errno;
	return safe_openat(dirfd, name, O_RDONLY | O_DIRECTORY, 0);
}

/**
 * Open the directory that holds path's last component.
 *
 * @v root	target root
 * @v path	checked relative path
 * @v create	create missing directories
 * @v dirfd	the directory, or -1 if missing
 * @v base	the last component
 * @ret 0 or -errno
 */
int safe_parent(int root, const char *path, bool create, int *dirfd,
		const char **base, struct err *err)
{
	char comp[MANIFEST_NAME_MAX + 1];
	const char *p = path, *slash;
	int cur, next;

	*dirfd = -1;
	cur = dup(root);
	if (cur < 0)
		return err_set(err, -errno, "dup: %s", strerror(errno));
	while ((slash = strchr(p, '/')) != NULL) {
		size_t n = (size_t)(slash - p);

		if (n == 0 || n > MANIFEST_NAME_MAX) {
			close(cur);
			return err_set(err, -EINVAL, "%s: bad path", path);
		}
		memcpy(comp, p, n);
		comp[n] = '\0';
		if (create)
			next = safe_mkdir_open(cur, comp, 0755);
		else
			next = safe_openat(cur, comp, O_RDONLY | O_DIRECTORY, 0);
		close(cur);
		if (next == -ENOENT && !create) {
			*base = slash + 1;
			return 0;
		}
		if (next < 0)
			return safe_fail(err, path, comp, next);
		cur = next;
		p = slash + 1;
	}
	*base = p;
	*dirfd = cur;
	return 0;
}

/**
 * Hash the regular file at path, if there is one.
 *
 * @v root	target root
 * @v path	checked relative path
 * @v exists	whether it exists
 * @v sha	its hash
 * @ret 0 or -errno
 */
int safe_hash(int root, const char *path, bool *exists,
	      uint8_t sha[SHA256_LEN], struct err *err)
{
	struct stat st;
	int fd, rc;

	*exists = false;
	fd = safe_openat(root, path, O_PATH | O_NOFOLLOW, 0);
	if (fd == -ENOENT)
		return 0;
	if (fd < 0)
		return safe_fail(err, path, path, fd);
	if (fstat(fd, &st) < 0) {
		rc = -errno;
		close(fd);
		return err_set(err, rc, "%s: %s", path, strerror(-rc));
	}
	close(fd);
	if (S_ISDIR(st.st_mode))
		return err_set(err, -EISDIR, "%s is a directory on the target", path);
	if (S_ISLNK(st.st_mode))
		return err_set(err, -ELOOP, "%s is a symlink on the target", path);
	if (!S_ISREG(st.st_mode))
		return err_set(err, -EPERM, "%s is not a regular file on the target",
			       path);
	fd = safe_openat(root, path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK, 0);
	if (fd < 0)
		return safe_fail(err, path, path, fd);
	rc = sha_fd(fd, sha);
	close(fd);
	if (rc < 0)
		return err_set(err, rc, "%s: read: %s", path, strerror(-rc));
	*exists = true;
	return 0;
}

/**
 * Write a whole buffer to fd.
 * @ret 0 or -errno
 */
int safe_write_all(int fd, const void *data, size_t len)
{
	const char *p = data;
	ssize_t n;

	while (len > 0) {
		n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}
