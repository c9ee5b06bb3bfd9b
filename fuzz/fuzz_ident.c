/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: the parsers of short identifiers that arrive as text from
 * the network or the kernel command line: mac_parse() (the /boot.ipxe query,
 * X-Fixnet-Client), mac_parse_bootif() (BOOTIF=), uuid_parse() (the query),
 * token_check() (fixtoken=, the Authorization header), minisign_keyid_parse()
 * (the keyring's revoked file), strnum_u64() and strnum_mode().  The input is
 * read as one C string.  Invariants: what parses formats to a canonical text
 * that parses back to the same bytes, and agrees with the C library's
 * strtoull() where it reads the same syntax.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/mac.h"
#include "common/minisign.h"
#include "common/strnum.h"
#include "common/token.h"
#include "common/uuid.h"
#include "fuzz/fuzz.h"

/**
 * Whether s is its canonical text once lowered, with '-' read as ':'
 * when dashes is set.
 *
 * @v s		input
 * @v canon	canonical text
 * @v dashes	'-' in s stands for ':' in canon
 * @ret 1 or 0
 */
static int fi_same_text(const char *s, const char *canon, int dashes)
{
	size_t i;

	if (strlen(s) != strlen(canon))
		return 0;
	for (i = 0; s[i]; i++) {
		char c = (char)tolower((unsigned char)s[i]);

		if (dashes && c == '-')
			c = ':';
		if (c != canon[i])
			return 0;
	}
	return 1;
}

/**
 * mac_parse() and mac_parse_bootif().
 *
 * @v s		input
 */
static void fi_mac(const char *s)
{
	char text[MAC_STR_LEN], bootif[MAC_STR_LEN + 3];
	struct mac m, back;

	if (mac_parse(s, &m) == 0) {
		mac_format(&m, text);
		FUZZ_CHECK(mac_parse(text, &back) == 0);
		FUZZ_CHECK(memcmp(&m, &back, sizeof(m)) == 0);
		FUZZ_CHECK(strlen(s) == 12 ||
			   fi_same_text(s, text, s[2] == '-'));
	}
	if (mac_parse_bootif(s, &m) == 0) {
		FUZZ_CHECK(strncmp(s, "01-", 3) == 0);
		FUZZ_CHECK(mac_parse(s + 3, &back) == 0);
		FUZZ_CHECK(memcmp(&m, &back, sizeof(m)) == 0);
		mac_format(&m, text);
		strcpy(bootif, "01-");
		strcat(bootif, text);
		for (char *p = bootif; *p; p++)
			if (*p == ':')
				*p = '-';
		FUZZ_CHECK(mac_parse_bootif(bootif, &back) == 0);
		FUZZ_CHECK(memcmp(&m, &back, sizeof(m)) == 0);
	}
}

/**
 * uuid_parse(), token_check() and minisign_keyid_parse().
 *
 * @v s		input
 */
static void fi_ids(const char *s)
{
	uint8_t keyid[MINISIGN_KEYID_LEN], kback[MINISIGN_KEYID_LEN];
	char text[UUID_STR_LEN], kid[MINISIGN_KEYID_STR_LEN];
	struct uuid u, back;
	uint64_t le = 0;
	int i;

	if (uuid_parse(s, &u) == 0) {
		uuid_format(&u, text);
		FUZZ_CHECK(fi_same_text(s, text, 0));
		FUZZ_CHECK(uuid_parse(text, &back) == 0);
		FUZZ_CHECK(memcmp(&u, &back, sizeof(u)) == 0);
	}
	if (token_check(s) == 0) {
		FUZZ_CHECK(strlen(s) == TOKEN_STR_LEN - 1);
		FUZZ_CHECK(strspn(s, "0123456789abcdef") == TOKEN_STR_LEN - 1);
	}
	if (minisign_keyid_parse(s, keyid) == 0) {
		for (i = MINISIGN_KEYID_LEN - 1; i >= 0; i--)
			le = le << 8 | keyid[i];
		FUZZ_CHECK(strspn(s, "0123456789abcdefABCDEF") == strlen(s));
		FUZZ_CHECK(le == strtoull(s, NULL, 16));
		minisign_keyid_format(keyid, kid);
		FUZZ_CHECK(minisign_keyid_parse(kid, kback) == 0);
		FUZZ_CHECK(memcmp(keyid, kback, sizeof(keyid)) == 0);
	}
}

/**
 * strnum_u64() and strnum_mode() against strtoull().
 *
 * @v s		input
 */
static void fi_numbers(const char *s)
{
	int digits = *s && strspn(s, "0123456789") == strlen(s);
	unsigned long long want;
	uint32_t mode;
	uint64_t v;
	int rc;

	rc = strnum_u64(s, 0, UINT64_MAX, &v);
	FUZZ_CHECK((rc == -EINVAL) == !digits);
	if (digits) {
		errno = 0;
		want = strtoull(s, NULL, 10);
		FUZZ_CHECK((rc == -ERANGE) == (errno == ERANGE));
		FUZZ_CHECK(rc < 0 || v == want);
	}
	rc = strnum_mode(s, &mode);
	if (rc == 0) {
		FUZZ_CHECK(strspn(s, "01234567") == strlen(s));
		FUZZ_CHECK(mode <= 07777 && mode == strtoull(s, NULL, 8));
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_cstr(data, size);

	fi_mac(s);
	fi_ids(s);
	fi_numbers(s);
	free(s);
	return 0;
}
