/* SPDX-License-Identifier: MIT */
#ifndef FIXNET_SERVER_BOOTSCRIPT_H
#define FIXNET_SERVER_BOOTSCRIPT_H

#include <stddef.h>

#include "common/buf.h"

/*
 * The iPXE script templates of ipxe-scripts/ (its README lists the
 * placeholders), read once at startup and rendered per request.
 */

#define BOOTSCRIPT_FILE_MAX (16 * 1024)
#define BOOTSCRIPT_OUT_MAX (64 * 1024)

enum bootscript_kind {
	BS_ENTRY,
	BS_QUARANTINE,
	BS_LOCAL_BIOS,
	BS_LOCAL_EFI,
	BS__COUNT,
};

struct bootscripts {
	char *text[BS__COUNT];
};

/* Values of the placeholders; NULL renders as "". */
struct bootscript_vars {
	const char *server;
	const char *agent_url;
	const char *token;
	const char *mac;
	const char *bootif;
	const char *kernel_args;
	const char *retries;
	const char *reason;
};

/** Read every template of dir.  @ret 0, or a negative errno (logged) */
int bootscript_load(struct bootscripts *bs, const char *dir);

/** Free the templates; accepts a zeroed struct. */
void bootscript_free(struct bootscripts *bs);

/**
 * Render a template.  A value holding a character that would end an iPXE
 * command (newline, control character) is refused.
 * @ret 0, -EINVAL (bad value or unknown placeholder), -EFBIG, -ENOMEM
 */
int bootscript_render(const struct bootscripts *bs, enum bootscript_kind kind,
		      const struct bootscript_vars *vars, struct buf *out);

#endif
