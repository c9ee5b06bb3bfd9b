/* SPDX-License-Identifier: MIT */
#ifndef FIXNET_SERVER_FIXMANIFEST_H
#define FIXNET_SERVER_FIXMANIFEST_H

#include <stddef.h>

#include "common/err.h"
#include "common/report.h"
#include "server/inventory.h"
#include "server/srv.h"

/*
 * The manifests of the stored fixes, which the evidence of an applied
 * report is checked against (server/evidence.h).  A manifest is taken from
 * a small cache keyed by the bundle's SHA-256, else from the inventory
 * (fixes.manifest: the member as published, stored by `fix add` since
 * schema version 2), else from the stored bundle (a fix added before).
 * The cache has its own lock; the inventory is read in the caller's
 * transaction.
 */

#define FIXMANIFEST_CACHE 8	/* parsed manifests kept */

struct fixmanifests;

/** A new, empty cache.  @ret 0, -ENOMEM */
int fixmanifests_new(struct fixmanifests **out);

/** Free the cache; accepts NULL. */
void fixmanifests_free(struct fixmanifests *c);

/**
 * Read the manifest member of a bundle: its first member, MANIFEST_MEMBER,
 * at most MANIFEST_MAX_BYTES; not parsed.
 *
 * @v fd	the bundle, read from its start
 * @v json	the member's text, NUL-terminated (free())
 * @v len	its length
 * @ret 0, -EINVAL (not a bundle), -EFBIG, -ENOMEM
 */
int fixmanifest_read(int fd, char **json, size_t *len, struct err *err);

/**
 * Check a report's evidence against the manifest of a stored fix, inside
 * the caller's inventory transaction.
 *
 * @v srv	server (its cache, inventory and fixes_dir)
 * @v f		the fix as the inventory holds it
 * @v r		the report
 * @v why	the first mismatch (evidence_check())
 * @v len	size of why
 * @ret 0 (the evidence matches), -EBADMSG (why says where not), or a
 *	negative errno: the manifest could not be had (logged)
 */
int fixmanifest_check(const struct srv *srv, const struct inv_fix *f,
		      const struct report *r, char *why, size_t len);

#endif
