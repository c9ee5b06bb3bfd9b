/* SPDX-License-Identifier: MIT */
/*
 * The agent's report: serialise (see report.h, docs/protocol.md).
 */
#include <errno.h>

#include "common/jsonx.h"
#include "common/protocol.h"
#include "common/report.h"

/**
 * A hash as hex, or JSON null when absent.
 *
 * @v has	whether the hash is there
 * @v h		hash
 * @ret the value, or NULL on no memory
 */
static json_t *report_hash_json(int has, const uint8_t h[SHA256_LEN])
{
	char hex[SHA256_HEX_LEN];

	if (!has)
		return json_null();
	hex_encode(h, SHA256_LEN, hex);
	return json_string(hex);
}

/**
 * The evidence array.
 *
 * @v r		report
 * @ret the array, or NULL
 */
static json_t *report_evidence_json(const struct report *r)
{
	json_t *arr = json_array();
	size_t i;

	for (i = 0; arr && i < r->nevidence; i++) {
		const struct report_evidence *ev = &r->evidence[i];

		if (json_array_append_new(arr, json_pack("{s:s?, s:s?, s:o, s:o}",
				"path", ev->path, "op", ev->op,
				"before", report_hash_json(ev->has_before, ev->before),
				"after", report_hash_json(ev->has_after, ev->after)))) {
			json_decref(arr);
			return NULL;
		}
	}
	return arr;
}

/**
 * The report as a JSON object; reason and target only when set.
 *
 * @v r		report
 * @ret the object, or NULL
 */
static json_t *report_json(const struct report *r)
{
	json_t *root, *target = NULL;

	root = json_pack("{s:s?, s:I, s:s}", "fix", r->fix,
			 "serial", (json_int_t)r->serial,
			 "result", report_result_name(r->result));
	if (!root)
		return NULL;
	if (r->reason && json_object_set_new(root, "reason",
					     json_string(r->reason)))
		goto err;
	if (r->device || r->fstype || r->label || r->uuid) {
		target = json_pack("{s:s*, s:s*, s:s*, s:s*}", "device",
				   r->device, "fstype", r->fstype, "label",
				   r->label, "uuid", r->uuid);
		if (!target || json_object_set_new(root, "target", target))
			goto err;
	}
	if (json_object_set_new(root, "evidence", report_evidence_json(r)))
		goto err;
	return root;
err:
	json_decref(root);
	return NULL;
}

/**
 * Serialise a report (compact, one line), checked by parsing it back.
 *
 * @v r		report
 * @v out	buffer to append to
 * @ret 0, -EINVAL, -EFBIG (over PROTO_REPORT_MAX), -ENOMEM
 */
int report_format(const struct report *r, struct buf *out)
{
	struct report *check;
	json_t *root = report_json(r);
	struct buf tmp;
	int rc;

	if (!root)
		return -EINVAL;
	buf_init(&tmp, PROTO_REPORT_MAX);
	rc = jsonx_dump(root, &tmp);
	json_decref(root);
	if (rc == 0)
		rc = report_parse(tmp.data, tmp.len, &check, NULL);
	if (rc == 0) {
		report_free(check);
		rc = buf_append(out, tmp.data, tmp.len);
	}
	buf_free(&tmp);
	return rc;
}
