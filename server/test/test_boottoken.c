/* SPDX-License-Identifier: MIT */
/* Boot tokens: issue, check, revoke, expire, spend. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "common/hex.h"
#include "server/boottoken.h"
#include "server/inventory.h"
#include "server/test/testinv.h"

#define MAC_A "52:54:00:00:00:0a"
#define MAC_B "52:54:00:00:00:0b"
#define TTL 1800

struct fixture {
	struct testinv t;
	int64_t a, b;
};

static int setup(void **state)
{
	struct fixture *f = test_calloc(1, sizeof(*f));

	testinv_open(&f->t);
	f->a = testinv_client(&f->t, MAC_A);
	f->b = testinv_client(&f->t, MAC_B);
	/* a boot row for the tokens to be bound to */
	assert_int_equal(sqlite3_exec(f->t.inv->db, "INSERT INTO boots (id, "
				      "client_id, time, decision) VALUES (1, 1,"
				      " 1000, 'quarantine'), (2, 2, 1000, "
				      "'quarantine')", NULL, NULL, NULL),
			 SQLITE_OK);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	testinv_close(&f->t);
	test_free(f);
	return 0;
}

/** Issue a token for a client at a time, with a plan of fixes. */
static void issue(struct fixture *f, int64_t client, int64_t now,
		  char tok[TOKEN_STR_LEN])
{
	static const char *const fixes[] = { "av-defs", "driver-fix" };

	assert_int_equal(inv_tx_begin(f->t.inv), 0);
	assert_int_equal(inv_tx_end(f->t.inv, boottoken_issue(
		f->t.inv, client, client, fixes, 2, now, TTL, tok)), 0);
}

static int check(struct fixture *f, const char *tok, const char *mac,
		 int64_t now, const char **why)
{
	struct boottoken bt;

	return boottoken_check(f->t.inv, tok, mac, now, &bt, why);
}

static void test_issued_token_works_for_its_client(void **state)
{
	struct fixture *f = *state;
	char tok[TOKEN_STR_LEN];
	struct boottoken bt;
	const char *why = NULL;

	issue(f, f->a, 1000, tok);
	assert_int_equal(token_check(tok), 0);
	assert_int_equal(boottoken_check(f->t.inv, tok, MAC_A, 1001, &bt, &why),
			 0);
	assert_int_equal(bt.client_id, f->a);
	assert_int_equal(bt.expires, 1000 + TTL);
}

static void test_only_the_hash_is_stored(void **state)
{
	struct fixture *f = *state;
	char tok[TOKEN_STR_LEN], hex[2 * TOKEN_HASH_LEN + 1];
	uint8_t h[TOKEN_HASH_LEN];
	char sql[256];

	issue(f, f->a, 1000, tok);
	token_hash(tok, h);
	hex_encode(h, sizeof(h), hex);
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM tokens WHERE "
		 "hex(hash) = upper('%s')", hex);
	assert_int_equal(testinv_count(&f->t, sql), 1);
	/* 32 bytes of hash: the 64-character token itself is nowhere */
	assert_int_equal(testinv_count(&f->t, "SELECT count(*) FROM tokens "
				       "WHERE length(hash) != 32 OR typeof(hash)"
				       " != 'blob'"), 0);
}

static void test_other_client_refused(void **state)
{
	struct fixture *f = *state;
	char tok[TOKEN_STR_LEN];
	const char *why = NULL;

	issue(f, f->a, 1000, tok);
	assert_int_equal(check(f, tok, MAC_B, 1001, &why), -EACCES);
	assert_string_equal(why, "boot token of another client");
}

static void test_new_token_revokes_older(void **state)
{
	struct fixture *f = *state;
	char t1[TOKEN_STR_LEN], t2[TOKEN_STR_LEN], tb[TOKEN_STR_LEN];
	const char *why = NULL;

	issue(f, f->a, 1000, t1);
	issue(f, f->b, 1000, tb);
	issue(f, f->a, 1100, t2);
	assert_string_not_equal(t1, t2);
	assert_int_equal(check(f, t1, MAC_A, 1101, &why), -EACCES);
	assert_string_equal(why, "boot token revoked by a newer boot");
	assert_int_equal(check(f, t2, MAC_A, 1101, &why), 0);
	/* another client's token is untouched */
	assert_int_equal(check(f, tb, MAC_B, 1101, &why), 0);
}

static void test_expired_token_refused(void **state)
{
	struct fixture *f = *state;
	char tok[TOKEN_STR_LEN];
	const char *why = NULL;

	issue(f, f->a, 1000, tok);
	assert_int_equal(check(f, tok, MAC_A, 1000 + TTL - 1, &why), 0);
	assert_int_equal(check(f, tok, MAC_A, 1000 + TTL, &why), -EACCES);
	assert_string_equal(why, "boot token expired");
}

static void test_spent_token_refused(void **state)
{
	struct fixture *f = *state;
	char tok[TOKEN_STR_LEN];
	struct boottoken bt;
	const char *why = NULL;

	issue(f, f->a, 1000, tok);
	assert_int_equal(boottoken_check(f->t.inv, tok, MAC_A, 1001, &bt, &why),
			 0);
	assert_int_equal(inv_tx_begin(f->t.inv), 0);
	assert_int_equal(inv_tx_end(f->t.inv, boottoken_spend(f->t.inv, &bt)),
			 0);
	assert_int_equal(check(f, tok, MAC_A, 1002, &why), -EACCES);
	assert_string_equal(why, "boot token already spent");
}

static void test_unknown_or_malformed_is_401(void **state)
{
	struct fixture *f = *state;
	char tok[TOKEN_STR_LEN];
	const char *why = NULL;

	token_generate(tok);	/* never issued */
	assert_int_equal(check(f, tok, MAC_A, 1000, &why), -ENOENT);
	assert_string_equal(why, "unknown boot token");
	assert_int_equal(check(f, NULL, MAC_A, 1000, &why), -ENOENT);
	assert_int_equal(check(f, "abc' OR 1=1 --", MAC_A, 1000, &why),
			 -ENOENT);
	tok[0] = 'G';
	assert_int_equal(check(f, tok, MAC_A, 1000, &why), -ENOENT);
}

static void test_plan_of_token(void **state)
{
	struct fixture *f = *state;
	char tok[TOKEN_STR_LEN], ids[4][MANIFEST_ID_MAX + 1];
	struct boottoken bt;
	const char *why = NULL;
	size_t n;

	issue(f, f->a, 1000, tok);
	assert_int_equal(boottoken_check(f->t.inv, tok, MAC_A, 1001, &bt, &why),
			 0);
	assert_int_equal(boottoken_fixes(f->t.inv, &bt, ids, 4, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(ids[0], "av-defs");
	assert_string_equal(ids[1], "driver-fix");
	assert_int_equal(boottoken_has_fix(f->t.inv, &bt, "driver-fix"), 0);
	assert_int_equal(boottoken_has_fix(f->t.inv, &bt, "other"), -ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
			test_issued_token_works_for_its_client, setup, teardown),
		cmocka_unit_test_setup_teardown(test_only_the_hash_is_stored,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_other_client_refused, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_new_token_revokes_older,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_expired_token_refused,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_spent_token_refused, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_unknown_or_malformed_is_401,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_plan_of_token, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
