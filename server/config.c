/* SPDX-License-Identifier: MIT */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/strnum.h"
#include "server/config.h"
#include "server/log.h"

enum opt_kind { OPT_STR, OPT_NUM, OPT_BOOL, OPT_LIST };

struct opt {
	const char *name;
	enum opt_kind kind;
	size_t off;			/* offset of the field in struct config */
	uint64_t min, max;		/* OPT_NUM */
	int (*check)(const char *v);	/* OPT_STR, OPT_LIST; may be NULL */
};

static int check_url(const char *v);
static int check_hostport(const char *v);
static int check_path(const char *v);
static int check_level(const char *v);
static int check_args(const char *v);
static int check_wol(const char *v);
static int check_user(const char *v);

#define F(field) offsetof(struct config, field)
static const struct opt config_opts[] = {
	{ "listen", OPT_STR, F(listen), 0, 0, check_hostport },
	{ "public_url", OPT_STR, F(public_url), 0, 0, check_url },
	{ "agent_url", OPT_STR, F(agent_url), 0, 0, check_url },
	{ "tls_listen", OPT_STR, F(tls_listen), 0, 0, check_hostport },
	{ "tls_cert", OPT_STR, F(tls_cert), 0, 0, check_path },
	{ "tls_key", OPT_STR, F(tls_key), 0, 0, check_path },
	{ "admin_socket", OPT_STR, F(admin_socket), 0, 0, check_path },
	{ "admin_listen", OPT_STR, F(admin_listen), 0, 0, check_hostport },
	{ "admin_token_file", OPT_STR, F(admin_token_file), 0, 0, check_path },
	{ "state_dir", OPT_STR, F(state_dir), 0, 0, check_path },
	{ "boot_dir", OPT_STR, F(boot_dir), 0, 0, check_path },
	{ "script_dir", OPT_STR, F(script_dir), 0, 0, check_path },
	{ "keys_dir", OPT_STR, F(keys_dir), 0, 0, check_path },
	{ "dhcp_hosts_dir", OPT_STR, F(dhcp_hosts_dir), 0, 0, check_path },
	{ "user", OPT_STR, F(user), 0, 0, check_user },
	{ "log_level", OPT_STR, F(log_level), 0, 0, check_level },
	{ "kernel_args", OPT_STR, F(kernel_args), 0, 0, check_args },
	{ "token_ttl", OPT_NUM, F(token_ttl), 60, 7 * 86400, NULL },
	{ "max_boots", OPT_NUM, F(max_boots), 1, 1000, NULL },
	{ "boot_retries", OPT_NUM, F(boot_retries), 1, 1000, NULL },
	{ "wol_broadcast", OPT_LIST, F(wol_broadcast), 0, 0, check_wol },
	{ "wol_trailer", OPT_BOOL, F(wol_trailer), 0, 0, NULL },
	{ "wol_group_interval_ms", OPT_NUM, F(wol_group_interval_ms), 1,
	  3600 * 1000, NULL },
	{ "wol_global_per_sec", OPT_NUM, F(wol_global_per_sec), 1, 10000,
	  NULL },
	{ "threads", OPT_NUM, F(threads), 1, 256, NULL },
	{ "max_connections", OPT_NUM, F(max_connections), 16, 1000000, NULL },
};
#undef F

/**
 * Set the defaults.
 *
 * @v cfg	config to fill (its previous content is not freed)
 * @ret rc	0 or -ENOMEM
 */
