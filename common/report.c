/* SPDX-License-Identifier: MIT */
/*
 * The agent's report, POST /api/v1/report (see report.h, docs/protocol.md).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/jsonx.h"
#include "common/manifest.h"
#include "common/protocol.h"
#include "common/report.h"

static const char *const report_keys[] = {
	"fix", "serial", "result", "reason", "target", "evidence", NULL
};
static const char *const report_target_keys[] = {
	"device", "fstype", "label", "uuid", NULL
};
static const char *const report_evidence_keys[] = {
	"path", "op", "before", "after", NULL
};
static const char *const report_results[] = {
	[REPORT_APPLIED] = "applied",
	[REPORT_FAILED] = "failed",
	[REPORT_SKIPPED] = "skipped",
};

/**
 * Name of a result.
 *
 * @v r		result
 * @ret "applied", "failed", "skipped", or "?"
 */
const char *report_result_name(enum report_result r)
{
	if ((unsigned)r >= sizeof(report_results) / sizeof(report_results[0]))
		return "?";
	return report_results[r];
}

/**
 * Parse a result name.
 *
 * @v s		name
 * @v out	the result, set on success
 * @ret 0, or -EINVAL for an unknown name
 */
int report_result_parse(const char *s, enum report_result *out)
{
	size_t i;

	for (i = 0; i < sizeof(report_results) / sizeof(report_results[0]); i++)
		if (strcmp(s, report_results[i]) == 0) {
			*out = (enum report_result)i;
			return 0;
		}
	return -EINVAL;
}

/**
 * Parse one evidence entry.
 *
 * @v o		entry value
 * @v i		its index
 * @v ev	entry, filled
 * @v err	error message
 * @ret 0, -EINVAL, -ENOMEM
 */
static int report_evidence_parse(json_t *o, size_t i,
				 struct report_evidence *ev, struct err *err)
{
	struct err perr;
	char what[32];
	int rc;

	snprintf(what, sizeof(what), "evidence[%zu]", i);
	if (!json_is_object(o))
		return err_set(err, -EINVAL, "%s: not an object", what);
	rc = jsonx_keys(o, report_evidence_keys, what, err);
	if (rc == 0)
		rc = jsonx_strdup(o, "path", JSONX_REQUIRED, MANIFEST_PATH_MAX,
				  &ev->path, what, err);
	if (rc == 0 && manifest_path_check(ev->path, &perr) < 0)
		rc = err_set(err, -EINVAL, "%s.path: %s", what, perr.msg);
	if (rc == 0)
		rc = jsonx_strdup(o, "op", JSONX_REQUIRED, 8, &ev->op, what, err);
	if (rc == 0 && strcmp(ev->op, "put") && strcmp(ev->op, "delete"))
		rc = err_set(err, -EINVAL, "%s.op: \"put\" or \"delete\"", what);
	if (rc == 0) {
		rc = jsonx_hex(o, "before", JSONX_NULLABLE, ev->before,
			       SHA256_LEN, what, err);
		ev->has_before = rc == 1;
	}
	if (rc >= 0) {
		rc = jsonx_hex(o, "after", JSONX_NULLABLE, ev->after,
			       SHA256_LEN, what, err);
		ev->has_after = rc == 1;
	}
	return rc < 0 ? rc : 0;
}

/**
 * Parse the evidence array.
 *
 * @v root	report object
 * @v r		report, evidence and nevidence set
 * @v err	error message
 * @ret 0, -EINVAL, -ENOMEM
 */
static int report_evidences_parse(json_t *root, struct report *r,
				  struct err *err)
{
	json_t *arr;
	size_t i, n;
	int rc;

	rc = jsonx_container(root, "evidence", 0, 0, REPORT_EVIDENCE_MAX, &arr,
			     "report", err);
	if (rc < 0 || !arr || !(n = json_array_size(arr)))
		return rc;
	r->evidence = calloc(n, sizeof(*r->evidence));
	if (!r->evidence)
		return err_set(err, -ENOMEM, "out of memory");
	r->nevidence = n;
	for (i = 0; i < n && rc == 0; i++)
		rc = report_evidence_parse(json_array_get(arr, i), i,
					   &r->evidence[i], err);
	return rc;
}

