/* SPDX-License-Identifier: MIT */
#ifndef FIXD_CMD_H
#define FIXD_CMD_H

/*
 * fixd's commands.  Each parses its own options (argv[0] is the command's
 * name) and returns the program's exit code: 0 done, 100 permanent failure,
 * 111 temporary failure.
 */

#define FIXD_VERSION "0.1.0"
#define FIXD_KEYS_DIR "/etc/fixnet/keys"
#define FIXD_WORK_DIR "/tmp"
/* the CA that signs the fix server's certificate, for https:// servers */
#define FIXD_CA_FILE "/etc/fixnet/ca.pem"

/** `fixd apply`: one session with the fix server. */
int cmd_apply(int argc, char **argv);

/** `fixd verify`: check a bundle and its signature offline. */
int cmd_verify(int argc, char **argv);

/** `fixd keys`: list the keys directory as fixd loads it. */
int cmd_keys(int argc, char **argv);

#endif
