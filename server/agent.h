/* SPDX-License-Identifier: MIT */
#ifndef FIXNET_SERVER_AGENT_H
#define FIXNET_SERVER_AGENT_H

#include <stdbool.h>
#include <stdint.h>

#include "common/mac.h"
#include "server/boottoken.h"
#include "server/http.h"

/* What a checked agent request knows. */
struct agent_req {
	struct boottoken tok;
	char mac[MAC_STR_LEN];
	int64_t now;
};

/**
 * Check X-Fixnet-Client and the bearer token, inside the caller's
 * transaction.  @ret 0, or the HTTP status of the refusal (why says it)
 */
unsigned agent_check(struct http_call *c, struct agent_req *a,
		     const char **why);

/**
 * The same check, in a transaction of its own, made when a request with a
 * body arrives: a refused body is then discarded unread.
 */
unsigned agent_precheck(struct http_call *c, const char **why);

/**
 * agent_check() that queues the refusal, inside the caller's
 * transaction.  Refusals: 401 (no or unknown token), 400 (bad client
 * header), 403 (another client's, spent, revoked, expired).
 *
 * @v ret	the refusal queued when false is returned
 * @ret true if the request may go on
 */
bool agent_auth(struct http_call *c, struct agent_req *a,
		enum MHD_Result *ret);

#endif
