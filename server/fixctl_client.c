/* SPDX-License-Identifier: MIT */
/*
 * fixctl client ... and group ...: the inventory's clients and groups.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "server/fixctl_admin.h"

#define FIXCTL_IMPORT_MAX (16 * 1024 * 1024)

enum { OPT_NAME = 1100, OPT_GROUP, OPT_POWER, OPT_FORMAT };

/* client add MAC [--name N] [--group G] [--power-group P] */
struct client_add_args {
	json_t *body;
};

/* The options of client add and client set. */
static const struct option client_field_opts[] = {
	{ "name", required_argument, NULL, OPT_NAME },
	{ "group", required_argument, NULL, OPT_GROUP },
	{ "power-group", required_argument, NULL, OPT_POWER },
	{ NULL, 0, NULL, 0 },
};

/** --name, --group, --power-group: members of the request. */
static int client_add_set(void *ctx, int opt, const char *val)
{
	struct client_add_args *a = ctx;
	const char *key = opt == OPT_NAME ? "name" : opt == OPT_GROUP ?
		"group" : "power_group";

	return json_object_set_new(a->body, key, json_string(val));
}

/**
 * Parse client add's or set's arguments: the options into the request's
 * body, one client key left.
 *
 * @v sub	"add" or "set"
 * @v body	the request's body (set: at least one option)
 * @ret 0 (its key is argv[optind]), FIXCTL_DONE after --help, or
 *	FIXCTL_EXIT_USAGE (printed); body is freed unless 0
 */
static int client_fields_args(int argc, char **argv, const char *sub,
			      json_t *body, bool *json)
{
	struct client_add_args a = { body };
	bool help = false, set = strcmp(sub, "set") == 0;

	if (fixctl_opts(argc, argv, client_field_opts, client_add_set, &a, json,
			&help) < 0 ||
	    (!help && (optind + 1 != argc ||
		       (set && json_object_size(body) == 0)))) {
		json_decref(body);
		fixctl_usage("client", sub, false);
		return FIXCTL_EXIT_USAGE;
	}
	if (help) {
		json_decref(body);
		return fixctl_usage("client", sub, true) + FIXCTL_DONE;
	}
	return 0;
}

/**
 * fixctl client add
 *
 * @v ctx	fixctl context
 * @v argc, argv	arguments
 * @ret code	exit code
 */
int fixctl_client_add(const struct fixctl_ctx *ctx, int argc, char **argv)
{
	struct fixctl_req req = { "POST", "/admin/v1/clients", json_object(),
				  NULL, NULL };
	bool json = false;
	json_t *reply;
	int code;

	code = client_fields_args(argc, argv, "add", req.body, &json);
	if (code)
		return code == FIXCTL_DONE ? FIXCTL_EXIT_OK : code;
	json_object_set_new(req.body, "mac", json_string(argv[optind]));
	code = fixctl_call(ctx, &req, &reply);
	json_decref(req.body);
	if (code)
		return code;
	if (json)
		fixctl_print_json(reply);
	else
		printf("client %s added%s%s\n", fixctl_str(reply, "mac"),
		       json_is_string(json_object_get(reply, "name")) ? " as " :
		       "", json_is_string(json_object_get(reply, "name")) ?
		       fixctl_str(reply, "name") : "");
	json_decref(reply);
	return FIXCTL_EXIT_OK;
}

/**
 * fixctl client set MAC|NAME [--name N] [--group G] [--power-group P]
 *
 * @v ctx	fixctl context
 * @v argc, argv	arguments
 * @ret code	exit code
 */
int fixctl_client_set(const struct fixctl_ctx *ctx, int argc, char **argv)
{
	struct fixctl_req req = { "PATCH", NULL, json_object(), NULL, NULL };
	char path[1024], *esc;
	bool json = false;
	json_t *reply;
	int code;

	code = client_fields_args(argc, argv, "set", req.body, &json);
	if (code)
		return code == FIXCTL_DONE ? FIXCTL_EXIT_OK : code;
	esc = fixctl_escape(argv[optind]);
	if (!esc) {
		json_decref(req.body);
		return FIXCTL_EXIT_TEMPORARY;
	}
	snprintf(path, sizeof(path), "/admin/v1/clients/%s", esc);
	free(esc);
	req.path = path;
	code = fixctl_call(ctx, &req, &reply);
	json_decref(req.body);
	if (code)
		return code;
	if (json)
		fixctl_print_json(reply);
	else
		printf("client %s: name %s, group %s, power group %s\n",
		       fixctl_str(reply, "mac"), fixctl_str(reply, "name"),
		       fixctl_str(reply, "group"), fixctl_str(reply, "power_group"));
	json_decref(reply);
	return FIXCTL_EXIT_OK;
}

