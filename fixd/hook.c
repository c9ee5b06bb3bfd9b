/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "fixd/hook.h"
#include "fixd/hook_confine.h"
#include "fixd/reap.h"
#include "fixd/safe.h"
#include "fixd/text.h"

#define HOOK_POLL_MS 100

/* Output of a running hook, split into log lines. */
struct hook_out {
	struct log *log;
	char line[LOG_LINE_MAX - 16];
	size_t len;		/* bytes in line */
	size_t total;		/* bytes seen */
	int fd;			/* read end of the pipe, -1 at EOF */
	char tail[HOOK_TAIL_MAX];	/* the last bytes seen */
	size_t tail_len;
};

/**
 * Copy the script to a private file in the work directory.
 *
 * @v path	set to its name (PATH_MAX bytes)
 * @ret 0 or -errno
 */
static int hook_write_script(const struct hook_ctx *h, const void *script,
			     size_t len, char *path, size_t plen, struct err *err)
{
	int fd, rc;

	if ((size_t)snprintf(path, plen, "%s/fixd-hook.XXXXXX", h->work_dir) >= plen)
		return err_set(err, -ENAMETOOLONG, "work directory path too long");
	fd = mkstemp(path);
	if (fd < 0)
		return err_set(err, -errno, "hook: %s: %s", path, strerror(errno));
	rc = fchmod(fd, 0700) < 0 ? -errno : safe_write_all(fd, script, len);
	if (close(fd) < 0 && rc == 0)
		rc = -errno;
	if (rc < 0) {
		unlink(path);
		return err_set(err, rc, "hook: %s: %s", path, strerror(-rc));
	}
	return 0;
}

/**
 * Start the shell on the script in its own process group.
 *
 * @v outfd	write end of the output pipe
 * @ret the child's pid, or -errno
 */
static pid_t hook_spawn(const struct hook_ctx *h, const char *path, int outfd)
{
	char target[PATH_MAX + 16], id[96], serial[48];
	char *argv[] = { "sh", (char *)path, NULL };
	char *envp[] = { "PATH=" HOOK_PATH, target, id, serial, NULL };
	pid_t pid;
	int null;

	snprintf(target, sizeof(target), "FIXNET_TARGET=%s", h->target);
	snprintf(id, sizeof(id), "FIXNET_FIX_ID=%s", h->fix_id);
	snprintf(serial, sizeof(serial), "FIXNET_SERIAL=%llu",
		 (unsigned long long)h->serial);
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		char msg[128];
		int rc;

		setpgid(0, 0);
		null = open("/dev/null", O_RDONLY);
		if (null < 0 || dup2(null, 0) < 0 || dup2(outfd, 1) < 0 ||
		    dup2(outfd, 2) < 0 || chdir(h->target) < 0)
			_exit(126);
		rc = hook_confine();
		if (rc < 0) {
			snprintf(msg, sizeof(msg), "fixd: cannot confine the hook: "
				 "%s\n", strerror(-rc));
			(void)!write(2, msg, strlen(msg));
			_exit(126);
		}
		execve(HOOK_SHELL, argv, envp);
		_exit(127);
	}
	setpgid(pid, pid);
	return pid;
}

/** Log the line held, if any. */
static void hook_flush(struct hook_out *o)
{
	if (o->len == 0)
		return;
	log_info(o->log, "hook: %.*s", (int)o->len, o->line);
	o->len = 0;
}

/** Keep the last HOOK_TAIL_MAX bytes of the output. */
static void hook_keep_tail(struct hook_out *o, const char *p, size_t n)
{
	if (n >= HOOK_TAIL_MAX) {
		memcpy(o->tail, p + n - HOOK_TAIL_MAX, HOOK_TAIL_MAX);
		o->tail_len = HOOK_TAIL_MAX;
		return;
	}
	if (o->tail_len + n > HOOK_TAIL_MAX) {
		size_t drop = o->tail_len + n - HOOK_TAIL_MAX;

		memmove(o->tail, o->tail + drop, o->tail_len - drop);
		o->tail_len -= drop;
	}
	memcpy(o->tail + o->tail_len, p, n);
	o->tail_len += n;
}

/**
 * The kept end of the output as one printable line: line breaks and tabs
 * become spaces, a character cut at the start is dropped, text_clean()
 * does the rest.
 *
 * @v out	HOOK_TAIL_MAX + 1 bytes
 */
static void hook_tail_text(const struct hook_out *o, char *out)
{
	size_t i = 0, n = 0;

	while (i < o->tail_len && i < 3 && ((unsigned char)o->tail[i] & 0xc0) == 0x80)
		i++;
	for (; i < o->tail_len; i++) {
		char ch = o->tail[i];

		out[n++] = ch == '\n' || ch == '\r' || ch == '\t' ? ' ' :
			ch == '\0' ? '?' : ch;
	}
	while (n > 0 && out[n - 1] == ' ')
		n--;
	out[n] = '\0';
	text_clean(out);
}

/**
 * Read what the pipe holds now and log it line by line, up to
 * HOOK_OUTPUT_MAX bytes in all; keep its end.
 */
