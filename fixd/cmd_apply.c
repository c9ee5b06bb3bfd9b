/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <curl/curl.h>

#include "common/crypto.h"
#include "common/keyring.h"
#include "common/strnum.h"
#include "fixd/agent.h"
#include "fixd/cmd.h"
#include "fixd/cmdline.h"

#define APPLY_RETRIES_MAX 100
#define APPLY_DELAY_MAX_MS 600000
#define APPLY_DEADLINE_MAX_S 86400
#define APPLY_SPEED_MAX_BPS (1024ULL * 1024 * 1024)
#define APPLY_SPEED_TIME_MAX_S 3600
#define APPLY_UNSET UINT64_MAX

struct apply_opts {
	const char *server, *token, *mac, *target, *keys, *work_dir, *ca;
	uint64_t retries, delay_ms, deadline_s, speed_bps, speed_s;
	bool verbose;
};

/**
 * Parse a numeric option.
 * @ret 0, or -EINVAL with a message on stderr
 */
static int apply_num(const char *name, const char *s, uint64_t min,
		     uint64_t max, uint64_t *out)
{
	if (strnum_u64(s, min, max, out) == 0)
		return 0;
	fprintf(stderr, "fixd apply: --%s must be a number from %llu to %llu\n",
		name, (unsigned long long)min, (unsigned long long)max);
	return -EINVAL;
}

/**
 * Parse apply's options.
 * @ret 0, 1 for --help, -EINVAL
 */
