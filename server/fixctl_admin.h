/* SPDX-License-Identifier: MIT */
#ifndef FIXNET_FIXCTL_ADMIN_H
#define FIXNET_FIXCTL_ADMIN_H

#include <getopt.h>
#include <stdbool.h>

#include <jansson.h>

#include "server/fixctl.h"

/*
 * fixctl's commands that talk to fixsrv's admin API (fixctl_client.c,
 * fixctl_admin.c), the HTTP client they share (fixctl_http.c), and the
 * offline dnsmasq-conf (fixctl_dnsmasq.c).  Exit codes: 0 done, 1 usage
 * error, 100 refused by the server (or bad input), 111 server unreachable
 * or failing.
 */

#define FIXCTL_EXIT_USAGE 1
/* A command's helper finished the command (e.g. printed --help): exit 0. */
#define FIXCTL_DONE (-1)
#define FIXCTL_REPLY_MAX (64 * 1024 * 1024)

int fixctl_client_add(const struct fixctl_ctx *ctx, int argc, char **argv);
int fixctl_client_import(const struct fixctl_ctx *ctx, int argc, char **argv);
int fixctl_client_list(const struct fixctl_ctx *ctx, int argc, char **argv);
int fixctl_client_show(const struct fixctl_ctx *ctx, int argc, char **argv);
int fixctl_client_set(const struct fixctl_ctx *ctx, int argc, char **argv);
int fixctl_client_remove(const struct fixctl_ctx *ctx, int argc, char **argv);
int fixctl_group_add(const struct fixctl_ctx *ctx, int argc, char **argv);
int fixctl_group_list(const struct fixctl_ctx *ctx, int argc, char **argv);
int fixctl_group_show(const struct fixctl_ctx *ctx, int argc, char **argv);
int fixctl_fix_add(const struct fixctl_ctx *ctx, int argc, char **argv);
int fixctl_fix_list(const struct fixctl_ctx *ctx, int argc, char **argv);
int fixctl_assign(const struct fixctl_ctx *ctx, int argc, char **argv);
int fixctl_hold(const struct fixctl_ctx *ctx, int argc, char **argv);
int fixctl_wake(const struct fixctl_ctx *ctx, int argc, char **argv);
int fixctl_status(const struct fixctl_ctx *ctx, int argc, char **argv);
int fixctl_events(const struct fixctl_ctx *ctx, int argc, char **argv);
int fixctl_dnsmasq_conf(const struct fixctl_ctx *ctx, int argc, char **argv);

/* --- fixctl_http.c --- */

/* A request to the admin API. */
struct fixctl_req {
	const char *method;	/* "GET", "POST" */
	const char *path;	/* with its query, already escaped */
	json_t *body;		/* JSON body, or NULL */
	const char *file;	/* or a file as the body */
	const char *header;	/* one extra header line, or NULL */
};

/**
 * Send a request; on success *reply holds the JSON answer (NULL for 204).
 * Errors are printed (the server's own message for a refusal).
 * @ret the exit code: 0, 100 (4xx or bad reply), 111 (unreachable, 5xx)
 */
int fixctl_call(const struct fixctl_ctx *ctx, const struct fixctl_req *req,
		json_t **reply);

enum { FIXCTL_OPT_JSON = 1000, FIXCTL_OPT_HELP };

/**
 * Parse --json, --help and the extra long options of a command; set() is
 * called with each extra option's value.  Positional arguments start at
 * optind afterwards.
 * @ret 0, or -EINVAL (usage error, printed)
 */
int fixctl_opts(int argc, char **argv, const struct option *extra,
		int (*set)(void *ctx, int opt, const char *val), void *ctx,
		bool *json, bool *help);

/** Print a JSON array of events as a table. */
void fixctl_print_events(const json_t *arr);

/** URL-escape one path or query component (free()). */
char *fixctl_escape(const char *s);

/** Print JSON for --json. */
void fixctl_print_json(const json_t *j);

/** A string member, or "-" when absent or null. */
const char *fixctl_str(const json_t *obj, const char *key);

/** Print a Unix time as "YYYY-MM-DD HH:MM:SS" UTC, or "-". */
void fixctl_print_time(const json_t *obj, const char *key, const char *after);

#endif