int config_defaults(struct config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->listen = strdup("0.0.0.0:8080");
	cfg->admin_socket = strdup("/run/fixnet/admin.sock");
	cfg->state_dir = strdup("/var/lib/fixnet");
	cfg->boot_dir = strdup("/var/lib/fixnet/os");
	cfg->script_dir = strdup(FIXNET_SCRIPT_DIR);
	cfg->keys_dir = strdup("/etc/fixnet/keys");
	cfg->user = strdup("fixnet");
	cfg->log_level = strdup("info");
	/* panic=10: a panicking secondary OS reboots after 10 s; the next
	 * PXE boot counts against max_boots, so the boot-loop breaker ends a
	 * loop of panics (panic=0 would hang the client for good) */
	cfg->kernel_args = strdup("console=tty0 console=ttyS0,115200 panic=10");
	cfg->token_ttl = 1800;
	cfg->max_boots = 3;
	cfg->boot_retries = 5;
	cfg->wol_trailer = false;
	cfg->wol_group_interval_ms = 500;
	cfg->wol_global_per_sec = 20;
	cfg->threads = 16;
	cfg->max_connections = 1024;
	if (!cfg->listen || !cfg->admin_socket || !cfg->state_dir ||
	    !cfg->boot_dir || !cfg->script_dir || !cfg->keys_dir ||
	    !cfg->user || !cfg->log_level || !cfg->kernel_args)
		return -ENOMEM;
	return 0;
}

/** @ret 0 if v has no control character (a config value is one line). */
static int check_printable(const char *v)
{
	for (; *v; v++)
		if (iscntrl((unsigned char)*v))
			return -EINVAL;
	return 0;
}

/** A base URL: http(s)://, no space, no query, no fragment. */
static int check_url(const char *v)
{
	if (strncmp(v, "http://", 7) != 0 && strncmp(v, "https://", 8) != 0)
		return -EINVAL;
	if (strpbrk(v, " \t?#\"'") || check_printable(v) < 0)
		return -EINVAL;
	if (strlen(v) > 512)
		return -EINVAL;
	return 0;
}

/** host:port with a port in 1..65535. */
static int check_hostport(const char *v)
{
	char host[256];
	uint16_t port;

	return config_split_hostport(v, host, sizeof(host), &port);
}

/** An absolute path. */
static int check_path(const char *v)
{
	return v[0] == '/' && check_printable(v) == 0 ? 0 : -EINVAL;
}

/** A log level name. */
static int check_level(const char *v)
{
	enum log_level l;

	return log_level_parse(v, &l);
}

/** Kernel arguments: printable, no character iPXE would read as syntax. */
static int check_args(const char *v)
{
	if (check_printable(v) < 0 || strpbrk(v, "$|&;#"))
		return -EINVAL;
	return 0;
}

/** "iface:NAME" or a dotted IPv4 address. */
static int check_wol(const char *v)
{
	if (strncmp(v, "iface:", 6) == 0) {
		size_t n = strlen(v + 6);

		return n > 0 && n < 16 && !strpbrk(v + 6, " /") &&
			       check_printable(v) == 0 ? 0 : -EINVAL;
	}
	unsigned a, b, c, d;
	char tail;

	if (sscanf(v, "%u.%u.%u.%u%c", &a, &b, &c, &d, &tail) != 4 ||
	    a > 255 || b > 255 || c > 255 || d > 255)
		return -EINVAL;
	return 0;
}

/** A user name as useradd takes it. */
static int check_user(const char *v)
{
	if (!*v || strlen(v) > 32)
		return -EINVAL;
	for (const char *p = v; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr("._-", *p))
			return -EINVAL;
	return 0;
}

/**
 * Split host and port.
 *
 * @v s		"host:port" or "[v6]:port"
 * @v host	output buffer for the host
 * @v hostlen	its size
 * @v port	the port
 * @ret rc	0 or -EINVAL
 */
int config_split_hostport(const char *s, char *host, size_t hostlen,
			  uint16_t *port)
{
	const char *colon, *h = s;
	size_t hl;
	uint64_t p;

	if (s[0] == '[') {
		const char *end = strchr(s, ']');

		if (!end || end[1] != ':')
			return -EINVAL;
		h = s + 1;
		hl = (size_t)(end - h);
		colon = end + 1;
	} else {
		colon = strrchr(s, ':');
		if (!colon)
			return -EINVAL;
		hl = (size_t)(colon - s);
	}
	if (hl == 0 || hl >= hostlen)
		return -EINVAL;
	if (strnum_u64(colon + 1, 1, 65535, &p) < 0)
		return -EINVAL;
	memcpy(host, h, hl);
	host[hl] = '\0';
	*port = (uint16_t)p;
	return 0;
}

