/* SPDX-License-Identifier: MIT */
/*
 * The agent's plan: serialise (see plan.h, docs/protocol.md).
 */
#include <errno.h>

#include "common/jsonx.h"
#include "common/plan.h"
#include "common/protocol.h"

/**
 * The object of a bundle or signature.
 *
 * @v f		file
 * @ret the object, or NULL (bad string, no memory)
 */
static json_t *plan_file_json(const struct plan_file *f)
{
	char hex[SHA256_HEX_LEN];

	if (!f->has_sha256)
		return json_pack("{s:s?, s:I}", "url", f->url, "size",
				 (json_int_t)f->size);
	hex_encode(f->sha256, SHA256_LEN, hex);
	return json_pack("{s:s?, s:I, s:s}", "url", f->url, "size",
			 (json_int_t)f->size, "sha256", hex);
}

/**
 * The object of one fix; "final_boot" only when true, so that a plan
 * without it keeps its canonical text.
 *
 * @v f		fix
 * @ret the object, or NULL (bad string, no memory)
 */
static json_t *plan_fix_json(const struct plan_fix *f)
{
	json_t *o = json_pack("{s:s?, s:I, s:o, s:o}", "id", f->id,
			      "serial", (json_int_t)f->serial,
			      "bundle", plan_file_json(&f->bundle),
			      "signature", plan_file_json(&f->signature));

	if (o && f->final_boot &&
	    json_object_set_new(o, "final_boot", json_true()) < 0) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/**
 * The plan as a JSON object.
 *
 * @v p		plan
 * @ret the object, or NULL
 */
static json_t *plan_json(const struct plan *p)
{
	char mac[MAC_STR_LEN];
	json_t *fixes = json_array();
	size_t i;

	if (!fixes)
		return NULL;
	for (i = 0; i < p->nfixes; i++) {
		if (json_array_append_new(fixes, plan_fix_json(&p->fixes[i]))) {
			json_decref(fixes);
			return NULL;
		}
	}
	mac_format(&p->client, mac);
	return json_pack("{s:i, s:s, s:I, s:o}", "version", PROTO_VERSION,
			 "client", mac, "expires", (json_int_t)p->expires,
			 "fixes", fixes);
}

/**
 * Serialise a plan (compact, one line).  The text is parsed back before it
 * is appended, so that the server never sends a plan the agent refuses.
 *
 * @v p		plan
 * @v out	buffer to append to
 * @ret 0, -EINVAL (the plan breaks a rule), -ENOMEM, -EFBIG
 */
int plan_format(const struct plan *p, struct buf *out)
{
	struct plan *check;
	json_t *root = plan_json(p);
	struct buf tmp;
	int rc;

	if (!root)
		return -EINVAL;
	buf_init(&tmp, PROTO_PLAN_MAX);
	rc = jsonx_dump(root, &tmp);
	json_decref(root);
	if (rc == 0)
		rc = plan_parse(tmp.data, tmp.len, &check, NULL);
	if (rc == 0) {
		plan_free(check);
		rc = buf_append(out, tmp.data, tmp.len);
	}
	buf_free(&tmp);
	return rc;
}
