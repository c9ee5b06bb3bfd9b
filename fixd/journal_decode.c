/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "fixd/journal.h"

static const char *const journal_keys[] = {
	"format", "id", "serial", "bundle_sha256", "attempt", "hooks",
	"hooks_done", "rollback", "steps", NULL
};
static const char *const journal_step_keys[] = {
	"op", "path", "before", "after", NULL
};

/**
 * Undo journal_escape(): %XX (either case) for any byte but NUL; every other
 * byte must be one journal_escape() keeps.
 * @ret malloc'd path, or NULL (malformed, or out of memory)
 */
static char *journal_unescape(const char *text)
{
	char *out = malloc(strlen(text) + 1), *p = out;
	uint8_t byte;

	if (!out)
		return NULL;
	for (const char *s = text; *s; s++) {
		if (*s != '%') {
			if (!journal_plain((unsigned char)*s))
				goto err;
			*p++ = *s;
			continue;
		}
		if (!s[1] || !s[2])
			goto err;
		char pair[3] = { s[1], s[2], '\0' };
		if (hex_decode(pair, &byte, 1) < 0 || byte == 0)
			goto err;
		*p++ = (char)byte;
		s += 2;
	}
	*p = '\0';
	return out;
err:
	free(out);
	return NULL;
}

/**
 * Refuse a key of obj not in allowed.
 * @ret 0 or -EINVAL
 */
static int journal_known(json_t *obj, const char *const *allowed,
			 const char *what, struct err *err)
{
	const char *key;
	json_t *v;

	json_object_foreach(obj, key, v) {
		size_t i = 0;

		while (allowed[i] && strcmp(allowed[i], key) != 0)
			i++;
		if (!allowed[i])
			return err_set(err, -EINVAL, "%s: unknown key", what);
	}
	return 0;
}

/**
 * Read a hash member: 64 hex digits, or null when nullable.
 * @ret 1 read, 0 null, -EINVAL
 */
static int journal_get_hash(json_t *obj, const char *key, bool nullable,
			    uint8_t out[SHA256_LEN])
{
	json_t *v = json_object_get(obj, key);

	if (nullable && json_is_null(v))
		return 0;
	if (!json_is_string(v) || json_string_length(v) != 2 * SHA256_LEN ||
	    hex_decode(json_string_value(v), out, SHA256_LEN) < 0)
		return -EINVAL;
	return 1;
}

/**
 * Read an integer member in [min, max].
 * @ret 0 or -EINVAL
 */
static int journal_get_u64(json_t *obj, const char *key, uint64_t min,
			   uint64_t max, uint64_t *out)
{
	json_t *v = json_object_get(obj, key);

	if (!json_is_integer(v) || json_integer_value(v) < 0 ||
	    (uint64_t)json_integer_value(v) < min ||
	    (uint64_t)json_integer_value(v) > max)
		return -EINVAL;
	*out = (uint64_t)json_integer_value(v);
	return 0;
}

/**
 * Read one step.
 * @ret 0, -EINVAL, -ENOMEM
 */
static int journal_step_read(json_t *o, struct journal_step *s, size_t i,
			     struct err *err)
{
	json_t *op = json_object_get(o, "op"), *path = json_object_get(o, "path");
	int rc;

	if (!json_is_object(o) || journal_known(o, journal_step_keys, "step", err) < 0)
		return err_set(err, -EINVAL, "steps[%zu]: not a step", i);
	if (json_is_string(op) && strcmp(json_string_value(op), "put") == 0)
		s->kind = MANIFEST_OP_PUT;
	else if (json_is_string(op) && strcmp(json_string_value(op), "delete") == 0)
		s->kind = MANIFEST_OP_DELETE;
	else
		return err_set(err, -EINVAL, "steps[%zu].op: not put or delete", i);
	if (!json_is_string(path) || json_string_length(path) > 3 * MANIFEST_PATH_MAX ||
	    !(s->path = journal_unescape(json_string_value(path))) ||
	    journal_path_check(s->path) < 0)
		return err_set(err, -EINVAL, "steps[%zu].path: not a target path", i);
	rc = journal_get_hash(o, "before", s->kind == MANIFEST_OP_PUT, s->before);
	if (rc < 0)
		return err_set(err, rc, "steps[%zu].before: not a hash", i);
	s->has_before = rc == 1;
	if (s->kind == MANIFEST_OP_DELETE)
		return json_object_get(o, "after") ?
		       err_set(err, -EINVAL, "steps[%zu]: a delete has no after", i) : 0;
	if (journal_get_hash(o, "after", false, s->after) < 0)
		return err_set(err, -EINVAL, "steps[%zu].after: not a hash", i);
	return 0;
}

