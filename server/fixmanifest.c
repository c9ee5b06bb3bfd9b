/* SPDX-License-Identifier: MIT */
/*
 * The manifests of the stored fixes, for the evidence check (see
 * fixmanifest.h): a small cache, the inventory, the stored bundle.
 */
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/manifest.h"
#include "server/evidence.h"
#include "server/fixmanifest.h"
#include "server/fixstore.h"
#include "server/log.h"

#define FIXMANIFEST_BLOCK (64 * 1024)	/* libarchive's read size */

/* One parsed manifest, named by the SHA-256 of its bundle. */
struct fixmanifest_entry {
	char sha256[SHA256_HEX_LEN];
	struct manifest *m;		/* NULL: a free slot */
	uint64_t used;			/* clock of its last use */
};

struct fixmanifests {
	pthread_mutex_t lock;
	struct fixmanifest_entry e[FIXMANIFEST_CACHE];
	uint64_t clock;
};

/**
 * A new cache.
 *
 * @v out	the cache
 * @ret rc	0 or -ENOMEM
 */
int fixmanifests_new(struct fixmanifests **out)
{
	struct fixmanifests *c = calloc(1, sizeof(*c));

	if (!c)
		return -ENOMEM;
	pthread_mutex_init(&c->lock, NULL);
	*out = c;
	return 0;
}

/**
 * Free the cache.
 *
 * @v c		cache, or NULL
 */
void fixmanifests_free(struct fixmanifests *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < FIXMANIFEST_CACHE; i++)
		manifest_free(c->e[i].m);
	pthread_mutex_destroy(&c->lock);
	free(c);
}

/**
 * Read the manifest member of a bundle.
 *
 * @v fd	the bundle
 * @v json	its text (free())
 * @v len	its length
 * @v err	why not
 * @ret rc	0, -EINVAL, -EFBIG, -ENOMEM
 */
int fixmanifest_read(int fd, char **json, size_t *len, struct err *err)
{
	struct archive *a = archive_read_new();
	struct archive_entry *e;
	la_ssize_t n;
	int rc = -EINVAL;

	*json = NULL;
	if (!a)
		return -ENOMEM;
	archive_read_support_filter_all(a);
	archive_read_support_format_tar(a);
	if (lseek(fd, 0, SEEK_SET) < 0 ||
	    archive_read_open_fd(a, fd, FIXMANIFEST_BLOCK) != ARCHIVE_OK ||
	    archive_read_next_header(a, &e) != ARCHIVE_OK) {
		err_set(err, -EINVAL, "not a bundle: %s", archive_error_string(a)
			? archive_error_string(a) : "unreadable archive");
		goto out;
	}
	if (strcmp(archive_entry_pathname(e), MANIFEST_MEMBER) != 0 ||
	    !archive_entry_size_is_set(e)) {
		err_set(err, -EINVAL, "not a bundle: the first member is not %s",
			MANIFEST_MEMBER);
		goto out;
	}
	if (archive_entry_size(e) > MANIFEST_MAX_BYTES) {
		rc = err_set(err, -EFBIG, "manifest over %d bytes",
			     MANIFEST_MAX_BYTES);
		goto out;
	}
	*json = malloc((size_t)archive_entry_size(e) + 1);
	if (!*json) {
		rc = err_set(err, -ENOMEM, "out of memory");
		goto out;
	}
	n = archive_read_data(a, *json, (size_t)archive_entry_size(e));
	if (n != archive_entry_size(e)) {
		err_set(err, -EINVAL, "not a bundle: manifest truncated");
		free(*json);
		*json = NULL;
		goto out;
	}
	(*json)[n] = '\0';
	*len = (size_t)n;
	rc = 0;
out:
	archive_read_free(a);
	return rc;
}

/**
 * The manifest text of a fix: the inventory's, else its stored bundle's.
 *
 * @v srv	server
 * @v f		the fix
 * @v json	the text (free())
 * @v len	its length
 * @v err	why not
 * @ret rc	0 or a negative errno
 */
