/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <archive.h>
#include <archive_entry.h>
#include <sodium.h>

#include "common/buf.h"
#include "fixd/bundle.h"
#include "fixd/sha.h"

/* Bytes of a member read from libarchive at a time. */
#define BUNDLE_READ_CHUNK (64 * 1024)

/** Reading state: the archive and what has been seen of it. */
struct bundle_reader {
	struct archive *a;
	struct bundle *b;
	size_t next;	/* the op after the last member found */
};

/**
 * Compare the SHA-256 of the bundle with the expected one.
 * @ret 0 or -EBADMSG
 */
int bundle_check_sha(const void *data, size_t len,
		     const uint8_t want[SHA256_LEN], struct err *err)
{
	uint8_t got[SHA256_LEN];
	char hex[SHA256_HEX_LEN];

	sha_buf(data, len, got);
	if (sodium_memcmp(got, want, SHA256_LEN) != 0) {
		hex_encode(got, SHA256_LEN, hex);
		return err_set(err, -EBADMSG,
			       "bundle SHA-256 %s is not the one the plan gives", hex);
	}
	return 0;
}

/**
 * Check the detached signature of a bundle against a keyring.
 * @ret 0, -EINVAL, -ENOKEY, -EKEYREVOKED, -EBADMSG
 */
int bundle_verify_sig(const struct keyring *kr, const char *sigtext,
		      size_t siglen, const void *data, size_t len,
		      struct minisign_sig *sig, struct err *err)
{
	uint8_t hash[MINISIGN_HASH_LEN];
	int rc;

	rc = minisign_sig_parse(sigtext, siglen, sig, err);
	if (rc < 0)
		return rc;
	minisign_prehash(data, len, hash);
	return keyring_verify_hash(kr, sig, hash, err);
}

/**
 * Free a bundle; accepts NULL.
 */
void bundle_free(struct bundle *b)
{
	if (!b)
		return;
	if (b->blobs && b->manifest) {
		for (size_t i = 0; i < b->manifest->nops; i++)
			free(b->blobs[i].data);
	}
	free(b->blobs);
	manifest_free(b->manifest);
	free(b);
}

/** libarchive's message, for err. */
static const char *bundle_aerr(struct archive *a)
{
	const char *s = archive_error_string(a);

	return s ? s : "unknown archive error";
}

/**
 * Read the data of the current entry: exactly size bytes.
 *
 * @v r		reader
 * @v name	member name, for messages
 * @v size	bytes the entry must hold
 * @v out	set to a malloc'd buffer (size + 1 bytes, NUL-terminated)
 * @ret 0, -EINVAL, -ENOMEM
 */
static int bundle_read_data(struct bundle_reader *r, const char *name,
			    size_t size, uint8_t **out, struct err *err)
{
	uint8_t chunk[BUNDLE_READ_CHUNK];
	struct buf data;
	la_ssize_t n;
	int rc;

	/* The buffer grows with the bytes that arrive, never to the size the
	 * header declares before they do: one more than size is an error. */
	buf_init(&data, size + 1);
	while ((n = archive_read_data(r->a, chunk, sizeof(chunk))) > 0) {
		rc = buf_append(&data, chunk, (size_t)n);
		if (rc == -EFBIG)
			break;
		if (rc < 0) {
			buf_free(&data);
			return err_set(err, rc, "%s: out of memory", name);
		}
	}
	if (n < 0) {
		buf_free(&data);
		return err_set(err, -EINVAL, "%s: %s", name, bundle_aerr(r->a));
	}
	if (data.len != size) {
		bool more = data.len > size || n > 0;

		buf_free(&data);
		return err_set(err, -EINVAL, "%s: holds %s bytes than its header says",
			       name, more ? "more" : "fewer");
	}
	*out = (uint8_t *)buf_steal(&data, NULL);
	if (!*out)
		return err_set(err, -ENOMEM, "%s: out of memory", name);
	return 0;
}

/**
 * Refuse an entry that is anything but a plain regular file.
 *
 * @v e		the entry
 * @v name	its name
 * @ret 0 or -EINVAL
 */
static int bundle_entry_check(struct archive_entry *e, const char *name,
			      struct err *err)
{
	mode_t type = archive_entry_filetype(e);

