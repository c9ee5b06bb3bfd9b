/* SPDX-License-Identifier: MIT */
#ifndef FIXNET_SERVER_FIXSTORE_H
#define FIXNET_SERVER_FIXSTORE_H

#include <stddef.h>
#include <stdint.h>

#include "common/err.h"
#include "server/inventory.h"
#include "server/srv.h"

/*
 * Publishing a fix: the uploaded bundle is accepted only if its .minisig
 * verifies against keys_dir (revoked keys refused) and its manifest parses;
 * a fix id already stored needs a higher serial.  Files are stored under
 * state_dir/fixes/ as ID@SERIAL.fix and ID@SERIAL.fix.minisig, fsync'ed,
 * and the inventory row that points at them (with the manifest member as
 * published, which reports' evidence is checked against) is the atomic
 * switch.
 */

enum fixstore_refusal {
	FIXSTORE_OK,
	FIXSTORE_BAD_INPUT,	/* malformed signature or bundle: 400 */
	FIXSTORE_UNTRUSTED,	/* signature refused: 403 */
	FIXSTORE_OLD_SERIAL,	/* serial not above the stored one: 409 */
};

/**
 * Store an uploaded bundle.
 *
 * @v upload_fd	the upload, read from its start
 * @v upload_path	its temp file in fixes_dir (renamed on success)
 * @v sig, siglen	the .minisig text
 * @v out	the stored fix
 * @v repended	pairs put back to pending by a new serial
 * @v why	refusal kind when -EPERM is returned; err says why
 * @ret 0, -EPERM (refused), or a negative errno
 */
int fixstore_add(const struct srv *srv, int upload_fd, const char *upload_path,
		 const char *sig, size_t siglen, int64_t now,
		 struct inv_fix *out, size_t *repended,
		 enum fixstore_refusal *why, struct err *err);

/** Path of a stored fix file ("" or ".minisig" as suffix). */
void fixstore_path(const struct srv *srv, const char *id, uint64_t serial,
		   const char *suffix, char *out, size_t outlen);

#endif