/**
 * Parse the optional target object.
 *
 * @v root	report object
 * @v r		report, device, fstype, label, uuid set
 * @v err	error message
 * @ret 0, -EINVAL, -ENOMEM
 */
static int report_target_parse(json_t *root, struct report *r,
			       struct err *err)
{
	static const char what[] = "target";
	json_t *o;
	int rc;

	rc = jsonx_container(root, "target", 0, 1, SIZE_MAX, &o, "report", err);
	if (rc < 0 || !o)
		return rc;
	rc = jsonx_keys(o, report_target_keys, what, err);
	if (rc == 0)
		rc = jsonx_strdup(o, "device", 0, REPORT_DEVICE_MAX, &r->device,
				  what, err);
	if (rc == 0)
		rc = jsonx_strdup(o, "fstype", 0, MANIFEST_FSTYPE_MAX,
				  &r->fstype, what, err);
	if (rc == 0)
		rc = jsonx_strdup(o, "label", 0, MANIFEST_LABEL_MAX, &r->label,
				  what, err);
	if (rc == 0)
		rc = jsonx_strdup(o, "uuid", 0, MANIFEST_UUID_MAX, &r->uuid,
				  what, err);
	return rc;
}

/**
 * Parse the top-level fields of a report.
 *
 * @v root	report object
 * @v r		report, filled
 * @v err	error message
 * @ret 0, -EINVAL, -ENOMEM
 */
static int report_root_parse(json_t *root, struct report *r, struct err *err)
{
	static const char what[] = "report";
	const char *result = NULL;
	struct err perr;
	int rc;

	rc = jsonx_keys(root, report_keys, what, err);
	if (rc == 0)
		rc = jsonx_strdup(root, "fix", JSONX_REQUIRED, MANIFEST_ID_MAX,
				  &r->fix, what, err);
	if (rc == 0 && manifest_id_check(r->fix, &perr) < 0)
		rc = err_set(err, -EINVAL, "report.fix: %s", perr.msg);
	if (rc == 0)
		rc = jsonx_u64(root, "serial", 1, 1, MANIFEST_SERIAL_MAX,
			       &r->serial, what, err);
	if (rc == 0)
		rc = jsonx_str(root, "result", JSONX_REQUIRED, 16, &result,
			       what, err);
	if (rc == 0 && report_result_parse(result, &r->result) < 0)
		rc = err_set(err, -EINVAL, "report.result: \"applied\", "
			     "\"failed\" or \"skipped\"");
	if (rc == 0)
		rc = jsonx_strdup(root, "reason", JSONX_NULLABLE,
				  PROTO_MESSAGE_MAX, &r->reason, what, err);
	if (rc == 0)
		rc = report_target_parse(root, r, err);
	if (rc == 0)
		rc = report_evidences_parse(root, r, err);
	return rc;
}

/**
 * Parse a report (untrusted).
 *
 * @v json	JSON text (not NUL-terminated)
 * @v len	its length, at most PROTO_REPORT_MAX
 * @v out	the report, to free with report_free()
 * @v err	error message
 * @ret 0, -EINVAL, -EFBIG, -ENOMEM
 */
int report_parse(const char *json, size_t len, struct report **out,
		 struct err *err)
{
	struct report *r;
	json_t *root;
	int rc;

	rc = jsonx_load(json, len, PROTO_REPORT_MAX, &root, "report", err);
	if (rc < 0)
		return rc;
	r = calloc(1, sizeof(*r));
	if (!r) {
		json_decref(root);
		return err_set(err, -ENOMEM, "out of memory");
	}
	rc = report_root_parse(root, r, err);
	json_decref(root);
	if (rc < 0) {
		report_free(r);
		return rc;
	}
	*out = r;
	return 0;
}

/**
 * Free what a report owns and zero it.
 *
 * @v r		report, or NULL
 */
void report_clear(struct report *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->nevidence; i++) {
		free(r->evidence[i].path);
		free(r->evidence[i].op);
	}
	free(r->evidence);
	free(r->fix);
	free(r->reason);
	free(r->device);
	free(r->fstype);
	free(r->label);
	free(r->uuid);
	memset(r, 0, sizeof(*r));
}

/**
 * Free a report and everything it owns.
 *
 * @v r		report, or NULL
 */
void report_free(struct report *r)
{
	report_clear(r);
	free(r);
}
