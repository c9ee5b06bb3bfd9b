/* SPDX-License-Identifier: MIT */
#ifndef FIXNET_SERVER_EVIDENCE_H
#define FIXNET_SERVER_EVIDENCE_H

#include <stdbool.h>
#include <stddef.h>

#include "common/manifest.h"
#include "common/protocol.h"
#include "common/report.h"

/*
 * The evidence of a report that says "applied", checked against the
 * manifest of its fix (docs/protocol.md, "POST /api/v1/report"):
 *
 *   - every put of the manifest has an entry for its path, op "put", whose
 *     "after" is the put's sha256;
 *   - every "delete" entry names a path that a delete glob of the manifest
 *     matches, as fixd's apply_glob.c matches it (the glob's directory part
 *     literally, its last component by fnmatch(3) with FNM_PERIOD), with
 *     "after" null; no glob has more entries than its max;
 *   - no entry names a path the manifest neither puts nor deletes, and no
 *     path has two entries.
 *
 * Pure: no inventory, no I/O, so that unit tests drive it.
 */

#define EVIDENCE_WHY_MAX PROTO_MESSAGE_MAX	/* the reason, NUL included */
#define EVIDENCE_PATH_SHOWN 300		/* bytes of a path in the reason */

/**
 * Check a report's evidence against its manifest.
 *
 * @v m		the fix's manifest
 * @v r		the report (its result is not looked at)
 * @v why	set to the first mismatch, "evidence: PATH: ..." (the
 *		evidence in report order, then the manifest's puts in order)
 * @v len	size of why
 * @ret 0 (the evidence matches), -EBADMSG (why says where not), -ENOMEM
 */
int evidence_check(const struct manifest *m, const struct report *r,
		   char *why, size_t len);


#endif
