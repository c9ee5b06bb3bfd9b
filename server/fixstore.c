/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include <sodium.h>

#include "common/keyring.h"
#include "common/manifest.h"
#include "common/minisign.h"
#include "server/fixmanifest.h"
#include "server/fixstore.h"
#include "server/log.h"

#define FIXSTORE_CHUNK (64 * 1024)

/**
 * Path of a stored file.
 *
 * @v srv	server
 * @v id	fix id
 * @v serial	its serial
 * @v suffix	"" or ".minisig"
 * @v out	buffer
 * @v outlen	its size
 */
void fixstore_path(const struct srv *srv, const char *id, uint64_t serial,
		   const char *suffix, char *out, size_t outlen)
{
	snprintf(out, outlen, "%s/%s@%llu.fix%s", srv->fixes_dir, id,
		 (unsigned long long)serial, suffix);
}

/**
 * Hash the whole upload: BLAKE2b-512 (what minisign signs), SHA-256 (what
 * the plan carries) and its size.
 */
static int fixstore_hash(int fd, uint8_t b2[MINISIGN_HASH_LEN],
			 uint8_t sha[SHA256_LEN], uint64_t *size)
{
	crypto_generichash_state gs;
	crypto_hash_sha256_state ss;
	uint8_t *chunk = malloc(FIXSTORE_CHUNK);
	ssize_t n;

	if (!chunk)
		return -ENOMEM;
	crypto_generichash_init(&gs, NULL, 0, MINISIGN_HASH_LEN);
	crypto_hash_sha256_init(&ss);
	*size = 0;
	if (lseek(fd, 0, SEEK_SET) < 0)
		goto err;
	while ((n = read(fd, chunk, FIXSTORE_CHUNK)) > 0) {
		crypto_generichash_update(&gs, chunk, (size_t)n);
		crypto_hash_sha256_update(&ss, chunk, (size_t)n);
		*size += (uint64_t)n;
	}
	if (n < 0)
		goto err;
	crypto_generichash_final(&gs, b2, MINISIGN_HASH_LEN);
	crypto_hash_sha256_final(&ss, sha);
	free(chunk);
	return 0;
err:
	free(chunk);
	return -errno;
}

/** Write the signature file and fsync it. */
static int fixstore_write_sig(const char *path, const char *sig, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	int rc = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, sig, len) != (ssize_t)len || fsync(fd) < 0)
		rc = errno ? -errno : -EIO;
	close(fd);
	return rc;
}

/** fsync a directory, so that renames in it are durable. */
static int fixstore_sync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), rc = 0;

	if (fd < 0)
		return -errno;
	if (fsync(fd) < 0)
		rc = -errno;
	close(fd);
	return rc;
}

/**
 * Put the fix's pairs whose applied serial is lower back to pending.
 *
 * @v inv	inventory, transaction open
 * @v f		the new fix
 * @v now	Unix time
 * @v n		pairs moved
 * @ret rc	0 or a negative errno
 */
static int fixstore_repend(struct inv *inv, const struct inv_fix *f,
			   int64_t now, size_t *n)
{
	struct inv_pair *pairs = NULL;
	char reason[96];
	size_t np = 0;
	int rc;

	*n = 0;
	rc = inv_pairs_of_fix(inv, f->id, &pairs, &np);
	snprintf(reason, sizeof(reason), "new serial %llu",
		 (unsigned long long)f->serial);
	for (size_t i = 0; rc == 0 && i < np; i++) {
		struct inv_pair *p = &pairs[i];

		if (p->applied_serial >= f->serial ||
		    (p->state != ST_APPLIED && p->state != ST_FAILED &&
		     p->state != ST_SKIPPED))
			continue;
		p->boots = 0;
		rc = inv_pair_store(inv, p, now);
		if (rc == 0)
			rc = state_move(inv, p, ST_PENDING, reason, now);
		(*n)++;
	}
	free(pairs);
	return rc;
}

/**
 * Check a new fix's serial against the stored one.
 *
 * @v inv	inventory, transaction open
 * @v f		the new fix
 * @v old	the stored serial (0 if the id is new)
 * @v why, err	the refusal
 * @ret rc	0, -EPERM (not above), or a negative errno
 */
static int fixstore_serial_check(struct inv *inv, const struct inv_fix *f,
				 uint64_t *old, enum fixstore_refusal *why,
				 struct err *err)
{
	struct inv_fix prev;
	int rc;

