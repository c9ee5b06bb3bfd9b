/* SPDX-License-Identifier: MIT */
#ifndef FIXNET_SERVER_BOOTTOKEN_H
#define FIXNET_SERVER_BOOTTOKEN_H

#include <stddef.h>
#include <stdint.h>

#include "common/mac.h"
#include "common/manifest.h"
#include "common/token.h"

struct inv;

/*
 * Boot tokens in the inventory (docs/protocol.md, "Session"): stored as
 * SHA-256 only, bound to one client and one boot, with an expiry and the
 * list of fixes of the plan they were issued for.  Issuing a token revokes
 * the client's earlier ones; the log upload spends it.
 */

struct boottoken {
	uint8_t hash[TOKEN_HASH_LEN];
	int64_t client_id;
	int64_t boot_id;
	int64_t expires;
};

/**
 * Issue a token for a boot, inside the caller's transaction.
 *
 * @v fix_ids	the plan's fixes, in order
 * @v out	the token text (goes on the kernel command line only)
 * @ret 0 or an inventory error
 */
int boottoken_issue(struct inv *inv, int64_t client_id, int64_t boot_id,
		    const char *const *fix_ids, size_t nfixes, int64_t now,
		    uint64_t ttl, char out[TOKEN_STR_LEN]);

/**
 * Check a presented token.  Changes nothing.
 *
 * @v token	the bearer token text, NULL if absent
 * @v mac	the canonical MAC of X-Fixnet-Client
 * @v why	a one-line reason when refused
 * @ret 0; -ENOENT (absent, malformed or unknown: 401); -EACCES (another
 *	client's, spent, revoked or expired: 403); or an inventory error
 */
int boottoken_check(struct inv *inv, const char *token, const char *mac,
		    int64_t now, struct boottoken *out, const char **why);

/** @ret 0 if the fix is in the token's plan, else -ENOENT */
int boottoken_has_fix(struct inv *inv, const struct boottoken *t,
		      const char *fix_id);

/**
 * The fixes of the token's plan, in order.
 *
 * @v ids	room for max ids
 * @v n		how many were written
 */
int boottoken_fixes(struct inv *inv, const struct boottoken *t,
		    char ids[][MANIFEST_ID_MAX + 1], size_t max, size_t *n);

/** Spend the token (end of the session). */
int boottoken_spend(struct inv *inv, const struct boottoken *t);

#endif
