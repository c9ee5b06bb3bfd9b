/* SPDX-License-Identifier: MIT */
/*
 * Strict reading of untrusted JSON with jansson (see jsonx.h).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/hex.h"
#include "common/jsonx.h"

/**
 * Parse a JSON object of at most max bytes.
 *
 * @v text	JSON text (not NUL-terminated)
 * @v len	its length
 * @v max	size limit
 * @v out	the object, to json_decref()
 * @v what	document name for messages
 * @v err	error message
 * @ret 0, -EFBIG, -EINVAL
 */
int jsonx_load(const char *text, size_t len, size_t max, json_t **out,
	       const char *what, struct err *err)
{
	json_error_t jerr;
	json_t *root;

	if (len > max)
		return err_set(err, -EFBIG, "%s: %zu bytes, limit %zu", what,
			       len, max);
	root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root)
		return err_set(err, -EINVAL, "%s: bad JSON at line %d column %d: %s",
			       what, jerr.line, jerr.column, jerr.text);
	if (!json_is_object(root)) {
		json_decref(root);
		return err_set(err, -EINVAL, "%s: not a JSON object", what);
	}
	*out = root;
	return 0;
}

/**
 * Refuse unknown keys.
 *
 * @v obj	object
 * @v allowed	NULL-terminated list of known keys
 * @v what	object name for messages
 * @v err	error message
 * @ret 0 or -EINVAL
 */
int jsonx_keys(json_t *obj, const char *const *allowed, const char *what,
	       struct err *err)
{
	const char *key;
	json_t *v;
	size_t i;

	json_object_foreach(obj, key, v) {
		for (i = 0; allowed[i]; i++)
			if (strcmp(key, allowed[i]) == 0)
				break;
		if (!allowed[i])
			return err_set(err, -EINVAL, "%s: unknown key \"%.64s\"",
				       what, key);
	}
	return 0;
}

/**
 * Whether a string holds a control character.
 *
 * @v s		string
 * @v allow_text	tab and newline allowed
 * @ret 1 or 0
 */
int jsonx_has_control(const char *s, int allow_text)
{
	const unsigned char *p;

	for (p = (const unsigned char *)s; *p; p++) {
		if (allow_text && (*p == '\t' || *p == '\n'))
			continue;
		if (*p < 0x20 || *p == 0x7f)
			return 1;
	}
	return 0;
}

/**
 * Read a string member.
 *
 * @v obj	object
 * @v key	member name
 * @v flags	JSONX_REQUIRED, JSONX_MULTILINE, JSONX_NULLABLE
 * @v maxlen	limit in bytes
 * @v out	the string, owned by obj; untouched when absent
 * @v what	object name for messages
 * @v err	error message
 * @ret 0, -EINVAL
 */
int jsonx_str(json_t *obj, const char *key, int flags, size_t maxlen,
	      const char **out, const char *what, struct err *err)
{
	json_t *v = json_object_get(obj, key);
	const char *s;

	if (!v || ((flags & JSONX_NULLABLE) && json_is_null(v))) {
		if (flags & JSONX_REQUIRED)
			return err_set(err, -EINVAL, "%s: \"%s\" missing", what,
				       key);
		return 0;
	}
	if (!json_is_string(v))
		return err_set(err, -EINVAL, "%s.%s: not a string", what, key);
	s = json_string_value(v);
	if (json_string_length(v) > maxlen)
		return err_set(err, -EINVAL, "%s.%s: longer than %zu bytes",
			       what, key, maxlen);
	if (jsonx_has_control(s, flags & JSONX_MULTILINE))
		return err_set(err, -EINVAL, "%s.%s: control character", what,
			       key);
	*out = s;
	return 0;
}

/**
 * Read a string member into a copy.
 *
 * @v obj	object
 * @v key	member name
 * @v flags	as for jsonx_str()
 * @v maxlen	limit in bytes
 * @v out	a copy to free; untouched when absent
 * @v what	object name for messages
 * @v err	error message
 * @ret 0, -EINVAL, -ENOMEM
 */
