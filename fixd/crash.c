/* SPDX-License-Identifier: MIT */
#include <signal.h>
#include <stdlib.h>

#include "common/strnum.h"
#include "fixd/crash.h"

#define CRASH_ENV "FIXD_TEST_CRASH_AT"

/**
 * Raise SIGKILL if FIXD_TEST_CRASH_AT equals step (test builds only).
 * @v step	number of the durable action just done
 */
void crash_point(unsigned step)
{
	const char *at = getenv(CRASH_ENV);
	uint64_t n;

	if (at && strnum_u64(at, 1, UINT32_MAX, &n) == 0 && n == step)
		raise(SIGKILL);
}
