/* SPDX-License-Identifier: MIT */
#ifndef FIXNET_COMMON_MANIFEST_H
#define FIXNET_COMMON_MANIFEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"
#include "common/err.h"
#include "common/hex.h"

/*
 * The bundle manifest: JSON, the first member of a bundle, named
 * MANIFEST_MEMBER.  docs/bundle.md is the reference; in short:
 *
 *   {"format": 1, "id": "av-2026-11", "serial": 3, "description": "...",
 *    "target": {"label": "...", "uuid": "...", "fstype": "ext4",
 *               "path": "etc/av"},            (all optional; {} = auto)
 *    "ops": [
 *      {"op": "put", "path": "etc/av/defs.dat", "member": "payload/0",
 *       "mode": "0644", "size": 123, "sha256": "<64 hex>"},
 *      {"op": "delete", "glob": "Windows/System32/drivers/X/C-291*.sys",
 *       "max": 16},
 *      {"op": "hook", "member": "hooks/0", "size": 99, "sha256": "...",
 *       "timeout": 60}]}
 *
 * Every path is relative to the target root, with no "." or ".." component,
 * no empty component, no NUL or control character.  Unknown keys are
 * refused, so that a newer manifest never half-applies on an older agent.
 */

#define MANIFEST_MEMBER "MANIFEST.json"
#define MANIFEST_FORMAT 1
#define MANIFEST_MAX_BYTES (1024 * 1024)
#define MANIFEST_MAX_OPS 10000
#define MANIFEST_ID_MAX 64		/* [A-Za-z0-9._-], first alnum */
#define MANIFEST_DESC_MAX 1024
#define MANIFEST_PATH_MAX 4095		/* bytes, as PATH_MAX - 1 */
#define MANIFEST_NAME_MAX 255		/* one component */
#define MANIFEST_DEPTH_MAX 64		/* components */
#define MANIFEST_MEMBER_MAX 255
#define MANIFEST_DELETE_MAX_DEFAULT 64
#define MANIFEST_DELETE_MAX_LIMIT 10000
#define MANIFEST_HOOK_TIMEOUT_DEFAULT 300
#define MANIFEST_HOOK_TIMEOUT_MAX 3600
#define MANIFEST_SERIAL_MAX 9007199254740991ULL	/* 2^53 - 1: exact in JSON */
#define MANIFEST_FILE_MAX (4ULL * 1024 * 1024 * 1024)	/* one payload file */
#define MANIFEST_LABEL_MAX 255
#define MANIFEST_UUID_MAX 64
#define MANIFEST_FSTYPE_MAX 32

enum manifest_op_kind {
	MANIFEST_OP_PUT,
	MANIFEST_OP_DELETE,
	MANIFEST_OP_HOOK,
};

struct manifest_op {
	enum manifest_op_kind kind;
	char *path;		/* put: destination; delete: the glob; hook: NULL */
	char *member;		/* put, hook: archive member; delete: NULL */
	uint32_t mode;		/* put: 0..0777 plus sticky (no setuid/setgid) */
	uint64_t size;		/* put, hook */
	uint8_t sha256[SHA256_LEN];	/* put, hook */
	uint32_t max_matches;	/* delete */
	uint32_t timeout_s;	/* hook */
};

/* Every field that is set must match; none set means "auto". */
struct manifest_target {
	char *label;
	char *uuid;
	char *fstype;
	char *path;		/* must exist on the target (file or dir) */
};

struct manifest {
	uint32_t format;
	char *id;
	uint64_t serial;	/* >= 1; only grows from one fix to the next */
	char *description;	/* may be NULL */
	struct manifest_target target;
	struct manifest_op *ops;
	size_t nops;
};

/**
 * Parse and check a manifest (untrusted: bounded, every field validated,
 * unknown keys refused, duplicate members refused).
 * @ret 0 and *out to free with manifest_free(), or -EINVAL / -EFBIG / -ENOMEM
 */
int manifest_parse(const char *json, size_t len, struct manifest **out,
		   struct err *err);

/** Serialise (canonical key order, for `fixctl bundle create`). */
int manifest_format(const struct manifest *m, struct buf *out);

/** Free a manifest and everything it owns; accepts NULL. */
void manifest_free(struct manifest *m);

/**
 * Check a target-relative path: not empty, not absolute, no "." / ".." /
 * empty component, no control character, no backslash (the separator is
 * '/', even for NTFS), at most MANIFEST_PATH_MAX bytes, MANIFEST_NAME_MAX
 * per component and MANIFEST_DEPTH_MAX components.
 * @ret 0 or -EINVAL
 */
int manifest_path_check(const char *path, struct err *err);

/**
 * Check a delete glob: a valid path as above; wildcards (* ? [) only in the
 * last component, which must not start with one; so every glob has a literal
 * prefix: "*" alone, "*.sys", and "dir/" followed by "*" are refused.
 * @ret 0 or -EINVAL
 */
int manifest_glob_check(const char *glob, struct err *err);

/**
 * Whether a name in a delete glob's directory matches its last component
 * (fnmatch(3), FNM_PERIOD; with fold, ASCII letters match in either case,
 * as on NTFS and FAT).  glob must have passed manifest_glob_check().
 */
bool manifest_glob_match_name(const char *glob, const char *name, bool fold);

/** Whether a delete glob matches a whole target-relative path (fold: as
 *  above, for the directory part too). */
bool manifest_glob_match(const char *glob, const char *path, bool fold);

/** Check a fix id: 1..MANIFEST_ID_MAX of [A-Za-z0-9._-], first alnum. */
int manifest_id_check(const char *id, struct err *err);

/** Name of an op kind: "put", "delete", "hook". */
const char *manifest_op_name(enum manifest_op_kind kind);

#endif
