/* SPDX-License-Identifier: MIT */
#ifndef FIXD_CMDLINE_H
#define FIXD_CMDLINE_H

#include <stdbool.h>
#include <stddef.h>

#include "common/err.h"
#include "common/mac.h"
#include "common/protocol.h"
#include "common/token.h"

/*
 * The kernel command line of a quarantine boot (docs/protocol.md):
 *   fixsrv=URL fixtoken=TOKEN BOOTIF=01-aa-bb-cc-dd-ee-ff
 * It is untrusted text: bounded, each value checked, a parameter given twice
 * refused.  Other parameters are ignored.
 */

#define CMDLINE_MAX 4096		/* bytes read from /proc/cmdline */
#define CMDLINE_PATH "/proc/cmdline"

struct cmdline {
	bool has_server, has_token, has_mac;
	char server[PROTO_URL_MAX + 1];	/* no trailing slash */
	char token[TOKEN_STR_LEN];
	struct mac mac;
};

/**
 * Parse command-line text.
 *
 * @v text	the text (need not be NUL-terminated)
 * @v len	its length, at most CMDLINE_MAX
 * @v out	filled; has_* say which parameters were present
 * @ret 0, -EINVAL (a bad value, a parameter twice), -EFBIG (too long)
 */
int cmdline_parse(const char *text, size_t len, struct cmdline *out,
		  struct err *err);

/**
 * Read and parse a file such as /proc/cmdline.
 * @ret 0, -errno of open/read, or what cmdline_parse() returns
 */
int cmdline_read(const char *path, struct cmdline *out, struct err *err);

/**
 * Check a server base URL: http:// or https://, a host, no control
 * character or space, at most PROTO_URL_MAX bytes.  One trailing slash is
 * removed.
 *
 * @v url	the URL
 * @v out	PROTO_URL_MAX + 1 bytes for the cleaned URL
 * @ret 0 or -EINVAL
 */
int cmdline_server_check(const char *url, char *out, struct err *err);

#endif