/** Strip blanks at both ends, in place. */
static char *strip(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
		*--e = '\0';
	return s;
}

/** Look an option up by name. */
static const struct opt *opt_find(const char *name)
{
	for (size_t i = 0; i < sizeof(config_opts) / sizeof(config_opts[0]); i++)
		if (strcmp(config_opts[i].name, name) == 0)
			return &config_opts[i];
	return NULL;
}

/**
 * Store one value.
 *
 * @v cfg	config
 * @v o		the option
 * @v v		its value (already stripped)
 * @v why	set to a message on error
 * @ret rc	0, -EINVAL, -ENOMEM, -E2BIG
 */
static int opt_set(struct config *cfg, const struct opt *o, const char *v,
		   const char **why)
{
	char *base = (char *)cfg + o->off;
	char *copy;

	switch (o->kind) {
	case OPT_NUM:
		if (strnum_u64(v, o->min, o->max, (uint64_t *)(void *)base) < 0) {
			*why = "not a number in range";
			return -EINVAL;
		}
		return 0;
	case OPT_BOOL:
		if (strcmp(v, "yes") != 0 && strcmp(v, "no") != 0) {
			*why = "expected yes or no";
			return -EINVAL;
		}
		*(bool *)(void *)base = strcmp(v, "yes") == 0;
		return 0;
	case OPT_STR:
	case OPT_LIST:
		if (strlen(v) > CONFIG_VALUE_MAX || (o->check && o->check(v) < 0)) {
			*why = "invalid value";
			return -EINVAL;
		}
		break;
	}
	copy = strdup(v);
	if (!copy)
		return -ENOMEM;
	if (o->kind == OPT_LIST) {
		if (cfg->nwol == CONFIG_WOL_MAX) {
			free(copy);
			*why = "too many values (at most 16)";
			return -E2BIG;
		}
		cfg->wol_broadcast[cfg->nwol++] = copy;
		return 0;
	}
	free(*(char **)(void *)base);
	*(char **)(void *)base = copy;
	return 0;
}

/**
 * Parse one line.
 *
 * @v cfg	config
 * @v line	the line (modified)
 * @v seen	per-option flags, to refuse an option given twice
 * @v why	message on error
 * @ret rc	0 or a negative errno
 */
static int config_line(struct config *cfg, char *line, bool *seen,
		       const char **why)
{
	char *eq, *key, *val;
	const struct opt *o;

	line = strip(line);
	if (!*line || *line == '#')
		return 0;
	eq = strchr(line, '=');
	if (!eq) {
		*why = "expected key = value";
		return -EINVAL;
	}
	*eq = '\0';
	key = strip(line);
	val = strip(eq + 1);
	o = opt_find(key);
	if (!o) {
		*why = "unknown option";
		return -EINVAL;
	}
	if (o->kind != OPT_LIST && seen[o - config_opts]) {
		*why = "option given twice";
		return -EINVAL;
	}
	seen[o - config_opts] = true;
	if (!*val && o->kind != OPT_STR) {
		*why = "empty value";
		return -EINVAL;
	}
	if (o->kind == OPT_STR && !*val && o->off != offsetof(struct config,
							      kernel_args)) {
		*why = "empty value";
		return -EINVAL;
	}
	return opt_set(cfg, o, val, why);
}

