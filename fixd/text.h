/* SPDX-License-Identifier: MIT */
#ifndef FIXD_TEXT_H
#define FIXD_TEXT_H

#include <stdbool.h>

/*
 * Text that fixd copies from the target or a bundle into a report, a receipt
 * or a reason (a file name found by a delete glob, a member name in an error
 * message) must be valid JSON text: UTF-8 without control characters.  A name
 * on a disk may be neither.
 */

/**
 * Make a string printable in place: control characters become '?', and if
 * the string is not valid UTF-8, every byte above 0x7f becomes '?' too.
 *
 * @v s		NUL-terminated string
 * @ret true if it was changed
 */
bool text_clean(char *s);

/** True if s is valid UTF-8 (no overlong forms, no surrogates). */
bool text_utf8(const char *s);

#endif
