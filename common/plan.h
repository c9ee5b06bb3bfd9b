/* SPDX-License-Identifier: MIT */
#ifndef FIXNET_COMMON_PLAN_H
#define FIXNET_COMMON_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"
#include "common/err.h"
#include "common/hex.h"
#include "common/mac.h"

/*
 * GET /api/v1/plan answers (docs/protocol.md):
 *
 *   {"version": 1, "client": "52:54:00:12:34:56", "expires": 1790000000,
 *    "fixes": [{"id": "av-2026-11", "serial": 3,
 *               "bundle": {"url": "/api/v1/fix/av-2026-11/bundle",
 *                          "size": 12345, "sha256": "<64 hex>"},
 *               "signature": {"url": "/api/v1/fix/av-2026-11/signature",
 *                             "size": 297},
 *               "final_boot": true}]}
 *
 * URLs are paths on the server that answered.  "final_boot" is optional
 * (false when absent, and written only when true, so that a plan without
 * it reads and writes as before): this quarantine boot is the last one the
 * server allows for the pair (max_boots), so an interrupted apply of the
 * fix found on the target is rolled back, not tried again.
 */

struct plan_file {
	char *url;		/* absolute path, starting with '/' */
	uint64_t size;		/* exact size; also the download cap */
	uint8_t sha256[SHA256_LEN];	/* bundle only */
	int has_sha256;
};

struct plan_fix {
	char *id;
	uint64_t serial;
	struct plan_file bundle;
	struct plan_file signature;
	bool final_boot;	/* the last quarantine boot allowed for it */
};

struct plan {
	struct mac client;
	int64_t expires;	/* Unix time the token stops working */
	struct plan_fix *fixes;
	size_t nfixes;
};

/**
 * Parse a plan (untrusted, at most PROTO_PLAN_MAX bytes): version must be
 * PROTO_VERSION, at most PROTO_PLAN_FIXES_MAX fixes, each id once, URLs
 * paths starting with a single '/', bundle size 1..PROTO_BUNDLE_MAX with a
 * sha256, signature size 1..PROTO_SIG_MAX, final_boot (if present) a
 * boolean.
 * @ret 0 and *out to free with plan_free(), -EINVAL, -EFBIG, -ENOMEM
 */
int plan_parse(const char *json, size_t len, struct plan **out,
	       struct err *err);

/**
 * Serialise a plan (server side); the text is parsed back first, so that
 * the server never sends a plan the agent refuses.
 * @ret 0, -EINVAL (breaks a rule), -EFBIG, -ENOMEM
 */
int plan_format(const struct plan *p, struct buf *out);

/** Free a plan and everything it owns; accepts NULL. */
void plan_free(struct plan *p);

#endif