static int apply_parse(int argc, char **argv, struct apply_opts *o)
{
	static const struct option opts[] = {
		{ "server", required_argument, NULL, 's' },
		{ "token", required_argument, NULL, 't' },
		{ "mac", required_argument, NULL, 'm' },
		{ "target", required_argument, NULL, 'T' },
		{ "keys", required_argument, NULL, 'k' },
		{ "work-dir", required_argument, NULL, 'w' },
		{ "ca", required_argument, NULL, 'c' },
		{ "retries", required_argument, NULL, 'r' },
		{ "retry-delay", required_argument, NULL, 'd' },
		{ "deadline", required_argument, NULL, 'D' },
		{ "speed-limit", required_argument, NULL, 'l' },
		{ "speed-time", required_argument, NULL, 'L' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c, rc = 0;

	optind = 1;
	while (rc == 0 && (c = getopt_long(argc, argv, "vh", opts, NULL)) != -1) {
		switch (c) {
		case 's': o->server = optarg; break;
		case 't': o->token = optarg; break;
		case 'm': o->mac = optarg; break;
		case 'T': o->target = optarg; break;
		case 'k': o->keys = optarg; break;
		case 'w': o->work_dir = optarg; break;
		case 'c': o->ca = optarg; break;
		case 'r': rc = apply_num("retries", optarg, 1, APPLY_RETRIES_MAX,
					 &o->retries); break;
		case 'd': rc = apply_num("retry-delay", optarg, 0, APPLY_DELAY_MAX_MS,
					 &o->delay_ms); break;
		case 'D': rc = apply_num("deadline", optarg, 1, APPLY_DEADLINE_MAX_S,
					 &o->deadline_s); break;
		case 'l': rc = apply_num("speed-limit", optarg, 0, APPLY_SPEED_MAX_BPS,
					 &o->speed_bps); break;
		case 'L': rc = apply_num("speed-time", optarg, 1, APPLY_SPEED_TIME_MAX_S,
					 &o->speed_s); break;
		case 'v': o->verbose = true; break;
		case 'h': return 1;
		default: return -EINVAL;
		}
	}
	if (rc == 0 && optind != argc) {
		fprintf(stderr, "fixd apply: unexpected argument \"%s\"\n", argv[optind]);
		rc = -EINVAL;
	}
	return rc;
}

/**
 * Fill server, token and MAC from the options, then /proc/cmdline.
 * @ret 0 or -EINVAL (err set)
 */
static int apply_session_args(const struct apply_opts *o, struct cmdline *cl,
			      struct err *err)
{
	struct cmdline kernel;
	int rc;

	memset(cl, 0, sizeof(*cl));
	if (!o->server || !o->token || !o->mac) {
		rc = cmdline_read(CMDLINE_PATH, &kernel, err);
		if (rc < 0)
			return rc;
		*cl = kernel;
	}
	if (o->server && (rc = cmdline_server_check(o->server, cl->server, err)) < 0)
		return rc;
	if (o->token) {
		if (token_check(o->token) < 0)
			return err_set(err, -EINVAL, "--token must be 64 lower-case hex digits");
		snprintf(cl->token, sizeof(cl->token), "%s", o->token);
	}
	if (o->mac && mac_parse(o->mac, &cl->mac) < 0)
		return err_set(err, -EINVAL, "--mac %s is not a MAC address", o->mac);
	if (!o->server && !cl->has_server)
		return err_set(err, -EINVAL, "no fix server: give --server or boot with fixsrv=");
	if (!o->token && !cl->has_token)
		return err_set(err, -EINVAL, "no boot token: give --token or boot with fixtoken=");
	if (!o->mac && !cl->has_mac)
		return err_set(err, -EINVAL, "no client MAC: give --mac or boot with BOOTIF=");
	return 0;
}

/**
 * Keys, namespace, HTTP session, then the agent.
 * @ret exit code
 */
static int apply_run(const struct apply_opts *o, struct log *log)
{
	struct keyring kr;
	struct cmdline cl;
	struct http http;
	struct fix_ctx fix = { .log = log, .kr = &kr, .work_dir = o->work_dir };
	struct agent ag = { .log = log, .http = &http, .fix = &fix };
	struct err err = { "" };
	struct stat st;
	bool https;
	int code, rc;

	keyring_init(&kr);
	rc = apply_session_args(o, &cl, &err);
	if (rc == 0)
		rc = keyring_load_dir(&kr, o->keys, &err);
	if (rc < 0) {
		log_err(log, "%s", err.msg);
		return EXIT_PERMANENT;
	}
	if (kr.nkeys == 0) {
		log_err(log, "no trusted keys in %s: every fix would be refused", o->keys);
		return EXIT_PERMANENT;
	}
	https = strncmp(cl.server, "https://", 8) == 0;
	if (https && access(o->ca, R_OK) < 0) {
		log_err(log, "%s is https, but the CA file %s cannot be read (%s): "
			"give --ca FILE, or build the initramfs with FIXNET_CA=FILE",
			cl.server, o->ca, strerror(errno));
		return EXIT_PERMANENT;
	}
	fix.tctx = (struct target_ctx){ .log = log, .given = o->target,
		.partitions = TARGET_PARTITIONS, .dev_dir = TARGET_DEV_DIR,
		.work_dir = o->work_dir };
	if (!o->target || (stat(o->target, &st) == 0 && !S_ISDIR(st.st_mode))) {
		rc = target_private_ns();
		if (rc < 0)
			log_warn(log, "no private mount namespace: %s", strerror(-rc));
	}
	ag.mac = cl.mac;
	if (common_crypto_init() < 0 || curl_global_init(CURL_GLOBAL_DEFAULT) != 0 ||
	    http_init(&http, log, cl.server, cl.token, &cl.mac, &err) < 0) {
		log_err(log, "cannot start: %s", err.msg[0] ? err.msg : "library init");
		return EXIT_TEMPORARY;
	}
	if (o->retries)
		http.attempts = (unsigned)o->retries;
	if (o->delay_ms != APPLY_UNSET)
		http.backoff_ms = (unsigned)o->delay_ms;
	http.deadline_s = (unsigned)o->deadline_s;
	if (o->speed_bps != APPLY_UNSET)
		http.low_speed_bps = (long)o->speed_bps;
	if (o->speed_s)
		http.low_speed_s = (long)o->speed_s;
	if (https)
		http.ca_file = o->ca;
	log_info(log, "fixd %s: server %s", FIXD_VERSION, cl.server);
	code = agent_run(&ag);
	http_free(&http);
	curl_global_cleanup();
	log_info(log, "exit %d", code);
	return code;
}

/**
 * `fixd apply`.
 * @ret exit code
 */
int cmd_apply(int argc, char **argv)
{
	struct apply_opts o = { .keys = FIXD_KEYS_DIR, .work_dir = FIXD_WORK_DIR,
				.ca = FIXD_CA_FILE,
				.delay_ms = APPLY_UNSET, .speed_bps = APPLY_UNSET };
	struct log log;
	int rc, code;

	rc = apply_parse(argc, argv, &o);
	if (rc != 0) {
		fprintf(rc > 0 ? stdout : stderr, "Usage: fixd apply [--server URL] "
			"[--token TOKEN] [--mac MAC] [--target DEVICE|DIR] [--keys DIR]\n"
			"       [--work-dir DIR] [--ca FILE] [--retries N] [--retry-delay MS] "
			"[--deadline S]\n       [--speed-limit BPS] [--speed-time S] [-v]\n"
			"See fixd --help.\n");
		return rc > 0 ? EXIT_DONE : EXIT_PERMANENT;
	}
	log_init(&log, "fixd", o.verbose ? LV_DEBUG : LV_INFO, PROTO_LOG_MAX);
	code = apply_run(&o, &log);
	log_free(&log);
	return code;
}
