/* SPDX-License-Identifier: MIT */
/*
 * The agent's plan, GET /api/v1/plan (see plan.h, docs/protocol.md).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/jsonx.h"
#include "common/manifest.h"
#include "common/plan.h"
#include "common/protocol.h"

static const char *const plan_keys[] = {
	"version", "client", "expires", "fixes", NULL
};
static const char *const plan_fix_keys[] = {
	"id", "serial", "bundle", "signature", "final_boot", NULL
};
static const char *const plan_file_keys[] = { "url", "size", "sha256", NULL };

/**
 * Check a URL of the plan: a path on the server that answered.
 *
 * @v url	URL
 * @ret 1 if it starts with one '/' and has only printable ASCII, else 0
 */
static int plan_url_ok(const char *url)
{
	const char *p;

	if (url[0] != '/' || url[1] == '/')
		return 0;
	for (p = url; *p; p++)
		if (*p <= ' ' || *p > '~')
			return 0;
	return 1;
}

/**
 * Parse a bundle or signature object.
 *
 * @v fix	fix object
 * @v key	"bundle" or "signature"
 * @v max	size limit
 * @v f		file, filled
 * @v what	fix name for messages
 * @v err	error message
 * @ret 0, -EINVAL, -ENOMEM
 */
static int plan_file_parse(json_t *fix, const char *key, uint64_t max,
			   struct plan_file *f, const char *what,
			   struct err *err)
{
	char name[64];
	json_t *o;
	int rc;

	snprintf(name, sizeof(name), "%s.%s", what, key);
	rc = jsonx_container(fix, key, 1, 1, SIZE_MAX, &o, what, err);
	if (rc == 0)
		rc = jsonx_keys(o, plan_file_keys, name, err);
	if (rc == 0)
		rc = jsonx_strdup(o, "url", JSONX_REQUIRED, PROTO_URL_MAX,
				  &f->url, name, err);
	if (rc == 0 && !plan_url_ok(f->url))
		rc = err_set(err, -EINVAL,
			     "%s.url: not a path on this server (\"/api/...\")",
			     name);
	if (rc == 0)
		rc = jsonx_u64(o, "size", 1, 1, max, &f->size, name, err);
	if (rc == 0) {
		rc = jsonx_hex(o, "sha256", 0, f->sha256, SHA256_LEN, name, err);
		f->has_sha256 = rc == 1;
	}
	return rc < 0 ? rc : 0;
}

/**
 * Read the optional "final_boot" of a fix: a boolean, false when absent.
 *
 * @v o		fix object
 * @v fix	fix, final_boot set
 * @v what	fix name for messages
 * @v err	error message
 * @ret 0 or -EINVAL
 */
static int plan_final_boot_parse(json_t *o, struct plan_fix *fix,
				 const char *what, struct err *err)
{
	json_t *v = json_object_get(o, "final_boot");

	fix->final_boot = false;
	if (!v)
		return 0;
	if (!json_is_boolean(v))
		return err_set(err, -EINVAL, "%s.final_boot: not a boolean",
			       what);
	fix->final_boot = json_is_true(v);
	return 0;
}

/**
 * Parse one fix of the plan.
 *
 * @v o		fix value
 * @v i		its index
 * @v fix	fix, filled
 * @v err	error message
 * @ret 0, -EINVAL, -ENOMEM
 */
static int plan_fix_parse(json_t *o, size_t i, struct plan_fix *fix,
			  struct err *err)
{
	struct err perr;
	char what[32];
	int rc;

	snprintf(what, sizeof(what), "fixes[%zu]", i);
	if (!json_is_object(o))
		return err_set(err, -EINVAL, "%s: not an object", what);
	rc = jsonx_keys(o, plan_fix_keys, what, err);
	if (rc == 0)
		rc = jsonx_strdup(o, "id", JSONX_REQUIRED, MANIFEST_ID_MAX,
				  &fix->id, what, err);
	if (rc == 0 && manifest_id_check(fix->id, &perr) < 0)
		rc = err_set(err, -EINVAL, "%s.%s", what, perr.msg);
	if (rc == 0)
		rc = jsonx_u64(o, "serial", 1, 1, MANIFEST_SERIAL_MAX,
			       &fix->serial, what, err);
	if (rc == 0)
		rc = plan_file_parse(o, "bundle", PROTO_BUNDLE_MAX,
				     &fix->bundle, what, err);
	if (rc == 0 && !fix->bundle.has_sha256)
		rc = err_set(err, -EINVAL, "%s.bundle: \"sha256\" missing",
			     what);
	if (rc == 0)
		rc = plan_file_parse(o, "signature", PROTO_SIG_MAX,
				     &fix->signature, what, err);
	if (rc == 0)
		rc = plan_final_boot_parse(o, fix, what, err);
	return rc;
}

