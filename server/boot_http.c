/* SPDX-License-Identifier: MIT */
/*
 * The public boot paths: /boot.ipxe and the secondary OS's files.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "server/http.h"
#include "server/log.h"

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
