/* SPDX-License-Identifier: MIT */
#ifndef FIXD_CRASH_H
#define FIXD_CRASH_H

/*
 * Crash points, for the power-cut tests only.  A build with
 * FIXD_CRASH_POINTS defined (build/crash/bin/fixd, never shipped) kills
 * itself with SIGKILL right after durable action number N of a run when the
 * environment has FIXD_TEST_CRASH_AT=N.  In every other build a crash point
 * is nothing.
 */

#ifdef FIXD_CRASH_POINTS
/**
 * Raise SIGKILL if FIXD_TEST_CRASH_AT equals step.
 * @v step	number of the durable action just done (1, 2, ...)
 */
void crash_point(unsigned step);
#else
/** Nothing outside test builds. */
static inline void crash_point(unsigned step)
{
	(void)step;
}
#endif

#endif
