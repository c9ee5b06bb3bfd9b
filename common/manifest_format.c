/* SPDX-License-Identifier: MIT */
/*
 * The bundle manifest: serialise (see manifest.h).
 */
#include <errno.h>
#include <stdio.h>

#include "common/jsonx.h"
#include "common/manifest.h"

/**
 * Set a string member if s is not NULL.
 *
 * @v o		object
 * @v key	member name
 * @v s		value (valid UTF-8), or NULL to leave it out
 * @ret 0, -EINVAL (not UTF-8 or no memory)
 */
static int mf_set_str(json_t *o, const char *key, const char *s)
{
	if (!s)
		return 0;
	return json_object_set_new(o, key, json_string(s)) ? -EINVAL : 0;
}

/**
 * Set an integer member.
 *
 * @v o		object
 * @v key	member name
 * @v v		value
 * @ret 0, -EINVAL
 */
static int mf_set_int(json_t *o, const char *key, uint64_t v)
{
	if (v > MANIFEST_SERIAL_MAX)
		return -EINVAL;
	return json_object_set_new(o, key, json_integer((json_int_t)v)) ?
	       -EINVAL : 0;
}

/**
 * The JSON object of one op, keys in canonical order.
 *
 * @v op	op
 * @ret the object, or NULL
 */
static json_t *mf_op(const struct manifest_op *op)
{
	char hex[SHA256_HEX_LEN], mode[8];
	json_t *o = json_object();
	int rc;

	if (!o)
		return NULL;
	rc = mf_set_str(o, "op", manifest_op_name(op->kind));
	if (op->kind == MANIFEST_OP_DELETE) {
		rc |= mf_set_str(o, "glob", op->path);
		rc |= mf_set_int(o, "max", op->max_matches);
	} else {
		hex_encode(op->sha256, SHA256_LEN, hex);
		snprintf(mode, sizeof(mode), "%04o", (unsigned)op->mode & 07777);
		if (op->kind == MANIFEST_OP_PUT)
			rc |= mf_set_str(o, "path", op->path);
		rc |= mf_set_str(o, "member", op->member);
		if (op->kind == MANIFEST_OP_PUT)
			rc |= mf_set_str(o, "mode", mode);
		rc |= mf_set_int(o, "size", op->size);
		rc |= mf_set_str(o, "sha256", hex);
		if (op->kind == MANIFEST_OP_HOOK)
			rc |= mf_set_int(o, "timeout", op->timeout_s);
	}
	if (rc) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/**
 * The target object, or NULL when no field is set (auto).
 *
 * @v t		target
 * @v out	the object or NULL
 * @ret 0, -EINVAL
 */
static int mf_target(const struct manifest_target *t, json_t **out)
{
	json_t *o;
	int rc;

	*out = NULL;
	if (!t->label && !t->uuid && !t->fstype && !t->path)
		return 0;
	o = json_object();
	if (!o)
		return -EINVAL;
	rc = mf_set_str(o, "label", t->label);
	rc |= mf_set_str(o, "uuid", t->uuid);
	rc |= mf_set_str(o, "fstype", t->fstype);
	rc |= mf_set_str(o, "path", t->path);
	if (rc) {
		json_decref(o);
		return -EINVAL;
	}
	*out = o;
	return 0;
}

/**
 * The whole manifest as a JSON object.
 *
 * @v m		manifest
 * @ret the object, or NULL
 */
static json_t *mf_root(const struct manifest *m)
{
	json_t *root = json_object(), *ops = json_array(), *target;
	size_t i;
	int rc;

	if (!root || !ops)
		goto err;
	rc = mf_set_int(root, "format", m->format);
	rc |= mf_set_str(root, "id", m->id);
	rc |= mf_set_int(root, "serial", m->serial);
	rc |= mf_set_str(root, "description", m->description);
	rc |= mf_target(&m->target, &target);
	if (target)
		rc |= json_object_set_new(root, "target", target);
	for (i = 0; i < m->nops && rc == 0; i++)
		rc |= json_array_append_new(ops, mf_op(&m->ops[i]));
	if (rc)
		goto err;
	if (json_object_set_new(root, "ops", ops))
		goto err_root;
	return root;
err:
	json_decref(ops);
err_root:
	json_decref(root);
	return NULL;
}

/**
 * Serialise a manifest (canonical key order, compact, one line).  The text
 * is parsed back before it is appended, so that what fixctl writes is
 * exactly what fixd accepts.
 *
 * @v m		manifest
 * @v out	buffer to append to
 * @ret 0, -EINVAL (the manifest breaks a rule), -ENOMEM, -EFBIG
 */
int manifest_format(const struct manifest *m, struct buf *out)
{
	struct manifest *check;
	struct buf tmp;
	json_t *root = mf_root(m);
	int rc;

	if (!root)
		return -EINVAL;
	buf_init(&tmp, MANIFEST_MAX_BYTES);
	rc = jsonx_dump(root, &tmp);
	json_decref(root);
	if (rc == 0)
		rc = manifest_parse(tmp.data, tmp.len, &check, NULL);
	if (rc == 0) {
		manifest_free(check);
		rc = buf_append(out, tmp.data, tmp.len);
	}
	buf_free(&tmp);
	return rc;
}
