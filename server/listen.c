/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <netdb.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "server/config.h"
#include "server/listen.h"
#include "server/log.h"

/**
 * Listen on TCP.
 *
 * @v hostport	"host:port"
 * @ret fd	socket, or a negative errno
 */
int listen_tcp(const char *hostport)
{
	struct addrinfo hints = { .ai_flags = AI_PASSIVE | AI_NUMERICSERV,
				  .ai_socktype = SOCK_STREAM };
	struct addrinfo *ai;
	char host[256], port[8];
	uint16_t p;
	int fd, one = 1, rc;

	if (config_split_hostport(hostport, host, sizeof(host), &p) < 0)
		return -EINVAL;
	snprintf(port, sizeof(port), "%u", p);
	rc = getaddrinfo(host, port, &hints, &ai);
	if (rc) {
		log_err("listen", "%s: %s", hostport, gai_strerror(rc));
		return -EADDRNOTAVAIL;
	}
	fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC |
		    SOCK_NONBLOCK, 0);
	if (fd < 0) {
		rc = -errno;
		goto out;
	}
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, ai->ai_addr, ai->ai_addrlen) < 0 ||
	    listen(fd, LISTEN_BACKLOG) < 0) {
		rc = -errno;
		close(fd);
		goto out;
	}
	rc = fd;
out:
	if (rc < 0)
		log_err("listen", "%s: %s", hostport, strerror(-rc));
	freeaddrinfo(ai);
	return rc;
}

/** Create the socket's directory if it is missing. */
static int listen_unix_dir(const char *path, uid_t uid, gid_t gid)
{
	char dir[sizeof(((struct sockaddr_un *)0)->sun_path)];

	snprintf(dir, sizeof(dir), "%s", path);
	dirname(dir);
	if (mkdir(dir, 0755) == 0) {
		if (chown(dir, uid, gid) < 0)
			return -errno;
		return 0;
	}
	return errno == EEXIST ? 0 : -errno;
}

/** True if a server answers on the socket path. */
static int listen_unix_live(const struct sockaddr_un *sa)
{
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int live;

	if (fd < 0)
		return 0;
	live = connect(fd, (const struct sockaddr *)sa, sizeof(*sa)) == 0;
	close(fd);
	return live;
}

/**
 * Listen on a Unix socket.
 *
 * @v path	socket path
 * @v uid, gid	owner of the socket (and of a directory created for it)
 * @ret fd	socket, or a negative errno
 */
int listen_unix(const char *path, uid_t uid, gid_t gid)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct stat sb;
	int fd, rc;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		log_err("listen", "%s: path too long for a Unix socket", path);
		return -ENAMETOOLONG;
	}
	strcpy(sa.sun_path, path);
	rc = listen_unix_dir(path, uid, gid);
	if (rc < 0) {
		log_err("listen", "directory of %s: %s", path, strerror(-rc));
		return rc;
	}
	if (lstat(path, &sb) == 0) {
		if (!S_ISSOCK(sb.st_mode) || listen_unix_live(&sa)) {
			log_err("listen", "%s: %s", path, S_ISSOCK(sb.st_mode) ?
				"another fixsrv is running there" :
				"exists and is not a socket");
			return -EADDRINUSE;
		}
		unlink(path);
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    chmod(path, 0660) < 0 || chown(path, uid, gid) < 0 ||
	    listen(fd, LISTEN_BACKLOG) < 0) {
		rc = -errno;
		log_err("listen", "%s: %s", path, strerror(errno));
		close(fd);
		return rc;
	}
	return fd;
}
