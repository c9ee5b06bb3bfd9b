/* SPDX-License-Identifier: MIT */
/*
 * The added clients as dnsmasq's hosts file (see dhcphosts.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "server/dhcphosts.h"
#include "server/log.h"

#define DHCPHOSTS_MODE 0644	/* dnsmasq reads it as its own user */

static pthread_mutex_t dhcphosts_lock = PTHREAD_MUTEX_INITIALIZER;

/**
 * Write data to a new file in dir and rename it over DHCPHOSTS_FILE.
 * @ret 0 or -errno
 */
static int dhcphosts_replace(const char *dir, const struct buf *data)
{
	char tmp[PATH_MAX], path[PATH_MAX];
	const char *p = data->data;
	size_t left = data->len;
	int fd, dfd, rc = 0;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s/.%s.XXXXXX", dir,
			     DHCPHOSTS_FILE) >= sizeof(tmp) ||
	    (size_t)snprintf(path, sizeof(path), "%s/%s", dir,
			     DHCPHOSTS_FILE) >= sizeof(path))
		return -ENAMETOOLONG;
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fchmod(fd, DHCPHOSTS_MODE) < 0)
		rc = -errno;
	while (rc == 0 && left > 0) {
		ssize_t n = write(fd, p, left);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			rc = n < 0 ? -errno : -EIO;
		else {
			p += n;
			left -= (size_t)n;
		}
	}
	if (rc == 0 && fsync(fd) < 0)
		rc = -errno;
	if (close(fd) < 0 && rc == 0)
		rc = -errno;
	if (rc == 0 && rename(tmp, path) < 0)
		rc = -errno;
	if (rc < 0) {
		unlink(tmp);
		return rc;
	}
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return -errno;
	if (fsync(dfd) < 0)
		rc = -errno;
	close(dfd);
	return rc;
}

/** The name of the user fixsrv runs as (for a message). */
static const char *dhcphosts_user(char *out, size_t len)
{
	struct passwd pw, *res = NULL;
	char buf[1024];

	if (getpwuid_r(geteuid(), &pw, buf, sizeof(buf), &res) == 0 && res)
		snprintf(out, len, "%s", pw.pw_name);
	else
		snprintf(out, len, "%u", (unsigned)geteuid());
	return out;
}

/**
 * Rewrite the hosts file from the inventory.
 *
 * @v inv	inventory
 * @v dir	the hosts directory
 * @ret rc	0 or a negative errno
 */
int dhcphosts_write(struct inv *inv, const char *dir)
{
	char user[64];
	struct buf data;
	int rc;

	buf_init(&data, DHCPHOSTS_MAX);
	pthread_mutex_lock(&dhcphosts_lock);
	rc = inv_tx_begin(inv);
	if (rc == 0) {
		rc = inv_client_macs(inv, &data);
		inv_tx_end(inv, -EPERM);	/* read only */
	}
	if (rc == 0)
		rc = dhcphosts_replace(dir, &data);
	pthread_mutex_unlock(&dhcphosts_lock);
	if (rc == -EACCES || rc == -EPERM || rc == -ENOENT)
		log_err("dhcp", "cannot write %s/%s: %s: the boot network does not "
			"know the latest clients; make the directory writable by "
			"fixsrv's user: install -d -m 0755 -o %s %s", dir,
			DHCPHOSTS_FILE, strerror(-rc), dhcphosts_user(user,
								   sizeof(user)),
			dir);
	else if (rc < 0)
		log_err("dhcp", "cannot write %s/%s: %s: the boot network does not "
			"know the latest clients", dir, DHCPHOSTS_FILE,
			strerror(-rc));
	else
		log_debug("dhcp", "%s/%s written: %zu bytes", dir, DHCPHOSTS_FILE,
			  data.len);
	buf_free(&data);
	return rc;
}
