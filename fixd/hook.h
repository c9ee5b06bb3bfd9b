/* SPDX-License-Identifier: MIT */
#ifndef FIXD_HOOK_H
#define FIXD_HOOK_H

#include <stddef.h>
#include <stdint.h>

#include "common/err.h"
#include "fixd/log.h"

/*
 * A hook: a script from the bundle, copied to the secondary OS's own tmpfs
 * (never to the target), run by /bin/sh in its own process group with the
 * target as its working directory and
 *   FIXNET_TARGET (the target's root), FIXNET_FIX_ID, FIXNET_SERIAL
 * in a minimal environment.  Its output (stdout and stderr) goes to the log,
 * bounded, and its last HOOK_TAIL_MAX bytes are kept for the report's
 * reason; past its timeout the whole process group is killed.  When it
 * ends, the rest of its process group and every process it left behind
 * outside it (fixd/reap.h) are killed.  A nonzero exit fails the fix.
 */

#define HOOK_SHELL "/bin/sh"
#define HOOK_OUTPUT_MAX (64 * 1024)	/* bytes of output logged */
#define HOOK_TAIL_MAX 512		/* bytes of output kept for a reason */
#define HOOK_PATH "/usr/sbin:/usr/bin:/sbin:/bin"

struct hook_ctx {
	struct log *log;
	const char *work_dir;		/* where the script is copied */
	const char *target;		/* root of the target, the cwd */
	const char *fix_id;
	uint64_t serial;
	/* optional, HOOK_TAIL_MAX + 1 bytes: set to the end of the output,
	 * one printable line (text_clean), "" if there was none */
	char *tail;
};

/**
 * Run one hook script.
 *
 * @v h		context
 * @v script	the script's bytes
 * @v len	their number
 * @v timeout_s	seconds before the process group is killed
 * @ret 0, -ECHILD (nonzero exit or killed by a signal), -ETIMEDOUT, -errno
 */
int hook_run(const struct hook_ctx *h, const void *script, size_t len,
	     unsigned timeout_s, struct err *err);

#endif
