/* SPDX-License-Identifier: MIT */
/*
 * fixsrv: the fix server.  Reads its config, binds its sockets as root,
 * drops to its user, opens the inventory and serves until SIGTERM.
 *
 *   fixsrv [-f CONFIG]        run in the foreground (systemd style)
 *   fixsrv -n [-f CONFIG]     check the config and exit
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/capability.h>

#include "common/crypto.h"
#include "common/file.h"
#include "common/keyring.h"
#include "server/bootlog.h"
#include "server/dhcphosts.h"
#include "server/fixmanifest.h"
#include "server/http.h"
#include "server/inventory.h"
#include "server/listen.h"
#include "server/log.h"
#include "server/wake.h"

#define EXIT_USAGE 1
#define EXIT_PERM 100
#define EXIT_TEMP 111
#define FIXSRV_PEM_MAX (64 * 1024)	/* tls_cert, tls_key */
#define FIXSRV_FDS_SPARE 64	/* descriptors besides the public connections */

struct fixsrv_opts {
	const char *config;
	int check;
};

/** The sockets bound as root, the https listener's PEM files read as root. */
struct fixsrv_socks {
	struct http_socks h;
	char *tls_cert, *tls_key;
	struct wolsend ws;
};

/** Print the usage to f. */
static void usage(FILE *f)
{
	fprintf(f, "usage: fixsrv [-n] [-f CONFIG]\n"
		"The fix server: boot decisions for iPXE, the agents' API, the "
		"inventory,\nWake-on-LAN, and the admin API that fixctl "
		"talks to.\n\n"
		"  -f, --config CONFIG  configuration file (default %s;\n"
		"                       every option: fixsrv.conf.example "
		"in the docs)\n"
		"  -n, --check          check the configuration (paths, keys, "
		"user, templates)\n"
		"                       and exit\n"
		"  -h, --help           this text\n\n"
		"Runs in the foreground (systemd: fixsrv.service) and logs to "
		"stderr;\nSIGTERM or SIGINT stops it.\n"
		"Exit: 0 done, 1 usage, 100 bad configuration, 111 temporary "
		"failure.\n",
		CONFIG_DEFAULT_PATH);
}

/** Parse the command line; @ret 0, or an exit code */
static int fixsrv_args(int argc, char **argv, struct fixsrv_opts *o)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'f' },
		{ "check", no_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	o->config = CONFIG_DEFAULT_PATH;
	while ((c = getopt_long(argc, argv, "f:nh", longopts, NULL)) != -1) {
		switch (c) {
		case 'f':
			o->config = optarg;
			break;
		case 'n':
			o->check = 1;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "fixsrv: unexpected argument %s\n",
			argv[optind]);
		usage(stderr);
		return EXIT_USAGE;
	}
	return 0;
}

/** Read the TCP admin token file (first line, trimmed). */
static int fixsrv_admin_token(const struct config *cfg, char **out)
{
	char line[CONFIG_ADMIN_TOKEN_MAX + 2];
	size_t n;
	FILE *f;

	*out = NULL;
	if (!cfg->admin_token_file)
		return 0;
	f = fopen(cfg->admin_token_file, "re");
	if (!f) {
		log_err("config", "admin_token_file %s: %s",
			cfg->admin_token_file, strerror(errno));
		return -errno;
	}
	if (!fgets(line, sizeof(line), f))
		line[0] = '\0';
	fclose(f);
	n = strcspn(line, "\r\n");
	line[n] = '\0';
	if (n < CONFIG_ADMIN_TOKEN_MIN || n > CONFIG_ADMIN_TOKEN_MAX ||
	    strpbrk(line, " \t")) {
		log_err("config", "admin_token_file %s: the token must be one "
			"line of %d to %d characters without blanks",
			cfg->admin_token_file, CONFIG_ADMIN_TOKEN_MIN,
			CONFIG_ADMIN_TOKEN_MAX);
		return -EINVAL;
	}
	*out = strdup(line);
	return *out ? 0 : -ENOMEM;
}

