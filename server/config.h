/* SPDX-License-Identifier: MIT */
#ifndef FIXNET_SERVER_CONFIG_H
#define FIXNET_SERVER_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * fixsrv.conf: "key = value" lines, '#' comments, blank lines.  Every option
 * is documented in docs/fixsrv.conf.example.
 */

#define CONFIG_DEFAULT_PATH "/etc/fixnet/fixsrv.conf"
#define CONFIG_FILE_MAX (64 * 1024)
#define CONFIG_LINE_MAX 4096
#define CONFIG_VALUE_MAX 1024
#define CONFIG_WOL_MAX 16
#define CONFIG_ADMIN_TOKEN_MIN 16	/* characters of a TCP admin token */
#define CONFIG_ADMIN_TOKEN_MAX 256

struct config {
	char *listen;			/* host:port */
	char *public_url;		/* no trailing slash */
	char *agent_url;		/* fixd's base URL; NULL: public_url */
	char *tls_listen;		/* host:port of the https listener */
	char *tls_cert, *tls_key;	/* its certificate chain and key (PEM) */
	char *admin_socket;
	char *admin_listen;		/* NULL: no TCP admin */
	char *admin_token_file;
	char *state_dir;
	char *boot_dir;
	char *script_dir;
	char *keys_dir;
	char *dhcp_hosts_dir;		/* NULL: no dnsmasq hosts file */
	char *user;
	char *log_level;
	char *kernel_args;
	uint64_t token_ttl;		/* seconds */
	uint64_t max_boots;
	uint64_t boot_retries;
	char *wol_broadcast[CONFIG_WOL_MAX];	/* address or iface:NAME */
	size_t nwol;
	bool wol_trailer;
	uint64_t wol_group_interval_ms;
	uint64_t wol_global_per_sec;
	uint64_t threads;
	uint64_t max_connections;	/* open connections of the public listener */
};

/** Fill cfg with the defaults.  @ret 0 or -ENOMEM */
int config_defaults(struct config *cfg);

/**
 * Read a config file over the defaults.  Each error is logged with the file
 * name and line number; all of them are reported, not just the first.
 * @ret 0, -ENOENT / -EACCES (cannot read), -EINVAL (errors were logged)
 */
int config_load(struct config *cfg, const char *path);

/** Release the strings; accepts a zeroed config. */
void config_free(struct config *cfg);

/**
 * Split "host:port" or "[v6]:port".
 * @v host	buffer of hostlen bytes for the host part (without brackets)
 * @ret 0, or -EINVAL
 */
int config_split_hostport(const char *s, char *host, size_t hostlen,
			  uint16_t *port);

#endif
