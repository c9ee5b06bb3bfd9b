/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <dirent.h>
#include <signal.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <linux/capability.h>

#include <cmocka.h>

#include "fixd/hook.h"
#include "fixd/test/testlib.h"

struct fx {
	char *target, *work;
	struct log log;
	struct hook_ctx h;
	struct err err;
	char tail[HOOK_TAIL_MAX + 1];
};

static struct fx *fx_new(void)
{
	struct fx *f = calloc(1, sizeof(*f));

	f->target = tl_tmpdir();
	f->work = tl_tmpdir();
	log_init(&f->log, "test", LV_DEBUG, 512 * 1024);
	f->log.out = NULL;
	f->h = (struct hook_ctx){ .log = &f->log, .work_dir = f->work,
				  .target = f->target, .fix_id = "av-1", .serial = 42,
				  .tail = f->tail };
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

/** True if no process has that pid, not even a zombie. */
static bool gone(const char *pidtext)
{
	return kill(atoi(pidtext), 0) < 0 && errno == ESRCH;
}

/*
 * A hook that leaves its process group (setsid) and exits: the process it
 * left, and that one's own child, are killed and reaped when the hook ends
 * (fixd is their subreaper), not left running against the target.
 */
static void test_orphan_outside_process_group_killed(void **state)
{
	struct fx *f = fx_new();
	char *bg, *gc;

	(void)state;
	if (!tl_have("setsid"))
		skip();
	assert_int_equal(run(f, "setsid -f sh -c 'sleep 100 & echo $! > gc.pid; "
			     "echo $$ > bg.tmp; mv bg.tmp bg.pid; wait' "
			     "</dev/null >/dev/null 2>&1\n"
			     "while [ ! -s bg.pid ]; do sleep 0.01; done\n", 10), 0);
	bg = tl_read_at(f->target, "bg.pid", NULL);
	gc = tl_read_at(f->target, "gc.pid", NULL);
	assert_non_null(bg);
	assert_non_null(gc);
	assert_true(gone(bg));
	assert_true(gone(gc));
	assert_non_null(strstr(f->log.copy.data, "left behind"));
	free(bg);
	free(gc);
	fx_free(f);
}

/* A failed hook's last words are kept for the report: the end only. */
static void test_tail_of_output_kept(void **state)
{
	struct fx *f = fx_new();
	size_t n;

	(void)state;
	assert_int_equal(run(f, "i=0; while [ $i -lt 200 ]; do echo \"line $i\"; "
			     "i=$((i+1)); done\necho 'cannot lock C:/Windows: busy' >&2\n"
			     "exit 3\n", 10), -ECHILD);
	n = strlen(f->tail);
	assert_true(n > 400 && n <= HOOK_TAIL_MAX);
	assert_string_equal(f->tail + n - strlen("line 199 cannot lock C:/Windows: busy"),
			    "line 199 cannot lock C:/Windows: busy");
	assert_null(strstr(f->tail, "line 1 "));
	fx_free(f);
}

/* Control characters and bytes that are not UTF-8 never reach the tail. */
static void test_tail_printable(void **state)
{
	struct fx *f = fx_new();

	(void)state;
	assert_int_equal(run(f, "printf '\\033[31mred\\tx\\001\\377end\\n\\n'; "
			     "exit 1\n", 10), -ECHILD);
	assert_string_equal(f->tail, "?[31mred x??end");
	fx_free(f);
}

/* A hook that says nothing leaves an empty tail, not the last one's. */
static void test_tail_empty_without_output(void **state)
{
	struct fx *f = fx_new();

	(void)state;
	assert_int_equal(run(f, "echo something; exit 1\n", 10), -ECHILD);
	assert_string_equal(f->tail, "something");
	assert_int_equal(run(f, "exit 1\n", 10), -ECHILD);
	assert_string_equal(f->tail, "");
	fx_free(f);
}

/** A capability set of /proc/PID/status as the hook wrote it. */
static unsigned long long caps_of(const char *status, const char *field)
{
	const char *p = strstr(status, field);

	assert_non_null(p);
	return strtoull(p + strlen(field) + 1, NULL, 16);
}

/** Write a file's own content back to it; @ret true if that worked. */
static bool rewrite_same(const char *path)
{
	char *v = tl_read(path, NULL);
	FILE *out;
	bool ok;

	if (!v)
		return false;
	out = fopen(path, "w");
	ok = out && fputs(v, out) >= 0;
	ok = out && fclose(out) == 0 && ok;
	free(v);
	return ok;
}

/*
 * A hook run by root can neither change the network setup nor write a
 * sysctl (kernel.core_pattern or kernel.modprobe would make the kernel run
 * any program with every capability), nor get either back; it still
 * writes the target as root.  The sysctl is written back with its own
 * value, harmless if it ever worked; this test process must be able to.
 */
static void test_hook_confined_when_root(void **state)
{
	static const int dropped[] = { CAP_NET_ADMIN, CAP_NET_RAW,
		CAP_NET_BIND_SERVICE, CAP_SYS_MODULE, CAP_SYS_RAWIO,
		CAP_SYS_PTRACE, CAP_SYS_ADMIN, CAP_SYS_BOOT };
	struct fx *f = fx_new();
	unsigned long long bnd, eff;
	char *status, *sysctl, path[4096];
	struct stat st;

	(void)state;
	if (geteuid() != 0 || !rewrite_same("/proc/sys/kernel/core_pattern")) {
		fx_free(f);
		skip();
	}
	assert_int_equal(run(f, "cat /proc/self/status > status\n"
			     "v=$(cat /proc/sys/kernel/core_pattern)\n"
			     "if echo \"$v\" > /proc/sys/kernel/core_pattern; then "
			     "echo wrote; else echo refused; fi > sysctl\n"
			     "echo data > owned\n", 10), 0);
	status = tl_read_at(f->target, "status", NULL);
	sysctl = tl_read_at(f->target, "sysctl", NULL);
	assert_non_null(status);
	assert_string_equal(sysctl, "refused\n");
	bnd = caps_of(status, "CapBnd:");
	eff = caps_of(status, "CapEff:");
	for (size_t i = 0; i < sizeof(dropped) / sizeof(dropped[0]); i++) {
		assert_false(bnd & (1ULL << dropped[i]));
		assert_false(eff & (1ULL << dropped[i]));
	}
	assert_true(eff & (1ULL << CAP_DAC_OVERRIDE));
	assert_non_null(strstr(status, "NoNewPrivs:\t1"));
	snprintf(path, sizeof(path), "%s/owned", f->target);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_uid, 0);
	free(status);
	free(sysctl);
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
		cmocka_unit_test(test_orphan_outside_process_group_killed),
		cmocka_unit_test(test_tail_of_output_kept),
		cmocka_unit_test(test_tail_printable),
		cmocka_unit_test(test_tail_empty_without_output),
		cmocka_unit_test(test_hook_confined_when_root),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