int jsonx_strdup(json_t *obj, const char *key, int flags, size_t maxlen,
		 char **out, const char *what, struct err *err)
{
	const char *s = NULL;
	int rc;

	rc = jsonx_str(obj, key, flags, maxlen, &s, what, err);
	if (rc < 0 || !s)
		return rc;
	*out = strdup(s);
	if (!*out)
		return err_set(err, -ENOMEM, "out of memory");
	return 0;
}

/**
 * Read an unsigned integer member.
 *
 * @v obj	object
 * @v key	member name
 * @v required	a missing key is an error
 * @v min	smallest value
 * @v max	largest value
 * @v out	the value; untouched when absent
 * @v what	object name for messages
 * @v err	error message
 * @ret 0, -EINVAL
 */
int jsonx_u64(json_t *obj, const char *key, int required, uint64_t min,
	      uint64_t max, uint64_t *out, const char *what, struct err *err)
{
	json_t *v = json_object_get(obj, key);
	json_int_t i;

	if (!v) {
		if (required)
			return err_set(err, -EINVAL, "%s: \"%s\" missing", what,
				       key);
		return 0;
	}
	if (!json_is_integer(v))
		return err_set(err, -EINVAL, "%s.%s: not an integer", what, key);
	i = json_integer_value(v);
	if (i < 0 || (uint64_t)i < min || (uint64_t)i > max)
		return err_set(err, -EINVAL, "%s.%s: %lld outside %llu..%llu",
			       what, key, (long long)i,
			       (unsigned long long)min,
			       (unsigned long long)max);
	*out = (uint64_t)i;
	return 0;
}

/**
 * Read a hex member into bytes.
 *
 * @v obj	object
 * @v key	member name
 * @v flags	JSONX_REQUIRED, JSONX_NULLABLE
 * @v out	n bytes
 * @v n		decoded length
 * @v what	object name for messages
 * @v err	error message
 * @ret 1 if read, 0 if absent, -EINVAL
 */
int jsonx_hex(json_t *obj, const char *key, int flags, uint8_t *out,
	      size_t n, const char *what, struct err *err)
{
	json_t *v = json_object_get(obj, key);
	const char *s;

	if (!v || ((flags & JSONX_NULLABLE) && json_is_null(v))) {
		if (flags & JSONX_REQUIRED)
			return err_set(err, -EINVAL, "%s: \"%s\" missing", what,
				       key);
		return 0;
	}
	s = json_string_value(v);
	if (!s || json_string_length(v) != 2 * n || hex_decode(s, out, n) < 0)
		goto bad;
	return 1;
bad:
	return err_set(err, -EINVAL, "%s.%s: not %zu hex digits", what, key,
		       2 * n);
}

/**
 * Read an array or object member with at most max entries.
 *
 * @v obj	object
 * @v key	member name
 * @v required	a missing key is an error
 * @v want_object	an object rather than an array
 * @v max	entry limit
 * @v out	the member (owned by obj), NULL when absent
 * @v what	object name for messages
 * @v err	error message
 * @ret 0, -EINVAL
 */
int jsonx_container(json_t *obj, const char *key, int required, int want_object,
		    size_t max, json_t **out, const char *what, struct err *err)
{
	json_t *v = json_object_get(obj, key);
	size_t n;

	*out = NULL;
	if (!v) {
		if (required)
			return err_set(err, -EINVAL, "%s: \"%s\" missing", what,
				       key);
		return 0;
	}
	if (want_object ? !json_is_object(v) : !json_is_array(v))
		return err_set(err, -EINVAL, "%s.%s: not an %s", what, key,
			       want_object ? "object" : "array");
	n = want_object ? json_object_size(v) : json_array_size(v);
	if (n > max)
		return err_set(err, -EINVAL, "%s.%s: %zu entries, limit %zu",
			       what, key, n, max);
	*out = v;
	return 0;
}

/**
 * Append the compact JSON text of root and a newline.
 *
 * @v root	value
 * @v out	buffer
 * @ret 0, -ENOMEM, -EFBIG
 */
int jsonx_dump(json_t *root, struct buf *out)
{
	char *s = json_dumps(root, JSON_COMPACT | JSON_PRESERVE_ORDER);
	int rc;

	if (!s)
		return -ENOMEM;
	rc = buf_printf(out, "%s\n", s);
	free(s);
	return rc;
}
