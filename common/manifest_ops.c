/* SPDX-License-Identifier: MIT */
/*
 * The operations of a manifest: put, delete, hook (see manifest.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/jsonx.h"
#include "common/manifest.h"
#include "common/manifest_int.h"
#include "common/strnum.h"

#define MANIFEST_MODE_MAX 4		/* "0644" */
#define MANIFEST_MODE_FORBIDDEN 06000	/* setuid, setgid */

static const char *const put_keys[] = {
	"op", "path", "member", "mode", "size", "sha256", NULL
};
static const char *const delete_keys[] = { "op", "glob", "max", NULL };
static const char *const hook_keys[] = {
	"op", "member", "size", "sha256", "timeout", NULL
};

/**
 * Read and check the member name of a put or hook.
 *
 * @v o		op object
 * @v op	op, member set
 * @v what	op name for messages
 * @v err	error message
 * @ret 0, -EINVAL, -ENOMEM
 */
static int manifest_member_parse(json_t *o, struct manifest_op *op,
				 const char *what, struct err *err)
{
	struct err perr;
	int rc;

	rc = jsonx_strdup(o, "member", JSONX_REQUIRED, MANIFEST_MEMBER_MAX,
			  &op->member, what, err);
	if (rc < 0)
		return rc;
	if (manifest_path_check(op->member, &perr) < 0)
		return err_set(err, -EINVAL, "%s.member: %s", what, perr.msg);
	if (strcmp(op->member, MANIFEST_MEMBER) == 0)
		return err_set(err, -EINVAL, "%s.member: the manifest itself",
			       what);
	return 0;
}

/**
 * Read size and sha256 of a put or hook.
 *
 * @v o		op object
 * @v op	op, size and sha256 set
 * @v what	op name for messages
 * @v err	error message
 * @ret 0, -EINVAL
 */
static int manifest_content_parse(json_t *o, struct manifest_op *op,
				  const char *what, struct err *err)
{
	int rc;

	rc = jsonx_u64(o, "size", 1, 0, MANIFEST_FILE_MAX, &op->size, what,
		       err);
	if (rc < 0)
		return rc;
	rc = jsonx_hex(o, "sha256", JSONX_REQUIRED, op->sha256, SHA256_LEN,
		       what, err);
	return rc < 0 ? rc : 0;
}

/**
 * Parse a put: path, member, mode, size, sha256.
 *
 * @v o		op object
 * @v op	op, filled
 * @v what	op name for messages
 * @v err	error message
 * @ret 0, -EINVAL, -ENOMEM
 */
static int manifest_put_parse(json_t *o, struct manifest_op *op,
			      const char *what, struct err *err)
{
	const char *mode = NULL;
	struct err perr;
	int rc;

	rc = jsonx_keys(o, put_keys, what, err);
	if (rc == 0)
		rc = jsonx_strdup(o, "path", JSONX_REQUIRED, MANIFEST_PATH_MAX,
				  &op->path, what, err);
	if (rc == 0 && manifest_path_check(op->path, &perr) < 0)
		rc = err_set(err, -EINVAL, "%s.path: %s", what, perr.msg);
	if (rc == 0)
		rc = manifest_member_parse(o, op, what, err);
	if (rc == 0)
		rc = jsonx_str(o, "mode", JSONX_REQUIRED, MANIFEST_MODE_MAX,
			       &mode, what, err);
	if (rc == 0 && strnum_mode(mode, &op->mode) < 0)
		rc = err_set(err, -EINVAL, "%s.mode: not an octal mode (\"0644\")",
			     what);
	if (rc == 0 && (op->mode & MANIFEST_MODE_FORBIDDEN))
		rc = err_set(err, -EINVAL, "%s.mode: %04o: setuid and setgid "
			     "are not allowed", what, (unsigned)op->mode);
	if (rc == 0)
		rc = manifest_content_parse(o, op, what, err);
	return rc;
}

/**
 * Parse a delete: glob, max.
 *
 * @v o		op object
 * @v op	op, filled
 * @v what	op name for messages
 * @v err	error message
 * @ret 0, -EINVAL, -ENOMEM
 */
static int manifest_delete_parse(json_t *o, struct manifest_op *op,
				 const char *what, struct err *err)
{
	uint64_t max = MANIFEST_DELETE_MAX_DEFAULT;
	struct err perr;
	int rc;

	rc = jsonx_keys(o, delete_keys, what, err);
	if (rc == 0)
		rc = jsonx_strdup(o, "glob", JSONX_REQUIRED, MANIFEST_PATH_MAX,
				  &op->path, what, err);
	if (rc == 0 && manifest_glob_check(op->path, &perr) < 0)
		rc = err_set(err, -EINVAL, "%s.glob: %s", what, perr.msg);
	if (rc == 0)
		rc = jsonx_u64(o, "max", 0, 1, MANIFEST_DELETE_MAX_LIMIT, &max,
			       what, err);
	op->max_matches = (uint32_t)max;
	return rc;
}

