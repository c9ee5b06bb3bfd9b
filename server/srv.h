/* SPDX-License-Identifier: MIT */
#ifndef FIXNET_SERVER_SRV_H
#define FIXNET_SERVER_SRV_H

#include <stdbool.h>
#include <stdint.h>

#include "common/buf.h"
#include "server/bootscript.h"
#include "server/config.h"

struct bootlog;
struct fixmanifests;
struct inv;
struct waker;

/*
 * The fix server's context, built by main and passed down to every handler.
 * Read-only once the HTTP daemons run, except through the inventory's, the
 * waker's and the manifest cache's own locks.
 */
struct srv {
	const struct config *cfg;
	struct inv *inv;
	struct bootlog *bootlog;		/* boot records written behind */
	struct bootscripts scripts;
	struct waker *waker;		/* NULL: no wol_broadcast configured */
	struct fixmanifests *manifests;	/* the fixes' manifests (own lock) */
	char retries[24];		/* boot_retries as text */
	char *admin_token;		/* TCP admin bearer token, or NULL */
	char fixes_dir[4096];		/* state_dir/fixes */
};

/**
 * Answer GET /boot.ipxe: decide, update the inventory, render the script.
 * Never fails for bad input: a malformed request gets a local-boot script.
 *
 * @v has_query	false for a bare /boot.ipxe: the entry script
 * @v mac, uuid, arch, platform	query values, NULL if absent
 * @v out	the script
 * @ret 0, or -ENOMEM / -EFBIG when no script could be rendered at all
 */
int bootserve(const struct srv *srv, bool has_query, const char *mac,
	      const char *uuid, const char *arch, const char *platform,
	      int64_t now, struct buf *out);

#endif
