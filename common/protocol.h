/* SPDX-License-Identifier: MIT */
#ifndef FIXNET_COMMON_PROTOCOL_H
#define FIXNET_COMMON_PROTOCOL_H

/*
 * The agent protocol between fixd and fixsrv; docs/protocol.md is the
 * reference.  Every request carries
 *   Authorization: Bearer <boot token>
 *   X-Fixnet-Client: <the agent's boot MAC, aa:bb:cc:dd:ee:ff>
 */

#define PROTO_VERSION 1

#define PROTO_PATH_PLAN "/api/v1/plan"
#define PROTO_PATH_FIX "/api/v1/fix/"		/* + ID + "/bundle" or "/signature" */
#define PROTO_PATH_EVENT "/api/v1/event"
#define PROTO_PATH_REPORT "/api/v1/report"
#define PROTO_PATH_LOG "/api/v1/log"
#define PROTO_PATH_BOOT "/boot.ipxe"

#define PROTO_HDR_CLIENT "X-Fixnet-Client"

#define PROTO_PLAN_MAX (64 * 1024)		/* plan body */
#define PROTO_PLAN_FIXES_MAX 32			/* fixes in one plan */
#define PROTO_EVENT_MAX (4 * 1024)		/* event body */
#define PROTO_REPORT_MAX (4 * 1024 * 1024)	/* report body */
#define PROTO_LOG_MAX (256 * 1024)		/* log upload */
#define PROTO_MESSAGE_MAX 1024			/* reason / message strings */
#define PROTO_URL_MAX 2048
#define PROTO_BUNDLE_MAX (1024ULL * 1024 * 1024)	/* hard cap on any bundle */
#define PROTO_SIG_MAX 4096

#endif