	if (archive_entry_hardlink(e))
		return err_set(err, -EINVAL, "member %s is a hard link; "
			       "only regular files are allowed", name);
	if (type == AE_IFLNK)
		return err_set(err, -EINVAL, "member %s is a symlink; "
			       "only regular files are allowed", name);
	if (type != AE_IFREG)
		return err_set(err, -EINVAL, "member %s is not a regular file "
			       "(type 0%o)", name, (unsigned)type);
	if (archive_entry_mode(e) & (S_ISUID | S_ISGID))
		return err_set(err, -EINVAL, "member %s is setuid or setgid", name);
	if (archive_entry_sparse_count(e) > 0)
		return err_set(err, -EINVAL, "member %s is a sparse file", name);
	if (!archive_entry_size_is_set(e) || archive_entry_size(e) < 0)
		return err_set(err, -EINVAL, "member %s has no size", name);
	return 0;
}

/**
 * Read the first member, which must be the manifest, and parse it.
 * @ret 0, -EINVAL, -EFBIG, -ENOMEM
 */
static int bundle_read_manifest(struct bundle_reader *r, struct err *err)
{
	struct archive_entry *e;
	const char *name;
	uint8_t *json;
	int rc;

	rc = archive_read_next_header(r->a, &e);
	if (rc == ARCHIVE_EOF)
		return err_set(err, -EINVAL, "empty bundle: no %s", MANIFEST_MEMBER);
	if (rc != ARCHIVE_OK)
		return err_set(err, -EINVAL, "not a bundle: %s", bundle_aerr(r->a));
	name = archive_entry_pathname(e);
	if (!name || strcmp(name, MANIFEST_MEMBER) != 0)
		return err_set(err, -EINVAL, "first member is not %s",
			       MANIFEST_MEMBER);
	rc = bundle_entry_check(e, name, err);
	if (rc < 0)
		return rc;
	if (archive_entry_size(e) > MANIFEST_MAX_BYTES)
		return err_set(err, -EFBIG, "%s is larger than %d bytes",
			       MANIFEST_MEMBER, MANIFEST_MAX_BYTES);
	rc = bundle_read_data(r, name, (size_t)archive_entry_size(e), &json, err);
	if (rc < 0)
		return rc;
	rc = manifest_parse((const char *)json, (size_t)archive_entry_size(e),
			    &r->b->manifest, err);
	free(json);
	return rc;
}

/**
 * Find the op whose member is name, from the one after the last found:
 * fixctl writes the members in the manifest's order, so each is found at
 * the first look (a linear search from the start made 5,000 members 12.5
 * million comparisons); any other order is still found, by wrapping round.
 * @ret its index, or -1
 */
static long bundle_find_op(struct bundle_reader *r, const char *name)
{
	const struct manifest *m = r->b->manifest;

	for (size_t k = 0; k < m->nops; k++) {
		size_t i = (r->next + k) % m->nops;

		if (m->ops[i].member && strcmp(m->ops[i].member, name) == 0) {
			r->next = i + 1;
			return (long)i;
		}
	}
	return -1;
}

/**
 * Read one payload member and check it against its op.
 *
 * @v r		reader
 * @v e		its header
 * @ret 0, -EINVAL, -EBADMSG, -EFBIG, -ENOMEM
 */
static int bundle_read_member(struct bundle_reader *r, struct archive_entry *e,
			      struct err *err)
{
	const struct manifest *m = r->b->manifest;
	const char *name = archive_entry_pathname(e);
	const struct manifest_op *op;
	struct bundle_blob *blob;
	uint8_t sha[SHA256_LEN];
	long i;
	int rc;

	if (!name)
		return err_set(err, -EINVAL, "member with no name");
	rc = bundle_entry_check(e, name, err);
	if (rc < 0)
		return rc;
	i = bundle_find_op(r, name);
	if (i < 0)
		return err_set(err, -EINVAL, "member %.*s is not named in the manifest",
			       MANIFEST_MEMBER_MAX, name);
	op = &m->ops[i];
	blob = &r->b->blobs[i];
	if (blob->data)
		return err_set(err, -EINVAL, "member %s appears twice", name);
	if ((uint64_t)archive_entry_size(e) != op->size)
		return err_set(err, -EINVAL, "member %s has %lld bytes, the manifest "
			       "says %llu", name, (long long)archive_entry_size(e),
			       (unsigned long long)op->size);
	if (op->size > SIZE_MAX - 1)
		return err_set(err, -EFBIG, "member %s: too large here", name);
	rc = bundle_read_data(r, name, (size_t)op->size, &blob->data, err);
	if (rc < 0)
		return rc;
	blob->size = (size_t)op->size;
	sha_buf(blob->data, blob->size, sha);
	if (sodium_memcmp(sha, op->sha256, SHA256_LEN) != 0)
		return err_set(err, -EBADMSG, "member %s: SHA-256 differs from the "
			       "manifest's", name);
	return 0;
}