	*old = 0;
	rc = inv_fix_get(inv, f->id, &prev);
	if (rc == -ENOENT)
		return 0;
	if (rc < 0)
		return rc;
	*old = prev.serial;
	if (f->serial > prev.serial)
		return 0;
	*why = FIXSTORE_OLD_SERIAL;
	return err_set(err, -EPERM, "fix %s serial %llu is not above the "
		       "stored serial %llu: raise the manifest's serial",
		       f->id, (unsigned long long)f->serial,
		       (unsigned long long)prev.serial);
}

/**
 * Check the serial, store the row and the manifest, re-pend; transaction
 * open.
 *
 * @v inv	inventory
 * @v f		the new fix
 * @v manifest, mlen	its manifest member as published
 * @v old	the serial stored before (0 if new)
 * @v why, err	the refusal
 * @ret rc	0, -EPERM, or a negative errno
 */
static int fixstore_record(struct inv *inv, const struct inv_fix *f,
			   const char *manifest, size_t mlen, uint64_t *old,
			   size_t *repended, enum fixstore_refusal *why,
			   struct err *err)
{
	char msg[128];
	int rc;

	rc = fixstore_serial_check(inv, f, old, why, err);
	if (rc < 0)
		return rc;
	rc = inv_fix_put(inv, f);
	if (rc == 0)
		rc = inv_fix_manifest_put(inv, f->id, manifest, mlen);
	if (rc == 0)
		rc = fixstore_repend(inv, f, f->added, repended);
	snprintf(msg, sizeof(msg), "serial %llu, key %s",
		 (unsigned long long)f->serial, f->keyid);
	if (rc == 0)
		rc = inv_event_add(inv, f->added, 0, f->id, "fix-added", NULL,
				   NULL, msg);
	return rc;
}

/**
 * Refuse early a serial that is not above the stored one, before the files
 * are written (checked again with the row, in the same transaction).
 *
 * @v inv	inventory
 * @v f		the new fix
 * @v why, err	the refusal
 * @ret rc	0, -EPERM, or a negative errno
 */
static int fixstore_precheck(struct inv *inv, const struct inv_fix *f,
			     enum fixstore_refusal *why, struct err *err)
{
	uint64_t old;
	int rc;

	rc = inv_tx_begin(inv);
	if (rc < 0)
		return rc;
	rc = fixstore_serial_check(inv, f, &old, why, err);
	inv_tx_end(inv, -EPERM);	/* read only */
	return rc;
}

/** Verify the signature; fill the key id.  @ret 0 or -EPERM */
static int fixstore_verify(const struct srv *srv, const char *sig,
			   size_t siglen, const uint8_t hash[MINISIGN_HASH_LEN],
			   struct inv_fix *f, enum fixstore_refusal *why,
			   struct err *err)
{
	struct keyring *kr = malloc(sizeof(*kr));
	struct minisign_sig ms;
	int rc;

	if (!kr)
		return -ENOMEM;
	keyring_init(kr);
	*why = FIXSTORE_BAD_INPUT;
	rc = minisign_sig_parse(sig, siglen, &ms, err);
	if (rc == 0) {
		*why = FIXSTORE_UNTRUSTED;
		rc = keyring_load_dir(kr, srv->cfg->keys_dir, err);
	}
	if (rc == 0)
		rc = keyring_verify_hash(kr, &ms, hash, err);
	free(kr);
	if (rc < 0) {
		err_set(err, -EPERM, "signature refused: %s", err->msg);
		return -EPERM;
	}
	minisign_keyid_format(ms.keyid, f->keyid);
	return 0;
}

/**
 * Read what the upload is: hashes, signature (verified first), manifest.
 *
 * @v srv	server
 * @v upload_fd	the upload
 * @v sig, siglen	its .minisig
 * @v out	the fix row to be
 * @v json, jlen	its manifest member as published (free())
 * @v why, err	the refusal
 * @ret rc	0, -EPERM, or a negative errno
 */
static int fixstore_read(const struct srv *srv, int upload_fd,
			 const char *sig, size_t siglen, struct inv_fix *out,
			 char **json, size_t *jlen, enum fixstore_refusal *why,
			 struct err *err)
{
	uint8_t b2[MINISIGN_HASH_LEN], sha[SHA256_LEN];
	struct manifest *m = NULL;
	int rc;

