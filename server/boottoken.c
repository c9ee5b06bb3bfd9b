/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <string.h>

#include "server/boottoken.h"
#include "server/inventory.h"

/**
 * Revoke a client's active tokens.
 *
 * @v inv	inventory, transaction open
 * @v client_id	client
 * @ret rc	0 or a negative errno
 */
static int boottoken_revoke_client(struct inv *inv, int64_t client_id)
{
	sqlite3_stmt *st;
	int rc;

	rc = inv_prepare(inv, &st, "UPDATE tokens SET status = 'revoked' "
			 "WHERE client_id = ?1 AND status = 'active'");
	if (rc < 0)
		return rc;
	sqlite3_bind_int64(st, 1, client_id);
	return inv_step_done(inv, st, "revoke tokens");
}

/**
 * Issue a token.
 *
 * @v inv	inventory, transaction open
 * @v client_id	client it is bound to
 * @v boot_id	boot it is bound to
 * @v fix_ids	fixes of the plan
 * @v nfixes	how many
 * @v now	Unix time
 * @v ttl	lifetime in seconds
 * @v out	the token text
 * @ret rc	0 or a negative errno
 */
int boottoken_issue(struct inv *inv, int64_t client_id, int64_t boot_id,
		    const char *const *fix_ids, size_t nfixes, int64_t now,
		    uint64_t ttl, char out[TOKEN_STR_LEN])
{
	uint8_t hash[TOKEN_HASH_LEN];
	sqlite3_stmt *st;
	int rc;

	rc = boottoken_revoke_client(inv, client_id);
	if (rc < 0)
		return rc;
	token_generate(out);
	token_hash(out, hash);
	rc = inv_prepare(inv, &st, "INSERT INTO tokens (hash, client_id, "
			 "boot_id, issued, expires, status) VALUES (?1, ?2, ?3,"
			 " ?4, ?5, 'active')");
	if (rc < 0)
		return rc;
	sqlite3_bind_blob(st, 1, hash, sizeof(hash), SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, client_id);
	sqlite3_bind_int64(st, 3, boot_id);
	sqlite3_bind_int64(st, 4, now);
	sqlite3_bind_int64(st, 5, now + (int64_t)ttl);
	rc = inv_step_done(inv, st, "issue token");
	for (size_t i = 0; rc == 0 && i < nfixes; i++) {
		rc = inv_prepare(inv, &st, "INSERT INTO token_fixes (token_hash,"
				 " fix_id, pos) VALUES (?1, ?2, ?3)");
		if (rc < 0)
			break;
		sqlite3_bind_blob(st, 1, hash, sizeof(hash), SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 2, fix_ids[i], -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(st, 3, (int64_t)i);
		rc = inv_step_done(inv, st, "token plan");
	}
	if (rc < 0)
		memset(out, 0, TOKEN_STR_LEN);
	return rc;
}

/**
 * Check a token.
 *
 * @v inv	inventory
 * @v token	token text, NULL if absent
 * @v mac	canonical MAC the request claims
 * @v now	Unix time
 * @v out	the token's record
 * @v why	reason when refused
 * @ret rc	0, -ENOENT (401), -EACCES (403), or a negative errno
 */
int boottoken_check(struct inv *inv, const char *token, const char *mac,
		    int64_t now, struct boottoken *out, const char **why)
{
	char status[16], owner[MAC_STR_LEN];
	sqlite3_stmt *st;
	int rc, src;

	if (!token) {
		*why = "no boot token (Authorization: Bearer)";
		return -ENOENT;
	}
	if (token_check(token) < 0) {
		*why = "unknown boot token";
		return -ENOENT;
	}
	token_hash(token, out->hash);
	rc = inv_prepare(inv, &st, "SELECT t.client_id, t.boot_id, t.expires, "
			 "t.status, c.mac FROM tokens t JOIN clients c ON "
			 "c.id = t.client_id WHERE t.hash = ?1");
	if (rc < 0)
		return rc;
	sqlite3_bind_blob(st, 1, out->hash, TOKEN_HASH_LEN, SQLITE_TRANSIENT);
	src = sqlite3_step(st);
	if (src != SQLITE_ROW) {
		rc = src == SQLITE_DONE ? -ENOENT : inv_rc(inv, src, "token");
		inv_finalize(inv, st);
		*why = "unknown boot token";
		return rc;
	}
	out->client_id = sqlite3_column_int64(st, 0);
	out->boot_id = sqlite3_column_int64(st, 1);
	out->expires = sqlite3_column_int64(st, 2);
	inv_col_text(st, 3, status, sizeof(status));
	inv_col_text(st, 4, owner, sizeof(owner));
	inv_finalize(inv, st);
	if (strcmp(owner, mac) != 0)
		*why = "boot token of another client";
	else if (strcmp(status, "spent") == 0)
		*why = "boot token already spent";
	else if (strcmp(status, "revoked") == 0)
		*why = "boot token revoked by a newer boot";
	else if (now >= out->expires)
		*why = "boot token expired";
	else
		return 0;
	return -EACCES;
}

/**
 * Is a fix in the token's plan?
 *
 * @v inv	inventory
 * @v t		checked token
 * @v fix_id	fix
 * @ret rc	0, -ENOENT
 */
int boottoken_has_fix(struct inv *inv, const struct boottoken *t,
		      const char *fix_id)
{
	sqlite3_stmt *st;
	int rc, src;

	rc = inv_prepare(inv, &st, "SELECT 1 FROM token_fixes WHERE "
			 "token_hash = ?1 AND fix_id = ?2");
	if (rc < 0)
		return rc;
	sqlite3_bind_blob(st, 1, t->hash, TOKEN_HASH_LEN, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, fix_id, -1, SQLITE_TRANSIENT);
	src = sqlite3_step(st);
	rc = src == SQLITE_ROW ? 0 : src == SQLITE_DONE ? -ENOENT :
		inv_rc(inv, src, "token plan");
	inv_finalize(inv, st);
	return rc;
}

/**
 * The fixes of a token's plan.
 *
 * @v inv	inventory
 * @v t		checked token
 * @v ids	output ids
 * @v max	room in ids
 * @v n		ids written
 * @ret rc	0 or a negative errno
 */
int boottoken_fixes(struct inv *inv, const struct boottoken *t,
		    char ids[][MANIFEST_ID_MAX + 1], size_t max, size_t *n)
{
	sqlite3_stmt *st;
	int rc, src;

	*n = 0;
	rc = inv_prepare(inv, &st, "SELECT fix_id FROM token_fixes WHERE "
			 "token_hash = ?1 ORDER BY pos");
	if (rc < 0)
		return rc;
	sqlite3_bind_blob(st, 1, t->hash, TOKEN_HASH_LEN, SQLITE_TRANSIENT);
	while ((src = sqlite3_step(st)) == SQLITE_ROW && *n < max)
		inv_col_text(st, 0, ids[(*n)++], MANIFEST_ID_MAX + 1);
	rc = src == SQLITE_ROW || src == SQLITE_DONE ? 0 :
		inv_rc(inv, src, "token plan");
	inv_finalize(inv, st);
	return rc;
}

/**
 * Spend a token.
 *
 * @v inv	inventory, transaction open
 * @v t		checked token
 * @ret rc	0 or a negative errno
 */
int boottoken_spend(struct inv *inv, const struct boottoken *t)
{
	sqlite3_stmt *st;
	int rc;

	rc = inv_prepare(inv, &st, "UPDATE tokens SET status = 'spent' WHERE "
			 "hash = ?1");
	if (rc < 0)
		return rc;
	sqlite3_bind_blob(st, 1, t->hash, TOKEN_HASH_LEN, SQLITE_TRANSIENT);
	return inv_step_done(inv, st, "spend token");
}
