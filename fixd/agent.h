/* SPDX-License-Identifier: MIT */
#ifndef FIXD_AGENT_H
#define FIXD_AGENT_H

#include "common/mac.h"
#include "fixd/fix.h"
#include "fixd/http.h"
#include "fixd/log.h"

/*
 * One session with the fix server (docs/protocol.md): the plan, then for
 * each fix in order an event, the signature, the bundle, an event, the
 * apply and the report; at the end the log upload, which spends the token.
 * Processing stops at the first fix that is refused or fails (the plan's
 * order matters); a skipped fix does not stop it.
 *
 * After a temporary failure the log is not uploaded, so that the token still
 * opens a session when /init runs fixd again.
 */

#define EXIT_DONE 0
#define EXIT_PERMANENT 100
#define EXIT_TEMPORARY 111

struct agent {
	struct log *log;
	struct http *http;
	struct fix_ctx *fix;
	struct mac mac;
};

/**
 * Run a whole session.
 * @ret EXIT_DONE, EXIT_PERMANENT or EXIT_TEMPORARY
 */
int agent_run(struct agent *ag);

#endif
