/* SPDX-License-Identifier: MIT */
/*
 * The public boot paths: /boot.ipxe and the secondary OS's files.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "common/mac.h"
#include "server/http.h"
#include "server/log.h"

/**
 * Has the client hung up before its answer?  A request queued while fixsrv
 * could not answer (stopped, or stalled on its disk) is read after iPXE
 * gave up on it and closed the connection; deciding it would count a
 * quarantine boot that nobody makes (boot_retries of them per client, and
 * the boot-loop cap trips on phantoms), and issue a token nobody uses.
 *
 * @v c		call
 * @ret gone	the peer has closed or reset the connection
 */
static bool boot_client_gone(struct http_call *c)
{
	const union MHD_ConnectionInfo *ci;
	struct pollfd pfd = { .events = POLLRDHUP };

	ci = MHD_get_connection_info(c->conn,
				     MHD_CONNECTION_INFO_CONNECTION_FD);
	if (!ci)
		return false;
	pfd.fd = ci->connect_fd;
	return poll(&pfd, 1, 0) == 1 &&
	       (pfd.revents & (POLLRDHUP | POLLHUP | POLLERR));
}

/**
 * GET /boot.ipxe[?mac=..&uuid=..&arch=..&platform=..]: always a script.
 *
 * @v c		call
 * @ret ret	MHD result
 */
enum MHD_Result boot_ipxe(struct http_call *c)
{
	enum MHD_Result ret;
	struct buf out;
	int nargs, rc;

	nargs = MHD_get_connection_values(c->conn, MHD_GET_ARGUMENT_KIND, NULL,
					  NULL);
	if (nargs > 0 && boot_client_gone(c)) {
		struct mac m;
		char mac[MAC_STR_LEN] = "a client";

		if (http_arg(c, "mac") && mac_parse(http_arg(c, "mac"), &m) == 0)
			mac_format(&m, mac);
		log_info("boot", "%s hung up before its answer (a request "
			 "queued while fixsrv could not answer): no boot "
			 "decided", mac);
		return MHD_NO;
	}
	buf_init(&out, BOOTSCRIPT_OUT_MAX);
	rc = bootserve(c->srv, nargs > 0, http_arg(c, "mac"),
		       http_arg(c, "uuid"), http_arg(c, "arch"),
		       http_arg(c, "platform"), (int64_t)time(NULL), &out);
	if (rc < 0) {
		buf_free(&out);
		return http_error(c, 500, "cannot render a boot script: %s",
				  strerror(-rc));
	}
	ret = http_text(c, 200, "text/plain", out.data, out.len);
	buf_free(&out);
	return ret;
}

/**
 * GET /os/vmlinuz, /os/initramfs from boot_dir.
 *
 * @v c		call
 * @ret ret	MHD result
 */
enum MHD_Result boot_os_file(struct http_call *c)
{
	char path[4200];
	int fd;

	if (strcmp(c->tail, "vmlinuz") != 0 && strcmp(c->tail, "initramfs") != 0)
		return http_error(c, 404, "no such file");
	snprintf(path, sizeof(path), "%s/%s", c->srv->cfg->boot_dir, c->tail);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		log_err("boot", "%s: %s", path, strerror(errno));
		return http_error(c, errno == ENOENT ? 404 : 500,
				  "%s is not available on this server", c->tail);
	}
	return http_file(c, fd, "application/octet-stream");
}
