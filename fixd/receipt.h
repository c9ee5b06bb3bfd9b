/* SPDX-License-Identifier: MIT */
#ifndef FIXD_RECEIPT_H
#define FIXD_RECEIPT_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "common/err.h"
#include "common/hex.h"
#include "common/report.h"

/*
 * The receipt a fix leaves on its target, .fixnet/receipts/<id>.json:
 *
 *   {"format": 1, "id": "av-2026-11", "serial": 3, "time": 1795000000,
 *    "bundle_sha256": "<hex>",
 *    "files": [{"path": "etc/av/defs.dat", "op": "put", "sha256": "<hex>"},
 *              {"path": "etc/av/old.dat", "op": "delete", "sha256": null}]}
 *
 * A fix id is a lineage: a bundle is applied only if its serial is above
 * the receipt's.  The receipt is read back from a disk that the primary OS
 * controls: it is untrusted input, bounded and checked.
 */

#define RECEIPT_FORMAT 1
#define RECEIPT_DIR ".fixnet/receipts"
#define RECEIPT_MAX_BYTES (8 * 1024 * 1024)

struct receipt {
	bool exists;
	uint64_t serial;
	int64_t time;
	uint8_t bundle_sha256[SHA256_LEN];
};

/**
 * Read the receipt of fix id on a target.
 *
 * @v root	target root
 * @v id	a checked fix id
 * @v out	out->exists false when there is none
 * @ret 0, -EINVAL (unreadable: refuse rather than guess), -errno
 */
int receipt_read(int root, const char *id, struct receipt *out,
		 struct err *err);

/**
 * Write the receipt of a fix atomically: a temporary file in the state
 * directory's tmp/, fsync, rename into receipts/, fsync of receipts/.
 *
 * @v root	target root
 * @v id	fix id
 * @v serial	its serial
 * @v when	time of the apply
 * @v sha	SHA-256 of the bundle file
 * @v ev	the evidence (after-hashes are recorded)
 * @v nev	entries in ev
 * @ret 0 or -errno
 */
int receipt_write(int root, const char *id, uint64_t serial, time_t when,
		  const uint8_t sha[SHA256_LEN],
		  const struct report_evidence *ev, size_t nev,
		  struct err *err);

#endif
