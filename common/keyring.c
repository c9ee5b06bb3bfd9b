/* SPDX-License-Identifier: MIT */
/*
 * The trusted publisher keys: a directory of minisign *.pub files and a
 * "revoked" list of key ids (see keyring.h).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/keyring.h"

#define KEYRING_PUB_SUFFIX ".pub"

/**
 * Empty keyring.
 *
 * @v kr	keyring
 */
void keyring_init(struct keyring *kr)
{
	memset(kr, 0, sizeof(*kr));
}

/**
 * Read a whole regular file of at most max bytes into buf (NUL-terminated).
 *
 * @v path	file
 * @v b		buffer, initialised with its maximum
 * @v err	error message
 * @ret 0, -EFBIG, -EINVAL (not a regular file), -ENOMEM, -errno
 */
static int kr_read_file(const char *path, struct buf *b, struct err *err)
{
	char chunk[4096];
	struct stat st;
	ssize_t n;
	int fd, rc = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return err_set(err, -errno, "%s: %s", path, strerror(errno));
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		rc = err_set(err, -EINVAL, "%s: not a regular file", path);
		goto out;
	}
	while ((n = read(fd, chunk, sizeof(chunk))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = err_set(err, -errno, "%s: %s", path,
				     strerror(errno));
			goto out;
		}
		rc = buf_append(b, chunk, (size_t)n);
		if (rc < 0) {
			err_set(err, rc, "%s: %s", path, rc == -EFBIG ?
				"file too large" : "out of memory");
			goto out;
		}
	}
out:
	close(fd);
	return rc;
}

/**
 * Add a parsed key; a key already present is not added twice.
 *
 * @v kr	keyring
 * @v pk	key
 * @ret 0, -E2BIG (KEYRING_MAX_KEYS reached)
 */
int keyring_add(struct keyring *kr, const struct minisign_pubkey *pk)
{
	size_t i;

	for (i = 0; i < kr->nkeys; i++)
		if (memcmp(&kr->keys[i], pk, sizeof(*pk)) == 0)
			return 0;
	if (kr->nkeys >= KEYRING_MAX_KEYS)
		return -E2BIG;
	kr->keys[kr->nkeys++] = *pk;
	return 0;
}

/**
 * Add one public key file.
 *
 * @v kr	keyring
 * @v path	a minisign .pub file
 * @v err	error message, naming the file
 * @ret 0, -EINVAL, -EFBIG, -E2BIG, -ENOMEM, -errno
 */
int keyring_add_file(struct keyring *kr, const char *path, struct err *err)
{
	struct minisign_pubkey pk;
	struct err perr;
	struct buf b;
	int rc;

	buf_init(&b, MINISIGN_FILE_MAX);
	rc = kr_read_file(path, &b, err);
	if (rc < 0)
		goto out;
	rc = minisign_pubkey_parse(b.data ? b.data : "", b.len, &pk, &perr);
	if (rc < 0) {
		err_set(err, rc, "%s: %s", path, perr.msg);
		goto out;
	}
	rc = keyring_add(kr, &pk);
	if (rc < 0)
		err_set(err, rc, "%s: more than %d keys", path,
			KEYRING_MAX_KEYS);
out:
	buf_free(&b);
	return rc;
}

/**
 * Mark a key id revoked.
 *
 * @v kr	keyring
 * @v keyid	key id
 * @ret 0, -E2BIG (KEYRING_MAX_REVOKED reached)
 */
int keyring_revoke(struct keyring *kr, const uint8_t keyid[MINISIGN_KEYID_LEN])
{
	if (keyring_is_revoked(kr, keyid))
		return 0;
	if (kr->nrevoked >= KEYRING_MAX_REVOKED)
		return -E2BIG;
	memcpy(kr->revoked[kr->nrevoked++], keyid, MINISIGN_KEYID_LEN);
	return 0;
}

/**
 * Whether a key id is revoked.
 *
 * @v kr	keyring
 * @v keyid	key id
 * @ret 1 if revoked, else 0
 */
int keyring_is_revoked(const struct keyring *kr,
		       const uint8_t keyid[MINISIGN_KEYID_LEN])
{
	size_t i;

	for (i = 0; i < kr->nrevoked; i++)
		if (memcmp(kr->revoked[i], keyid, MINISIGN_KEYID_LEN) == 0)
			return 1;
	return 0;
}

/**
 * Read one line of the revoked file: a key id, blank, or a comment.
 *
 * @v kr	keyring
 * @v line	the line, NUL-terminated, changed in place
 * @v path	file, for messages
 * @v lineno	line number, for messages
 * @v err	error message
 * @ret 0, -EINVAL, -E2BIG
 */