	rc = fixstore_hash(upload_fd, b2, sha, &out->size);
	if (rc < 0)
		return rc;
	rc = fixstore_verify(srv, sig, siglen, b2, out, why, err);
	if (rc < 0)
		return rc;
	rc = fixmanifest_read(upload_fd, json, jlen, err);
	if (rc == 0)
		rc = manifest_parse(*json, *jlen, &m, err);
	if (rc < 0) {
		*why = FIXSTORE_BAD_INPUT;
		return rc == -ENOMEM ? rc : -EPERM;
	}
	snprintf(out->id, sizeof(out->id), "%s", m->id);
	out->serial = m->serial;
	snprintf(out->description, sizeof(out->description), "%s",
		 m->description ? m->description : "");
	manifest_free(m);
	hex_encode(sha, SHA256_LEN, out->sha256);
	out->sig_size = siglen;
	return 0;
}

/** Remove the files of one serial of a fix. */
static void fixstore_unlink(const struct srv *srv, const char *id,
			    uint64_t serial)
{
	char path[4400];

	fixstore_path(srv, id, serial, "", path, sizeof(path));
	unlink(path);
	fixstore_path(srv, id, serial, ".minisig", path, sizeof(path));
	unlink(path);
}

/**
 * Write ID@SERIAL.fix (a link to the upload) and its .minisig, durably.
 *
 * @v srv	server
 * @v f		the fix
 * @v upload_fd, upload_path	the upload
 * @v sig, siglen	the signature
 * @v why, err	the refusal (another add of that serial is under way)
 * @ret rc	0, -EPERM, or a negative errno (nothing left behind)
 */
static int fixstore_files(const struct srv *srv, const struct inv_fix *f,
			  int upload_fd, const char *upload_path,
			  const char *sig, size_t siglen,
			  enum fixstore_refusal *why, struct err *err)
{
	char bpath[4400], spath[4400];
	int rc;

	fixstore_path(srv, f->id, f->serial, "", bpath, sizeof(bpath));
	fixstore_path(srv, f->id, f->serial, ".minisig", spath, sizeof(spath));
	/* the serial is above the stored one: files of it are the orphans of
	 * an add cut short before its commit */
	fixstore_unlink(srv, f->id, f->serial);
	rc = fixstore_write_sig(spath, sig, siglen);
	if (rc == -EEXIST) {
		*why = FIXSTORE_OLD_SERIAL;
		return err_set(err, -EPERM, "fix %s serial %llu is already "
			       "stored", f->id, (unsigned long long)f->serial);
	}
	if (rc == 0 && fsync(upload_fd) < 0)
		rc = -errno;
	if (rc == 0 && link(upload_path, bpath) < 0)
		rc = -errno;
	if (rc == 0)
		rc = fixstore_sync_dir(srv->fixes_dir);
	if (rc < 0) {
		log_err("fix", "storing %s: %s", bpath, strerror(-rc));
		unlink(bpath);
		unlink(spath);
	}
	return rc;
}

/**
 * Store an uploaded bundle (see fixstore.h).
 */
int fixstore_add(const struct srv *srv, int upload_fd, const char *upload_path,
		 const char *sig, size_t siglen, int64_t now,
		 struct inv_fix *out, size_t *repended,
		 enum fixstore_refusal *why, struct err *err)
{
	char *json = NULL;
	size_t jlen = 0;
	uint64_t old = 0;
	int rc, lock;

	memset(out, 0, sizeof(*out));
	*repended = 0;
	*why = FIXSTORE_OK;
	out->added = now;
	rc = fixstore_read(srv, upload_fd, sig, siglen, out, &json, &jlen, why,
			   err);
	if (rc < 0) {
		free(json);
		return rc;
	}
	/* one add at a time, from every admin listener */
	lock = open(srv->fixes_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (lock < 0 || flock(lock, LOCK_EX) < 0) {
		rc = -errno;
		goto out;
	}
	rc = fixstore_precheck(srv->inv, out, why, err);
	if (rc == 0)
		rc = fixstore_files(srv, out, upload_fd, upload_path, sig,
				    siglen, why, err);
	if (rc < 0)
		goto out;
	rc = inv_tx_begin(srv->inv);
	if (rc == 0)
		rc = inv_tx_end(srv->inv, fixstore_record(srv->inv, out, json,
							  jlen, &old, repended,
							  why, err));
	if (rc < 0)
		fixstore_unlink(srv, out->id, out->serial);
	else if (old)	/* downloads under way keep their open descriptor */
		fixstore_unlink(srv, out->id, old);
out:
	if (lock >= 0)
		close(lock);
	free(json);
	return rc;
}
