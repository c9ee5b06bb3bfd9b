/* SPDX-License-Identifier: MIT */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server/fixctl.h"
#include "server/fixctl_admin.h"

/*
 * The command table: one line per command.  Commands that talk to fixsrv
 * add their line here and their run function in their own fixctl_*.c file
 * (declared in their own header, included above the table).
 */
static const struct fixctl_cmd fixctl_cmds[] = {
	{ "key", "gen", fixctl_key_gen,
	  "-o NAME [--no-password | --password-file F] [--comment C]",
	  "make a publisher key pair: NAME (secret) and NAME.pub" },
	{ "bundle", "create", fixctl_bundle_create,
	  "--id ID --serial N [--target SELECTOR] [--put SRC=DEST[:MODE]]...\n"
	  "        [--delete GLOB[:MAX]]... [--hook SCRIPT[:TIMEOUT]]... "
	  "[--description TEXT] -o OUT.fix",
	  "make a fix bundle (tar + zstd, MANIFEST.json first)" },
	{ "bundle", "sign", fixctl_bundle_sign,
	  "--key NAME [--password-file F] BUNDLE",
	  "sign a bundle: writes BUNDLE.minisig" },
	{ "bundle", "show", fixctl_bundle_show,
	  "[--key KEY.pub] BUNDLE",
	  "print a bundle's manifest; with --key, verify its signature" },
	{ "client", "add", fixctl_client_add,
	  "MAC [--name N] [--group G] [--power-group P] [--json]",
	  "add a client to fixsrv's inventory" },
	{ "client", "import", fixctl_client_import,
	  "FILE [--format ethers|csv] [--json]",
	  "add clients from /etc/ethers lines or CSV mac,name,group,power_group" },
	{ "client", "list", fixctl_client_list, "[--json]", "list the clients" },
	{ "client", "show", fixctl_client_show, "MAC|NAME [--json]",
	  "one client: its fixes, reports and latest events" },
	{ "client", "set", fixctl_client_set,
	  "MAC|NAME [--name N] [--group G] [--power-group P] [--json]",
	  "rename a client, or move it to another group or power group" },
	{ "client", "remove", fixctl_client_remove, "MAC|NAME [--json]",
	  "take a client out of service: out of every list and target, its "
	  "history kept" },
	{ "group", "add", fixctl_group_add, "NAME [--json]", "add a group" },
	{ "group", "list", fixctl_group_list, "[--json]", "list the groups" },
	{ "group", "show", fixctl_group_show, "NAME [--json]",
	  "a group and its clients" },
	{ "fix", "add", fixctl_fix_add, "BUNDLE [--sig FILE] [--json]",
	  "publish a signed fix (signature: BUNDLE.minisig by default)" },
	{ "fix", "list", fixctl_fix_list, "[--json]",
	  "list the fixes with their clients by state" },
	{ "assign", NULL, fixctl_assign,
	  "FIX (--group G | --client MAC|NAME... | --all) [--json]",
	  "make a fix pending for clients (again, after a hold)" },
	{ "hold", NULL, fixctl_hold,
	  "FIX (--group G | --client MAC|NAME... | --all) [--reason TEXT] [--json]",
	  "stop a rollout: pairs not yet applied boot locally until assigned again" },
	{ "wake", NULL, fixctl_wake, "(MAC|NAME... | --group G | --pending) [--json]",
	  "send Wake-on-LAN, paced per power group" },
	{ "status", NULL, fixctl_status, "[FIX] [--state STATE] [--json]",
	  "clients counted by state, then one line per client and fix (of that "
	  "state only: failed, say)" },
	{ "events", NULL, fixctl_events,
	  "[--client MAC|NAME] [--fix ID] [--limit N] [--json]",
	  "the latest events of the inventory" },
	{ "dnsmasq-conf", NULL, fixctl_dnsmasq_conf,
	  "--mode full|proxy --interface IF --server-url URL --tftp-root DIR\n"
	  "        [--range START,END,NETMASK | --subnet NET/LEN] "
	  "[--ipxe-dir /usr/lib/ipxe]\n"
	  "        [--script-dir " FIXNET_SCRIPT_DIR "] "
	  "[--boot-retries 5] [--hosts-dir DIR] -o FILE",
	  "write a dnsmasq configuration for the boot network (offline)" },
};

#define FIXCTL_NCMDS (sizeof(fixctl_cmds) / sizeof(fixctl_cmds[0]))

/**
 * Print the synopsis of every command whose name is name (every command if
 * name is NULL).
 */
