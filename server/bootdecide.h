/* SPDX-License-Identifier: MIT */
#ifndef FIXNET_SERVER_BOOTDECIDE_H
#define FIXNET_SERVER_BOOTDECIDE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/mac.h"
#include "common/uuid.h"
#include "server/state.h"

/*
 * The fix detector: what a client that asks for /boot.ipxe boots.  Pure
 * functions, no inventory and no HTTP, so that unit tests drive them.
 */

#define BD_ARCH_MAX 16		/* ${buildarch}: i386, x86_64, arm64 ... */
#define BD_PLATFORM_MAX 16	/* ${platform}: pcbios, efi */
#define BD_QUERY_VALUE_MAX 64	/* any one query value */
#define BD_REASON_MAX 128

enum bd_platform { BD_PCBIOS, BD_EFI };

/* The client's identity from the query string, checked. */
struct bd_request {
	struct mac mac;
	char mac_str[MAC_STR_LEN];
	bool has_uuid;
	char uuid[UUID_STR_LEN];
	char arch[BD_ARCH_MAX + 1];	/* "" if not given */
	char platform_str[BD_PLATFORM_MAX + 1];	/* "" if not given */
	enum bd_platform platform;	/* unknown platform: BIOS */
};

/**
 * Check the query values (each may be NULL: absent).  mac is required and
 * must be a unicast MAC; uuid, if not empty, 8-4-4-4-12; arch and platform
 * short words of [a-z0-9_-].
 *
 * @v why	set to a one-line reason when refused
 * @ret 0, or -EINVAL (the request is malformed)
 */
int bd_parse(const char *mac, const char *uuid, const char *arch,
	     const char *platform, struct bd_request *out, const char **why);

/** What the decision wants done to one pair. */
enum bd_pair_action {
	BD_KEEP,	/* leave it: terminal, held, or past the plan's size */
	BD_BOOT,	/* count a quarantine boot, move it to booting */
	BD_FAIL,	/* boot limit reached: failed */
};

struct bd_pair_in {
	enum pair_state state;
	uint64_t boots;		/* quarantine boots so far */
};

struct bd_input {
	bool known;		/* the MAC is in the inventory */
	enum bd_platform platform;
	const struct bd_pair_in *pairs;	/* the client's pairs, in order */
	size_t npairs;
	uint64_t max_boots;	/* quarantine boots allowed per pair */
};

struct bd_output {
	bool quarantine;	/* else local boot */
	enum bd_platform platform;
	enum bd_pair_action *actions;	/* npairs entries, caller's array */
	size_t nboot;		/* pairs in the plan */
	size_t nfail;		/* pairs that hit the limit now */
	char reason[BD_REASON_MAX];
};

/**
 * Decide.  out->actions must have room for in->npairs entries.
 */
void bootdecide(const struct bd_input *in, struct bd_output *out);

/** The local-boot decision for a malformed request (reason given). */
void bootdecide_malformed(enum bd_platform platform, const char *why,
			  struct bd_output *out);

#endif