static int kr_revoked_line(struct keyring *kr, char *line, const char *path,
			   unsigned lineno, struct err *err)
{
	uint8_t keyid[MINISIGN_KEYID_LEN];
	char *end, *hash = strchr(line, '#');

	if (hash)
		*hash = '\0';
	while (*line == ' ' || *line == '\t')
		line++;
	end = line + strlen(line);
	while (end > line && strchr(" \t\r", end[-1]))
		*--end = '\0';
	if (!*line)
		return 0;
	if (minisign_keyid_parse(line, keyid) < 0)
		return err_set(err, -EINVAL,
			       "%s:%u: not a key id (16 hex digits): \"%.32s\"",
			       path, lineno, line);
	if (keyring_revoke(kr, keyid) < 0)
		return err_set(err, -E2BIG, "%s:%u: more than %d revoked keys",
			       path, lineno, KEYRING_MAX_REVOKED);
	return 0;
}

/**
 * Read the revoked file of dir, if there is one.
 *
 * @v kr	keyring
 * @v path	path of the revoked file
 * @v err	error message
 * @ret 0, -EINVAL, -E2BIG, -EFBIG, -ENOMEM, -errno
 */
static int kr_load_revoked(struct keyring *kr, const char *path,
			   struct err *err)
{
	unsigned lineno = 0;
	char *line, *next;
	struct buf b;
	int rc;

	buf_init(&b, KEYRING_REVOKED_FILE_MAX);
	rc = kr_read_file(path, &b, err);
	if (rc == -ENOENT) {
		err_clear(err);
		rc = 0;
		goto out;
	}
	if (rc < 0 || !b.data)
		goto out;
	if (strlen(b.data) != b.len) {
		rc = err_set(err, -EINVAL, "%s: NUL byte in text", path);
		goto out;
	}
	for (line = b.data; line && rc == 0; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		rc = kr_revoked_line(kr, line, path, ++lineno, err);
	}
out:
	buf_free(&b);
	return rc;
}

/**
 * Whether a directory entry names a public key: "*.pub", not hidden.
 *
 * @v name	entry name
 * @ret 1 or 0
 */
static int kr_is_pub_name(const char *name)
{
	size_t n = strlen(name), s = strlen(KEYRING_PUB_SUFFIX);

	return name[0] != '.' && n > s &&
	       strcmp(name + n - s, KEYRING_PUB_SUFFIX) == 0;
}

/**
 * Add every *.pub file of dir, in name order.
 *
 * @v kr	keyring
 * @v dir	directory
 * @v err	error message
 * @ret 0, -ENOENT, -EINVAL, -E2BIG, -EFBIG, -ENOMEM, -errno
 */
static int kr_load_pubs(struct keyring *kr, const char *dir, struct err *err)
{
	struct dirent **names;
	char path[4096];
	int n, i, rc = 0;

	n = scandir(dir, &names, NULL, alphasort);
	if (n < 0)
		return err_set(err, -errno, "%s: %s", dir, strerror(errno));
	for (i = 0; i < n; i++) {
		if (rc == 0 && kr_is_pub_name(names[i]->d_name)) {
			if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir,
					     names[i]->d_name) >= sizeof(path))
				rc = err_set(err, -ENAMETOOLONG,
					     "%s: path too long", dir);
			else
				rc = keyring_add_file(kr, path, err);
		}
		free(names[i]);
	}
	free(names);
	return rc;
}

/**
 * Load every *.pub of dir and its "revoked" file, all or nothing.
 *
 * @v kr	keyring, added to
 * @v dir	directory
 * @v err	error message
 * @ret 0, -ENOENT, -EINVAL, -E2BIG, -EFBIG, -ENOMEM, -errno
 */
int keyring_load_dir(struct keyring *kr, const char *dir, struct err *err)
{
	char path[4096];
	struct keyring *tmp;
	int rc;

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir,
			     KEYRING_REVOKED_FILE) >= sizeof(path))
		return err_set(err, -ENAMETOOLONG, "%s: path too long", dir);
	tmp = malloc(sizeof(*tmp));
	if (!tmp)
		return err_set(err, -ENOMEM, "out of memory");
	*tmp = *kr;
	rc = kr_load_pubs(tmp, dir, err);
	if (rc == 0)
		rc = kr_load_revoked(tmp, path, err);
	if (rc == 0)
		*kr = *tmp;
	free(tmp);
	return rc;
}

/**
 * Verify a signature against the trusted keys that are not revoked.
 *
 * @v kr	keyring
 * @v sig	parsed signature
 * @v hash	BLAKE2b-512 of the message
 * @v err	error message
 * @ret 0, -EKEYREVOKED, -ENOKEY, -EBADMSG
 */
int keyring_verify_hash(const struct keyring *kr, const struct minisign_sig *sig,
			const uint8_t hash[MINISIGN_HASH_LEN], struct err *err)
{
	char id[MINISIGN_KEYID_STR_LEN];

	if (keyring_is_revoked(kr, sig->keyid)) {
		minisign_keyid_format(sig->keyid, id);
		return err_set(err, -EKEYREVOKED,
			       "signature by key %s, which is revoked", id);
	}
	return minisign_verify_hash(sig, kr->keys, kr->nkeys, hash, NULL, err);
}