/**
 * Parse the fixes array; a fix id may appear once.
 *
 * @v fixes	array
 * @v p		plan, fixes and nfixes set
 * @v err	error message
 * @ret 0, -EINVAL, -ENOMEM
 */
static int plan_fixes_parse(json_t *fixes, struct plan *p, struct err *err)
{
	size_t i, j, n = json_array_size(fixes);
	int rc;

	if (n == 0)
		return 0;
	p->fixes = calloc(n, sizeof(*p->fixes));
	if (!p->fixes)
		return err_set(err, -ENOMEM, "out of memory");
	p->nfixes = n;
	for (i = 0; i < n; i++) {
		rc = plan_fix_parse(json_array_get(fixes, i), i, &p->fixes[i],
				    err);
		if (rc < 0)
			return rc;
		for (j = 0; j < i; j++)
			if (strcmp(p->fixes[j].id, p->fixes[i].id) == 0)
				return err_set(err, -EINVAL,
					       "fixes[%zu]: fix \"%s\" listed twice",
					       i, p->fixes[i].id);
	}
	return 0;
}

/**
 * Parse the top-level fields of the plan.
 *
 * @v root	plan object
 * @v p		plan, filled
 * @v err	error message
 * @ret 0, -EINVAL, -ENOMEM
 */
static int plan_root_parse(json_t *root, struct plan *p, struct err *err)
{
	static const char what[] = "plan";
	uint64_t version = 0, expires = 0;
	const char *client = NULL;
	json_t *fixes;
	int rc;

	rc = jsonx_keys(root, plan_keys, what, err);
	if (rc == 0)
		rc = jsonx_u64(root, "version", 1, 0, UINT32_MAX, &version,
			       what, err);
	if (rc == 0 && version != PROTO_VERSION)
		rc = err_set(err, -EINVAL, "plan: protocol version %llu, this "
			     "agent speaks %d", (unsigned long long)version,
			     PROTO_VERSION);
	if (rc == 0)
		rc = jsonx_str(root, "client", JSONX_REQUIRED, MAC_STR_LEN,
			       &client, what, err);
	if (rc == 0 && mac_parse(client, &p->client) < 0)
		rc = err_set(err, -EINVAL, "plan.client: not a MAC address");
	if (rc == 0)
		rc = jsonx_u64(root, "expires", 1, 0, INT64_MAX,
			       &expires, what, err);
	p->expires = (int64_t)expires;
	if (rc == 0)
		rc = jsonx_container(root, "fixes", 1, 0, PROTO_PLAN_FIXES_MAX,
				     &fixes, what, err);
	if (rc == 0)
		rc = plan_fixes_parse(fixes, p, err);
	return rc;
}

/**
 * Parse a plan (untrusted).
 *
 * @v json	JSON text (not NUL-terminated)
 * @v len	its length, at most PROTO_PLAN_MAX
 * @v out	the plan, to free with plan_free()
 * @v err	error message
 * @ret 0, -EINVAL, -EFBIG, -ENOMEM
 */
int plan_parse(const char *json, size_t len, struct plan **out,
	       struct err *err)
{
	struct plan *p;
	json_t *root;
	int rc;

	rc = jsonx_load(json, len, PROTO_PLAN_MAX, &root, "plan", err);
	if (rc < 0)
		return rc;
	p = calloc(1, sizeof(*p));
	if (!p) {
		json_decref(root);
		return err_set(err, -ENOMEM, "out of memory");
	}
	rc = plan_root_parse(root, p, err);
	json_decref(root);
	if (rc < 0) {
		plan_free(p);
		return rc;
	}
	*out = p;
	return 0;
}

/**
 * Free a plan.
 *
 * @v p		plan, or NULL
 */
void plan_free(struct plan *p)
{
	size_t i;

	if (!p)
		return;
	for (i = 0; i < p->nfixes; i++) {
		free(p->fixes[i].id);
		free(p->fixes[i].bundle.url);
		free(p->fixes[i].signature.url);
	}
	free(p->fixes);
	free(p);
}