/**
 * Read a PEM file of the https listener (tls_cert or tls_key) while root.
 *
 * @v opt	the option's name, for the log
 * @v path	its value
 * @v out	the text, NUL-terminated, to free (wiped first for a key)
 * @ret rc	0, or a negative errno (logged)
 */
static int fixsrv_pem_read(const char *opt, const char *path, char **out)
{
	struct err err = { .msg = "" };
	struct buf b;
	int rc;

	*out = NULL;
	rc = file_read(path, FIXSRV_PEM_MAX, &b, &err);
	if (rc == 0 && !strstr(b.data, "-----BEGIN "))
		rc = err_set(&err, -EINVAL, "%s: not a PEM file", path);
	if (rc < 0) {
		log_err("config", "%s %s", opt, err.msg);
		if (b.data)
			explicit_bzero(b.data, b.len);
		buf_free(&b);
		return rc;
	}
	*out = b.data;
	return 0;
}

/** Read tls_cert and tls_key, when configured.  @ret 0 or a negative errno */
static int fixsrv_tls_read(const struct config *cfg, char **cert, char **key)
{
	int rc;

	*cert = *key = NULL;
	if (!cfg->tls_listen)
		return 0;
	rc = fixsrv_pem_read("tls_cert", cfg->tls_cert, cert);
	if (rc == 0)
		rc = fixsrv_pem_read("tls_key", cfg->tls_key, key);
	return rc;
}

/** Free what fixsrv_tls_read() read, the key wiped. */
static void fixsrv_tls_free(char *cert, char *key)
{
	if (key)
		explicit_bzero(key, strlen(key));
	free(key);
	free(cert);
}

/** Checks of -n beyond the syntax: files, keys, user.  @ret errors found */
static int fixsrv_check(const struct config *cfg, struct bootscripts *bs)
{
	struct keyring *kr = malloc(sizeof(*kr));
	struct err err = { .msg = "" };
	struct wol_trailer tr;
	char *tok = NULL, *cert, *key;
	struct stat st;
	int bad = 0;

	if (bootscript_load(bs, cfg->script_dir) < 0)
		bad++;
	if (kr) {
		keyring_init(kr);
		if (keyring_load_dir(kr, cfg->keys_dir, &err) < 0) {
			log_err("config", "keys_dir %s: %s", cfg->keys_dir,
				err.msg);
			bad++;
		} else if (kr->nkeys == 0) {
			log_warn("config", "keys_dir %s holds no *.pub key: "
				 "every fix will be refused", cfg->keys_dir);
		}
		free(kr);
	}
	if (!getpwnam(cfg->user)) {
		log_err("config", "user %s does not exist: create it (useradd "
			"--system %s) or set the user option", cfg->user,
			cfg->user);
		bad++;
	}
	if (cfg->wol_trailer && wolsend_trailer(cfg->public_url, &tr) < 0) {
		log_err("config", "wol_trailer = yes needs public_url with an "
			"IP address, not a host name");
		bad++;
	}
	if (fixsrv_admin_token(cfg, &tok) < 0)
		bad++;
	free(tok);
	if (fixsrv_tls_read(cfg, &cert, &key) < 0)
		bad++;
	fixsrv_tls_free(cert, key);
	if (cfg->dhcp_hosts_dir && (stat(cfg->dhcp_hosts_dir, &st) < 0 ||
				    !S_ISDIR(st.st_mode))) {
		log_err("config", "dhcp_hosts_dir %s is not a directory: install "
			"-d -m 0755 -o %s %s", cfg->dhcp_hosts_dir, cfg->user,
			cfg->dhcp_hosts_dir);
		bad++;
	}
	return bad;
}

