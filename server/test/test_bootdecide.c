/* SPDX-License-Identifier: MIT */
/* The boot decision, without HTTP or inventory. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "common/protocol.h"
#include "server/bootdecide.h"

#define MAX_BOOTS 3

/** Decide for a known client with the given pairs. */
static void decide(const struct bd_pair_in *pairs, size_t n,
		   enum bd_pair_action *actions, struct bd_output *out)
{
	struct bd_input in = { .known = true, .platform = BD_PCBIOS,
			       .pairs = pairs, .npairs = n,
			       .max_boots = MAX_BOOTS };

	out->actions = actions;
	bootdecide(&in, out);
}

static void test_pending_fix_quarantines(void **state)
{
	struct bd_pair_in p[] = { { ST_PENDING, 0 } };
	enum bd_pair_action a[1];
	struct bd_output out;

	(void)state;
	decide(p, 1, a, &out);
	assert_true(out.quarantine);
	assert_int_equal(a[0], BD_BOOT);
	assert_int_equal(out.nboot, 1);
	assert_string_equal(out.reason, "1 fix pending");
}

static void test_interrupted_session_boots_again(void **state)
{
	struct bd_pair_in p[] = { { ST_DOWNLOADING, 1 }, { ST_WAKING, 0 } };
	enum bd_pair_action a[2];
	struct bd_output out;

	(void)state;
	decide(p, 2, a, &out);
	assert_true(out.quarantine);
	assert_int_equal(a[0], BD_BOOT);
	assert_int_equal(a[1], BD_BOOT);
	assert_string_equal(out.reason, "2 fixes pending");
}

static void test_applied_boots_locally(void **state)
{
	struct bd_pair_in p[] = { { ST_APPLIED, 1 }, { ST_SKIPPED, 1 },
				  { ST_FAILED, 3 } };
	enum bd_pair_action a[3];
	struct bd_output out;

	(void)state;
	decide(p, 3, a, &out);
	assert_false(out.quarantine);
	assert_int_equal(a[0], BD_KEEP);
	assert_int_equal(a[1], BD_KEEP);
	assert_int_equal(a[2], BD_KEEP);
	assert_string_equal(out.reason, "no fix pending");
}

static void test_no_pairs_boots_locally(void **state)
{
	enum bd_pair_action a[1];
	struct bd_output out;

	(void)state;
	decide(NULL, 0, a, &out);
	assert_false(out.quarantine);
	assert_string_equal(out.reason, "no fix pending");
}

static void test_unknown_client_boots_locally(void **state)
{
	struct bd_pair_in p[] = { { ST_PENDING, 0 } };
	struct bd_input in = { .known = false, .platform = BD_EFI, .pairs = p,
			       .npairs = 1, .max_boots = MAX_BOOTS };
	enum bd_pair_action a[1];
	struct bd_output out = { .actions = a };

	(void)state;
	bootdecide(&in, &out);
	assert_false(out.quarantine);
	assert_int_equal(out.platform, BD_EFI);
	assert_int_equal(a[0], BD_KEEP);
	assert_string_equal(out.reason, "unknown client");
}

static void test_last_allowed_boot(void **state)
{
	struct bd_pair_in p[] = { { ST_BOOTING, MAX_BOOTS - 1 } };
	enum bd_pair_action a[1];
	struct bd_output out;

	(void)state;
	decide(p, 1, a, &out);
	assert_true(out.quarantine);
	assert_int_equal(a[0], BD_BOOT);
}

static void test_boot_limit_fails_pair(void **state)
{
	struct bd_pair_in p[] = { { ST_BOOTING, MAX_BOOTS } };
	enum bd_pair_action a[1];
	struct bd_output out;

	(void)state;
	decide(p, 1, a, &out);
	assert_false(out.quarantine);
	assert_int_equal(a[0], BD_FAIL);
	assert_int_equal(out.nfail, 1);
	assert_string_equal(out.reason, "boot limit reached (3 quarantine "
			    "boots)");
}

static void test_limit_of_one_pair_spares_the_other(void **state)
{
	struct bd_pair_in p[] = { { ST_APPLYING, MAX_BOOTS },
				  { ST_PENDING, 0 } };
	enum bd_pair_action a[2];
	struct bd_output out;

	(void)state;
	decide(p, 2, a, &out);
	assert_true(out.quarantine);
	assert_int_equal(a[0], BD_FAIL);
	assert_int_equal(a[1], BD_BOOT);
}

static void test_held_is_not_booted(void **state)
{
	struct bd_pair_in p[] = { { ST_HELD, 0 } };
	enum bd_pair_action a[1];
	struct bd_output out;

	(void)state;
	decide(p, 1, a, &out);
	assert_false(out.quarantine);
	assert_int_equal(a[0], BD_KEEP);
	assert_string_equal(out.reason, "no fix pending, 1 held");
}

