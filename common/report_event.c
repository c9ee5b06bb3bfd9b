/* SPDX-License-Identifier: MIT */
/*
 * Progress events, POST /api/v1/event (see report.h, docs/protocol.md).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/jsonx.h"
#include "common/manifest.h"
#include "common/protocol.h"
#include "common/report.h"

static const char *const event_keys[] = { "fix", "state", "message", NULL };
static const char *const event_states[] = {
	"downloading", "verifying", "applying", NULL
};

/**
 * Whether a state name is one of the event states.
 *
 * @v s		name
 * @ret 1 or 0
 */
static int event_state_ok(const char *s)
{
	size_t i;

	for (i = 0; event_states[i]; i++)
		if (strcmp(s, event_states[i]) == 0)
			return 1;
	return 0;
}

/**
 * Read the fields of an event.
 *
 * @v root	event object
 * @v e		event, filled
 * @v err	error message
 * @ret 0, -EINVAL, -ENOMEM
 */
static int event_root_parse(json_t *root, struct report_event *e,
			    struct err *err)
{
	static const char what[] = "event";
	struct err perr;
	int rc;

	rc = jsonx_keys(root, event_keys, what, err);
	if (rc == 0)
		rc = jsonx_strdup(root, "fix", JSONX_REQUIRED, MANIFEST_ID_MAX,
				  &e->fix, what, err);
	if (rc == 0 && manifest_id_check(e->fix, &perr) < 0)
		rc = err_set(err, -EINVAL, "event.fix: %s", perr.msg);
	if (rc == 0)
		rc = jsonx_strdup(root, "state", JSONX_REQUIRED, 16, &e->state,
				  what, err);
	if (rc == 0 && !event_state_ok(e->state))
		rc = err_set(err, -EINVAL, "event.state: \"downloading\", "
			     "\"verifying\" or \"applying\"");
	if (rc == 0)
		rc = jsonx_strdup(root, "message", JSONX_NULLABLE,
				  PROTO_MESSAGE_MAX, &e->message, what, err);
	return rc;
}

/**
 * Parse an event (untrusted).
 *
 * @v json	JSON text (not NUL-terminated)
 * @v len	its length, at most PROTO_EVENT_MAX
 * @v out	the event, to free with report_event_free()
 * @v err	error message
 * @ret 0, -EINVAL, -EFBIG, -ENOMEM
 */
int report_event_parse(const char *json, size_t len, struct report_event **out,
		       struct err *err)
{
	struct report_event *e;
	json_t *root;
	int rc;

	rc = jsonx_load(json, len, PROTO_EVENT_MAX, &root, "event", err);
	if (rc < 0)
		return rc;
	e = calloc(1, sizeof(*e));
	if (!e) {
		json_decref(root);
		return err_set(err, -ENOMEM, "out of memory");
	}
	rc = event_root_parse(root, e, err);
	json_decref(root);
	if (rc < 0) {
		report_event_free(e);
		return rc;
	}
	*out = e;
	return 0;
}

/**
 * Serialise an event (compact, one line), checked by parsing it back.
 *
 * @v e		event
 * @v out	buffer to append to
 * @ret 0, -EINVAL, -EFBIG, -ENOMEM
 */
int report_event_format(const struct report_event *e, struct buf *out)
{
	struct report_event *check;
	json_t *root;
	struct buf tmp;
	int rc;

	root = json_pack("{s:s?, s:s?, s:s*}", "fix", e->fix, "state", e->state,
			 "message", e->message);
	if (!root)
		return -EINVAL;
	buf_init(&tmp, PROTO_EVENT_MAX);
	rc = jsonx_dump(root, &tmp);
	json_decref(root);
	if (rc == 0)
		rc = report_event_parse(tmp.data, tmp.len, &check, NULL);
	if (rc == 0) {
		report_event_free(check);
		rc = buf_append(out, tmp.data, tmp.len);
	}
	buf_free(&tmp);
	return rc;
}

/**
 * Free an event.
 *
 * @v e		event, or NULL
 */
void report_event_free(struct report_event *e)
{
	if (!e)
		return;
	free(e->fix);
	free(e->state);
	free(e->message);
	free(e);
}
