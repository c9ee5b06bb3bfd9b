/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <dirent.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "fixd/hook.h"
#include "fixd/test/testlib.h"

struct fx {
	char *target, *work;
	struct log log;
	struct hook_ctx h;
	struct err err;
};

static struct fx *fx_new(void)
{
	struct fx *f = calloc(1, sizeof(*f));

	f->target = tl_tmpdir();
	f->work = tl_tmpdir();
	log_init(&f->log, "test", LV_DEBUG, 512 * 1024);
	f->log.out = NULL;
	f->h = (struct hook_ctx){ .log = &f->log, .work_dir = f->work,
				  .target = f->target, .fix_id = "av-1", .serial = 42 };
	return f;
}

static void fx_free(struct fx *f)
{
	log_free(&f->log);
	tl_rmtree(f->target);
	tl_rmtree(f->work);
	free(f->target);
	free(f->work);
	free(f);
}

/** Run a script. */
static int run(struct fx *f, const char *script, unsigned timeout)
{
	return hook_run(&f->h, script, strlen(script), timeout, &f->err);
}

/** Entries in a directory (. and .. excluded). */
static int count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	while ((e = readdir(d)) != NULL)
		n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
	closedir(d);
	return n;
}

/** True if the process runs (a zombie, killed and not yet reaped, does not). */
static bool running(const char *pidtext)
{
	char path[64], *stat, *paren;
	bool alive;

	snprintf(path, sizeof(path), "/proc/%d/stat", atoi(pidtext));
	stat = tl_read(path, NULL);
	if (!stat)
		return false;
	paren = strrchr(stat, ')');
	alive = paren && paren[1] == ' ' && paren[2] != 'Z' && paren[2] != 'X';
	free(stat);
	return alive;
}

static void test_environment_and_cwd(void **state)
{
	struct fx *f = fx_new();
	char *got, want[8192];

	(void)state;
	assert_int_equal(run(f, "echo \"$FIXNET_TARGET|$FIXNET_FIX_ID|$FIXNET_SERIAL|"
			     "$(pwd)\" > out\n", 10), 0);
	got = tl_read_at(f->target, "out", NULL);
	snprintf(want, sizeof(want), "%s|av-1|42|%s\n", f->target, f->target);
	assert_string_equal(got, want);
	free(got);
	/* the script copy is gone from the work directory */
	assert_int_equal(count_entries(f->work), 0);
	fx_free(f);
}

static void test_output_logged(void **state)
{
	struct fx *f = fx_new();

	(void)state;
	assert_int_equal(run(f, "echo to-stdout; echo to-stderr >&2\n", 10), 0);
	assert_non_null(strstr(f->log.copy.data, "hook: to-stdout\n"));
	assert_non_null(strstr(f->log.copy.data, "hook: to-stderr\n"));
	fx_free(f);
}

static void test_nonzero_exit_fails(void **state)
{
	struct fx *f = fx_new();

	(void)state;
	assert_int_equal(run(f, "exit 7\n", 10), -ECHILD);
	assert_non_null(strstr(f->err.msg, "status 7"));
	fx_free(f);
}

static void test_timeout_kills_process_group(void **state)
{
	struct fx *f = fx_new();
	struct timespec t0, t1;
	char *pid;

	(void)state;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(run(f, "sleep 100 & echo $! > bg.pid; sleep 100\n", 1),
			 -ETIMEDOUT);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	assert_true(t1.tv_sec - t0.tv_sec < 5);
	pid = tl_read_at(f->target, "bg.pid", NULL);
	assert_non_null(pid);
	usleep(100000);
	/* the background child of the hook is gone too */
	assert_false(running(pid));
	free(pid);
	fx_free(f);
}

static void test_background_child_killed_after_exit(void **state)
{
	struct fx *f = fx_new();
	char *pid;

	(void)state;
	assert_int_equal(run(f, "sleep 100 >/dev/null 2>&1 & echo $! > bg.pid\n", 10), 0);
	pid = tl_read_at(f->target, "bg.pid", NULL);
	assert_non_null(pid);
	usleep(100000);
	assert_false(running(pid));
	free(pid);
	fx_free(f);
}

static void test_output_bounded(void **state)
{
	struct fx *f = fx_new();

	(void)state;
	assert_int_equal(run(f, "i=0; while [ $i -lt 3000 ]; do "
			     "echo 0123456789012345678901234567890123456789; "
			     "i=$((i+1)); done\n", 30), 0);
	assert_non_null(strstr(f->log.copy.data, "not logged"));
	assert_true(f->log.copy.len < HOOK_OUTPUT_MAX + 64 * 1024);
	fx_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_environment_and_cwd),
		cmocka_unit_test(test_output_logged),
		cmocka_unit_test(test_nonzero_exit_fails),
		cmocka_unit_test(test_timeout_kills_process_group),
		cmocka_unit_test(test_background_child_killed_after_exit),
		cmocka_unit_test(test_output_bounded),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