/** Checks across options, after the whole file is read. */
static int config_check(const struct config *cfg, const char *path)
{
	int bad = 0;

	if (!cfg->public_url) {
		log_err("config", "%s: public_url is required (the base URL "
			"clients reach fixsrv at, e.g. http://10.77.0.1:8080)",
			path);
		bad = 1;
	}
	if (!!cfg->tls_listen != !!cfg->tls_cert ||
	    !!cfg->tls_listen != !!cfg->tls_key) {
		log_err("config", "%s: tls_listen, tls_cert and tls_key go "
			"together (the https listener needs its certificate "
			"and key)", path);
		bad = 1;
	}
	if (cfg->agent_url && strncmp(cfg->agent_url, "https://", 8) == 0 &&
	    !cfg->tls_listen)
		log_warn("config", "%s: agent_url is https but tls_listen is "
			 "not set: fixd will reach fixsrv only if a TLS proxy "
			 "answers at %s", path, cfg->agent_url);
	if (!!cfg->admin_listen != !!cfg->admin_token_file) {
		log_err("config", "%s: admin_listen and admin_token_file go "
			"together (TCP admin needs a bearer token)", path);
		bad = 1;
	}
	return bad ? -EINVAL : 0;
}

/** Drop a base URL's trailing slashes (not the scheme's); accepts NULL. */
static void trim_slashes(char *url)
{
	while (url && strlen(url) > 8 && url[strlen(url) - 1] == '/')
		url[strlen(url) - 1] = '\0';
}

/**
 * Read the file line by line; errors are logged as FILE:LINE: message.
 *
 * @v cfg	config with the defaults in place
 * @v path	file to read
 * @ret rc	0, -ENOENT, -EACCES, -EFBIG, -EINVAL
 */
int config_load(struct config *cfg, const char *path)
{
	bool seen[sizeof(config_opts) / sizeof(config_opts[0])] = { false };
	char line[CONFIG_LINE_MAX + 2];
	unsigned lineno = 0;
	size_t total = 0;
	int bad = 0, rc;
	FILE *f;

	f = fopen(path, "re");
	if (!f) {
		rc = -errno;
		log_err("config", "%s: %s", path, strerror(errno));
		return rc;
	}
	while (fgets(line, sizeof(line), f)) {
		const char *why = "";
		size_t n = strlen(line);

		lineno++;
		total += n;
		if (total > CONFIG_FILE_MAX) {
			log_err("config", "%s: over %d bytes", path,
				CONFIG_FILE_MAX);
			fclose(f);
			return -EFBIG;
		}
		if (n > 0 && line[n - 1] == '\n')
			line[--n] = '\0';
		else if (!feof(f)) {
			log_err("config", "%s:%u: line too long", path, lineno);
			fclose(f);
			return -EINVAL;
		}
		char copy[CONFIG_LINE_MAX + 2];

		memcpy(copy, line, n + 1);
		rc = config_line(cfg, line, seen, &why);
		if (rc == -ENOMEM) {
			fclose(f);
			return rc;
		}
		if (rc < 0) {
			log_err("config", "%s:%u: %s: %s", path, lineno, why,
				strip(copy));
			bad = 1;
		}
	}
	fclose(f);
	trim_slashes(cfg->public_url);
	trim_slashes(cfg->agent_url);
	if (config_check(cfg, path) < 0)
		bad = 1;
	return bad ? -EINVAL : 0;
}

/**
 * Release every string.
 *
 * @v cfg	config, may be zeroed
 */
void config_free(struct config *cfg)
{
	if (!cfg)
		return;
	free(cfg->listen);
	free(cfg->public_url);
	free(cfg->agent_url);
	free(cfg->tls_listen);
	free(cfg->tls_cert);
	free(cfg->tls_key);
	free(cfg->admin_socket);
	free(cfg->admin_listen);
	free(cfg->admin_token_file);
	free(cfg->state_dir);
	free(cfg->boot_dir);
	free(cfg->script_dir);
	free(cfg->keys_dir);
	free(cfg->dhcp_hosts_dir);
	free(cfg->user);
	free(cfg->log_level);
	free(cfg->kernel_args);
	for (size_t i = 0; i < cfg->nwol; i++)
		free(cfg->wol_broadcast[i]);
	memset(cfg, 0, sizeof(*cfg));
}