static void fixctl_list(FILE *f, const char *name)
{
	for (size_t i = 0; i < FIXCTL_NCMDS; i++) {
		const struct fixctl_cmd *c = &fixctl_cmds[i];

		if (name && strcmp(c->name, name) != 0)
			continue;
		fprintf(f, "  fixctl %s%s%s %s\n      %s\n", c->name, c->sub ? " " : "",
			c->sub ? c->sub : "", c->args, c->help);
	}
}

/**
 * Usage of one command.
 * @ret the exit code to return
 */
int fixctl_usage(const char *name, const char *sub, bool help)
{
	FILE *f = help ? stdout : stderr;

	for (size_t i = 0; i < FIXCTL_NCMDS; i++) {
		const struct fixctl_cmd *c = &fixctl_cmds[i];

		if (strcmp(c->name, name) == 0 &&
		    (!c->sub || (sub && strcmp(c->sub, sub) == 0)))
			fprintf(f, "Usage: fixctl %s%s%s %s\n%s\n", c->name,
				c->sub ? " " : "", c->sub ? c->sub : "", c->args,
				c->help);
	}
	return help ? FIXCTL_EXIT_OK : FIXCTL_EXIT_PERMANENT;
}

/** The whole usage. */
static int fixctl_help(FILE *f, int code)
{
	fprintf(f, "Usage: fixctl [--socket PATH] COMMAND [ARGS...]\n"
		"       fixctl --help | --version\n\n"
		"The fixnet administration tool.  Commands that talk to fixsrv use\n"
		"its admin socket: --socket, else $%s, else %s.\n"
		"Exit status: 0 done, 1 usage error, 100 permanent failure, 111 temporary failure.\n\n"
		"Commands:\n", FIXCTL_SOCKET_ENV, FIXCTL_SOCKET_DEFAULT);
	fixctl_list(f, NULL);
	return code;
}

/** True if some command starts with the word name. */
static bool fixctl_known(const char *name)
{
	for (size_t i = 0; i < FIXCTL_NCMDS; i++) {
		if (strcmp(fixctl_cmds[i].name, name) == 0)
			return true;
	}
	return false;
}

/**
 * Find the command for the words at argv.
 * @v words	set to the number of words it takes (1 or 2)
 * @ret the command, or NULL
 */
static const struct fixctl_cmd *fixctl_find(int argc, char **argv, int *words)
{
	for (size_t i = 0; i < FIXCTL_NCMDS; i++) {
		const struct fixctl_cmd *c = &fixctl_cmds[i];

		if (strcmp(c->name, argv[0]) != 0)
			continue;
		if (!c->sub) {
			*words = 1;
			return c;
		}
		if (argc >= 2 && strcmp(c->sub, argv[1]) == 0) {
			*words = 2;
			return c;
		}
	}
	return NULL;
}

/**
 * fixctl: global options, then the command.
 */
int main(int argc, char **argv)
{
	struct fixctl_ctx ctx = { .socket = getenv(FIXCTL_SOCKET_ENV) };
	const struct fixctl_cmd *c;
	int i = 1, words;

	while (i < argc && argv[i][0] == '-') {
		if (strcmp(argv[i], "--socket") == 0 && i + 1 < argc) {
			ctx.socket = argv[i + 1];
			i += 2;
		} else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			return fixctl_help(stdout, FIXCTL_EXIT_OK);
		} else if (strcmp(argv[i], "--version") == 0) {
			printf("fixctl %s\n", FIXCTL_VERSION);
			return FIXCTL_EXIT_OK;
		} else {
			fprintf(stderr, "fixctl: unknown option %s\n", argv[i]);
			return fixctl_help(stderr, FIXCTL_EXIT_PERMANENT);
		}
	}
	if (!ctx.socket || !ctx.socket[0])
		ctx.socket = FIXCTL_SOCKET_DEFAULT;
	if (i == argc)
		return fixctl_help(stderr, FIXCTL_EXIT_PERMANENT);
	if (strcmp(argv[i], "help") == 0)
		return fixctl_help(stdout, FIXCTL_EXIT_OK);
	c = fixctl_find(argc - i, argv + i, &words);
	if (!c && fixctl_known(argv[i])) {
		fprintf(stderr, "fixctl %s: give one of these:\n", argv[i]);
		fixctl_list(stderr, argv[i]);
		return FIXCTL_EXIT_PERMANENT;
	}
	if (!c) {
		fprintf(stderr, "fixctl: no command \"%s\"\n", argv[i]);
		return fixctl_help(stderr, FIXCTL_EXIT_PERMANENT);
	}
	i += words - 1;
	return c->run(&ctx, argc - i, argv + i);
}
