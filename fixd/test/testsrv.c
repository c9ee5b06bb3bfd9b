/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fixd/test/srv.h"

/*
 * testsrv: fixd/test/srv.c as a program, for the integration scripts.
 *   testsrv --dir DIR [--token T] [--client MAC] [--fault SPEC]...
 *           [--port N] --port-file FILE
 * Listens on N (a restarted server takes its port back), or on an
 * ephemeral port; writes the port to FILE once it listens; runs until
 * SIGTERM or SIGINT.
 */

/**
 * Write the port to a file, atomically.
 * @ret 0 or -1
 */
static int testsrv_port_file(const char *path, uint16_t port)
{
	char tmp[4096];
	FILE *f;

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "w");
	if (!f)
		return -1;
	fprintf(f, "%u\n", (unsigned)port);
	if (fclose(f) != 0)
		return -1;
	return rename(tmp, path);
}

/** Parse the options. @ret 0 or -1 */
static int testsrv_opts(int argc, char **argv, struct srv_opts *o,
			const char **port_file)
{
	static const struct option opts[] = {
		{ "dir", required_argument, NULL, 'd' },
		{ "token", required_argument, NULL, 't' },
		{ "client", required_argument, NULL, 'c' },
		{ "fault", required_argument, NULL, 'f' },
		{ "port-file", required_argument, NULL, 'p' },
		{ "port", required_argument, NULL, 'P' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned long port;
	char *end;
	int c;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'd')
			o->dir = optarg;
		else if (c == 't')
			o->token = optarg;
		else if (c == 'c')
			o->client = optarg;
		else if (c == 'p')
			*port_file = optarg;
		else if (c == 'P' && (port = strtoul(optarg, &end, 10)) <= 65535 &&
			 !*end && end != optarg)
			o->port = (uint16_t)port;
		else if (c == 'f' && o->nfaults < SRV_FAULTS_MAX &&
			 srv_fault_parse(optarg, &o->faults[o->nfaults]) == 0)
			o->nfaults++;
		else
			return -1;
	}
	return o->dir && *port_file && optind == argc ? 0 : -1;
}

/**
 * testsrv: serve until told to stop.
 */
int main(int argc, char **argv)
{
	struct srv_opts o = { 0 };
	const char *port_file = NULL;
	struct srv *s;
	sigset_t set;
	int sig, rc;

	if (testsrv_opts(argc, argv, &o, &port_file) < 0) {
		fprintf(stderr, "usage: testsrv --dir DIR [--token T] [--client MAC] "
			"[--fault PATH:drop=N|endless|status=CODE|slow=BPS[:TIMES[:SKIP]]]... "
			"[--port N] --port-file FILE\n");
		return 2;
	}
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	rc = srv_start(&o, &s);
	if (rc < 0) {
		fprintf(stderr, "testsrv: cannot start: %s\n", strerror(-rc));
		return 1;
	}
	if (testsrv_port_file(port_file, srv_port(s)) < 0) {
		perror(port_file);
		srv_stop(s);
		return 1;
	}
	sigwait(&set, &sig);
	srv_stop(s);
	return 0;
}
