/* SPDX-License-Identifier: MIT */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/strnum.h"
#include "fixd/reap.h"

#define REAP_STAT_MAX 1024	/* bytes of /proc/PID/stat read */

/**
 * Make the calling process a child subreaper.
 * @ret 0 or -errno
 */
int reap_subreaper(void)
{
	return prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0 ? -errno : 0;
}

/**
 * The parent of a process, from /proc/PID/stat.
 *
 * @v pid	the process, as the name of its /proc directory
 * @ret its parent's pid, or -1 (gone, or unreadable)
 */
static pid_t reap_ppid(const char *pid)
{
	char path[sizeof("/proc//stat") + NAME_MAX], stat[REAP_STAT_MAX + 1];
	char *paren;
	uint64_t ppid;
	ssize_t n;
	size_t len;
	int fd;

	snprintf(path, sizeof(path), "/proc/%s/stat", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, stat, REAP_STAT_MAX);
	close(fd);
	if (n <= 0)
		return -1;
	stat[n] = '\0';
	/* "PID (COMM) STATE PPID ...": COMM may hold anything, ')' too */
	paren = strrchr(stat, ')');
	if (!paren || paren[1] != ' ' || !paren[2] || paren[3] != ' ')
		return -1;
	len = strspn(paren + 4, "0123456789");
	paren[4 + len] = '\0';
	if (strnum_u64(paren + 4, 0, INT32_MAX, &ppid) < 0)
		return -1;
	return (pid_t)ppid;
}

/**
 * Find the children of a process.
 *
 * @v self	the parent
 * @v pids	room for max pids
 * @ret how many were found (at most max)
 */
static size_t reap_find(pid_t self, pid_t *pids, size_t max)
{
	struct dirent *de;
	uint64_t pid;
	size_t n = 0;
	DIR *d;

	d = opendir("/proc");
	if (!d)
		return 0;
	while (n < max && (de = readdir(d)) != NULL) {
		if (strnum_u64(de->d_name, 1, INT32_MAX, &pid) < 0)
			continue;
		if (reap_ppid(de->d_name) == self)
			pids[n++] = (pid_t)pid;
	}
	closedir(d);
	return n;
}

/**
 * Kill and reap every child, round after round.
 * @ret how many, or -EAGAIN
 */
int reap_children(struct log *log)
{
	pid_t self = getpid(), pids[REAP_BATCH_MAX];
	int total = 0;

	for (unsigned round = 0; round < REAP_ROUNDS_MAX; round++) {
		size_t n = reap_find(self, pids, REAP_BATCH_MAX);

		if (n == 0) {
			if (total > 0 && log)
				log_warn(log, "hook: killed %d process(es) it left "
					 "behind", total);
			return total;
		}
		for (size_t i = 0; i < n; i++)
			kill(pids[i], SIGKILL);
		for (size_t i = 0; i < n; i++)
			while (waitpid(pids[i], NULL, 0) < 0 && errno == EINTR)
				;
		total += (int)n;
	}
	if (log)
		log_err(log, "hook: processes it left behind keep appearing after "
			"%d rounds of killing them", REAP_ROUNDS_MAX);
	return -EAGAIN;
}