/**
 * Read every member after the manifest, then check none is missing.
 * @ret 0 or a negative errno
 */
static int bundle_read_members(struct bundle_reader *r, struct err *err)
{
	const struct manifest *m = r->b->manifest;
	struct archive_entry *e;
	int rc;

	while ((rc = archive_read_next_header(r->a, &e)) == ARCHIVE_OK) {
		rc = bundle_read_member(r, e, err);
		if (rc < 0)
			return rc;
	}
	if (rc != ARCHIVE_EOF)
		return err_set(err, -EINVAL, "bad archive: %s", bundle_aerr(r->a));
	for (size_t i = 0; i < m->nops; i++) {
		if (m->ops[i].member && !r->b->blobs[i].data)
			return err_set(err, -EINVAL, "member %s is missing",
				       m->ops[i].member);
	}
	return 0;
}

/**
 * Refuse a manifest whose members add up to more than BUNDLE_UNPACKED_MAX,
 * before anything is decompressed.
 * @ret 0 or -EFBIG
 */
static int bundle_sizes_check(const struct manifest *m, struct err *err)
{
	uint64_t total = 0;

	for (size_t i = 0; i < m->nops; i++) {
		if (m->ops[i].size > BUNDLE_UNPACKED_MAX - total)
			return err_set(err, -EFBIG, "bundle members exceed %llu bytes",
				       (unsigned long long)BUNDLE_UNPACKED_MAX);
		total += m->ops[i].size;
	}
	return 0;
}

/**
 * Open an archive reader over memory: tar only, with the filters that
 * libarchive implements itself (never an external program).
 * @ret the archive, or NULL with err set
 */
static struct archive *bundle_archive_open(const void *data, size_t len,
					   struct err *err)
{
	struct archive *a = archive_read_new();

	if (!a) {
		err_set(err, -ENOMEM, "out of memory");
		return NULL;
	}
	if (archive_read_support_format_tar(a) != ARCHIVE_OK ||
	    archive_read_support_filter_zstd(a) != ARCHIVE_OK ||
	    archive_read_support_filter_xz(a) != ARCHIVE_OK ||
	    archive_read_support_filter_gzip(a) != ARCHIVE_OK) {
		err_set(err, -ENOTSUP, "libarchive lacks tar/zstd/xz/gzip: %s",
			bundle_aerr(a));
		goto err_free;
	}
	if (archive_read_open_memory(a, data, len) != ARCHIVE_OK) {
		err_set(err, -EINVAL, "not a bundle: %s", bundle_aerr(a));
		goto err_free;
	}
	return a;

err_free:
	archive_read_free(a);
	return NULL;
}

/**
 * Read a bundle file from memory and check its structure.
 * @ret 0 or a negative errno
 */
int bundle_parse(const void *data, size_t len, struct bundle **out,
		 struct err *err)
{
	struct bundle_reader r = { 0 };
	int rc;

	*out = NULL;
	r.b = calloc(1, sizeof(*r.b));
	if (!r.b)
		return err_set(err, -ENOMEM, "out of memory");
	r.a = bundle_archive_open(data, len, err);
	if (!r.a) {
		rc = -EINVAL;
		goto err_bundle;
	}
	rc = bundle_read_manifest(&r, err);
	if (rc < 0)
		goto err_archive;
	rc = bundle_paths_check(r.b->manifest, err);
	if (rc == 0)
		rc = bundle_sizes_check(r.b->manifest, err);
	if (rc < 0)
		goto err_archive;
	r.b->blobs = calloc(r.b->manifest->nops ? r.b->manifest->nops : 1,
			    sizeof(*r.b->blobs));
	if (!r.b->blobs) {
		rc = err_set(err, -ENOMEM, "out of memory");
		goto err_archive;
	}
	rc = bundle_read_members(&r, err);
	if (rc < 0)
		goto err_archive;
	archive_read_free(r.a);
	*out = r.b;
	return 0;

err_archive:
	archive_read_free(r.a);
err_bundle:
	bundle_free(r.b);
	return rc;
}
