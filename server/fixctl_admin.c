/* SPDX-License-Identifier: MIT */
/*
 * fixctl fix ..., assign, hold, wake, status, events: fixes and their
 * rollout.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "common/minisign.h"
#include "server/fixctl_admin.h"

enum { OPT_SIG = 1200, OPT_GROUP, OPT_CLIENT, OPT_ALL, OPT_PENDING,
       OPT_FIX, OPT_LIMIT, OPT_REASON, OPT_STATE };

/** Read the .minisig and make the X-Fixnet-Signature header line. */
static int sig_header(const char *path, char **out)
{
	char sig[MINISIGN_FILE_MAX + 1];
	size_t n, hl;
	FILE *f = fopen(path, "r");

	if (!f) {
		fprintf(stderr, "fixctl: signature %s: %s (sign the bundle with "
			"fixctl bundle sign, or name the file with --sig)\n",
			path, strerror(errno));
		return FIXCTL_EXIT_PERMANENT;
	}
	n = fread(sig, 1, sizeof(sig), f);
	fclose(f);
	if (n == 0 || n > MINISIGN_FILE_MAX) {
		fprintf(stderr, "fixctl: signature %s: empty or over %d bytes\n",
			path, MINISIGN_FILE_MAX);
		return FIXCTL_EXIT_PERMANENT;
	}
	hl = sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_ORIGINAL);
	*out = malloc(hl + 32);
	if (!*out)
		return FIXCTL_EXIT_TEMPORARY;
	strcpy(*out, "X-Fixnet-Signature: ");
	sodium_bin2base64(*out + strlen(*out), hl, (unsigned char *)sig, n,
			  sodium_base64_VARIANT_ORIGINAL);
	return 0;
}

/** --sig FILE: the signature file. */
static int fix_add_set(void *ctx, int opt, const char *val)
{
	(void)opt;
	*(const char **)ctx = val;
	return 0;
}

/**
 * fixctl fix add BUNDLE [--sig FILE]
 *
 * @v ctx	fixctl context
 * @v argc, argv	arguments
 * @ret code	exit code
 */
int fixctl_fix_add(const struct fixctl_ctx *ctx, int argc, char **argv)
{
	static const struct option extra[] = {
		{ "sig", required_argument, NULL, OPT_SIG },
		{ NULL, 0, NULL, 0 },
	};
	struct fixctl_req req = { "POST", "/admin/v1/fixes", NULL, NULL, NULL };
	const char *sigpath = NULL;
	char defsig[4096], *hdr = NULL;
	bool json = false, help = false;
	json_t *reply;
	int code;

	if (fixctl_opts(argc, argv, extra, fix_add_set, &sigpath, &json,
			&help) < 0 || (!help && optind + 1 != argc)) {
		fixctl_usage("fix", "add", false);
		return FIXCTL_EXIT_USAGE;
	}
	if (help)
		return fixctl_usage("fix", "add", true);
	req.file = argv[optind];
	if (!sigpath) {
		snprintf(defsig, sizeof(defsig), "%s.minisig", req.file);
		sigpath = defsig;
	}
	code = sig_header(sigpath, &hdr);
	if (code)
		return code;
	req.header = hdr;
	code = fixctl_call(ctx, &req, &reply);
	free(hdr);
	if (code)
		return code;
	if (json)
		fixctl_print_json(reply);
	else
		printf("fix %s serial %lld added (signed by key %s; %lld clients "
		       "pending again)\n", fixctl_str(reply, "id"),
		       (long long)json_integer_value(json_object_get(reply,
								     "serial")),
		       fixctl_str(reply, "keyid"),
		       (long long)json_integer_value(json_object_get(reply,
								     "repended")));
	json_decref(reply);
	return FIXCTL_EXIT_OK;
}

/** Print the fixes table. */
static void print_fixes(const json_t *arr)
{
	const char *state;
	json_t *f, *n;
	size_t i;

	printf("%-20s  %-6s  %-10s  %-16s  %s\n", "FIX", "SERIAL", "SIZE", "KEY",
	       "CLIENTS BY STATE");
	json_array_foreach(arr, i, f) {
		printf("%-20s  %-6lld  %-10lld  %-16s ", fixctl_str(f, "id"),
		       (long long)json_integer_value(json_object_get(f, "serial")),
		       (long long)json_integer_value(json_object_get(f, "size")),
		       fixctl_str(f, "keyid"));
		json_object_foreach(json_object_get(f, "states"), state, n)
			printf(" %s=%lld", state,
			       (long long)json_integer_value(n));
		printf("\n");
	}
}

