/* SPDX-License-Identifier: MIT */
/*
 * The rules for paths, globs and ids of a manifest (see manifest.h).
 */
#include <errno.h>
#include <stdbool.h>
#include <fnmatch.h>
#include <string.h>
#include <strings.h>

#include "common/manifest.h"

#define MANIFEST_WILDCARDS "*?["

/**
 * Check one character of a path.
 *
 * @v c		character
 * @v path	the path, for messages
 * @v err	error message
 * @ret 0 or -EINVAL
 */
static int manifest_path_char(unsigned char c, const char *path,
			      struct err *err)
{
	if (c < 0x20 || c == 0x7f)
		return err_set(err, -EINVAL, "path \"%.64s\": control character",
			       path);
	if (c == '\\')
		return err_set(err, -EINVAL,
			       "path \"%.64s\": backslash (the separator is '/')",
			       path);
	return 0;
}

/**
 * Check one component of a path.
 *
 * @v comp	start of the component
 * @v n		its length
 * @v path	the path, for messages
 * @v err	error message
 * @ret 0 or -EINVAL
 */
static int manifest_path_component(const char *comp, size_t n,
				   const char *path, struct err *err)
{
	if (n == 0)
		return err_set(err, -EINVAL,
			       "path \"%.64s\": empty component (\"//\" or a "
			       "trailing \"/\")", path);
	if (n > MANIFEST_NAME_MAX)
		return err_set(err, -EINVAL,
			       "path \"%.64s...\": a component is longer than %d bytes",
			       path, MANIFEST_NAME_MAX);
	if ((n == 1 && comp[0] == '.') ||
	    (n == 2 && comp[0] == '.' && comp[1] == '.'))
		return err_set(err, -EINVAL,
			       "path \"%.64s\": \".\" or \"..\" component", path);
	return 0;
}

/**
 * Check a target-relative path.
 *
 * @v path	path
 * @v err	error message
 * @ret 0 or -EINVAL
 */
int manifest_path_check(const char *path, struct err *err)
{
	size_t len = strnlen(path, MANIFEST_PATH_MAX + 1), start = 0, i;
	unsigned depth = 0;
	int rc;

	if (len == 0)
		return err_set(err, -EINVAL, "empty path");
	if (len > MANIFEST_PATH_MAX)
		return err_set(err, -EINVAL, "path \"%.64s...\": longer than %d bytes",
			       path, MANIFEST_PATH_MAX);
	if (path[0] == '/')
		return err_set(err, -EINVAL,
			       "path \"%.64s\": absolute (paths are relative to "
			       "the target's root)", path);
	for (i = 0; i <= len; i++) {
		if (i < len && path[i] != '/') {
			rc = manifest_path_char((unsigned char)path[i], path, err);
			if (rc < 0)
				return rc;
			continue;
		}
		rc = manifest_path_component(path + start, i - start, path, err);
		if (rc < 0)
			return rc;
		if (++depth > MANIFEST_DEPTH_MAX)
			return err_set(err, -EINVAL,
				       "path \"%.64s...\": more than %d components",
				       path, MANIFEST_DEPTH_MAX);
		start = i + 1;
	}
	return 0;
}

/**
 * Check a delete glob: a valid path whose wildcards are all in the last
 * component, after a literal prefix.
 *
 * @v glob	glob
 * @v err	error message
 * @ret 0 or -EINVAL
 */
int manifest_glob_check(const char *glob, struct err *err)
{
	const char *last, *wild;
	int rc;

	rc = manifest_path_check(glob, err);
	if (rc < 0)
		return rc;
	last = strrchr(glob, '/');
	last = last ? last + 1 : glob;
	wild = strpbrk(glob, MANIFEST_WILDCARDS);
	if (wild && wild < last)
		return err_set(err, -EINVAL,
			       "glob \"%.64s\": wildcard before the last component",
			       glob);
	if (wild == last)
		return err_set(err, -EINVAL,
			       "glob \"%.64s\": the last component must start "
			       "with a literal prefix (\"C-00000291*.sys\", "
			       "not \"*.sys\")", glob);
	return 0;
}

/**
 * Whether a name found in a delete glob's directory is one it deletes: the
 * glob's last component, fnmatch(3) with FNM_PERIOD (a leading dot is never
 * matched by a wildcard).  fixd expands globs with this, fixsrv checks the
 * evidence with it.
 *
 * @v glob	a glob that passed manifest_glob_check()
 * @v name	one directory entry
 * @v fold	ignore the case of ASCII letters
 * @ret true if it matches
 */
bool manifest_glob_match_name(const char *glob, const char *name, bool fold)
{
	const char *last = strrchr(glob, '/');

	return fnmatch(last ? last + 1 : glob, name,
		       FNM_PERIOD | (fold ? FNM_CASEFOLD : 0)) == 0;
}

/**
 * Whether a delete glob matches a whole target-relative path: the same
 * directory, written the same (but for case, with fold), and a matching
 * name in it.
 *
 * @v glob	a glob that passed manifest_glob_check()
 * @v path	a target-relative path
 * @v fold	ignore the case of ASCII letters
 * @ret true if the glob's expansion would include path
 */
bool manifest_glob_match(const char *glob, const char *path, bool fold)
{
	const char *gl = strrchr(glob, '/'), *pl = strrchr(path, '/');
	size_t gn = gl ? (size_t)(gl - glob) : 0, pn = pl ? (size_t)(pl - path) : 0;

	if (gn != pn || (fold ? strncasecmp(glob, path, gn) :
			 memcmp(glob, path, gn)) != 0)
		return false;
	return manifest_glob_match_name(glob, pl ? pl + 1 : path, fold);
}

/**
 * Check a fix id: 1..MANIFEST_ID_MAX of [A-Za-z0-9._-], first alnum.
 *
 * @v id	id
 * @v err	error message
 * @ret 0 or -EINVAL
 */
int manifest_id_check(const char *id, struct err *err)
{
	size_t len = strnlen(id, MANIFEST_ID_MAX + 1), i;

	if (len == 0 || len > MANIFEST_ID_MAX)
		return err_set(err, -EINVAL, "id: 1 to %d characters",
			       MANIFEST_ID_MAX);
	for (i = 0; i < len; i++) {
		char c = id[i];
		int alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			    (c >= '0' && c <= '9');

		if (!alnum && (i == 0 || !strchr("._-", c)))
			return err_set(err, -EINVAL,
				       "id \"%.64s\": only letters, digits, "
				       "'.', '_' and '-', starting with a "
				       "letter or digit", id);
	}
	return 0;
}

/**
 * Name of an op kind.
 *
 * @v kind	op kind
 * @ret "put", "delete", "hook" (or "?" for a value out of the enum)
 */
const char *manifest_op_name(enum manifest_op_kind kind)
{
	switch (kind) {
	case MANIFEST_OP_PUT:
		return "put";
	case MANIFEST_OP_DELETE:
		return "delete";
	case MANIFEST_OP_HOOK:
		return "hook";
	}
	return "?";
}
