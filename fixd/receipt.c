/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "common/manifest.h"
#include "fixd/bundle.h"
#include "fixd/receipt.h"
#include "fixd/safe.h"

#define RECEIPT_NAME_MAX (MANIFEST_ID_MAX + 32)

/**
 * Read a whole file of at most max bytes.
 * @ret 0 and a malloc'd NUL-terminated *out, or -errno (-EFBIG if longer)
 */
static int receipt_slurp(int fd, size_t max, char **out, size_t *len)
{
	char *data = malloc(max + 1);
	size_t got = 0;
	ssize_t n = 0;

	if (!data)
		return -ENOMEM;
	while (got <= max) {
		n = read(fd, data + got, max + 1 - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	if (n < 0 || got > max) {
		free(data);
		return n < 0 ? -errno : -EFBIG;
	}
	data[got] = '\0';
	*out = data;
	*len = got;
	return 0;
}

/**
 * Check the fields of a parsed receipt.
 * @ret 0 or -EINVAL
 */
static int receipt_fields(json_t *j, const char *id, struct receipt *out)
{
	json_t *fid = json_object_get(j, "id");
	json_t *serial = json_object_get(j, "serial");
	json_t *when = json_object_get(j, "time");
	json_t *sha = json_object_get(j, "bundle_sha256");
	json_t *format = json_object_get(j, "format");

	if (!json_is_integer(format) ||
	    json_integer_value(format) != RECEIPT_FORMAT ||
	    !json_is_string(fid) || strcmp(json_string_value(fid), id) != 0 ||
	    !json_is_integer(serial) || json_integer_value(serial) < 1 ||
	    (uint64_t)json_integer_value(serial) > MANIFEST_SERIAL_MAX ||
	    !json_is_integer(when) || !json_is_string(sha) ||
	    hex_decode(json_string_value(sha), out->bundle_sha256, SHA256_LEN) < 0)
		return -EINVAL;
	out->serial = (uint64_t)json_integer_value(serial);
	out->time = json_integer_value(when);
	return 0;
}

/**
 * Read the receipt of fix id.
 * @ret 0, -EINVAL, -errno
 */
int receipt_read(int root, const char *id, struct receipt *out,
		 struct err *err)
{
	char path[sizeof(RECEIPT_DIR) + RECEIPT_NAME_MAX];
	json_error_t jerr;
	json_t *j;
	char *text = NULL;
	size_t len = 0;
	int fd, rc;

	memset(out, 0, sizeof(*out));
	snprintf(path, sizeof(path), "%s/%s.json", RECEIPT_DIR, id);
	fd = safe_openat(root, path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK, 0);
	if (fd == -ENOENT)
		return 0;
	if (fd < 0)
		return err_set(err, fd, "receipt %s: %s", path, strerror(-fd));
	rc = receipt_slurp(fd, RECEIPT_MAX_BYTES, &text, &len);
	close(fd);
	if (rc < 0)
		return err_set(err, rc, "receipt %s: %s", path, strerror(-rc));
	j = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	free(text);
	if (!j)
		return err_set(err, -EINVAL, "receipt %s is not JSON (%s); remove it "
			       "to apply the fix again", path, jerr.text);
	rc = json_is_object(j) ? receipt_fields(j, id, out) : -EINVAL;
	json_decref(j);
	if (rc < 0)
		return err_set(err, rc, "receipt %s is malformed; remove it to apply "
			       "the fix again", path);
	out->exists = true;
	return 0;
}

/** Hex of a hash, or JSON null. */
static json_t *receipt_hash(int has, const uint8_t sha[SHA256_LEN])
{
	char hex[SHA256_HEX_LEN];

	if (!has)
		return json_null();
	hex_encode(sha, SHA256_LEN, hex);
	return json_string(hex);
}

/**
 * Build the receipt's JSON text.
 * @ret malloc'd text, or NULL
 */
static char *receipt_json(const char *id, uint64_t serial, time_t when,
			  const uint8_t sha[SHA256_LEN],
			  const struct report_evidence *ev, size_t nev)
{
	json_t *files = json_array(), *j;
	char *text = NULL;

	for (size_t i = 0; files && i < nev; i++) {
		if (json_array_append_new(files, json_pack("{s:s, s:s, s:o}",
				"path", ev[i].path, "op", ev[i].op, "sha256",
				receipt_hash(ev[i].has_after, ev[i].after))) < 0) {
			json_decref(files);
			return NULL;
		}
	}
	j = json_pack("{s:i, s:s, s:I, s:I, s:o, s:o}", "format", RECEIPT_FORMAT,
		      "id", id, "serial", (json_int_t)serial, "time",
		      (json_int_t)when, "bundle_sha256", receipt_hash(1, sha),
		      "files", files);
	if (j)
		text = json_dumps(j, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
	json_decref(j);
	return text;
}

/**
 * Write text to a new file in dir, durably.
 * @ret 0 or -errno
 */
static int receipt_put_tmp(int dir, const char *name, const char *text)
{
	int fd, rc;

	fd = safe_openat(dir, name, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW, 0644);
	if (fd < 0)
		return fd;
	rc = safe_write_all(fd, text, strlen(text));
	if (rc == 0 && fsync(fd) < 0)
		rc = -errno;
	close(fd);
	return rc;
}

/**
 * Write the receipt atomically.
 * @ret 0 or -errno
 */
int receipt_write(int root, const char *id, uint64_t serial, time_t when,
		  const uint8_t sha[SHA256_LEN],
		  const struct report_evidence *ev, size_t nev,
		  struct err *err)
{
	char name[RECEIPT_NAME_MAX], tmp[RECEIPT_NAME_MAX];
	int state, tmpdir = -1, dir = -1, rc;
	char *text;

	text = receipt_json(id, serial, when, sha, ev, nev);
	if (!text)
		return err_set(err, -ENOMEM, "receipt: out of memory");
	snprintf(name, sizeof(name), "%s.json", id);
	snprintf(tmp, sizeof(tmp), "receipt.%s", id);
	state = safe_mkdir_open(root, BUNDLE_STATE_DIR, 0700);
	if (state < 0) {
		rc = state;
		goto out;
	}
	tmpdir = safe_mkdir_open(state, "tmp", 0700);
	dir = safe_mkdir_open(state, "receipts", 0755);
	rc = tmpdir < 0 ? tmpdir : dir < 0 ? dir : 0;
	if (rc == 0)
		rc = receipt_put_tmp(tmpdir, tmp, text);
	if (rc == 0 && renameat(tmpdir, tmp, dir, name) < 0)
		rc = -errno;
	if (rc == 0 && fsync(dir) < 0)
		rc = -errno;
	if (dir >= 0)
		close(dir);
	if (tmpdir >= 0)
		close(tmpdir);
	close(state);
out:
	free(text);
	if (rc < 0)
		return err_set(err, rc, "writing receipt %s/%s: %s", RECEIPT_DIR, name,
			       strerror(-rc));
	return 0;
}