/**
 * fixctl fix list
 *
 * @v ctx	fixctl context
 * @v argc, argv	arguments
 * @ret code	exit code
 */
int fixctl_fix_list(const struct fixctl_ctx *ctx, int argc, char **argv)
{
	struct fixctl_req req = { "GET", "/admin/v1/fixes", NULL, NULL, NULL };
	bool json = false, help = false;
	json_t *reply;
	int code;

	if (fixctl_opts(argc, argv, NULL, NULL, NULL, &json, &help) < 0 ||
	    (!help && optind != argc)) {
		fixctl_usage("fix", "list", false);
		return FIXCTL_EXIT_USAGE;
	}
	if (help)
		return fixctl_usage("fix", "list", true);
	code = fixctl_call(ctx, &req, &reply);
	if (code)
		return code;
	if (json)
		fixctl_print_json(reply);
	else
		print_fixes(reply);
	json_decref(reply);
	return FIXCTL_EXIT_OK;
}

/* The target options of assign and wake. */
struct target_args {
	json_t *body;
	json_t *clients;
	int ntargets;
};

/** --group, --client, --all, --pending: one target, or clients added;
 *  --reason (hold's). */
static int target_set(void *ctx, int opt, const char *val)
{
	struct target_args *t = ctx;

	switch (opt) {
	case OPT_GROUP:
		t->ntargets++;
		return json_object_set_new(t->body, "group", json_string(val));
	case OPT_ALL:
		t->ntargets++;
		return json_object_set_new(t->body, "all", json_true());
	case OPT_PENDING:
		t->ntargets++;
		return json_object_set_new(t->body, "pending", json_true());
	case OPT_REASON:
		return json_object_set_new(t->body, "reason", json_string(val));
	default:
		if (!t->clients) {
			t->ntargets++;
			t->clients = json_array();
			json_object_set_new(t->body, "clients", t->clients);
		}
		return json_array_append_new(t->clients, json_string(val));
	}
}

/** Add positional client keys argv[from..] to the target's list. */
static void target_positional(struct target_args *t, int argc, char **argv,
			      int from)
{
	for (int i = from; i < argc; i++)
		target_set(t, OPT_CLIENT, argv[i]);
}

/* assign and hold: one fix, its clients. */
struct rollout_cmd {
	const char *name;	/* the command */
	const char *path;	/* its admin API call */
	const char *count;	/* the reply's count of changed pairs */
	const char *done;	/* printed: "fix F DONE N clients (K COUNTED)" */
	const char *counted;
};

/**
 * fixctl assign|hold FIX (--group G | --client MAC... | --all) [--reason R]
 *
 * @v ctx	fixctl context
 * @v cmd	which command
 * @v argc, argv	arguments
 * @ret code	exit code
 */
static int fixctl_rollout(const struct fixctl_ctx *ctx,
			  const struct rollout_cmd *cmd, int argc, char **argv)
{
	static const struct option extra[] = {
		{ "group", required_argument, NULL, OPT_GROUP },
		{ "client", required_argument, NULL, OPT_CLIENT },
		{ "all", no_argument, NULL, OPT_ALL },
		{ "reason", required_argument, NULL, OPT_REASON },
		{ NULL, 0, NULL, 0 },
	};
	struct target_args t = { json_object(), NULL, 0 };
	struct fixctl_req req = { "POST", cmd->path, t.body, NULL, NULL };
	bool json = false, help = false;
	json_t *reply;
	int code;

	if (fixctl_opts(argc, argv, extra, target_set, &t, &json, &help) < 0)
		goto usage;
	if (help) {
		json_decref(t.body);
		return fixctl_usage(cmd->name, NULL, true);
	}
	if (optind >= argc || (optind + 1 < argc && !t.clients))
		goto usage;
	target_positional(&t, argc, argv, optind + 1);
	if (t.ntargets != 1 || (json_object_get(t.body, "reason") &&
				strcmp(cmd->name, "hold") != 0))
		goto usage;
	json_object_set_new(t.body, "fix", json_string(argv[optind]));
	code = fixctl_call(ctx, &req, &reply);
	json_decref(t.body);
	if (code)
		return code;
	if (json)
		fixctl_print_json(reply);
	else
		printf("fix %s %s %lld clients (%lld %s)\n",
		       fixctl_str(reply, "fix"), cmd->done,
		       (long long)json_integer_value(json_object_get(reply,
								     "clients")),
		       (long long)json_integer_value(json_object_get(reply,
								     cmd->count)),
		       cmd->counted);
	json_decref(reply);
	return FIXCTL_EXIT_OK;
usage:
	json_decref(t.body);
	fixctl_usage(cmd->name, NULL, false);
	return FIXCTL_EXIT_USAGE;
}

