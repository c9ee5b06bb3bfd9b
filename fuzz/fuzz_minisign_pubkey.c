/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: minisign_pubkey_parse(), a publisher's .pub file (read from
 * the keys directory, or given to `fixd verify --key`).  Invariants: a key
 * that parses survives minisign_pubkey_format() -> minisign_pubkey_parse()
 * unchanged, and its key id survives minisign_keyid_format() ->
 * minisign_keyid_parse().
 */
#include <string.h>

#include "common/minisign.h"
#include "fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct minisign_pubkey pk, back;
	uint8_t keyid[MINISIGN_KEYID_LEN];
	char id[MINISIGN_KEYID_STR_LEN];
	struct err err;
	struct buf text;

	if (minisign_pubkey_parse((const char *)data, size, &pk, &err) < 0)
		return 0;
	buf_init(&text, MINISIGN_FILE_MAX);
	FUZZ_CHECK(minisign_pubkey_format(&pk, &text) == 0);
	FUZZ_CHECK(minisign_pubkey_parse(text.data, text.len, &back, &err) == 0);
	FUZZ_CHECK(memcmp(&pk, &back, sizeof(pk)) == 0);
	minisign_keyid_format(pk.keyid, id);
	FUZZ_CHECK(strlen(id) == MINISIGN_KEYID_STR_LEN - 1);
	FUZZ_CHECK(minisign_keyid_parse(id, keyid) == 0);
	FUZZ_CHECK(memcmp(keyid, pk.keyid, MINISIGN_KEYID_LEN) == 0);
	buf_free(&text);
	return 0;
}
