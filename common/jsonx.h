/* SPDX-License-Identifier: MIT */
#ifndef FIXNET_COMMON_JSONX_H
#define FIXNET_COMMON_JSONX_H

/*
 * Private to common/: strict reading of untrusted JSON with jansson, shared
 * by the manifest, plan and report parsers.  Every reader names the field in
 * its error message ("ops[3].path: ...").
 */

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "common/buf.h"
#include "common/err.h"

/* Flags of jsonx_str(). */
#define JSONX_REQUIRED 1	/* a missing key is an error */
#define JSONX_MULTILINE 2	/* tab and newline allowed */
#define JSONX_NULLABLE 4	/* null reads as absent */

/**
 * Parse at most max bytes of JSON whose top level must be an object.
 * Duplicate keys are refused.
 * @ret 0 and *out (json_decref it), -EFBIG, -EINVAL
 */
int jsonx_load(const char *text, size_t len, size_t max, json_t **out,
	       const char *what, struct err *err);

/**
 * Refuse a key of obj that is not in allowed (a NULL-terminated list).
 * @ret 0 or -EINVAL
 */
int jsonx_keys(json_t *obj, const char *const *allowed, const char *what,
	       struct err *err);

/**
 * Read a string member: at most maxlen bytes, no control character (but
 * see JSONX_MULTILINE).  *out is left alone when the key is absent.
 * @ret 0, -EINVAL
 */
int jsonx_str(json_t *obj, const char *key, int flags, size_t maxlen,
	      const char **out, const char *what, struct err *err);

/** jsonx_str() into a copy to free.  @ret 0, -EINVAL, -ENOMEM */
int jsonx_strdup(json_t *obj, const char *key, int flags, size_t maxlen,
		 char **out, const char *what, struct err *err);

/**
 * Read an integer member in [min, max].  *out is left alone when the key is
 * absent and not required.
 * @ret 0, -EINVAL
 */
int jsonx_u64(json_t *obj, const char *key, int required, uint64_t min,
	      uint64_t max, uint64_t *out, const char *what, struct err *err);

/**
 * Read a member of exactly 2n hex digits into n bytes.
 * @ret 1 if read, 0 if absent (or null with JSONX_NULLABLE), -EINVAL
 */
int jsonx_hex(json_t *obj, const char *key, int flags, uint8_t *out,
	      size_t n, const char *what, struct err *err);

/**
 * Read a member that must be an array (or an object if want_object) of at
 * most max entries.  *out is NULL when absent and not required.
 * @ret 0, -EINVAL
 */
int jsonx_container(json_t *obj, const char *key, int required, int want_object,
		    size_t max, json_t **out, const char *what, struct err *err);

/** Append the compact text of root and a newline.  @ret 0, -ENOMEM, -EFBIG */
int jsonx_dump(json_t *root, struct buf *out);

/** Whether a string holds a control character (a tab too unless allowed). */
int jsonx_has_control(const char *s, int allow_text);

#endif
