/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "fixd/bundle.h"
#include "fixd/journal.h"

/** A new journal with nsteps zeroed steps.  @ret it, or NULL */
struct journal *journal_new(const char *id, size_t nsteps)
{
	struct journal *j;

	if (nsteps > JOURNAL_STEPS_MAX)
		return NULL;
	j = calloc(1, sizeof(*j));
	if (!j)
		return NULL;
	j->id = strdup(id);
	j->steps = calloc(nsteps ? nsteps : 1, sizeof(*j->steps));
	if (!j->id || !j->steps) {
		journal_free(j);
		return NULL;
	}
	j->nsteps = nsteps;
	return j;
}

/** Free a journal. */
void journal_free(struct journal *j)
{
	if (!j)
		return;
	for (size_t i = 0; j->steps && i < j->nsteps; i++)
		free(j->steps[i].path);
	free(j->steps);
	free(j->id);
	free(j);
}

/** True for a byte a path keeps as it is in the journal. */
bool journal_plain(unsigned char c)
{
	return c > 0x20 && c < 0x7f && c != '%';
}

/**
 * Escape a path: bytes outside '!'..'~' and '%' as %XX.
 * @ret malloc'd text, or NULL
 */
static char *journal_escape(const char *path)
{
	static const char digits[] = "0123456789ABCDEF";
	char *out = malloc(3 * strlen(path) + 1), *p = out;

	if (!out)
		return NULL;
	for (const unsigned char *s = (const unsigned char *)path; *s; s++) {
		if (journal_plain(*s)) {
			*p++ = (char)*s;
			continue;
		}
		*p++ = '%';
		*p++ = digits[*s >> 4];
		*p++ = digits[*s & 15];
	}
	*p = '\0';
	return out;
}

/**
 * Check a path of a step: relative, at most MANIFEST_PATH_MAX bytes and
 * MANIFEST_DEPTH_MAX components of 1..MANIFEST_NAME_MAX bytes, none "." or
 * "..", not in the state directory.  (Control characters are allowed: a
 * delete glob may match such a name on the disk.)
 * @ret 0 or -EINVAL
 */
int journal_path_check(const char *path)
{
	size_t len = strlen(path), depth = 0;
	const char *p = path;

	if (len == 0 || len > MANIFEST_PATH_MAX || path[0] == '/')
		return -EINVAL;
	while (*p) {
		size_t n = strcspn(p, "/");

		if (n == 0 || n > MANIFEST_NAME_MAX || ++depth > MANIFEST_DEPTH_MAX ||
		    (n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.'))
			return -EINVAL;
		if (depth == 1 && n == strlen(BUNDLE_STATE_DIR) &&
		    memcmp(p, BUNDLE_STATE_DIR, n) == 0)
			return -EINVAL;
		p += n;
		if (*p == '/' && !*++p)
			return -EINVAL;
	}
	return 0;
}

/** JSON hex of a hash, or null. */
static json_t *journal_hash(bool has, const uint8_t sha[SHA256_LEN])
{
	char hex[SHA256_HEX_LEN];

	if (!has)
		return json_null();
	hex_encode(sha, SHA256_LEN, hex);
	return json_string(hex);
}

/**
 * The JSON object of one step.
 * @ret the object, or NULL
 */
static json_t *journal_step_json(const struct journal_step *s)
{
	char *path = journal_escape(s->path);
	json_t *o = NULL;

	if (!path)
		return NULL;
	if (s->kind == MANIFEST_OP_PUT)
		o = json_pack("{s:s, s:s, s:o, s:o}", "op", "put", "path", path,
			      "before", journal_hash(s->has_before, s->before),
			      "after", journal_hash(true, s->after));
	else
		o = json_pack("{s:s, s:s, s:o}", "op", "delete", "path", path,
			      "before", journal_hash(true, s->before));
	free(path);
	return o;
}

/**
 * Serialise a journal.
 * @ret 0, -EFBIG, -ENOMEM, -EINVAL
 */
int journal_encode(const struct journal *j, struct buf *out)
{
	json_t *steps = json_array(), *root;
	char *text;
	int rc;

	if (!steps)
		return -ENOMEM;
	for (size_t i = 0; i < j->nsteps; i++) {
		if (journal_path_check(j->steps[i].path) < 0 ||
		    (j->steps[i].kind == MANIFEST_OP_DELETE && !j->steps[i].has_before)) {
			json_decref(steps);
			return -EINVAL;
		}
		if (json_array_append_new(steps, journal_step_json(&j->steps[i])) < 0) {
			json_decref(steps);
			return -ENOMEM;
		}
	}
	root = json_pack("{s:i, s:s, s:I, s:o, s:I, s:I, s:b, s:b, s:o}", "format",
			 JOURNAL_FORMAT, "id", j->id, "serial", (json_int_t)j->serial,
			 "bundle_sha256", journal_hash(true, j->bundle_sha), "attempt",
			 (json_int_t)j->attempt, "hooks", (json_int_t)j->hooks,
			 "hooks_done", j->hooks_done, "rollback", j->rollback,
			 "steps", steps);
	if (!root)
		return -ENOMEM;
	text = json_dumps(root, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(root);
	if (!text)
		return -ENOMEM;
	if (strlen(text) + 1 > JOURNAL_MAX_BYTES)
		rc = -EFBIG;
	else
		rc = buf_puts(out, text) < 0 || buf_puts(out, "\n") < 0 ? -ENOMEM : 0;
	free(text);
	return rc;
}

