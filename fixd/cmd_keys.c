/* SPDX-License-Identifier: MIT */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "common/crypto.h"
#include "common/keyring.h"
#include "fixd/agent.h"
#include "fixd/cmd.h"

/**
 * True if a revoked id has a key in the keyring.
 */
static int keys_has_key(const struct keyring *kr, const uint8_t *keyid)
{
	for (size_t i = 0; i < kr->nkeys; i++)
		if (memcmp(kr->keys[i].keyid, keyid, MINISIGN_KEYID_LEN) == 0)
			return 1;
	return 0;
}

/**
 * Print the keyring, one key id a line.
 * @ret how many keys are trusted (present and not revoked)
 */
static size_t keys_print(const struct keyring *kr)
{
	char id[MINISIGN_KEYID_STR_LEN];
	size_t trusted = 0;

	for (size_t i = 0; i < kr->nkeys; i++) {
		int revoked = keyring_is_revoked(kr, kr->keys[i].keyid);

		minisign_keyid_format(kr->keys[i].keyid, id);
		printf("%s %s\n", id, revoked ? "revoked" : "trusted");
		trusted += !revoked;
	}
	for (size_t i = 0; i < kr->nrevoked; i++) {
		if (keys_has_key(kr, kr->revoked[i]))
			continue;
		minisign_keyid_format(kr->revoked[i], id);
		printf("%s revoked (no key file)\n", id);
	}
	return trusted;
}

/**
 * `fixd keys [--keys DIR]`: load the keys directory as `fixd apply` does
 * and list it.
 * @ret 0, or 100 if it does not load or trusts no key
 */
int cmd_keys(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "keys", required_argument, NULL, 'K' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *dir = FIXD_KEYS_DIR;
	struct keyring kr;
	struct err err = { "" };
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 'K') {
			dir = optarg;
			continue;
		}
		fprintf(c == 'h' ? stdout : stderr, "Usage: fixd keys [--keys DIR]\n"
			"Lists the publisher keys of DIR (default %s) as fixd "
			"apply loads them: each key id, trusted or revoked.\n",
			FIXD_KEYS_DIR);
		return c == 'h' ? EXIT_DONE : EXIT_PERMANENT;
	}
	if (optind != argc) {
		fprintf(stderr, "fixd keys: unexpected argument %s\n", argv[optind]);
		return EXIT_PERMANENT;
	}
	keyring_init(&kr);
	if (common_crypto_init() < 0 || keyring_load_dir(&kr, dir, &err) < 0) {
		fprintf(stderr, "fixd keys: %s\n", err.msg[0] ? err.msg : "libsodium");
		return EXIT_PERMANENT;
	}
	if (keys_print(&kr) == 0) {
		fprintf(stderr, "fixd keys: %s trusts no key: every fix would be "
			"refused\n", dir);
		return EXIT_PERMANENT;
	}
	return EXIT_DONE;
}