/** Check dhcp_hosts_dir as the final user and write the hosts file. */
static int fixsrv_dhcp_hosts(const struct config *cfg, const char *user,
			     struct inv *inv)
{
	if (access(cfg->dhcp_hosts_dir, W_OK | X_OK) < 0) {
		log_err("main", "dhcp_hosts_dir %s is not writable by user %s (%s): "
			"install -d -m 0755 -o %s %s", cfg->dhcp_hosts_dir, user,
			strerror(errno), user, cfg->dhcp_hosts_dir);
		return -EACCES;
	}
	return dhcphosts_write(inv, cfg->dhcp_hosts_dir);
}

/**
 * Raise the descriptor limit (while root may) to what max_connections
 * needs: a socket and, while a file is sent, its descriptor per connection.
 *
 * @v cfg	config
 */
static void fixsrv_fd_limit(const struct config *cfg)
{
	rlim_t want = (rlim_t)(2 * cfg->max_connections + FIXSRV_FDS_SPARE);
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0 || rl.rlim_cur >= want)
		return;
	if (rl.rlim_max < want) {
		struct rlimit up = { want, want };

		if (setrlimit(RLIMIT_NOFILE, &up) == 0)	/* root only */
			return;
	}
	rl.rlim_cur = rl.rlim_max < want ? rl.rlim_max : want;
	if (setrlimit(RLIMIT_NOFILE, &rl) < 0 || rl.rlim_cur < want)
		log_warn("main", "max_connections %llu needs %llu open files, "
			 "the limit is %llu: raise it (LimitNOFILE=, ulimit -n)",
			 (unsigned long long)cfg->max_connections,
			 (unsigned long long)want,
			 (unsigned long long)rl.rlim_cur);
}

/** Bind every socket while still root. */
static int fixsrv_bind(const struct config *cfg, const struct passwd *pw,
		       struct fixsrv_socks *s)
{
	s->h.admin_tcp = s->h.tls = -1;
	s->h.pub = listen_tcp(cfg->listen);
	if (s->h.pub < 0)
		return s->h.pub;
	if (cfg->tls_listen) {
		s->h.tls = listen_tcp(cfg->tls_listen);
		if (s->h.tls < 0)
			return s->h.tls;
	}
	s->h.admin = listen_unix(cfg->admin_socket, pw->pw_uid, pw->pw_gid);
	if (s->h.admin < 0)
		return s->h.admin;
	if (cfg->admin_listen) {
		s->h.admin_tcp = listen_tcp(cfg->admin_listen);
		if (s->h.admin_tcp < 0)
			return s->h.admin_tcp;
	}
	return wolsend_open(&s->ws, cfg->wol_broadcast, cfg->nwol);
}

/**
 * Clear every capability set: setuid from root clears the permitted,
 * effective and ambient sets but keeps the inheritable one.
 * @ret 0 or -errno
 */
static int fixsrv_caps_clear(void)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[_LINUX_CAPABILITY_U32S_3];

	memset(d, 0, sizeof(d));
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 ||
	    syscall(SYS_capset, &h, d) < 0)
		return -errno;
	return 0;
}

/**
 * Become the unprivileged user (when root): its uid and primary group, no
 * supplementary group, no capability in any set, and no_new_privs, so that
 * nothing fixsrv could ever execute gains any.  Started as that user with
 * capabilities to bind (systemd's AmbientCapabilities=), it clears them.
 */
static int fixsrv_drop(const struct passwd *pw)
{
	int root = geteuid() == 0, rc = 0;

	if (root && (setgroups(0, NULL) < 0 || setgid(pw->pw_gid) < 0 ||
		     setuid(pw->pw_uid) < 0)) {
		rc = -errno;
		log_err("main", "cannot drop to user %s: %s", pw->pw_name,
			strerror(-rc));
		return rc;
	}
	if (root && pw->pw_uid != 0 && setuid(0) == 0) {
		log_err("main", "could regain root after dropping it");
		return -EPERM;
	}
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
	    (rc = fixsrv_caps_clear()) < 0) {
		rc = rc < 0 ? rc : -errno;
		log_err("main", "cannot give up the capabilities: %s",
			strerror(-rc));
		return rc;
	}
	if (root)
		log_info("main", "running as %s (uid %u)", pw->pw_name,
			 (unsigned)pw->pw_uid);
	else
		log_info("main", "not started as root: staying uid %u",
			 (unsigned)geteuid());
	return 0;
}