static void hook_read(struct hook_out *o)
{
	char chunk[4096];
	ssize_t n;

	n = read(o->fd, chunk, sizeof(chunk));
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (n <= 0) {
		close(o->fd);
		o->fd = -1;
		return;
	}
	hook_keep_tail(o, chunk, (size_t)n);
	for (ssize_t i = 0; i < n; i++, o->total++) {
		if (o->total == HOOK_OUTPUT_MAX)
			log_warn(o->log, "hook: output beyond %d bytes not logged",
				 HOOK_OUTPUT_MAX);
		if (o->total >= HOOK_OUTPUT_MAX)
			continue;
		if (chunk[i] == '\n' || o->len == sizeof(o->line)) {
			hook_flush(o);
			if (chunk[i] == '\n')
				continue;
		}
		o->line[o->len++] = chunk[i];
	}
}

/** Milliseconds from now to a deadline, at least 0. */
static long hook_left_ms(const struct timespec *deadline)
{
	struct timespec now;
	long long ms;

	clock_gettime(CLOCK_MONOTONIC, &now);
	ms = (long long)(deadline->tv_sec - now.tv_sec) * 1000 +
	     (deadline->tv_nsec - now.tv_nsec) / 1000000;
	return ms > 0 ? (long)ms : 0;
}

/**
 * Log the hook's output until it exits or its time is up; then kill
 * whatever is left of its process group, and every process it left behind.
 *
 * @v status	its wait status
 * @ret 0, or -ETIMEDOUT
 */
static int hook_wait(struct hook_out *o, pid_t pid, unsigned timeout_s,
		     int *status)
{
	struct timespec deadline;
	struct pollfd pfd;
	int rc = 0;

	clock_gettime(CLOCK_MONOTONIC, &deadline);
	deadline.tv_sec += timeout_s;
	for (;;) {
		long left = hook_left_ms(&deadline);

		if (o->fd >= 0) {
			pfd.fd = o->fd;
			pfd.events = POLLIN;
			if (poll(&pfd, 1, left < HOOK_POLL_MS ? (int)left : HOOK_POLL_MS) > 0)
				hook_read(o);
		} else {
			struct timespec ts = { 0, HOOK_POLL_MS * 1000000L };

			nanosleep(&ts, NULL);
		}
		if (waitpid(pid, status, WNOHANG) == pid)
			break;
		if (left == 0) {
			rc = -ETIMEDOUT;
			kill(-pid, SIGKILL);
			waitpid(pid, status, 0);
			break;
		}
	}
	kill(-pid, SIGKILL);
	reap_children(o->log);
	if (o->fd >= 0) {
		fcntl(o->fd, F_SETFL, O_NONBLOCK);
		while (o->fd >= 0 && o->total < HOOK_OUTPUT_MAX * 2) {
			size_t before = o->total;

			hook_read(o);
			if (o->fd >= 0 && o->total == before)
				break;
		}
	}
	hook_flush(o);
	return rc;
}

/**
 * Run one hook script.
 * @ret 0, -ECHILD, -ETIMEDOUT, -errno
 */
int hook_run(const struct hook_ctx *h, const void *script, size_t len,
	     unsigned timeout_s, struct err *err)
{
	struct hook_out o = { .log = h->log, .fd = -1 };
	char path[PATH_MAX];
	int pipefd[2], status = 0, rc;
	pid_t pid;

	if (h->tail)
		h->tail[0] = '\0';
	rc = hook_write_script(h, script, len, path, sizeof(path), err);
	if (rc < 0)
		return rc;
	rc = reap_subreaper();
	if (rc < 0)
		log_warn(h->log, "hook: cannot become a child subreaper (%s): what "
			 "it leaves outside its process group will survive it",
			 strerror(-rc));
	if (pipe2(pipefd, O_CLOEXEC) < 0) {
		rc = err_set(err, -errno, "hook: pipe: %s", strerror(errno));
		goto err_unlink;
	}
	pid = hook_spawn(h, path, pipefd[1]);
	close(pipefd[1]);
	o.fd = pipefd[0];
	if (pid < 0) {
		close(o.fd);
		rc = err_set(err, (int)pid, "hook: fork: %s", strerror((int)-pid));
		goto err_unlink;
	}
	log_info(h->log, "hook: running (timeout %us)", timeout_s);
	rc = hook_wait(&o, pid, timeout_s, &status);
	if (o.fd >= 0)
		close(o.fd);
	if (h->tail)
		hook_tail_text(&o, h->tail);
	if (rc == -ETIMEDOUT)
		rc = err_set(err, rc, "hook timed out after %us and was killed",
			     timeout_s);
	else if (WIFSIGNALED(status))
		rc = err_set(err, -ECHILD, "hook killed by signal %d",
			     WTERMSIG(status));
	else if (WEXITSTATUS(status) != 0)
		rc = err_set(err, -ECHILD, "hook exited with status %d",
			     WEXITSTATUS(status));
err_unlink:
	unlink(path);
	return rc;
}
