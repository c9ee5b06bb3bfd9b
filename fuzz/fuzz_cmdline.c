/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: cmdline_parse() of fixd (fixd/cmdline.c), the kernel command
 * line of a quarantine boot (fixsrv=, fixtoken=, BOOTIF=), rendered by the
 * server into an iPXE script fetched over plain HTTP.  Invariants on a
 * command line that parses: each value present passes its check again,
 * and the three parameters written back as a command line parse to the
 * same values (the server URL may lose one more trailing '/', which the
 * parser strips).
 */
#include <stdio.h>
#include <string.h>

#include "fixd/cmdline.h"
#include "fuzz/fuzz.h"

/**
 * Write the parameters back as a command line and parse it again.
 *
 * @v c		parsed command line
 */
static void fc_round_trip(const struct cmdline *c)
{
	char text[CMDLINE_MAX + 1], mac[MAC_STR_LEN], *p;
	struct cmdline back;
	size_t n = 0, len;

	text[0] = '\0';
	if (c->has_server)
		n += (size_t)snprintf(text + n, sizeof(text) - n, "fixsrv=%s ",
				      c->server);
	if (c->has_token)
		n += (size_t)snprintf(text + n, sizeof(text) - n,
				      "fixtoken=%s ", c->token);
	if (c->has_mac) {
		mac_format(&c->mac, mac);
		for (p = mac; *p; p++)
			if (*p == ':')
				*p = '-';
		n += (size_t)snprintf(text + n, sizeof(text) - n,
				      "BOOTIF=01-%s", mac);
	}
	FUZZ_CHECK(n < sizeof(text));
	FUZZ_CHECK(cmdline_parse(text, n, &back, NULL) == 0);
	FUZZ_CHECK(back.has_server == c->has_server &&
		   back.has_token == c->has_token && back.has_mac == c->has_mac);
	len = strlen(back.server);
	FUZZ_CHECK(strncmp(back.server, c->server, len) == 0 &&
		   (c->server[len] == '\0' ||
		    (c->server[len] == '/' && c->server[len + 1] == '\0')));
	FUZZ_CHECK(strcmp(back.token, c->token) == 0);
	FUZZ_CHECK(memcmp(&back.mac, &c->mac, sizeof(c->mac)) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char server[PROTO_URL_MAX + 1];
	struct cmdline c;
	struct err err;

	if (cmdline_parse((const char *)data, size, &c, &err) < 0)
		return 0;
	if (c.has_server)
		FUZZ_CHECK(cmdline_server_check(c.server, server, NULL) == 0);
	if (c.has_token)
		FUZZ_CHECK(token_check(c.token) == 0);
	fc_round_trip(&c);
	return 0;
}
