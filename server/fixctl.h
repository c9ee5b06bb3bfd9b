/* SPDX-License-Identifier: MIT */
#ifndef FIXNET_FIXCTL_H
#define FIXNET_FIXCTL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "common/err.h"

/*
 * fixctl, the administration tool.  `fixctl [--socket PATH] COMMAND [SUB]
 * ARGS...`: main() finds the command in its table (server/fixctl.c, one line
 * per command) and calls its run function with argv[0] set to the last word
 * of the command's name ("gen" for "key gen", "status" for "status").
 *
 * Offline commands (key, bundle) work on local files; the others talk to
 * fixsrv's admin API on ctx->socket.
 *
 * Exit codes, as every fixnet program: 0 done, 100 permanent failure (bad
 * input, refused), 111 temporary failure (server away).
 */

#define FIXCTL_EXIT_OK 0
#define FIXCTL_EXIT_PERMANENT 100
#define FIXCTL_EXIT_TEMPORARY 111

#define FIXCTL_VERSION "0.1.0"
#define FIXCTL_SOCKET_DEFAULT "/run/fixnet/admin.sock"
#define FIXCTL_SOCKET_ENV "FIXNET_ADMIN_SOCKET"
#define FIXCTL_PASSWORD_MAX 1024

/* What every command receives. */
struct fixctl_ctx {
	const char *socket;	/* admin socket: --socket, $FIXNET_ADMIN_SOCKET, default */
};

/* One line of the command table. */
struct fixctl_cmd {
	const char *name;	/* first word: "key", "bundle", "status" */
	const char *sub;	/* second word ("gen"), or NULL if none */
	int (*run)(const struct fixctl_ctx *ctx, int argc, char **argv);
	const char *args;	/* synopsis of the arguments, for usage */
	const char *help;	/* one line: what it does */
};

/* Offline commands: keys (fixctl_key.c) and bundles (fixctl_bundle*.c). */
int fixctl_key_gen(const struct fixctl_ctx *ctx, int argc, char **argv);
int fixctl_bundle_create(const struct fixctl_ctx *ctx, int argc, char **argv);
int fixctl_bundle_sign(const struct fixctl_ctx *ctx, int argc, char **argv);
int fixctl_bundle_show(const struct fixctl_ctx *ctx, int argc, char **argv);

/**
 * Print a command's usage line ("Usage: fixctl bundle sign ARGS") to stderr
 * (or stdout for --help).  @ret the exit code to return
 */
int fixctl_usage(const char *name, const char *sub, bool help);

/* Helpers shared by the commands (fixctl_util.c). */

/**
 * Read a password: the first line of a file.
 * @ret 0, -EINVAL (empty or too long), -errno
 */
int fixctl_password_file(const char *path, char *out, size_t max,
			 struct err *err);

/**
 * Ask for a password on the terminal (/dev/tty), without echo.
 *
 * @v prompt	what to print
 * @v confirm	ask twice and compare
 * @ret 0, -ENXIO (no terminal), -EINVAL (empty, too long, no match), -errno
 */
int fixctl_password_tty(const char *prompt, bool confirm, char *out,
			size_t max, struct err *err);

/**
 * Create a temporary file next to path, for fixctl_tmp_commit().
 *
 * @v path	the final name
 * @v tmp	set to the temporary name (PATH_MAX bytes)
 * @ret an fd, or -errno
 */
int fixctl_tmp_open(const char *path, char *tmp, size_t tmplen, mode_t mode,
		    struct err *err);

/**
 * fsync a temporary file, rename it to path, fsync the directory.  The
 * temporary file is removed on failure.
 *
 * @v fd	its fd, closed here
 * @v replace	allow replacing an existing path
 * @ret 0, -EEXIST, -errno
 */
int fixctl_tmp_commit(int fd, const char *tmp, const char *path, bool replace,
		      struct err *err);

/**
 * Write a whole file atomically (fixctl_tmp_open + write + commit).
 * @ret 0, -EEXIST, -errno
 */
int fixctl_write_file(const char *path, const void *data, size_t len,
		      mode_t mode, bool replace, struct err *err);

#endif