/** --format ethers|csv. */
static int import_set(void *ctx, int opt, const char *val)
{
	(void)opt;
	if (strcmp(val, "ethers") != 0 && strcmp(val, "csv") != 0) {
		fprintf(stderr, "fixctl: --format is ethers or csv\n");
		return -EINVAL;
	}
	*(const char **)ctx = val;
	return 0;
}

/** Read a whole file into b.  @ret 0, or an exit code (printed) */
static int read_file(const char *path, struct buf *b)
{
	char chunk[65536];
	size_t n;
	FILE *f = fopen(path, "r");

	if (!f) {
		fprintf(stderr, "fixctl: %s: %s\n", path, strerror(errno));
		return FIXCTL_EXIT_PERMANENT;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		if (buf_append(b, chunk, n) < 0) {
			fprintf(stderr, "fixctl: %s: over %d bytes\n", path,
				FIXCTL_IMPORT_MAX);
			fclose(f);
			return FIXCTL_EXIT_PERMANENT;
		}
	}
	fclose(f);
	return 0;
}

/**
 * fixctl client import FILE [--format ethers|csv]
 *
 * @v ctx	fixctl context
 * @v argc, argv	arguments
 * @ret code	exit code
 */
int fixctl_client_import(const struct fixctl_ctx *ctx, int argc, char **argv)
{
	static const struct option extra[] = {
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ NULL, 0, NULL, 0 },
	};
	const char *format = NULL;
	bool json = false, help = false;
	struct fixctl_req req = { "POST", "/admin/v1/import", NULL, NULL,
				  NULL };
	json_t *reply;
	struct buf b;
	int code;

	if (fixctl_opts(argc, argv, extra, import_set, &format, &json, &help) < 0 ||
	    (!help && optind + 1 != argc)) {
		fixctl_usage("client", "import", false);
		return FIXCTL_EXIT_USAGE;
	}
	if (help)
		return fixctl_usage("client", "import", true);
	if (!format) {
		size_t n = strlen(argv[optind]);

		format = n > 4 && strcmp(argv[optind] + n - 4, ".csv") == 0 ?
			"csv" : "ethers";
	}
	buf_init(&b, FIXCTL_IMPORT_MAX);
	code = read_file(argv[optind], &b);
	if (code) {
		buf_free(&b);
		return code;
	}
	req.body = json_pack("{s:s, s:s%}", "format", format, "text",
			     b.data ? b.data : "", b.len);
	buf_free(&b);
	if (!req.body) {
		fprintf(stderr, "fixctl: %s is not UTF-8 text\n", argv[optind]);
		return FIXCTL_EXIT_PERMANENT;
	}
	code = fixctl_call(ctx, &req, &reply);
	json_decref(req.body);
	if (code)
		return code;
	if (json)
		fixctl_print_json(reply);
	else
		printf("%lld clients added, %lld already known\n",
		       (long long)json_integer_value(json_object_get(reply,
								     "added")),
		       (long long)json_integer_value(json_object_get(reply,
								     "skipped")));
	json_decref(reply);
	return FIXCTL_EXIT_OK;
}

/** A GET with no argument but --json/--help; @ret code, *reply */
static int simple_get(const struct fixctl_ctx *ctx, int argc, char **argv,
		      const char *name, const char *sub, const char *path,
		      bool *json, json_t **reply)
{
	struct fixctl_req req = { "GET", path, NULL, NULL, NULL };
	bool help = false;

	*reply = NULL;
	if (fixctl_opts(argc, argv, NULL, NULL, NULL, json, &help) < 0 ||
	    (!help && optind != argc)) {
		fixctl_usage(name, sub, false);
		return FIXCTL_EXIT_USAGE;
	}
	if (help)
		return fixctl_usage(name, sub, true) + FIXCTL_DONE;
	return fixctl_call(ctx, &req, reply);
}