/**
 * Parse a hook: member, size, sha256, timeout.
 *
 * @v o		op object
 * @v op	op, filled
 * @v what	op name for messages
 * @v err	error message
 * @ret 0, -EINVAL, -ENOMEM
 */
static int manifest_hook_parse(json_t *o, struct manifest_op *op,
			       const char *what, struct err *err)
{
	uint64_t timeout = MANIFEST_HOOK_TIMEOUT_DEFAULT;
	int rc;

	rc = jsonx_keys(o, hook_keys, what, err);
	if (rc == 0)
		rc = manifest_member_parse(o, op, what, err);
	if (rc == 0)
		rc = manifest_content_parse(o, op, what, err);
	if (rc == 0)
		rc = jsonx_u64(o, "timeout", 0, 1, MANIFEST_HOOK_TIMEOUT_MAX,
			       &timeout, what, err);
	op->timeout_s = (uint32_t)timeout;
	return rc;
}

/**
 * Parse one op.
 *
 * @v o		op value
 * @v i		its index
 * @v op	op, filled
 * @v err	error message
 * @ret 0, -EINVAL, -ENOMEM
 */
static int manifest_op_parse(json_t *o, size_t i, struct manifest_op *op,
			     struct err *err)
{
	const char *kind = NULL;
	char what[32];
	int rc;

	snprintf(what, sizeof(what), "ops[%zu]", i);
	if (!json_is_object(o))
		return err_set(err, -EINVAL, "%s: not an object", what);
	rc = jsonx_str(o, "op", JSONX_REQUIRED, 16, &kind, what, err);
	if (rc < 0)
		return rc;
	if (strcmp(kind, "put") == 0) {
		op->kind = MANIFEST_OP_PUT;
		return manifest_put_parse(o, op, what, err);
	}
	if (strcmp(kind, "delete") == 0) {
		op->kind = MANIFEST_OP_DELETE;
		return manifest_delete_parse(o, op, what, err);
	}
	if (strcmp(kind, "hook") == 0) {
		op->kind = MANIFEST_OP_HOOK;
		return manifest_hook_parse(o, op, what, err);
	}
	return err_set(err, -EINVAL,
		       "%s.op: unknown operation \"%s\" (put, delete, hook)",
		       what, kind);
}

/**
 * qsort comparison of two strings by pointer.
 *
 * @v a		pointer to a char *
 * @v b		pointer to a char *
 * @ret strcmp order
 */
static int manifest_strpcmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/**
 * Refuse a string that appears twice in a list.
 *
 * @v s		strings (sorted in place)
 * @v n		how many
 * @v what	"path" or "member", for messages
 * @v err	error message
 * @ret 0 or -EINVAL
 */
static int manifest_unique(char **s, size_t n, const char *what,
			   struct err *err)
{
	size_t i;

	qsort(s, n, sizeof(*s), manifest_strpcmp);
	for (i = 1; i < n; i++)
		if (strcmp(s[i - 1], s[i]) == 0)
			return err_set(err, -EINVAL,
				       "ops: %s \"%.64s\" appears twice", what,
				       s[i]);
	return 0;
}

/**
 * Refuse two puts to one path, two deletes of one glob, and one member
 * used twice.
 *
 * @v m		manifest with its ops
 * @v err	error message
 * @ret 0, -EINVAL, -ENOMEM
 */
static int manifest_ops_unique(const struct manifest *m, struct err *err)
{
	char **paths, **members;
	size_t i, np = 0, nm = 0;
	int rc = -ENOMEM;

	paths = calloc(m->nops + 1, sizeof(*paths));
	members = calloc(m->nops + 1, sizeof(*members));
	if (!paths || !members) {
		err_set(err, rc, "out of memory");
		goto out;
	}
	for (i = 0; i < m->nops; i++) {
		if (m->ops[i].path)
			paths[np++] = m->ops[i].path;
		if (m->ops[i].member)
			members[nm++] = m->ops[i].member;
	}
	rc = manifest_unique(paths, np, "path", err);
	if (rc == 0)
		rc = manifest_unique(members, nm, "member", err);
out:
	free(paths);
	free(members);
	return rc;
}

/**
 * Parse the ops array.
 *
 * @v ops	array (at most MANIFEST_MAX_OPS entries, checked by the caller)
 * @v m		manifest, ops and nops set
 * @v err	error message
 * @ret 0, -EINVAL, -ENOMEM
 */
int manifest_ops_parse(json_t *ops, struct manifest *m, struct err *err)
{
	size_t i, n = json_array_size(ops);
	int rc;

	if (n == 0)
		return err_set(err, -EINVAL, "manifest.ops: no operation");
	m->ops = calloc(n, sizeof(*m->ops));
	if (!m->ops)
		return err_set(err, -ENOMEM, "out of memory");
	m->nops = n;
	for (i = 0; i < n; i++) {
		rc = manifest_op_parse(json_array_get(ops, i), i, &m->ops[i],
				       err);
		if (rc < 0)
			return rc;
	}
	return manifest_ops_unique(m, err);
}