static void test_plan_is_capped(void **state)
{
	struct bd_pair_in p[PROTO_PLAN_FIXES_MAX + 5];
	enum bd_pair_action a[PROTO_PLAN_FIXES_MAX + 5];
	struct bd_output out;

	(void)state;
	for (size_t i = 0; i < PROTO_PLAN_FIXES_MAX + 5; i++)
		p[i] = (struct bd_pair_in){ ST_PENDING, 0 };
	decide(p, PROTO_PLAN_FIXES_MAX + 5, a, &out);
	assert_int_equal(out.nboot, PROTO_PLAN_FIXES_MAX);
	assert_int_equal(a[PROTO_PLAN_FIXES_MAX - 1], BD_BOOT);
	assert_int_equal(a[PROTO_PLAN_FIXES_MAX], BD_KEEP);
}

static void test_parse_good_query(void **state)
{
	struct bd_request r;
	const char *why = NULL;

	(void)state;
	assert_int_equal(bd_parse("52-54-00-AB-CD-EF",
				  "4C4C4544-0042-3110-8034-B4C04F4B4E31",
				  "x86_64", "efi", &r, &why), 0);
	assert_string_equal(r.mac_str, "52:54:00:ab:cd:ef");
	assert_true(r.has_uuid);
	assert_string_equal(r.uuid, "4c4c4544-0042-3110-8034-b4c04f4b4e31");
	assert_string_equal(r.arch, "x86_64");
	assert_int_equal(r.platform, BD_EFI);
}

static void test_parse_empty_uuid_and_unknown_platform(void **state)
{
	struct bd_request r;
	const char *why = NULL;

	(void)state;
	assert_int_equal(bd_parse("52:54:00:ab:cd:ef", "", "i386", "riscv",
				  &r, &why), 0);
	assert_false(r.has_uuid);
	assert_int_equal(r.platform, BD_PCBIOS);
}

static void test_parse_refuses_bad_values(void **state)
{
	char longv[BD_QUERY_VALUE_MAX + 10];
	struct bd_request r;
	const char *why = NULL;

	(void)state;
	memset(longv, 'a', sizeof(longv) - 1);
	longv[sizeof(longv) - 1] = '\0';
	assert_int_equal(bd_parse(NULL, NULL, NULL, NULL, &r, &why), -EINVAL);
	assert_string_equal(why, "no mac in the query");
	assert_int_equal(bd_parse("52:54:00:ab:cd", NULL, NULL, NULL, &r, &why),
			 -EINVAL);
	assert_string_equal(why, "invalid mac");
	assert_int_equal(bd_parse("ff:ff:ff:ff:ff:ff", NULL, NULL, NULL, &r,
				  &why), -EINVAL);
	assert_int_equal(bd_parse("52:54:00:ab:cd:ef'; DROP TABLE clients;--",
				  NULL, NULL, NULL, &r, &why), -EINVAL);
	assert_int_equal(bd_parse("52:54:00:ab:cd:ef", "not-a-uuid", NULL,
				  NULL, &r, &why), -EINVAL);
	assert_string_equal(why, "invalid uuid");
	assert_int_equal(bd_parse("52:54:00:ab:cd:ef", NULL, "x86 64", NULL,
				  &r, &why), -EINVAL);
	assert_int_equal(bd_parse("52:54:00:ab:cd:ef", NULL, longv, NULL, &r,
				  &why), -EINVAL);
	assert_int_equal(bd_parse("52:54:00:ab:cd:ef", NULL, NULL, "efi\n",
				  &r, &why), -EINVAL);
	assert_int_equal(bd_parse(longv, NULL, NULL, NULL, &r, &why), -EINVAL);
}

static void test_malformed_keeps_platform(void **state)
{
	struct bd_request r;
	struct bd_output out;
	const char *why = NULL;

	(void)state;
	assert_int_equal(bd_parse("zz", NULL, NULL, "efi", &r, &why), -EINVAL);
	bootdecide_malformed(r.platform, why, &out);
	assert_false(out.quarantine);
	assert_int_equal(out.platform, BD_EFI);
	assert_string_equal(out.reason, "malformed request: invalid mac");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pending_fix_quarantines),
		cmocka_unit_test(test_interrupted_session_boots_again),
		cmocka_unit_test(test_applied_boots_locally),
		cmocka_unit_test(test_no_pairs_boots_locally),
		cmocka_unit_test(test_unknown_client_boots_locally),
		cmocka_unit_test(test_last_allowed_boot),
		cmocka_unit_test(test_boot_limit_fails_pair),
		cmocka_unit_test(test_limit_of_one_pair_spares_the_other),
		cmocka_unit_test(test_held_is_not_booted),
		cmocka_unit_test(test_plan_is_capped),
		cmocka_unit_test(test_parse_good_query),
		cmocka_unit_test(test_parse_empty_uuid_and_unknown_platform),
		cmocka_unit_test(test_parse_refuses_bad_values),
		cmocka_unit_test(test_malformed_keeps_platform),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
