/* SPDX-License-Identifier: MIT */
#ifndef FIXD_JOURNAL_H
#define FIXD_JOURNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"
#include "common/err.h"
#include "common/hex.h"
#include "common/manifest.h"
#include "common/report.h"

/*
 * The journal of an apply, .fixnet/journal on the target: what fixd is about
 * to change, written (and synced) before the first change so that the next
 * run can finish or undo an apply cut by a power loss.  One JSON object:
 *
 *   {"format": 1, "id": "av-2026-11", "serial": 3,
 *    "bundle_sha256": "<hex>", "attempt": 1, "hooks": 1,
 *    "hooks_done": false, "rollback": false,
 *    "steps": [{"op": "put", "path": "etc/av/defs.dat",
 *               "before": "<hex>"|null, "after": "<hex>"},
 *              {"op": "delete", "path": "drv/C-291%0A.sys",
 *               "before": "<hex>"}]}
 *
 * Step i owns the staged file .fixnet/tmp/stage.<i> (a put) and the backup
 * .fixnet/backup/<i> (a step whose path existed): names derive from the
 * index, never from the journal's text.  A path is the byte string on the
 * disk with every byte outside '!'..'~' and '%' written %XX, since a name
 * found by a delete glob need not be UTF-8.
 *
 * attempt counts the runs that worked on this apply (the first writes 1);
 * hooks is the number of hook ops of the fix, hooks_done whether they all
 * ran; rollback that undoing has begun.
 *
 * The journal is read back from a disk the primary OS controls: decoding is
 * bounded and refuses anything it did not write (unknown keys, bad hashes,
 * paths that are absolute, climb with "..", enter the state directory, or
 * appear twice).
 */

#define JOURNAL_FORMAT 1
#define JOURNAL_MAX_BYTES (16 * 1024 * 1024)
#define JOURNAL_STEPS_MAX REPORT_EVIDENCE_MAX
#define JOURNAL_ATTEMPT_MAX 1000	/* far above any policy; a sanity bound */
#define JOURNAL_HOOKS_MAX MANIFEST_MAX_OPS

struct journal_step {
	enum manifest_op_kind kind;	/* PUT or DELETE */
	char *path;			/* raw bytes, NUL-terminated */
	bool has_before;		/* the path existed (always for a delete) */
	uint8_t before[SHA256_LEN];
	uint8_t after[SHA256_LEN];	/* put: the new content */
};

struct journal {
	char *id;
	uint64_t serial;
	uint8_t bundle_sha[SHA256_LEN];
	uint32_t attempt;
	uint32_t hooks;
	bool hooks_done;
	bool rollback;
	struct journal_step *steps;
	size_t nsteps;
};

/**
 * A new journal with room for nsteps steps (zeroed; steps[i].path NULL).
 *
 * @v id	fix id (copied)
 * @v nsteps	number of steps
 * @ret the journal, or NULL (out of memory, or nsteps over the limit)
 */
struct journal *journal_new(const char *id, size_t nsteps);

/**
 * Serialise a journal.
 * @ret 0, -EFBIG (over JOURNAL_MAX_BYTES), -ENOMEM, -EINVAL (a field out of
 *	range: a bug, refused rather than written)
 */
int journal_encode(const struct journal *j, struct buf *out);

/**
 * Parse and check a journal read from a disk (untrusted).
 *
 * @v text	the file's bytes
 * @v len	their number, at most JOURNAL_MAX_BYTES
 * @v out	the journal, to free with journal_free()
 * @ret 0, -EINVAL (malformed), -EFBIG, -ENOMEM
 */
int journal_decode(const char *text, size_t len, struct journal **out,
		   struct err *err);

/** Free a journal; accepts NULL. */
void journal_free(struct journal *j);

/* Shared by the encoder and the decoder. */

/** True for a byte a path keeps as it is ('!'..'~' but '%'). */
bool journal_plain(unsigned char c);

/**
 * Check a step's path: relative, at most MANIFEST_PATH_MAX bytes and
 * MANIFEST_DEPTH_MAX components of 1..MANIFEST_NAME_MAX bytes, none "." or
 * "..", not in the state directory.  Control characters are allowed: a
 * delete glob may match such a name on the disk.
 * @ret 0 or -EINVAL
 */
int journal_path_check(const char *path);

#endif
