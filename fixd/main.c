/* SPDX-License-Identifier: MIT */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "fixd/agent.h"
#include "fixd/cmd.h"

static const char fixd_usage[] =
"Usage: fixd apply [OPTIONS]\n"
"       fixd verify [--key KEY.pub]... [--keys DIR] BUNDLE\n"
"       fixd keys [--keys DIR]\n"
"       fixd --help | --version\n"
"\n"
"fixd is the fixnet agent.  In the quarantine OS, `fixd apply` with no\n"
"options reads fixsrv=, fixtoken= and BOOTIF= from /proc/cmdline, fetches\n"
"its plan from the fix server, downloads each signed fix, verifies it (hash,\n"
"signature, structure, serial) before touching the disk, applies it to the\n"
"filesystem the fix selects, and reports the result with evidence.\n"
"\n"
"apply options (each missing one is taken from /proc/cmdline):\n"
"  --server URL         fix server base URL (fixsrv=)\n"
"  --token TOKEN        boot token, 64 hex digits (fixtoken=)\n"
"  --mac MAC            this client's boot MAC (BOOTIF=)\n"
"  --target PATH        a block device to mount, or a directory to use,\n"
"                       instead of searching the disks by the fix's selector\n"
"                       (a directory is not checked against label/uuid/fstype)\n"
"  --keys DIR           trusted publisher keys (default " FIXD_KEYS_DIR ")\n"
"  --ca FILE            for an https:// server: the CA (PEM) its certificate\n"
"                       must chain to, a CA for fix servers only; the name\n"
"                       is not checked (default " FIXD_CA_FILE ")\n"
"  --work-dir DIR       where mount points and hook scripts go; must not be\n"
"                       on the target (default " FIXD_WORK_DIR ")\n"
"  --retries N          attempts in a row that make no progress, per\n"
"                       request (default 5); an attempt that received\n"
"                       bytes does not count (a server that keeps going\n"
"                       away is followed until the deadline)\n"
"  --retry-delay MS     first delay between attempts, doubled each time\n"
"                       (default 1000)\n"
"  --deadline S         total time for one request and all its attempts\n"
"                       (default 300 s plus the size at 256 KiB/s)\n"
"  --speed-limit BPS    abort an attempt slower than BPS bytes/s ...\n"
"  --speed-time S       ... for S seconds (default 4096 for 30; then it\n"
"                       resumes); --speed-limit 0 disables it\n"
"  -v, --verbose        debug messages\n"
"\n"
"verify: check BUNDLE against BUNDLE.minisig with the given public keys (or\n"
"the keys directory), then the bundle's structure; print its manifest.\n"
"\n"
"keys: load the keys directory (*.pub and its revoked file) as apply and\n"
"verify do, and list each key id as trusted or revoked; exit 100 if it does\n"
"not load or trusts no key.\n"
"\n"
"Exit status: 0 done (every fix applied, skipped as not applicable, or\n"
"reported failed while applying); 100 permanent failure (bad hash, signature\n"
"or bundle, serial not above the receipt's, request refused by the server);\n"
"111 temporary failure (network, server away): run fixd again.\n";

/**
 * fixd: dispatch to a command.
 */
int main(int argc, char **argv)
{
	umask(022);
	if (argc >= 2 && strcmp(argv[1], "apply") == 0)
		return cmd_apply(argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "verify") == 0)
		return cmd_verify(argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "keys") == 0)
		return cmd_keys(argc - 1, argv + 1);
	if (argc == 2 && (strcmp(argv[1], "--help") == 0 ||
			  strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "help") == 0)) {
		fputs(fixd_usage, stdout);
		return EXIT_DONE;
	}
	if (argc == 2 && strcmp(argv[1], "--version") == 0) {
		printf("fixd %s\n", FIXD_VERSION);
		return EXIT_DONE;
	}
	fputs(fixd_usage, stderr);
	return EXIT_PERMANENT;
}