static int fixmanifest_text(const struct srv *srv, const struct inv_fix *f,
			    char **json, size_t *len, struct err *err)
{
	char path[4400];
	int fd, rc;

	rc = inv_fix_manifest_get(srv->inv, f->id, json, len);
	if (rc != -ENODATA)
		return rc < 0 ? err_set(err, rc, "the inventory has no manifest of "
					"%s", f->id) : 0;
	fixstore_path(srv, f->id, f->serial, "", path, sizeof(path));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return err_set(err, -errno, "%s: %s", path, strerror(errno));
	rc = fixmanifest_read(fd, json, len, err);
	close(fd);
	if (rc == 0)
		log_info("fix", "manifest of %s serial %llu read from %s (added "
			 "before the inventory kept manifests)", f->id,
			 (unsigned long long)f->serial, path);
	return rc;
}

/**
 * Parse the manifest of a fix and check it is that fix's.
 *
 * @v srv	server
 * @v f		the fix
 * @v out	the manifest
 * @ret rc	0 or a negative errno (logged)
 */
static int fixmanifest_load(const struct srv *srv, const struct inv_fix *f,
			    struct manifest **out)
{
	struct err err = { .msg = "" };
	char *json = NULL;
	size_t len = 0;
	int rc;

	rc = fixmanifest_text(srv, f, &json, &len, &err);
	if (rc == 0)
		rc = manifest_parse(json, len, out, &err);
	free(json);
	if (rc == 0 && (strcmp((*out)->id, f->id) != 0 ||
			(*out)->serial != f->serial)) {
		rc = err_set(&err, -EINVAL, "it is the manifest of %s serial "
			     "%llu", (*out)->id,
			     (unsigned long long)(*out)->serial);
		manifest_free(*out);
		*out = NULL;
	}
	if (rc < 0)
		log_err("fix", "manifest of %s serial %llu: %s", f->id,
			(unsigned long long)f->serial, err.msg);
	return rc;
}

/**
 * The cache entry of a fix, loaded into the least recently used slot when
 * absent (cache locked).
 *
 * @v srv	server
 * @v f		the fix
 * @v out	the entry
 * @ret rc	0 or a negative errno
 */
static int fixmanifest_entry(const struct srv *srv, const struct inv_fix *f,
			     struct fixmanifest_entry **out)
{
	struct fixmanifests *c = srv->manifests;
	struct fixmanifest_entry *slot = &c->e[0];
	struct manifest *m;
	int rc;

	for (size_t i = 0; i < FIXMANIFEST_CACHE; i++) {
		struct fixmanifest_entry *e = &c->e[i];

		if (e->m && strcmp(e->sha256, f->sha256) == 0) {
			*out = e;
			e->used = ++c->clock;
			return 0;
		}
		if (!e->m || (slot->m && e->used < slot->used))
			slot = e;
	}
	rc = fixmanifest_load(srv, f, &m);
	if (rc < 0)
		return rc;
	manifest_free(slot->m);
	slot->m = m;
	memcpy(slot->sha256, f->sha256, SHA256_HEX_LEN);
	slot->used = ++c->clock;
	*out = slot;
	return 0;
}

/**
 * Check a report's evidence against the manifest of a stored fix.
 *
 * @v srv	server
 * @v f		the fix
 * @v r		the report
 * @v why	the first mismatch
 * @v len	size of why
 * @ret rc	0, -EBADMSG, or a negative errno
 */
int fixmanifest_check(const struct srv *srv, const struct inv_fix *f,
		      const struct report *r, char *why, size_t len)
{
	struct fixmanifest_entry *e;
	int rc;

	pthread_mutex_lock(&srv->manifests->lock);
	rc = fixmanifest_entry(srv, f, &e);
	if (rc == 0)
		rc = evidence_check(e->m, r, why, len);
	pthread_mutex_unlock(&srv->manifests->lock);
	return rc;
}
