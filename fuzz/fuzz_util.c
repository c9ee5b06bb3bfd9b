/* SPDX-License-Identifier: MIT */
/*
 * Helpers shared by the fuzz targets (see fuzz.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz/fuzz.h"

/**
 * Abort, naming the invariant that failed.
 *
 * @v file	source file of the check
 * @v line	its line
 * @v what	the condition, as text
 */
void fuzz_fail(const char *file, int line, const char *what)
{
	fprintf(stderr, "%s:%d: invariant failed: %s\n", file, line, what);
	abort();
}

/**
 * A NUL-terminated copy of the input, cut at its first NUL byte.
 *
 * @v data	the input
 * @v size	its length
 * @ret a string to free()
 */
char *fuzz_cstr(const uint8_t *data, size_t size)
{
	const uint8_t *nul = memchr(data, '\0', size);
	size_t n = nul ? (size_t)(nul - data) : size;
	char *s = malloc(n + 1);

	if (!s)
		fuzz_fail(__FILE__, __LINE__, "out of memory");
	memcpy(s, data, n);
	s[n] = '\0';
	return s;
}

/**
 * Whether two strings are equal, both NULL counting as equal.
 *
 * @v a		string or NULL
 * @v b		string or NULL
 * @ret 1 or 0
 */
int fuzz_str_eq(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	return strcmp(a, b) == 0;
}