/** Check state_dir and make state_dir/fixes, as the final user. */
static int fixsrv_state_dir(const struct config *cfg, const char *user,
			    struct srv *srv)
{
	struct dirent *de;
	DIR *d;

	if (access(cfg->state_dir, W_OK | X_OK) < 0) {
		log_err("main", "state_dir %s is not writable by user %s (%s): "
			"mkdir -p %s && chown %s %s", cfg->state_dir, user,
			strerror(errno), cfg->state_dir, user, cfg->state_dir);
		return -EACCES;
	}
	snprintf(srv->fixes_dir, sizeof(srv->fixes_dir), "%s/fixes",
		 cfg->state_dir);
	if (mkdir(srv->fixes_dir, 0755) < 0 && errno != EEXIST) {
		log_err("main", "%s: %s", srv->fixes_dir, strerror(errno));
		return -errno;
	}
	d = opendir(srv->fixes_dir);
	if (!d)
		return -errno;
	while ((de = readdir(d)) != NULL)	/* uploads cut short */
		if (strncmp(de->d_name, ".upload-", 8) == 0)
			unlinkat(dirfd(d), de->d_name, 0);
	closedir(d);
	return 0;
}

/** Start the waker if Wake-on-LAN is configured. */
static int fixsrv_waker(const struct config *cfg, struct wake_ctx *wc,
			struct srv *srv)
{
	struct wol_trailer tr;
	struct waker_ops ops;
	int rc;

	if (cfg->nwol == 0)
		return 0;
	wake_ops(wc, &ops);
	if (cfg->wol_trailer && wolsend_trailer(cfg->public_url, &tr) < 0)
		return -EINVAL;
	rc = waker_new(&ops, cfg->wol_group_interval_ms,
		       cfg->wol_global_per_sec, cfg->wol_trailer ? &tr : NULL,
		       &srv->waker);
	if (rc == 0)
		rc = waker_start(srv->waker);
	return rc;
}

/** Serve until SIGTERM or SIGINT (blocked in every thread). */
static void fixsrv_wait(const sigset_t *set)
{
	int sig = 0;

	while (sigwait(set, &sig) == 0 && sig != SIGTERM && sig != SIGINT)
		;
	log_info("main", "signal %d: stopping", sig);
}