/** fixctl assign FIX (--group G | --client MAC... | --all) */
int fixctl_assign(const struct fixctl_ctx *ctx, int argc, char **argv)
{
	static const struct rollout_cmd assign = {
		"assign", "/admin/v1/assign", "pending", "assigned to",
		"newly pending",
	};

	return fixctl_rollout(ctx, &assign, argc, argv);
}

/** fixctl hold FIX (--group G | --client MAC... | --all) [--reason TEXT] */
int fixctl_hold(const struct fixctl_ctx *ctx, int argc, char **argv)
{
	static const struct rollout_cmd hold = {
		"hold", "/admin/v1/hold", "held", "held for",
		"newly held",
	};

	return fixctl_rollout(ctx, &hold, argc, argv);
}

/**
 * fixctl wake (MAC... | --group G | --pending)
 *
 * @v ctx	fixctl context
 * @v argc, argv	arguments
 * @ret code	exit code
 */
int fixctl_wake(const struct fixctl_ctx *ctx, int argc, char **argv)
{
	static const struct option extra[] = {
		{ "group", required_argument, NULL, OPT_GROUP },
		{ "pending", no_argument, NULL, OPT_PENDING },
		{ NULL, 0, NULL, 0 },
	};
	struct target_args t = { json_object(), NULL, 0 };
	struct fixctl_req req = { "POST", "/admin/v1/wake", t.body, NULL, NULL };
	bool json = false, help = false;
	json_t *reply;
	int code;

	if (fixctl_opts(argc, argv, extra, target_set, &t, &json, &help) < 0)
		goto usage;
	if (help) {
		json_decref(t.body);
		return fixctl_usage("wake", NULL, true);
	}
	target_positional(&t, argc, argv, optind);
	if (t.ntargets != 1)
		goto usage;
	code = fixctl_call(ctx, &req, &reply);
	json_decref(t.body);
	if (code)
		return code;
	if (json)
		fixctl_print_json(reply);
	else
		printf("%lld wakes queued (%lld already queued); they are sent "
		       "at the pace of each power group\n",
		       (long long)json_integer_value(json_object_get(reply,
								     "queued")),
		       (long long)json_integer_value(json_object_get(
			       reply, "already_queued")));
	json_decref(reply);
	return FIXCTL_EXIT_OK;
usage:
	json_decref(t.body);
	fixctl_usage("wake", NULL, false);
	return FIXCTL_EXIT_USAGE;
}

/** Print a status: counts, then one row per (client, fix). */
static void print_status(const json_t *s)
{
	const char *state;
	json_t *n, *r;
	size_t i;

	printf("%s\n", json_is_string(json_object_get(s, "fix")) ?
	       fixctl_str(s, "fix") : "all fixes");
	json_object_foreach(json_object_get(s, "counts"), state, n)
		printf("  %-12s %lld\n", state, (long long)json_integer_value(n));
	printf("\n%-17s  %-20s  %-20s  %-12s  %-5s  %s\n", "MAC", "NAME", "FIX",
	       "STATE", "BOOTS", "REASON");
	json_array_foreach(json_object_get(s, "clients"), i, r)
		printf("%-17s  %-20s  %-20s  %-12s  %-5lld  %s\n",
		       fixctl_str(r, "mac"), fixctl_str(r, "name"),
		       fixctl_str(r, "fix"), fixctl_str(r, "state"),
		       (long long)json_integer_value(json_object_get(r, "boots")),
		       fixctl_str(r, "reason"));
}