/** Print a table of clients. */
static void print_clients(const json_t *arr)
{
	size_t i;
	json_t *c;

	printf("%-17s  %-20s  %-12s  %-12s  %s\n", "MAC", "NAME", "GROUP",
	       "POWER GROUP", "LAST BOOT (UTC)");
	json_array_foreach(arr, i, c) {
		printf("%-17s  %-20s  %-12s  %-12s  ", fixctl_str(c, "mac"),
		       fixctl_str(c, "name"), fixctl_str(c, "group"),
		       fixctl_str(c, "power_group"));
		fixctl_print_time(c, "last_boot",
				  json_is_true(json_object_get(c, "discovered")) ?
				  "  (discovered)\n" : "\n");
	}
}

/**
 * fixctl client list
 *
 * @v ctx	fixctl context
 * @v argc, argv	arguments
 * @ret code	exit code
 */
int fixctl_client_list(const struct fixctl_ctx *ctx, int argc, char **argv)
{
	bool json = false;
	json_t *reply;
	int code;

	code = simple_get(ctx, argc, argv, "client", "list", "/admin/v1/clients",
			  &json, &reply);
	if (code)
		return code < 0 ? FIXCTL_EXIT_OK : code;
	if (json)
		fixctl_print_json(reply);
	else
		print_clients(reply);
	json_decref(reply);
	return FIXCTL_EXIT_OK;
}

/** Print one client in full. */
static void print_client(const json_t *c)
{
	json_t *p;
	size_t i;

	printf("MAC          %s\nname         %s\ngroup        %s\n"
	       "power group  %s\nuuid         %s\narch         %s\n"
	       "platform     %s\nlast boot    ", fixctl_str(c, "mac"),
	       fixctl_str(c, "name"), fixctl_str(c, "group"),
	       fixctl_str(c, "power_group"), fixctl_str(c, "uuid"),
	       fixctl_str(c, "arch"), fixctl_str(c, "platform"));
	fixctl_print_time(c, "last_boot", "");
	if (json_is_string(json_object_get(c, "last_decision")))
		printf("  %s (%s)", fixctl_str(c, "last_decision"),
		       fixctl_str(c, "last_reason"));
	if (json_is_integer(json_object_get(c, "removed"))) {
		printf("\nremoved      ");
		fixctl_print_time(c, "removed", "  (history only: fixctl client "
				  "add brings it back)");
	}
	printf("\n\n");
	printf("%-20s  %-12s  %-6s  %-8s  %s\n", "FIX", "STATE", "BOOTS",
	       "APPLIED", "REASON");
	json_array_foreach(json_object_get(c, "fixes"), i, p)
		printf("%-20s  %-12s  %-6lld  %-8lld  %s\n", fixctl_str(p, "fix"),
		       fixctl_str(p, "state"),
		       (long long)json_integer_value(json_object_get(p, "boots")),
		       (long long)json_integer_value(json_object_get(p,
							"applied_serial")),
		       fixctl_str(p, "reason"));
	printf("\n");
	fixctl_print_events(json_object_get(c, "events"));
}

/** One call (GET, DELETE) on an object named by a key in the path. */
static int call_one(const struct fixctl_ctx *ctx, int argc, char **argv,
		    const char *name, const char *sub, const char *method,
		    const char *base, bool *json, json_t **reply)
{
	struct fixctl_req req = { method, NULL, NULL, NULL, NULL };
	char path[1024], *esc;
	bool help = false;
	int code;

	*reply = NULL;
	if (fixctl_opts(argc, argv, NULL, NULL, NULL, json, &help) < 0 ||
	    (!help && optind + 1 != argc)) {
		fixctl_usage(name, sub, false);
		return FIXCTL_EXIT_USAGE;
	}
	if (help)
		return fixctl_usage(name, sub, true) + FIXCTL_DONE;
	esc = fixctl_escape(argv[optind]);
	if (!esc)
		return FIXCTL_EXIT_TEMPORARY;
	snprintf(path, sizeof(path), "%s%s", base, esc);
	free(esc);
	req.path = path;
	code = fixctl_call(ctx, &req, reply);
	return code;
}

/**
 * fixctl client show MAC|NAME
 *
 * @v ctx	fixctl context
 * @v argc, argv	arguments
 * @ret code	exit code
 */