/** Everything after the config is read; @ret an exit code */
static int fixsrv_run(const struct config *cfg, struct srv *srv)
{
	struct fixsrv_socks s = { .h = { .pub = -1, .tls = -1, .admin = -1,
					 .admin_tcp = -1 } };
	struct http_daemons d = { 0 };
	struct wake_ctx wc = { srv, &s.ws };
	const struct passwd *pw;
	char db[4200];
	sigset_t set;
	int rc;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	pw = getpwnam(cfg->user);
	if (!pw) {
		log_err("main", "user %s does not exist: create it (useradd "
			"--system %s) or set the user option", cfg->user,
			cfg->user);
		return EXIT_PERM;
	}
	if (common_crypto_init() < 0 ||
	    bootscript_load(&srv->scripts, cfg->script_dir) < 0 ||
	    fixsrv_admin_token(cfg, &srv->admin_token) < 0)
		return EXIT_PERM;
	fixsrv_fd_limit(cfg);
	rc = fixsrv_tls_read(cfg, &s.tls_cert, &s.tls_key);
	s.h.tls_cert = s.tls_cert;
	s.h.tls_key = s.tls_key;
	if (rc == 0)
		rc = fixsrv_bind(cfg, pw, &s);
	if (rc == 0)
		rc = fixsrv_drop(pw);
	if (rc == 0)
		rc = fixsrv_state_dir(cfg, pw->pw_name, srv);
	snprintf(db, sizeof(db), "%s/inventory.db", cfg->state_dir);
	if (rc == 0)
		rc = inv_open(db, &srv->inv);
	if (rc == 0 && cfg->dhcp_hosts_dir)
		rc = fixsrv_dhcp_hosts(cfg, pw->pw_name, srv->inv);
	if (rc == 0)
		rc = bootlog_start(srv->inv, &srv->bootlog);
	if (rc == 0)
		rc = fixmanifests_new(&srv->manifests);
	if (rc == 0)
		rc = fixsrv_waker(cfg, &wc, srv);
	if (rc == 0)
		rc = http_start(&d, srv, &s.h);
	if (rc == 0) {
		log_info("main", "serving %s on %s%s%s, admin on %s%s%s",
			 cfg->public_url, cfg->listen,
			 cfg->tls_listen ? ", https on " : "",
			 cfg->tls_listen ? cfg->tls_listen : "",
			 cfg->admin_socket, cfg->admin_listen ? " and " : "",
			 cfg->admin_listen ? cfg->admin_listen : "");
		fixsrv_wait(&set);
	}
	http_stop(&d);
	bootlog_stop(srv->bootlog);
	waker_free(srv->waker);
	fixmanifests_free(srv->manifests);
	inv_close(srv->inv);
	wolsend_close(&s.ws);
	fixsrv_tls_free(s.tls_cert, s.tls_key);
	if (s.h.admin >= 0) {
		close(s.h.admin);
		if (unlink(cfg->admin_socket) < 0 && errno != ENOENT)
			log_warn("main", "cannot remove %s: %s", cfg->admin_socket,
				 strerror(errno));
	}
	if (s.h.pub >= 0)
		close(s.h.pub);
	if (s.h.tls >= 0)
		close(s.h.tls);
	if (s.h.admin_tcp >= 0)
		close(s.h.admin_tcp);
	return rc == 0 ? 0 : rc == -EADDRINUSE || rc == -EBUSY ? EXIT_TEMP :
		EXIT_PERM;
}

int main(int argc, char **argv)
{
	struct fixsrv_opts o = { 0 };
	struct config cfg;
	struct srv srv;
	enum log_level lvl = LOG_LVL_INFO;
	int rc;

	rc = fixsrv_args(argc, argv, &o);
	if (rc)
		return rc;
	log_init("fixsrv", LOG_LVL_INFO);
	if (config_defaults(&cfg) < 0)
		return EXIT_TEMP;
	rc = config_load(&cfg, o.config);
	if (rc == 0)
		log_level_parse(cfg.log_level, &lvl);
	log_init("fixsrv", lvl);
	memset(&srv, 0, sizeof(srv));
	srv.cfg = &cfg;
	snprintf(srv.retries, sizeof(srv.retries), "%llu",
		 (unsigned long long)cfg.boot_retries);
	if (o.check) {
		if (rc == 0 && fixsrv_check(&cfg, &srv.scripts) > 0)
			rc = -EINVAL;
		if (rc == 0)
			fprintf(stderr, "fixsrv: %s: configuration OK\n",
				o.config);
		else
			fprintf(stderr, "fixsrv: %s: configuration has errors "
				"(see above)\n", o.config);
		bootscript_free(&srv.scripts);
		config_free(&cfg);
		return rc == 0 ? 0 : EXIT_PERM;
	}
	rc = rc == 0 ? fixsrv_run(&cfg, &srv) : EXIT_PERM;
	bootscript_free(&srv.scripts);
	free(srv.admin_token);
	config_free(&cfg);
	return rc;
}