/** Order step pointers by path. */
static int journal_path_cmp(const void *a, const void *b)
{
	return strcmp((*(const struct journal_step *const *)a)->path,
		      (*(const struct journal_step *const *)b)->path);
}

/**
 * Refuse two steps on one path.
 * @ret 0, -EINVAL, -ENOMEM
 */
static int journal_unique(const struct journal *j, struct err *err)
{
	const struct journal_step **v;
	int rc = 0;

	if (j->nsteps < 2)
		return 0;
	v = calloc(j->nsteps, sizeof(*v));
	if (!v)
		return err_set(err, -ENOMEM, "out of memory");
	for (size_t i = 0; i < j->nsteps; i++)
		v[i] = &j->steps[i];
	qsort(v, j->nsteps, sizeof(*v), journal_path_cmp);
	for (size_t i = 0; rc == 0 && i + 1 < j->nsteps; i++) {
		if (strcmp(v[i]->path, v[i + 1]->path) == 0)
			rc = err_set(err, -EINVAL, "two steps on one path");
	}
	free(v);
	return rc;
}

/**
 * Read the top-level fields and the steps.
 * @ret 0, -EINVAL, -ENOMEM
 */
static int journal_fields(json_t *root, struct journal **out, struct err *err)
{
	json_t *id = json_object_get(root, "id"), *steps = json_object_get(root, "steps");
	json_t *hd = json_object_get(root, "hooks_done"), *rb = json_object_get(root, "rollback");
	uint64_t format, attempt, hooks, serial;
	struct journal *j;
	int rc = 0;

	if (journal_known(root, journal_keys, "journal", err) < 0)
		return -EINVAL;
	if (journal_get_u64(root, "format", JOURNAL_FORMAT, JOURNAL_FORMAT, &format) ||
	    !json_is_string(id) || manifest_id_check(json_string_value(id), NULL) ||
	    journal_get_u64(root, "serial", 1, MANIFEST_SERIAL_MAX, &serial) ||
	    journal_get_u64(root, "attempt", 1, JOURNAL_ATTEMPT_MAX, &attempt) ||
	    journal_get_u64(root, "hooks", 0, JOURNAL_HOOKS_MAX, &hooks) ||
	    !json_is_boolean(hd) || !json_is_boolean(rb) || !json_is_array(steps) ||
	    json_array_size(steps) > JOURNAL_STEPS_MAX)
		return err_set(err, -EINVAL, "a field is missing or out of range");
	j = journal_new(json_string_value(id), json_array_size(steps));
	if (!j)
		return err_set(err, -ENOMEM, "out of memory");
	j->serial = serial;
	j->attempt = (uint32_t)attempt;
	j->hooks = (uint32_t)hooks;
	j->hooks_done = json_is_true(hd);
	j->rollback = json_is_true(rb);
	if (journal_get_hash(root, "bundle_sha256", false, j->bundle_sha) < 0)
		rc = err_set(err, -EINVAL, "bundle_sha256: not a hash");
	for (size_t i = 0; rc == 0 && i < j->nsteps; i++)
		rc = journal_step_read(json_array_get(steps, i), &j->steps[i], i, err);
	if (rc == 0)
		rc = journal_unique(j, err);
	if (rc < 0) {
		journal_free(j);
		return rc;
	}
	*out = j;
	return 0;
}

/**
 * Parse and check a journal.
 * @ret 0, -EINVAL, -EFBIG, -ENOMEM
 */
int journal_decode(const char *text, size_t len, struct journal **out,
		   struct err *err)
{
	json_error_t jerr;
	json_t *root;
	int rc;

	*out = NULL;
	if (len > JOURNAL_MAX_BYTES)
		return err_set(err, -EFBIG, "longer than %d bytes", JOURNAL_MAX_BYTES);
	root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root)
		return err_set(err, -EINVAL, "not JSON: %s", jerr.text);
	if (json_is_object(root))
		rc = journal_fields(root, out, err);
	else
		rc = err_set(err, -EINVAL, "not a JSON object");
	json_decref(root);
	return rc;
}
