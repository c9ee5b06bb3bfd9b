/* SPDX-License-Identifier: MIT */
/* The state machine of a (client, fix) pair. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "server/inventory.h"
#include "server/state.h"
#include "server/test/testinv.h"

static void test_names_round_trip(void **state)
{
	enum pair_state s;

	(void)state;
	for (unsigned i = 0; i < ST__COUNT; i++) {
		assert_int_equal(state_parse(state_name((enum pair_state)i), &s),
				 0);
		assert_int_equal(s, i);
	}
	assert_int_equal(state_parse("done", &s), -EINVAL);
	assert_int_equal(state_parse("", &s), -EINVAL);
	assert_string_equal(state_name(ST__COUNT), "?");
}

static void test_agent_path_allowed(void **state)
{
	static const enum pair_state path[] = {
		ST_PENDING, ST_WAKING, ST_BOOTING, ST_DOWNLOADING,
		ST_VERIFYING, ST_APPLYING, ST_APPLIED,
	};

	(void)state;
	for (size_t i = 0; i + 1 < sizeof(path) / sizeof(path[0]); i++)
		assert_true(state_allowed(path[i], path[i + 1]));
	/* the agent may report without progress events */
	assert_true(state_allowed(ST_BOOTING, ST_APPLIED));
	assert_true(state_allowed(ST_BOOTING, ST_SKIPPED));
	assert_true(state_allowed(ST_DOWNLOADING, ST_FAILED));
	/* a reboot in the middle of a session is another boot */
	assert_true(state_allowed(ST_APPLYING, ST_BOOTING));
}

static void test_terminal_states_only_repend(void **state)
{
	(void)state;
	for (unsigned to = 0; to < ST__COUNT; to++)
		assert_int_equal(state_allowed(ST_APPLIED, (enum pair_state)to),
				 to == ST_PENDING);
	assert_false(state_allowed(ST_FAILED, ST_DOWNLOADING));
	assert_false(state_allowed(ST_SKIPPED, ST_APPLIED));
}

/* A held pair goes back to pending when assigned again, and takes the
 * outcome of a session that was under way, but no progress: the agent is
 * stopped before it applies. */
static void test_held_takes_only_outcomes(void **state)
{
	(void)state;
	for (unsigned to = 0; to < ST__COUNT; to++)
		assert_int_equal(state_allowed(ST_HELD, (enum pair_state)to),
				 to == ST_PENDING || to == ST_APPLIED ||
				 to == ST_FAILED || to == ST_SKIPPED);
	/* every pair that could still be quarantined can be held */
	for (unsigned from = 0; from < ST__COUNT; from++)
		if (state_is_active((enum pair_state)from))
			assert_true(state_allowed((enum pair_state)from,
						  ST_HELD));
	assert_false(state_allowed(ST_APPLIED, ST_HELD));
}

static void test_no_progress_before_boot(void **state)
{
	(void)state;
	assert_false(state_allowed(ST_PENDING, ST_DOWNLOADING));
	assert_false(state_allowed(ST_PENDING, ST_APPLIED));
	assert_false(state_allowed(ST_WAKING, ST_APPLYING));
	assert_false(state_allowed(ST_PENDING, ST__COUNT));
}

static void test_active_states(void **state)
{
	(void)state;
	assert_true(state_is_active(ST_PENDING));
	assert_true(state_is_active(ST_APPLYING));
	assert_false(state_is_active(ST_APPLIED));
	assert_false(state_is_active(ST_FAILED));
	assert_false(state_is_active(ST_HELD));
}

static void test_move_stores_and_logs(void **state)
{
	struct testinv t;
	struct inv_pair p;
	int64_t id;
	bool made;

	(void)state;
	testinv_open(&t);
	id = testinv_client(&t, "52:54:00:00:00:01");
	testinv_fix(&t, "av-defs", 1);
	assert_int_equal(inv_tx_begin(t.inv), 0);
	assert_int_equal(inv_pair_assign(t.inv, id, "av-defs", 1000, &made), 0);
	assert_true(made);
	assert_int_equal(inv_pair_get(t.inv, id, "av-defs", &p), 0);
	assert_int_equal(p.state, ST_PENDING);
	assert_int_equal(state_move(t.inv, &p, ST_BOOTING, NULL, 1001), 0);
	assert_int_equal(inv_tx_end(t.inv, 0), 0);

	assert_int_equal(p.state, ST_BOOTING);
	assert_int_equal(testinv_count(&t, "SELECT count(*) FROM pairs WHERE "
				       "state = 'booting'"), 1);
	assert_int_equal(testinv_count(&t, "SELECT count(*) FROM events WHERE "
				       "kind = 'state' AND from_state = "
				       "'pending' AND to_state = 'booting'"), 1);
	testinv_close(&t);
}

static void test_refused_move_changes_nothing(void **state)
{
	struct testinv t;
	struct inv_pair p;
	int64_t id, before;
	bool made;

	(void)state;
	testinv_open(&t);
	id = testinv_client(&t, "52:54:00:00:00:01");
	testinv_fix(&t, "av-defs", 1);
	assert_int_equal(inv_tx_begin(t.inv), 0);
	assert_int_equal(inv_pair_assign(t.inv, id, "av-defs", 1000, &made), 0);
	assert_int_equal(inv_tx_end(t.inv, 0), 0);
	before = testinv_count(&t, "SELECT count(*) FROM events");

	assert_int_equal(inv_tx_begin(t.inv), 0);
	assert_int_equal(inv_pair_get(t.inv, id, "av-defs", &p), 0);
	assert_int_equal(state_move(t.inv, &p, ST_APPLIED, "x", 1001), -EPERM);
	assert_int_equal(inv_tx_end(t.inv, 0), 0);
	assert_int_equal(p.state, ST_PENDING);
	assert_int_equal(testinv_count(&t, "SELECT count(*) FROM events"),
			 before);
	assert_int_equal(testinv_count(&t, "SELECT count(*) FROM pairs WHERE "
				       "state = 'pending'"), 1);
	testinv_close(&t);
}

static void test_events_are_append_only(void **state)
{
	struct testinv t;

	(void)state;
	testinv_open(&t);
	testinv_client(&t, "52:54:00:00:00:01");
	assert_int_not_equal(sqlite3_exec(t.inv->db, "UPDATE events SET kind = "
					  "'x'", NULL, NULL, NULL), SQLITE_OK);
	assert_int_not_equal(sqlite3_exec(t.inv->db, "DELETE FROM events",
					  NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(testinv_count(&t, "SELECT count(*) FROM events WHERE "
				       "kind = 'client-added'"), 1);
	testinv_close(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names_round_trip),
		cmocka_unit_test(test_agent_path_allowed),
		cmocka_unit_test(test_terminal_states_only_repend),
		cmocka_unit_test(test_held_takes_only_outcomes),
		cmocka_unit_test(test_no_progress_before_boot),
		cmocka_unit_test(test_active_states),
		cmocka_unit_test(test_move_stores_and_logs),
		cmocka_unit_test(test_refused_move_changes_nothing),
		cmocka_unit_test(test_events_are_append_only),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
