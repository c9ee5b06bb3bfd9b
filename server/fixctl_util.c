/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include <sodium.h>

#include "server/fixctl.h"

/**
 * Read one line from fd into out, without its newline.
 * @ret 0, -EINVAL (too long), -errno
 */
static int fixctl_read_line(int fd, char *out, size_t max)
{
	size_t n = 0;
	ssize_t r;
	char c;

	for (;;) {
		r = read(fd, &c, 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		if (r == 0 || c == '\n')
			break;
		if (n + 1 >= max)
			return -EINVAL;
		out[n++] = c;
	}
	if (n > 0 && out[n - 1] == '\r')
		n--;
	out[n] = '\0';
	return 0;
}

/**
 * Read a password: the first line of a file.
 * @ret 0, -EINVAL, -errno
 */
int fixctl_password_file(const char *path, char *out, size_t max,
			 struct err *err)
{
	int fd, rc;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return err_set(err, -errno, "%s: %s", path, strerror(errno));
	rc = fixctl_read_line(fd, out, max);
	close(fd);
	if (rc == -EINVAL)
		return err_set(err, rc, "%s: password longer than %zu bytes", path,
			       max - 1);
	if (rc < 0)
		return err_set(err, rc, "%s: %s", path, strerror(-rc));
	if (!out[0])
		return err_set(err, -EINVAL, "%s: empty password", path);
	return 0;
}

/**
 * Prompt and read one line on the terminal with echo off.
 * @ret 0 or a negative errno
 */
static int fixctl_tty_ask(int tty, const char *prompt, char *out, size_t max)
{
	struct termios old, quiet;
	int rc;

	if (write(tty, prompt, strlen(prompt)) < 0 || tcgetattr(tty, &old) < 0)
		return -errno;
	quiet = old;
	quiet.c_lflag &= ~(tcflag_t)ECHO;
	quiet.c_lflag |= ECHONL;
	if (tcsetattr(tty, TCSAFLUSH, &quiet) < 0)
		return -errno;
	rc = fixctl_read_line(tty, out, max);
	tcsetattr(tty, TCSAFLUSH, &old);
	return rc;
}

/**
 * Ask for a password on the terminal.
 * @ret 0, -ENXIO (no terminal), -EINVAL, -errno
 */
int fixctl_password_tty(const char *prompt, bool confirm, char *out,
			size_t max, struct err *err)
{
	char again[FIXCTL_PASSWORD_MAX];
	int tty, rc;

	tty = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (tty < 0)
		return err_set(err, -ENXIO, "no terminal to ask for a password");
	rc = fixctl_tty_ask(tty, prompt, out, max);
	if (rc == 0 && !out[0])
		rc = err_set(err, -EINVAL, "empty password");
	if (rc == 0 && confirm) {
		rc = fixctl_tty_ask(tty, "Password (again): ", again, sizeof(again));
		if (rc == 0 && strcmp(out, again) != 0)
			rc = err_set(err, -EINVAL, "the passwords differ");
		sodium_memzero(again, sizeof(again));
	}
	close(tty);
	if (rc < 0 && !err->msg[0])
		err_set(err, rc, "password: %s", rc == -EINVAL ? "too long" :
			strerror(-rc));
	return rc;
}

/**
 * Create a temporary file next to path.
 * @ret fd or -errno
 */
int fixctl_tmp_open(const char *path, char *tmp, size_t tmplen, mode_t mode,
		    struct err *err)
{
	int fd;

	if ((size_t)snprintf(tmp, tmplen, "%s.tmp.XXXXXX", path) >= tmplen)
		return err_set(err, -ENAMETOOLONG, "%s: name too long", path);
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0)
		return err_set(err, -errno, "%s: %s", tmp, strerror(errno));
	if (fchmod(fd, mode) < 0) {
		int rc = -errno;

		close(fd);
		unlink(tmp);
		return err_set(err, rc, "%s: %s", tmp, strerror(-rc));
	}
	return fd;
}

/**
 * fsync the directory that holds path.
 * @ret 0 or -errno
 */
static int fixctl_sync_dir(const char *path)
{
	char copy[PATH_MAX];
	int fd, rc = 0;

	snprintf(copy, sizeof(copy), "%s", path);
	fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fsync(fd) < 0)
		rc = -errno;
	close(fd);
	return rc;
}

/**
 * fsync, rename into place, fsync the directory.
 * @ret 0, -EEXIST, -errno
 */
int fixctl_tmp_commit(int fd, const char *tmp, const char *path, bool replace,
		      struct err *err)
{
	int rc = 0;

	if (fsync(fd) < 0)
		rc = -errno;
	if (close(fd) < 0 && rc == 0)
		rc = -errno;
	if (rc == 0 && renameat2(AT_FDCWD, tmp, AT_FDCWD, path,
				 replace ? 0 : RENAME_NOREPLACE) < 0)
		rc = -errno;
	if (rc == 0)
		rc = fixctl_sync_dir(path);
	if (rc == -EEXIST) {
		unlink(tmp);
		return err_set(err, rc, "%s exists; refusing to overwrite it", path);
	}
	if (rc < 0) {
		unlink(tmp);
		return err_set(err, rc, "%s: %s", path, strerror(-rc));
	}
	return 0;
}

/**
 * Write a whole file atomically.
 * @ret 0, -EEXIST, -errno
 */
int fixctl_write_file(const char *path, const void *data, size_t len,
		      mode_t mode, bool replace, struct err *err)
{
	char tmp[PATH_MAX];
	const char *p = data;
	ssize_t n;
	int fd;

	fd = fixctl_tmp_open(path, tmp, sizeof(tmp), mode, err);
	if (fd < 0)
		return fd;
	while (len > 0) {
		n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int rc = -errno;

			close(fd);
			unlink(tmp);
			return err_set(err, rc, "%s: %s", tmp, strerror(-rc));
		}
		p += n;
		len -= (size_t)n;
	}
	return fixctl_tmp_commit(fd, tmp, path, replace, err);
}
