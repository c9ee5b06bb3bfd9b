/* SPDX-License-Identifier: MIT */
#ifndef FIXNET_COMMON_REPORT_H
#define FIXNET_COMMON_REPORT_H

#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"
#include "common/err.h"
#include "common/hex.h"

/*
 * POST /api/v1/report body (docs/protocol.md): the outcome of one fix, with
 * the evidence, the hashes of every touched path before and after.
 *
 *   {"fix": "av-2026-11", "serial": 3, "result": "applied",
 *    "reason": "", "target": {"device": "/dev/vda1", "fstype": "ext4",
 *                             "label": "PRIMARY", "uuid": "..."},
 *    "evidence": [{"path": "etc/av/defs.dat", "op": "put",
 *                  "before": "<hex>"|null, "after": "<hex>"|null}]}
 *
 * POST /api/v1/event body: {"fix": "av-2026-11", "state": "downloading",
 *                           "message": "..."}
 */

#define REPORT_EVIDENCE_MAX 20000
#define REPORT_DEVICE_MAX 255		/* target.device, e.g. "/dev/vda1" */

enum report_result {
	REPORT_APPLIED,
	REPORT_FAILED,
	REPORT_SKIPPED,
};

struct report_evidence {
	char *path;
	char *op;			/* "put", "delete" */
	int has_before, has_after;	/* 0: the path did not exist */
	uint8_t before[SHA256_LEN];
	uint8_t after[SHA256_LEN];
};

struct report {
	char *fix;
	uint64_t serial;
	enum report_result result;
	char *reason;			/* may be NULL */
	char *device, *fstype, *label, *uuid;	/* target; each may be NULL */
	struct report_evidence *evidence;
	size_t nevidence;
};

/**
 * Parse a report (untrusted, at most PROTO_REPORT_MAX bytes).  Evidence op
 * is "put" or "delete", its path a valid target-relative path.
 * @ret 0 and *out to free with report_free(), -EINVAL, -EFBIG, -ENOMEM
 */
int report_parse(const char *json, size_t len, struct report **out,
		 struct err *err);

/**
 * Serialise a report; the text is parsed back first, so that the agent
 * never sends a report the server refuses.
 * @ret 0, -EINVAL (breaks a rule), -EFBIG (over PROTO_REPORT_MAX), -ENOMEM
 */
int report_format(const struct report *r, struct buf *out);

/** Free what a report owns and zero it (a report on the stack); accepts NULL. */
void report_clear(struct report *r);

/** Free a report and everything it owns; accepts NULL. */
void report_free(struct report *r);

/** "applied", "failed", "skipped" (or "?" outside the enum). */
const char *report_result_name(enum report_result r);
/** @ret 0 and *out, or -EINVAL for an unknown name */
int report_result_parse(const char *s, enum report_result *out);

/* Progress events: state is one of "downloading", "verifying", "applying". */
struct report_event {
	char *fix;
	char *state;
	char *message;			/* may be NULL */
};

/**
 * Parse an event (untrusted, at most PROTO_EVENT_MAX bytes).
 * @ret 0 and *out to free with report_event_free(), -EINVAL, -EFBIG, -ENOMEM
 */
int report_event_parse(const char *json, size_t len, struct report_event **out,
		       struct err *err);

/** Serialise an event (checked as report_format() does).  @ret as it */
int report_event_format(const struct report_event *e, struct buf *out);

/** Free an event; accepts NULL. */
void report_event_free(struct report_event *e);

#endif
