/* SPDX-License-Identifier: MIT */
#ifndef FIXNET_FUZZ_FUZZ_H
#define FIXNET_FUZZ_FUZZ_H

/*
 * What every fuzz target shares: the libFuzzer entry point (also called by
 * fuzz/replay_main.c, so that `make check` replays the corpora without
 * libFuzzer) and the check of an invariant, which aborts so that both
 * libFuzzer and the replay report it as a crash.
 */

#include <stddef.h>
#include <stdint.h>

/**
 * Run one input through the code under test and check its invariants.
 *
 * @v data	the input
 * @v size	its length
 * @ret 0 (libFuzzer's convention)
 */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/** Abort, naming the invariant that failed. */
void fuzz_fail(const char *file, int line, const char *what)
	__attribute__((noreturn));

/* An invariant of the code under test: abort if it does not hold. */
#define FUZZ_CHECK(cond) \
	((cond) ? (void)0 : fuzz_fail(__FILE__, __LINE__, #cond))

/**
 * A NUL-terminated copy of the input, cut at its first NUL byte (the string
 * parsers read C strings).  Aborts when out of memory.
 *
 * @v data	the input
 * @v size	its length
 * @ret a string to free()
 */
char *fuzz_cstr(const uint8_t *data, size_t size);

/**
 * Whether two strings are equal, both NULL counting as equal.
 *
 * @v a		string or NULL
 * @v b		string or NULL
 * @ret 1 or 0
 */
int fuzz_str_eq(const char *a, const char *b);

#endif