/** --state: the one state the rows are listed for. */
static int status_set(void *ctx, int opt, const char *val)
{
	(void)opt;
	*(const char **)ctx = val;
	return 0;
}

/**
 * fixctl status [FIX] [--state STATE]
 *
 * @v ctx	fixctl context
 * @v argc, argv	arguments
 * @ret code	exit code
 */
int fixctl_status(const struct fixctl_ctx *ctx, int argc, char **argv)
{
	static const struct option extra[] = {
		{ "state", required_argument, NULL, OPT_STATE },
		{ NULL, 0, NULL, 0 },
	};
	struct fixctl_req req = { "GET", NULL, NULL, NULL, NULL };
	bool json = false, help = false;
	char path[512], *esc = NULL, *sesc = NULL;
	const char *state = NULL;
	json_t *reply;
	int code;

	if (fixctl_opts(argc, argv, extra, status_set, &state, &json, &help) < 0 ||
	    (!help && optind + 1 < argc)) {
		fixctl_usage("status", NULL, false);
		return FIXCTL_EXIT_USAGE;
	}
	if (help)
		return fixctl_usage("status", NULL, true);
	if ((optind < argc && !(esc = fixctl_escape(argv[optind]))) ||
	    (state && !(sesc = fixctl_escape(state)))) {
		free(esc);
		return FIXCTL_EXIT_TEMPORARY;
	}
	snprintf(path, sizeof(path), "/admin/v1/status?fix=%s", esc ? esc : "");
	if (!esc)	/* no fix: every fix */
		path[strlen("/admin/v1/status")] = '\0';
	if (sesc)
		snprintf(path + strlen(path), sizeof(path) - strlen(path), "%cstate=%s",
			 esc ? '&' : '?', sesc);
	free(esc);
	free(sesc);
	req.path = path;
	code = fixctl_call(ctx, &req, &reply);
	if (code)
		return code;
	if (json)
		fixctl_print_json(reply);
	else
		print_status(reply);
	json_decref(reply);
	return FIXCTL_EXIT_OK;
}

/* The filters of events. */
struct events_args {
	char query[1024];
};

/** --client, --fix, --limit: appended to the query, escaped. */
static int events_set(void *ctx, int opt, const char *val)
{
	struct events_args *a = ctx;
	const char *key = opt == OPT_CLIENT ? "client" : opt == OPT_FIX ?
		"fix" : "limit";
	char *esc = fixctl_escape(val);
	size_t n = strlen(a->query);

	if (!esc)
		return -ENOMEM;
	snprintf(a->query + n, sizeof(a->query) - n, "%c%s=%s",
		 n ? '&' : '?', key, esc);
	free(esc);
	return 0;
}

/**
 * fixctl events [--client MAC] [--fix ID] [--limit N]
 *
 * @v ctx	fixctl context
 * @v argc, argv	arguments
 * @ret code	exit code
 */
int fixctl_events(const struct fixctl_ctx *ctx, int argc, char **argv)
{
	static const struct option extra[] = {
		{ "client", required_argument, NULL, OPT_CLIENT },
		{ "fix", required_argument, NULL, OPT_FIX },
		{ "limit", required_argument, NULL, OPT_LIMIT },
		{ NULL, 0, NULL, 0 },
	};
	struct fixctl_req req = { "GET", NULL, NULL, NULL, NULL };
	struct events_args a = { "" };
	bool json = false, help = false;
	char path[1200];
	json_t *reply;
	int code;

	if (fixctl_opts(argc, argv, extra, events_set, &a, &json, &help) < 0 ||
	    (!help && optind != argc)) {
		fixctl_usage("events", NULL, false);
		return FIXCTL_EXIT_USAGE;
	}
	if (help)
		return fixctl_usage("events", NULL, true);
	snprintf(path, sizeof(path), "/admin/v1/events%s", a.query);
	req.path = path;
	code = fixctl_call(ctx, &req, &reply);
	if (code)
		return code;
	if (json)
		fixctl_print_json(reply);
	else
		fixctl_print_events(reply);
	json_decref(reply);
	return FIXCTL_EXIT_OK;
}
