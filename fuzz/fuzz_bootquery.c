/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: the query string of GET /boot.ipxe, through bootserve() of
 * fixsrv (server/bootserve.c), the function the HTTP handler calls: the
 * checks of bd_parse(), the decision against an inventory, the script.
 *
 * The input is the query string.  libmicrohttpd splits it before fixsrv
 * sees it; the target splits it as MHD does for these keys ('&' between
 * arguments, '=' before the value, %XX decoded, the first of a repeated key
 * wins, a key without '=' has no value).  Each input gets a fresh in-memory
 * inventory holding one known client, FBQ_KNOWN_MAC, with a pending fix,
 * and the templates of ipxe-scripts/ (read once, from the working
 * directory: run from the top of the tree).
 *
 * Invariants: bootserve() always answers with a script (a client must never
 * be stranded at a boot prompt), beginning "#!ipxe", of the kind expected:
 * the entry script without a query, quarantine for the known client when
 * every value is valid, else a local boot (EFI when platform=efi); and no
 * value of the query adds a line to the template.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/hex.h"
#include "server/bootdecide.h"
#include "server/inventory.h"
#include "server/log.h"
#include "server/srv.h"
#include "fuzz/fuzz.h"

#define FBQ_KNOWN_MAC "52:54:00:12:34:56"
#define FBQ_FIX "av-2026-11"
#define FBQ_NOW 1790000000
#define FBQ_SCRIPT_DIR "ipxe-scripts"

/* The query values fixsrv reads. */
struct fbq_query {
	int nargs;
	const char *mac, *uuid, *arch, *platform;
};

/**
 * Decode %XX in place (a %00 ends the C string, as it does for fixsrv).
 *
 * @v s		value
 */
static void fbq_unescape(char *s)
{
	char *w = s;

	for (; *s; s++) {
		if (s[0] == '%' && hex_digit(s[1]) >= 0 && hex_digit(s[2]) >= 0) {
			*w++ = (char)(hex_digit(s[1]) << 4 | hex_digit(s[2]));
			s += 2;
		} else {
			*w++ = *s;
		}
	}
	*w = '\0';
}

/**
 * Split a query string in place.
 *
 * @v q		query string, changed
 * @v out	the values, pointing into q
 */
static void fbq_split(char *q, struct fbq_query *out)
{
	static const char *const keys[] = { "mac", "uuid", "arch", "platform" };
	const char **vals[] = { &out->mac, &out->uuid, &out->arch,
				&out->platform };
	char *arg, *next, *eq;
	size_t i;

	memset(out, 0, sizeof(*out));
	for (arg = q; arg && *arg; arg = next) {
		next = strchr(arg, '&');
		if (next)
			*next++ = '\0';
		eq = strchr(arg, '=');
		if (eq) {
			*eq++ = '\0';
			fbq_unescape(eq);
		}
		fbq_unescape(arg);
		out->nargs++;
		for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
			if (strcmp(arg, keys[i]) == 0 && !*vals[i])
				*vals[i] = eq;
	}
}

/**
 * The templates, read once.
 *
 * @ret the templates
 */
static const struct bootscripts *fbq_scripts(void)
{
	static struct bootscripts bs;
	static int loaded;

	if (!loaded) {
		log_init("fuzz", LOG_LVL_ERROR);
		FUZZ_CHECK(bootscript_load(&bs, FBQ_SCRIPT_DIR) == 0);
		loaded = 1;
	}
	return &bs;
}

/**
 * A fresh inventory with the known client and its pending fix.
 *
 * @ret the inventory
 */
static struct inv *fbq_inventory(void)
{
	struct inv_fix f = { .serial = 3, .size = 12345, .sig_size = 297,
			     .added = FBQ_NOW };
	struct inv *inv;
	int64_t id;
	bool created;

	strcpy(f.id, FBQ_FIX);
	memset(f.sha256, 'a', SHA256_HEX_LEN - 1);
	strcpy(f.keyid, "D0A939E6FEA9F93");
	FUZZ_CHECK(inv_open(":memory:", &inv) == 0);
	FUZZ_CHECK(inv_tx_begin(inv) == 0);
	FUZZ_CHECK(inv_tx_end(inv, inv_fix_put(inv, &f)) == 0);
	FUZZ_CHECK(inv_tx_begin(inv) == 0);
	FUZZ_CHECK(inv_tx_end(inv, inv_client_add(inv, FBQ_KNOWN_MAC, "pc1",
						   NULL, NULL, FBQ_NOW,
						   &id)) == 0);
	FUZZ_CHECK(inv_tx_begin(inv) == 0);
	FUZZ_CHECK(inv_tx_end(inv, inv_pair_assign(inv, id, FBQ_FIX, FBQ_NOW,
						    &created)) == 0);
	return inv;
}

/**
 * The kind of script a query must get.
 *
 * @v q		the query values
 * @ret the template's kind
 */
static enum bootscript_kind fbq_expected(const struct fbq_query *q)
{
	struct bd_request req;
	const char *why;

	if (q->nargs == 0)
		return BS_ENTRY;
	if (bd_parse(q->mac, q->uuid, q->arch, q->platform, &req, &why) == 0 &&
	    strcmp(req.mac_str, FBQ_KNOWN_MAC) == 0)
		return BS_QUARANTINE;
	return q->platform && strcmp(q->platform, "efi") == 0 ?
	       BS_LOCAL_EFI : BS_LOCAL_BIOS;
}

/**
 * Number of lines of a text.
 *
 * @v s		text
 * @v len	its length
 * @ret how many '\n'
 */
static size_t fbq_lines(const char *s, size_t len)
{
	size_t n = 0, i;

	for (i = 0; i < len; i++)
		n += s[i] == '\n';
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char public_url[] = "http://10.0.0.1:8080", kargs[] = "console=ttyS0";
	struct config cfg = { .public_url = public_url, .kernel_args = kargs,
			      .token_ttl = 1800, .max_boots = 3 };
	struct srv srv = { .cfg = &cfg, .scripts = *fbq_scripts() };
	char *q = fuzz_cstr(data, size);
	enum bootscript_kind kind;
	const char *tmpl;
	struct fbq_query args;
	struct buf out;

	strcpy(srv.retries, "5");
	srv.inv = fbq_inventory();
	fbq_split(q, &args);
	kind = fbq_expected(&args);
	tmpl = srv.scripts.text[kind];
	buf_init(&out, BOOTSCRIPT_OUT_MAX);
	FUZZ_CHECK(bootserve(&srv, args.nargs > 0, args.mac, args.uuid,
			     args.arch, args.platform, FBQ_NOW, &out) == 0);
	FUZZ_CHECK(out.len >= 6 && memcmp(out.data, "#!ipxe", 6) == 0);
	FUZZ_CHECK(fbq_lines(out.data, out.len) ==
		   fbq_lines(tmpl, strlen(tmpl)));
	buf_free(&out);
	inv_close(srv.inv);
	free(q);
	return 0;
}
