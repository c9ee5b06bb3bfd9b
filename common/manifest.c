/* SPDX-License-Identifier: MIT */
/*
 * The bundle manifest: parse and free (see manifest.h, docs/bundle.md).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/jsonx.h"
#include "common/manifest.h"
#include "common/manifest_int.h"

static const char *const manifest_keys[] = {
	"format", "id", "serial", "description", "target", "ops", NULL
};
static const char *const manifest_target_keys[] = {
	"label", "uuid", "fstype", "path", NULL
};

/**
 * Whether every character of s is in the set.
 *
 * @v s		string
 * @v set	allowed characters
 * @ret 1 or 0
 */
static int manifest_only(const char *s, const char *set)
{
	return s[strspn(s, set)] == '\0';
}

/**
 * Check the strings of the target that have a character set.
 *
 * @v t		target
 * @v err	error message
 * @ret 0 or -EINVAL
 */
static int manifest_target_check(const struct manifest_target *t,
				 struct err *err)
{
	if (t->uuid && (!*t->uuid ||
			!manifest_only(t->uuid, "0123456789abcdefABCDEF-")))
		return err_set(err, -EINVAL,
			       "target.uuid: hex digits and '-' only");
	if (t->fstype && (!*t->fstype ||
			  !manifest_only(t->fstype,
					 "abcdefghijklmnopqrstuvwxyz0123456789_")))
		return err_set(err, -EINVAL,
			       "target.fstype: lower-case letters, digits and "
			       "'_' only (\"ext4\", \"ntfs3\", \"vfat\")");
	if (t->label && !*t->label)
		return err_set(err, -EINVAL, "target.label: empty");
	if (t->path)
		return manifest_path_check(t->path, err);
	return 0;
}

/**
 * Parse the optional "target" object.
 *
 * @v root	manifest object
 * @v t		target, filled
 * @v err	error message
 * @ret 0, -EINVAL, -ENOMEM
 */
static int manifest_target_parse(json_t *root, struct manifest_target *t,
				 struct err *err)
{
	static const char what[] = "target";
	json_t *o;
	int rc;

	rc = jsonx_container(root, "target", 0, 1, SIZE_MAX, &o, "manifest", err);
	if (rc < 0 || !o)
		return rc;
	rc = jsonx_keys(o, manifest_target_keys, what, err);
	if (rc == 0)
		rc = jsonx_strdup(o, "label", 0, MANIFEST_LABEL_MAX, &t->label,
				  what, err);
	if (rc == 0)
		rc = jsonx_strdup(o, "uuid", 0, MANIFEST_UUID_MAX, &t->uuid,
				  what, err);
	if (rc == 0)
		rc = jsonx_strdup(o, "fstype", 0, MANIFEST_FSTYPE_MAX,
				  &t->fstype, what, err);
	if (rc == 0)
		rc = jsonx_strdup(o, "path", 0, MANIFEST_PATH_MAX, &t->path,
				  what, err);
	if (rc == 0)
		rc = manifest_target_check(t, err);
	return rc;
}

/**
 * Parse the top-level fields other than target and ops.
 *
 * @v root	manifest object
 * @v m		manifest, filled
 * @v err	error message
 * @ret 0, -EINVAL, -ENOMEM
 */
static int manifest_head_parse(json_t *root, struct manifest *m,
			       struct err *err)
{
	static const char what[] = "manifest";
	uint64_t format = 0;
	int rc;

	rc = jsonx_keys(root, manifest_keys, what, err);
	if (rc == 0)
		rc = jsonx_u64(root, "format", 1, 0, UINT32_MAX, &format, what,
			       err);
	if (rc == 0 && format != MANIFEST_FORMAT)
		rc = err_set(err, -EINVAL,
			     "manifest: format %llu is not supported (this "
			     "version reads format %d)",
			     (unsigned long long)format, MANIFEST_FORMAT);
	m->format = (uint32_t)format;
	if (rc == 0)
		rc = jsonx_strdup(root, "id", JSONX_REQUIRED, MANIFEST_ID_MAX,
				  &m->id, what, err);
	if (rc == 0)
		rc = manifest_id_check(m->id, err);
	if (rc == 0)
		rc = jsonx_u64(root, "serial", 1, 1, MANIFEST_SERIAL_MAX,
			       &m->serial, what, err);
	if (rc == 0)
		rc = jsonx_strdup(root, "description", JSONX_MULTILINE,
				  MANIFEST_DESC_MAX, &m->description, what, err);
	return rc;
}

/**
 * Parse and check a manifest (untrusted).
 *
 * @v json	JSON text (not NUL-terminated)
 * @v len	its length, at most MANIFEST_MAX_BYTES
 * @v out	the manifest, to free with manifest_free()
 * @v err	error message
 * @ret 0, -EINVAL, -EFBIG, -ENOMEM
 */
int manifest_parse(const char *json, size_t len, struct manifest **out,
		   struct err *err)
{
	struct manifest *m;
	json_t *root, *ops;
	int rc;

	rc = jsonx_load(json, len, MANIFEST_MAX_BYTES, &root, "manifest", err);
	if (rc < 0)
		return rc;
	m = calloc(1, sizeof(*m));
	if (!m) {
		rc = err_set(err, -ENOMEM, "out of memory");
		goto err_alloc;
	}
	rc = manifest_head_parse(root, m, err);
	if (rc == 0)
		rc = manifest_target_parse(root, &m->target, err);
	if (rc == 0)
		rc = jsonx_container(root, "ops", 1, 0, MANIFEST_MAX_OPS, &ops,
				     "manifest", err);
	if (rc == 0)
		rc = manifest_ops_parse(ops, m, err);
	if (rc < 0)
		goto err_parse;
	json_decref(root);
	*out = m;
	return 0;

err_parse:
	manifest_free(m);
err_alloc:
	json_decref(root);
	return rc;
}

/**
 * Free a manifest and everything it owns.
 *
 * @v m		manifest, or NULL
 */
void manifest_free(struct manifest *m)
{
	size_t i;

	if (!m)
		return;
	for (i = 0; i < m->nops; i++) {
		free(m->ops[i].path);
		free(m->ops[i].member);
	}
	free(m->ops);
	free(m->target.label);
	free(m->target.uuid);
	free(m->target.fstype);
	free(m->target.path);
	free(m->id);
	free(m->description);
	free(m);
}
