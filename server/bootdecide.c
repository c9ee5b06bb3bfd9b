/* SPDX-License-Identifier: MIT */
/*
 * The boot decision (DESIGN.md, "Decide"): quarantine while a fix is pending
 * and attempts remain, the local disk otherwise.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "common/protocol.h"
#include "server/bootdecide.h"

/** True if s is 1..max characters of [a-z0-9_-]. */
static bool bd_word(const char *s, size_t max)
{
	size_t n = strlen(s);

	if (n == 0 || n > max)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == '_' || c == '-'))
			return false;
	}
	return true;
}

/**
 * Check the query values.
 *
 * @v mac, uuid, arch, platform	query values, NULL if absent
 * @v out	the checked request
 * @v why	reason when refused
 * @ret rc	0 or -EINVAL
 */
int bd_parse(const char *mac, const char *uuid, const char *arch,
	     const char *platform, struct bd_request *out, const char **why)
{
	struct uuid u;

	memset(out, 0, sizeof(*out));
	out->platform = BD_PCBIOS;
	if (platform && strcmp(platform, "efi") == 0)
		out->platform = BD_EFI;
	if (!mac) {
		*why = "no mac in the query";
		return -EINVAL;
	}
	if (strlen(mac) > BD_QUERY_VALUE_MAX || mac_parse(mac, &out->mac) < 0 ||
	    !mac_is_unicast(&out->mac)) {
		*why = "invalid mac";
		return -EINVAL;
	}
	mac_format(&out->mac, out->mac_str);
	if (uuid && *uuid) {
		if (strlen(uuid) > BD_QUERY_VALUE_MAX ||
		    uuid_parse(uuid, &u) < 0) {
			*why = "invalid uuid";
			return -EINVAL;
		}
		uuid_format(&u, out->uuid);
		out->has_uuid = true;
	}
	if (arch && *arch) {
		if (!bd_word(arch, BD_ARCH_MAX)) {
			*why = "invalid arch";
			return -EINVAL;
		}
		strcpy(out->arch, arch);
	}
	if (platform && *platform) {
		if (!bd_word(platform, BD_PLATFORM_MAX)) {
			*why = "invalid platform";
			return -EINVAL;
		}
		strcpy(out->platform_str, platform);
	}
	return 0;
}

/**
 * Decide what the client boots.
 *
 * @v in	the client's pairs and the limits
 * @v out	the decision
 */
void bootdecide(const struct bd_input *in, struct bd_output *out)
{
	size_t nheld = 0;

	out->quarantine = false;
	out->platform = in->platform;
	out->nboot = 0;
	out->nfail = 0;
	if (!in->known) {
		snprintf(out->reason, sizeof(out->reason), "unknown client");
		for (size_t i = 0; i < in->npairs; i++)
			out->actions[i] = BD_KEEP;
		return;
	}
	for (size_t i = 0; i < in->npairs; i++) {
		const struct bd_pair_in *p = &in->pairs[i];

		out->actions[i] = BD_KEEP;
		nheld += p->state == ST_HELD;
		if (!state_is_active(p->state))
			continue;
		if (p->boots >= in->max_boots) {
			out->actions[i] = BD_FAIL;
			out->nfail++;
		} else if (out->nboot < PROTO_PLAN_FIXES_MAX) {
			out->actions[i] = BD_BOOT;
			out->nboot++;
		}
	}
	out->quarantine = out->nboot > 0;
	if (out->quarantine)
		snprintf(out->reason, sizeof(out->reason), "%zu fix%s pending",
			 out->nboot, out->nboot == 1 ? "" : "es");
	else if (out->nfail)
		snprintf(out->reason, sizeof(out->reason),
			 "boot limit reached (%llu quarantine boots)",
			 (unsigned long long)in->max_boots);
	else if (nheld)
		snprintf(out->reason, sizeof(out->reason), "no fix pending, "
			 "%zu held", nheld);
	else
		snprintf(out->reason, sizeof(out->reason), "no fix pending");
}

/**
 * Local boot for a request that could not be read.
 *
 * @v platform	the platform, if it could be read (else BIOS)
 * @v why	what was wrong
 * @v out	the decision (no actions)
 */
void bootdecide_malformed(enum bd_platform platform, const char *why,
			  struct bd_output *out)
{
	out->quarantine = false;
	out->platform = platform;
	out->nboot = 0;
	out->nfail = 0;
	snprintf(out->reason, sizeof(out->reason), "malformed request: %s", why);
}
