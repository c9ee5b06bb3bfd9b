/* SPDX-License-Identifier: MIT */
/*
 * GET /boot.ipxe: the boot decision applied to the inventory, and the
 * script rendered for it.  A boot that changes nothing (a known client
 * with no pair to count, fail or confirm: most boots of a fleet) is
 * decided from the thread's read-only connection and its records are
 * written behind (bootlog.h); any other boot is decided again, and
 * recorded, in one transaction of the inventory.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server/bootdecide.h"
#include "server/bootlog.h"
#include "server/boottoken.h"
#include "server/inventory.h"
#include "server/log.h"
#include "server/srv.h"

/** Render a local-boot or quarantine script. */
static int bootserve_render(const struct srv *srv,
			    const struct bd_output *d, const char *mac,
			    const char *token, struct buf *out)
{
	struct bootscript_vars v = {
		.server = srv->cfg->public_url,
		.agent_url = srv->cfg->agent_url ? srv->cfg->agent_url :
			     srv->cfg->public_url,
		.token = token,
		.mac = mac ? mac : "unknown",
		.kernel_args = srv->cfg->kernel_args,
		.retries = srv->retries,
		.reason = d->reason,
	};
	char bootif[3 + MAC_STR_LEN];
	enum bootscript_kind kind;

	if (mac) {
		snprintf(bootif, sizeof(bootif), "01-%s", mac);
		for (char *p = bootif; *p; p++)
			if (*p == ':')
				*p = '-';
		v.bootif = bootif;
	}
	kind = d->quarantine ? BS_QUARANTINE :
		d->platform == BD_EFI ? BS_LOCAL_EFI : BS_LOCAL_BIOS;
	buf_reset(out);
	return bootscript_render(&srv->scripts, kind, &v, out);
}

/**
 * Apply the decision to each pair.
 *
 * @v inv	inventory, transaction open
 * @v pairs	the client's pairs
 * @v d		the decision (its actions)
 * @v max_boots	the limit, for the failure's reason
 * @v now	Unix time
 * @v ids	the plan's fix ids, filled (d->nboot of them)
 * @ret rc	0 or a negative errno
 */
static int bootserve_pairs(struct inv *inv, struct inv_pair *pairs,
			   size_t npairs, const struct bd_output *d,
			   uint64_t max_boots, int64_t now, const char **ids)
{
	char reason[128];
	size_t nids = 0;
	int rc = 0;

	snprintf(reason, sizeof(reason), "boot limit: %llu quarantine boots "
		 "without a result", (unsigned long long)max_boots);
	for (size_t i = 0; rc == 0 && i < npairs; i++) {
		struct inv_pair *p = &pairs[i];

		if (p->state == ST_WAKING)
			rc = inv_event_add(inv, now, p->client_id, p->fix_id,
					   "wake-confirmed", NULL, NULL,
					   "boot request after a wake");
		if (rc < 0)
			break;
		switch (d->actions[i]) {
		case BD_KEEP:
			break;
		case BD_FAIL:
			rc = state_move(inv, p, ST_FAILED, reason, now);
			break;
		case BD_BOOT:
			p->boots++;
			rc = inv_pair_store(inv, p, now);
			if (rc == 0)
				rc = state_move(inv, p, ST_BOOTING, NULL, now);
			ids[nids++] = p->fix_id;
			break;
		}
	}
	return rc;
}

/**
 * Run the decision on a client's pairs.
 *
 * @v pairs	the client's pairs
 * @v bi	the input but its pairs (known, platform, limit)
 * @v d		the decision; d->actions allocated here: free() it
 * @ret rc	0 or -ENOMEM
 */
static int bootserve_run(const struct inv_pair *pairs, size_t npairs,
			 struct bd_input *bi, struct bd_output *d)
{
	struct bd_pair_in *in = calloc(npairs + 1, sizeof(*in));

	d->actions = calloc(npairs + 1, sizeof(*d->actions));
	if (!in || !d->actions) {
		free(in);
		free(d->actions);
		d->actions = NULL;
		return -ENOMEM;
	}
	for (size_t i = 0; i < npairs; i++) {
		in[i].state = pairs[i].state;
		in[i].boots = pairs[i].boots;
	}
	bi->pairs = in;
	bi->npairs = npairs;
	bootdecide(bi, d);
	bi->pairs = NULL;
	free(in);
	return 0;
}

/**
 * Decide for a known or new client, in one transaction.
 *
 * @v srv	server
 * @v req	checked request
 * @v now	Unix time
 * @v d		the decision (its actions freed here)
 * @v token	the issued token when quarantined
 * @ret rc	0 or a negative errno
 */
