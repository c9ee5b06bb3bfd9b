/* SPDX-License-Identifier: MIT */
#include <stdint.h>

#include "fixd/txn.h"

/*
 * The rules of recovery, in order.  The last try is the run after
 * TXN_ATTEMPTS interrupted ones, or the last quarantine boot the server
 * allows for the fix (the plan's final_boot): no later run would settle
 * what this one leaves, so it is not spent trying the apply again.
 *
 * 1. A roll back had begun (the journal says so): finish it (BACK), or give
 *    up (GIVE_UP) on the last try; STUCK if it cannot be done.
 * 2. Every step is done and the hooks settled (none, or all ran): only the
 *    receipt and the cleanup are left, so FORWARD, whatever the attempts
 *    (nothing that was cut short is run again).
 * 3. On the last try: restore (rule 5).
 * 4. FORWARD if every step can be completed (a put is at its new content or
 *    its staged file holds it; a delete is at its old content or gone) and
 *    the hooks can run (none, all ran, or the fix's bundle is at hand).
 * 5. Otherwise BACK (GIVE_UP on the last try) if every step can be restored
 *    (at its old content, or its backup holds it, or a new file is at its
 *    new content and can be removed).
 * 6. Otherwise FORWARD if it can be done even on the last try (completing
 *    is all that is left); else STUCK: nothing is touched.
 */

/** Whether step i can be completed. */
static bool txn_can_forward(const struct journal_step *s, const struct txn_obs *o)
{
	if (o->at == TXN_AT_AFTER)
		return true;
	return s->kind == MANIFEST_OP_PUT ? o->staged : o->at == TXN_AT_BEFORE;
}

/** Whether step i can be restored. */
static bool txn_can_back(const struct journal_step *s, const struct txn_obs *o)
{
	if (o->at == TXN_AT_BEFORE)
		return true;
	return s->has_before ? o->backup : o->at == TXN_AT_AFTER;
}

/**
 * Index of the first step for which ok() is false, or SIZE_MAX.
 */
static size_t txn_first_not(const struct journal *j, const struct txn_obs *obs,
			    bool (*ok)(const struct journal_step *,
				       const struct txn_obs *))
{
	for (size_t i = 0; i < j->nsteps; i++) {
		if (!ok(&j->steps[i], &obs[i]))
			return i;
	}
	return SIZE_MAX;
}

/**
 * What to do with an interrupted apply.
 *
 * @v j		the journal as read
 * @v obs	where its steps stand
 * @v have_hooks	the fix's hooks can be run
 * @v final_boot	the server allows no later quarantine boot for the fix
 * @v why	the first step that blocks forward (BACK, GIVE_UP) or back
 *		(STUCK), or SIZE_MAX
 * @ret the decision
 */
enum txn_decision txn_decide(const struct journal *j, const struct txn_obs *obs,
			     bool have_hooks, bool final_boot, size_t *why)
{
	bool hooks_settled = j->hooks == 0 || j->hooks_done;
	bool last = final_boot || j->attempt >= TXN_ATTEMPTS;
	size_t no_back = txn_first_not(j, obs, txn_can_back);
	size_t no_forward = txn_first_not(j, obs, txn_can_forward);
	bool done = true, can_forward;

	for (size_t i = 0; i < j->nsteps; i++)
		done = done && obs[i].at == TXN_AT_AFTER;
	*why = no_forward;
	if (j->rollback) {
		*why = no_back;
		if (no_back != SIZE_MAX)
			return TXN_STUCK;
		return last ? TXN_GIVE_UP : TXN_BACK;
	}
	if (done && hooks_settled)
		return TXN_FORWARD;
	can_forward = no_forward == SIZE_MAX && (hooks_settled || have_hooks);
	if (!last && can_forward)
		return TXN_FORWARD;
	if (no_back == SIZE_MAX)
		return last ? TXN_GIVE_UP : TXN_BACK;
	if (can_forward)
		return TXN_FORWARD;
	*why = no_back;
	return TXN_STUCK;
}
