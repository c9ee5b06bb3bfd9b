/* SPDX-License-Identifier: MIT */
/*
 * The evidence of an applied fix against its manifest (see evidence.h).
 * Indexes sorted once (puts by path, delete globs by directory, entries by
 * path) keep the check O(n log n) for the largest report fixsrv takes.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "server/evidence.h"

struct ev {
	const struct manifest *m;
	const struct report *r;
	bool fold;		/* NTFS or FAT: paths compare as Windows does */
	size_t *puts, nputs;	/* put ops, by path */
	size_t *dels, ndels;	/* delete ops, by the glob's directory */
	size_t *order;		/* evidence entries, by path then position */
	bool *twice;		/* per entry: a path listed before */
	bool *seen;		/* per op: a put with its entry */
	uint32_t *count;	/* per op: the entries a delete matched */
	char *why;
	size_t len;
};

/** Set the reason; @ret -EBADMSG */
static int ev_fail(struct ev *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static int ev_fail(struct ev *e, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(e->why, e->len, fmt, ap);
	va_end(ap);
	return -EBADMSG;
}

/** Length of the directory part of a path ("" for a name at the root). */
static size_t ev_dirlen(const char *p)
{
	const char *slash = strrchr(p, '/');

	return slash ? (size_t)(slash - p) : 0;
}

/** Compare two paths, ASCII case folded with fold. */
static int ev_pathcmp(const struct ev *e, const char *a, const char *b)
{
	return e->fold ? strcasecmp(a, b) : strcmp(a, b);
}

/** Order two paths by their directory part. */
static int ev_dircmp(const struct ev *e, const char *a, const char *b)
{
	size_t la = ev_dirlen(a), lb = ev_dirlen(b);
	size_t n = la < lb ? la : lb;
	int c = e->fold ? strncasecmp(a, b, n) : memcmp(a, b, n);

	return c ? c : (la > lb) - (la < lb);
}

/** qsort_r: op indexes by path (puts) or by directory (deletes). */
static int ev_op_cmp(const void *a, const void *b, void *cls)
{
	const struct ev *e = cls;
	const struct manifest_op *x = &e->m->ops[*(const size_t *)a];
	const struct manifest_op *y = &e->m->ops[*(const size_t *)b];

	return x->kind == MANIFEST_OP_PUT ? ev_pathcmp(e, x->path, y->path) :
		ev_dircmp(e, x->path, y->path);
}

/** qsort_r: entry indexes by path, then position. */
static int ev_entry_cmp(const void *a, const void *b, void *cls)
{
	const struct ev *e = cls;
	size_t i = *(const size_t *)a, j = *(const size_t *)b;
	int c = ev_pathcmp(e, e->r->evidence[i].path, e->r->evidence[j].path);

	return c ? c : (i > j) - (i < j);
}

/** Build the sorted indexes; @ret 0 or -ENOMEM */
static int ev_index(struct ev *e)
{
	const struct manifest *m = e->m;
	size_t n = e->r->nevidence;

	e->puts = calloc(m->nops + 1, sizeof(*e->puts));
	e->dels = calloc(m->nops + 1, sizeof(*e->dels));
	e->seen = calloc(m->nops + 1, sizeof(*e->seen));
	e->count = calloc(m->nops + 1, sizeof(*e->count));
	e->order = calloc(n + 1, sizeof(*e->order));
	e->twice = calloc(n + 1, sizeof(*e->twice));
	if (!e->puts || !e->dels || !e->seen || !e->count || !e->order ||
	    !e->twice)
		return -ENOMEM;
	for (size_t i = 0; i < m->nops; i++) {
		if (m->ops[i].kind == MANIFEST_OP_PUT)
			e->puts[e->nputs++] = i;
		else if (m->ops[i].kind == MANIFEST_OP_DELETE)
			e->dels[e->ndels++] = i;
	}
	qsort_r(e->puts, e->nputs, sizeof(size_t), ev_op_cmp, e);
	qsort_r(e->dels, e->ndels, sizeof(size_t), ev_op_cmp, e);
	for (size_t i = 0; i < n; i++)
		e->order[i] = i;
	qsort_r(e->order, n, sizeof(size_t), ev_entry_cmp, e);
	for (size_t i = 1; i < n; i++)
		e->twice[e->order[i]] =
			ev_pathcmp(e, e->r->evidence[e->order[i]].path,
				   e->r->evidence[e->order[i - 1]].path) == 0;
	return 0;
}

/** The put op of a path, or SIZE_MAX. */
static size_t ev_put_find(const struct ev *e, const char *path)
{
	size_t lo = 0, hi = e->nputs;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = ev_pathcmp(e, path, e->m->ops[e->puts[mid]].path);

		if (c == 0)
			return e->puts[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return SIZE_MAX;
}

/** Check a "put" entry against its op. */
static int ev_put(struct ev *e, const struct report_evidence *ev)
{
	size_t op = ev_put_find(e, ev->path);
	char want[SHA256_HEX_LEN], got[SHA256_HEX_LEN];

	if (op == SIZE_MAX)
		return ev_fail(e, "evidence: %.*s: put, but the manifest does not "
			       "put it", EVIDENCE_PATH_SHOWN, ev->path);
	e->seen[op] = true;
	hex_encode(e->m->ops[op].sha256, SHA256_LEN, want);
	if (!ev->has_after)
		return ev_fail(e, "evidence: %.*s: after is null, the manifest "
			       "says %s", EVIDENCE_PATH_SHOWN, ev->path, want);
	hex_encode(ev->after, SHA256_LEN, got);
	if (strcmp(got, want) != 0)
		return ev_fail(e, "evidence: %.*s: after is %s, the manifest says "
			       "%s", EVIDENCE_PATH_SHOWN, ev->path, got, want);
	return 0;
}

/** Check a "delete" entry: a glob of its directory matches it, within max. */
static int ev_delete(struct ev *e, const struct report_evidence *ev)
{
	size_t lo = 0, hi = e->ndels;
	bool matched = false;
	char got[SHA256_HEX_LEN];

	while (lo < hi) {	/* the first glob of the entry's directory */
		size_t mid = lo + (hi - lo) / 2;

		if (ev_dircmp(e, e->m->ops[e->dels[mid]].path, ev->path) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < e->ndels; lo++) {
		const struct manifest_op *op = &e->m->ops[e->dels[lo]];

		if (ev_dircmp(e, op->path, ev->path) != 0)
			break;
		if (!manifest_glob_match(op->path, ev->path, e->fold))
			continue;
		matched = true;
		if (++e->count[e->dels[lo]] > op->max_matches)
			return ev_fail(e, "evidence: %.*s: more than %u deletes, "
				       "the manifest's max", EVIDENCE_PATH_SHOWN,
				       op->path, op->max_matches);
	}
	if (!matched)
		return ev_fail(e, "evidence: %.*s: deleted, but no delete glob of "
			       "the manifest matches it", EVIDENCE_PATH_SHOWN,
			       ev->path);
	if (ev->has_after) {
		hex_encode(ev->after, SHA256_LEN, got);
		return ev_fail(e, "evidence: %.*s: after is %s, the manifest "
			       "deletes it", EVIDENCE_PATH_SHOWN, ev->path, got);
	}
	return 0;
}

/** Walk the entries in report order, then the puts without one. */
static int ev_walk(struct ev *e)
{
	char want[SHA256_HEX_LEN];
	int rc = 0;

	for (size_t i = 0; rc == 0 && i < e->r->nevidence; i++) {
		const struct report_evidence *ev = &e->r->evidence[i];

		if (e->twice[i])
			rc = ev_fail(e, "evidence: %.*s: listed more than once",
				     EVIDENCE_PATH_SHOWN, ev->path);
		else if (strcmp(ev->op, "put") == 0)
			rc = ev_put(e, ev);
		else if (strcmp(ev->op, "delete") == 0)
			rc = ev_delete(e, ev);
		else
			rc = ev_fail(e, "evidence: %.*s: unknown op %.16s",
				     EVIDENCE_PATH_SHOWN, ev->path, ev->op);
	}
	for (size_t i = 0; rc == 0 && i < e->m->nops; i++) {
		const struct manifest_op *op = &e->m->ops[i];

		if (op->kind != MANIFEST_OP_PUT || e->seen[i])
			continue;
		hex_encode(op->sha256, SHA256_LEN, want);
		rc = ev_fail(e, "evidence: %.*s: missing, the manifest puts it "
			     "(%s)", EVIDENCE_PATH_SHOWN, op->path, want);
	}
	return rc;
}

/**
 * Check a report's evidence against its manifest.
 *
 * @v m		manifest
 * @v r		report
 * @v why	the first mismatch
 * @v len	its size
 * @ret 0, -EBADMSG, -ENOMEM
 */
int evidence_check(const struct manifest *m, const struct report *r,
		   char *why, size_t len)
{
	struct ev e = { .m = m, .r = r, .why = why, .len = len };
	int rc;

	/* fixd reports the names stored on the volume, which on NTFS and FAT
	 * may differ in case from the manifest's (fixd/fold.h) */
	e.fold = r->fstype && (strcmp(r->fstype, "ntfs") == 0 ||
			       strcmp(r->fstype, "vfat") == 0);
	if (len)
		why[0] = '\0';
	rc = ev_index(&e);
	if (rc == 0)
		rc = ev_walk(&e);
	free(e.twice);
	free(e.order);
	free(e.count);
	free(e.seen);
	free(e.dels);
	free(e.puts);
	return rc;
}