static int bootserve_decide(const struct srv *srv, const struct bd_request *req,
			    int64_t now, struct bd_output *d,
			    char token[TOKEN_STR_LEN])
{
	struct inv *inv = srv->inv;
	struct inv_pair *pairs = NULL;
	const char **ids = NULL;
	struct inv_client c;
	struct bd_input bi = { .platform = req->platform,
			       .max_boots = srv->cfg->max_boots };
	struct bootlog_rec rec;
	int64_t boot_id;
	size_t npairs = 0;
	int rc;

	d->actions = NULL;
	rc = inv_tx_begin(inv);
	if (rc < 0)
		return rc;
	rc = inv_client_by_mac(inv, req->mac_str, &c);
	if (rc == -ENOENT)
		rc = inv_client_discover(inv, req->mac_str, now, &c.id);
	else if (rc == 0)
		bi.known = true;
	if (rc == 0 && bi.known)
		rc = inv_pairs_of_client(inv, c.id, &pairs, &npairs);
	if (rc < 0)
		goto out;
	ids = calloc(npairs + 1, sizeof(*ids));
	rc = ids ? bootserve_run(pairs, npairs, &bi, d) : -ENOMEM;
	if (rc < 0)
		goto out;
	bootlog_rec_fill(&rec, c.id, now, req, d);
	rc = bootlog_write(inv, &rec, &boot_id);
	if (rc == 0)
		rc = bootserve_pairs(inv, pairs, npairs, d, bi.max_boots, now,
				     ids);
	if (rc == 0 && d->quarantine)
		rc = boottoken_issue(inv, c.id, boot_id, ids, d->nboot, now,
				     srv->cfg->token_ttl, token);
out:
	rc = inv_tx_end(inv, rc);
	free(d->actions);
	d->actions = NULL;
	free(ids);
	free(pairs);
	return rc;
}

/**
 * The fast path: decide from the committed inventory, without its lock, a
 * boot that changes nothing (a known client, no pair to count, fail or
 * confirm), and queue its records to be written behind.
 *
 * @v srv	server
 * @v req	checked request
 * @v now	Unix time
 * @v d		the decision, when answered here
 * @ret rc	1 answered, 0 not for this path: decide in a transaction
 *		(a change to make, a new client, the queue full, a reader's
 *		error)
 */
static int bootserve_peek(const struct srv *srv, const struct bd_request *req,
			  int64_t now, struct bd_output *d)
{
	struct inv *r;
	struct inv_pair *pairs = NULL;
	struct inv_client c;
	struct bd_input bi = { .known = true, .platform = req->platform,
			       .max_boots = srv->cfg->max_boots };
	struct bootlog_rec rec;
	size_t npairs = 0;
	int rc;

	d->actions = NULL;
	rc = inv_reader(srv->inv, &r);
	if (rc == 0)
		rc = inv_read_begin(r);
	if (rc < 0)
		return 0;
	rc = inv_client_by_mac(r, req->mac_str, &c);
	if (rc == 0)
		rc = inv_pairs_of_client(r, c.id, &pairs, &npairs);
	rc = inv_read_end(r, rc);
	if (rc < 0)
		goto out;
	for (size_t i = 0; i < npairs; i++)
		if (pairs[i].state == ST_WAKING)
			goto out;		/* a wake to confirm */
	rc = bootserve_run(pairs, npairs, &bi, d);
	if (rc < 0 || d->quarantine || d->nfail)
		goto out;
	bootlog_rec_fill(&rec, c.id, now, req, d);
	rc = bootlog_add(srv->bootlog, &rec) == 0;
out:
	free(d->actions);
	d->actions = NULL;
	free(pairs);
	return rc < 0 ? 0 : rc;	/* a new client (discover it), an error */
}

/**
 * Answer /boot.ipxe.
 *
 * @v srv	server
 * @v has_query	false for the entry script
 * @v mac, uuid, arch, platform	query values (NULL: absent)
 * @v now	Unix time
 * @v out	the script
 * @ret rc	0, or -ENOMEM / -EFBIG
 */
int bootserve(const struct srv *srv, bool has_query, const char *mac,
	      const char *uuid, const char *arch, const char *platform,
	      int64_t now, struct buf *out)
{
	struct bootscript_vars entry = { .server = srv->cfg->public_url,
					 .retries = srv->retries };
	char token[TOKEN_STR_LEN] = "";
	struct bd_request req;
	struct bd_output d;
	const char *why;
	int rc;

	if (!has_query)
		return bootscript_render(&srv->scripts, BS_ENTRY, &entry, out);
	rc = bd_parse(mac, uuid, arch, platform, &req, &why);
	if (rc < 0) {
		log_warn("boot", "malformed /boot.ipxe request (%s): local boot",
			 why);
		bootdecide_malformed(req.platform, why, &d);
		return bootserve_render(srv, &d, NULL, NULL, out);
	}
	rc = bootserve_peek(srv, &req, now, &d);
	if (rc == 0)
		rc = bootserve_decide(srv, &req, now, &d, token);
	if (rc < 0) {
		log_err("boot", "%s: inventory error (%s): local boot",
			req.mac_str, strerror(-rc));
		bootdecide_malformed(req.platform, "server error", &d);
		snprintf(d.reason, sizeof(d.reason), "fix server error");
		return bootserve_render(srv, &d, req.mac_str, NULL, out);
	}
	log_info("boot", "%s: %s (%s)", req.mac_str,
		 d.quarantine ? "quarantine" : "local boot", d.reason);
	rc = bootserve_render(srv, &d, req.mac_str, d.quarantine ? token : NULL,
			      out);
	memset(token, 0, sizeof(token));
	return rc;
}