int fixctl_client_show(const struct fixctl_ctx *ctx, int argc, char **argv)
{
	bool json = false;
	json_t *reply;
	int code;

	code = call_one(ctx, argc, argv, "client", "show", "GET", "/admin/v1/clients/",
		       &json, &reply);
	if (code)
		return code < 0 ? FIXCTL_EXIT_OK : code;
	if (json)
		fixctl_print_json(reply);
	else
		print_client(reply);
	json_decref(reply);
	return FIXCTL_EXIT_OK;
}

/**
 * fixctl client remove MAC|NAME
 *
 * @v ctx	fixctl context
 * @v argc, argv	arguments
 * @ret code	exit code
 */
int fixctl_client_remove(const struct fixctl_ctx *ctx, int argc, char **argv)
{
	bool json = false;
	json_t *reply;
	int code;

	code = call_one(ctx, argc, argv, "client", "remove", "DELETE",
			"/admin/v1/clients/", &json, &reply);
	if (code)
		return code < 0 ? FIXCTL_EXIT_OK : code;
	if (json)
		fixctl_print_json(reply);
	else
		printf("client %s%s%s%s removed: out of every list and target, its "
		       "history kept; %lld pair(s) held\n", fixctl_str(reply, "mac"),
		       json_is_string(json_object_get(reply, "name")) ? " (" : "",
		       json_is_string(json_object_get(reply, "name")) ?
		       fixctl_str(reply, "name") : "",
		       json_is_string(json_object_get(reply, "name")) ? ")" : "",
		       (long long)json_integer_value(json_object_get(reply, "held")));
	json_decref(reply);
	return FIXCTL_EXIT_OK;
}

/**
 * fixctl group add NAME
 *
 * @v ctx	fixctl context
 * @v argc, argv	arguments
 * @ret code	exit code
 */
int fixctl_group_add(const struct fixctl_ctx *ctx, int argc, char **argv)
{
	struct fixctl_req req = { "POST", "/admin/v1/groups", NULL, NULL, NULL };
	bool json = false, help = false;
	json_t *reply;
	int code;

	if (fixctl_opts(argc, argv, NULL, NULL, NULL, &json, &help) < 0 ||
	    (!help && optind + 1 != argc)) {
		fixctl_usage("group", "add", false);
		return FIXCTL_EXIT_USAGE;
	}
	if (help)
		return fixctl_usage("group", "add", true);
	req.body = json_pack("{s:s}", "name", argv[optind]);
	code = fixctl_call(ctx, &req, &reply);
	json_decref(req.body);
	if (code)
		return code;
	if (json)
		fixctl_print_json(reply);
	else
		printf("group %s added\n", fixctl_str(reply, "name"));
	json_decref(reply);
	return FIXCTL_EXIT_OK;
}

/**
 * fixctl group list
 *
 * @v ctx	fixctl context
 * @v argc, argv	arguments
 * @ret code	exit code
 */
int fixctl_group_list(const struct fixctl_ctx *ctx, int argc, char **argv)
{
	bool json = false;
	json_t *reply, *g;
	size_t i;
	int code;

	code = simple_get(ctx, argc, argv, "group", "list", "/admin/v1/groups",
			  &json, &reply);
	if (code)
		return code < 0 ? FIXCTL_EXIT_OK : code;
	if (json) {
		fixctl_print_json(reply);
	} else {
		printf("%-24s  %s\n", "GROUP", "CLIENTS");
		json_array_foreach(reply, i, g)
			printf("%-24s  %lld\n", fixctl_str(g, "name"),
			       (long long)json_integer_value(
				       json_object_get(g, "clients")));
	}
	json_decref(reply);
	return FIXCTL_EXIT_OK;
}

/**
 * fixctl group show NAME
 *
 * @v ctx	fixctl context
 * @v argc, argv	arguments
 * @ret code	exit code
 */
int fixctl_group_show(const struct fixctl_ctx *ctx, int argc, char **argv)
{
	bool json = false;
	json_t *reply;
	int code;

	code = call_one(ctx, argc, argv, "group", "show", "GET", "/admin/v1/groups/",
		       &json, &reply);
	if (code)
		return code < 0 ? FIXCTL_EXIT_OK : code;
	if (json) {
		fixctl_print_json(reply);
	} else {
		printf("group %s\n\n", fixctl_str(reply, "name"));
		print_clients(json_object_get(reply, "clients"));
	}
	json_decref(reply);
	return FIXCTL_EXIT_OK;
}
