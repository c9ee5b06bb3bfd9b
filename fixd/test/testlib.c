/* SPDX-License-Identifier: MIT */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cmocka.h>
#include <archive.h>
#include <archive_entry.h>

#include "common/buf.h"
#include "common/hex.h"
#include "common/manifest.h"
#include "fixd/sha.h"
#include "fixd/test/testlib.h"

#define TL_SNAP_MAX (16 * 1024 * 1024)
#define TL_JSON_MAX (1024 * 1024)

/** A fresh directory. */
char *tl_tmpdir(void)
{
	const char *base = getenv("TMPDIR");
	char *p;

	if (asprintf(&p, "%s/fixd-test.XXXXXX", base && base[0] ? base : "/tmp") < 0)
		fail_msg("asprintf");
	if (!mkdtemp(p))
		fail_msg("mkdtemp %s: %s", p, strerror(errno));
	return p;
}

/** nftw callback removing one entry. */
static int tl_rm_one(const char *path, const struct stat *st, int flag,
		     struct FTW *f)
{
	(void)st;
	(void)f;
	if (flag == FTW_DP)
		rmdir(path);
	else
		unlink(path);
	return 0;
}

/** Remove a tree. */
void tl_rmtree(const char *dir)
{
	nftw(dir, tl_rm_one, 32, FTW_DEPTH | FTW_PHYS);
}

/** Make the parents of path. */
static void tl_parents(char *path)
{
	for (char *p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		mkdir(path, 0755);
		*p = '/';
	}
}

/** Write a file below dir. */
void tl_write(const char *dir, const char *rel, const void *data, size_t len,
	      mode_t mode)
{
	char path[PATH_MAX];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	tl_parents(path);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
	if (fd < 0 || write(fd, data, len) != (ssize_t)len)
		fail_msg("write %s: %s", path, strerror(errno));
	fchmod(fd, mode);
	close(fd);
}

/** Read a whole file. */
char *tl_read(const char *path, size_t *len)
{
	struct buf b;
	char chunk[4096];
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY);
	if (fd < 0)
		return NULL;
	buf_init(&b, TL_SNAP_MAX);
	while ((n = read(fd, chunk, sizeof(chunk))) > 0)
		buf_append(&b, chunk, (size_t)n);
	close(fd);
	return buf_steal(&b, len);
}

/** Read dir/rel. */
char *tl_read_at(const char *dir, const char *rel, size_t *len)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	return tl_read(path, len);
}

/**
 * One line for the entry at path (rel is its name below the root), then
 * the entries below it.
 */
static void tl_snap_walk(const char *path, const char *rel, struct buf *out)
{
	char sha[SHA256_HEX_LEN] = "-", target[PATH_MAX], sub[PATH_MAX];
	uint8_t d[SHA256_LEN];
	struct dirent *e;
	struct stat st;
	ssize_t n;
	DIR *dir;
	int fd;

	if (lstat(path, &st) < 0)
		fail_msg("lstat %s: %s", path, strerror(errno));
	if (S_ISREG(st.st_mode) && (fd = open(path, O_RDONLY)) >= 0) {
		sha_fd(fd, d);
		close(fd);
		hex_encode(d, SHA256_LEN, sha);
	} else if (S_ISLNK(st.st_mode) &&
		   (n = readlink(path, target, sizeof(target) - 1)) >= 0) {
		target[n] = '\0';
		snprintf(sha, sizeof(sha), "-> %.60s", target);
	}
	buf_printf(out, "%s %o %u:%u %lld %lld.%09ld %s\n", rel[0] ? rel : ".",
		   (unsigned)st.st_mode, (unsigned)st.st_uid, (unsigned)st.st_gid,
		   S_ISDIR(st.st_mode) ? 0LL : (long long)st.st_size,
		   S_ISDIR(st.st_mode) ? 0LL : (long long)st.st_mtim.tv_sec,
		   S_ISDIR(st.st_mode) ? 0L : st.st_mtim.tv_nsec, sha);
	if (!S_ISDIR(st.st_mode) || !(dir = opendir(path)))
		return;
	while ((e = readdir(dir)) != NULL) {
		char subrel[PATH_MAX];

		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(sub, sizeof(sub), "%s/%s", path, e->d_name);
		snprintf(subrel, sizeof(subrel), "%s%s%s", rel, rel[0] ? "/" : "",
			 e->d_name);
		tl_snap_walk(sub, subrel, out);
	}
	closedir(dir);
}

/** Compare two lines. */
static int tl_line_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/** Every entry below dir, sorted. */
char *tl_snapshot(const char *dir)
{
	struct buf raw, out;
	char **lines, *save = NULL;
	size_t n = 0;

	buf_init(&raw, TL_SNAP_MAX);
	buf_init(&out, TL_SNAP_MAX);
	tl_snap_walk(dir, "", &raw);
	lines = calloc(raw.len + 1, sizeof(*lines));
	for (char *l = strtok_r(raw.data, "\n", &save); l; l = strtok_r(NULL, "\n", &save))
		lines[n++] = l;
	qsort(lines, n, sizeof(*lines), tl_line_cmp);
	for (size_t i = 0; i < n; i++)
		buf_printf(&out, "%s\n", lines[i]);
	free(lines);
	buf_free(&raw);
	return buf_steal(&out, NULL);
}

/** Hex SHA-256 of a string. */
void tl_sha_hex(const char *s, char out[65])
{
	uint8_t d[SHA256_LEN];

	sha_buf(s, strlen(s), d);
	hex_encode(d, SHA256_LEN, out);
}

/** libarchive write callback into a buf. */
static la_ssize_t tl_archive_cb(struct archive *a, void *cls, const void *p,
				size_t n)
{
	(void)a;
	return buf_append(cls, p, n) < 0 ? -1 : (la_ssize_t)n;
}

/** Write one crafted entry. */
static void tl_archive_entry(struct archive *a, const struct tl_entry *t)
{
	struct archive_entry *e = archive_entry_new();
	size_t size = t->type == 0 || t->type == AE_IFREG ?
		      (t->size ? t->size : (t->data ? strlen(t->data) : 0)) : 0;

	archive_entry_set_pathname(e, t->name);
	archive_entry_set_filetype(e, t->type ? t->type : AE_IFREG);
	archive_entry_set_perm(e, t->perm ? t->perm : 0644);
	archive_entry_set_mtime(e, 1, 0);
	if (t->type == AE_IFLNK)
		archive_entry_set_symlink(e, t->link);
	if (t->hardlink) {
		archive_entry_set_hardlink(e, t->link);
		size = 0;
	}
	if (t->type == AE_IFCHR)
		archive_entry_set_rdev(e, makedev(1, 3));
	archive_entry_set_size(e, (la_int64_t)size);
	if (archive_write_header(a, e) != ARCHIVE_OK)
		fail_msg("archive header %s: %s", t->name, archive_error_string(a));
	if (size && archive_write_data(a, t->data, size) != (la_ssize_t)size)
		fail_msg("archive data %s: %s", t->name, archive_error_string(a));
	archive_entry_free(e);
}

/** A tar archive in memory. */
uint8_t *tl_archive(const struct tl_entry *e, size_t n, bool zstd, size_t *len)
{
	struct archive *a = archive_write_new();
	struct buf out;

	buf_init(&out, TL_SNAP_MAX);
	archive_write_set_format_pax_restricted(a);
	if (zstd)
		archive_write_add_filter_zstd(a);
	archive_write_set_bytes_in_last_block(a, 1);
	if (archive_write_open(a, &out, NULL, tl_archive_cb, NULL) != ARCHIVE_OK)
		fail_msg("archive open: %s", archive_error_string(a));
	for (size_t i = 0; i < n; i++)
		tl_archive_entry(a, &e[i]);
	archive_write_close(a);
	archive_write_free(a);
	return (uint8_t *)buf_steal(&out, len);
}

/** Append the JSON of one op. */
static void tl_manifest_op(struct buf *b, size_t i, const struct tl_op *op)
{
	char sha[65];

	if (op->kind == MANIFEST_OP_DELETE) {
		buf_printf(b, "{\"op\": \"delete\", \"glob\": \"%s\", \"max\": %u}",
			   op->path, op->max ? op->max : 16);
		return;
	}
	tl_sha_hex(op->data, sha);
	if (op->kind == MANIFEST_OP_PUT)
		buf_printf(b, "{\"op\": \"put\", \"path\": \"%s\", \"member\": "
			   "\"payload/%zu\", \"mode\": \"%04o\", \"size\": %zu, "
			   "\"sha256\": \"%s\"}", op->path, i, op->mode ? op->mode : 0644,
			   strlen(op->data), sha);
	else
		buf_printf(b, "{\"op\": \"hook\", \"member\": \"hooks/%zu\", \"size\": "
			   "%zu, \"sha256\": \"%s\", \"timeout\": %u}", i,
			   strlen(op->data), sha, op->timeout ? op->timeout : 10);
}

/** The manifest JSON for ops. */
char *tl_manifest(const char *id, uint64_t serial, const char *target,
		  const struct tl_op *ops, size_t n)
{
	struct buf b;

	buf_init(&b, TL_JSON_MAX);
	buf_printf(&b, "{\"format\": 1, \"id\": \"%s\", \"serial\": %llu, ", id,
		   (unsigned long long)serial);
	if (target)
		buf_printf(&b, "\"target\": %s, ", target);
	buf_puts(&b, "\"ops\": [");
	for (size_t i = 0; i < n; i++) {
		if (i)
			buf_puts(&b, ", ");
		tl_manifest_op(&b, i, &ops[i]);
	}
	buf_puts(&b, "]}");
	return buf_steal(&b, NULL);
}

/** A whole bundle. */
uint8_t *tl_bundle(const char *id, uint64_t serial, const char *target,
		   const struct tl_op *ops, size_t n, size_t *len)
{
	struct tl_entry *e = calloc(n + 1, sizeof(*e));
	char (*names)[32] = calloc(n + 1, sizeof(*names));
	char *json = tl_manifest(id, serial, target, ops, n);
	size_t m = 0;
	uint8_t *out;

	e[m++] = (struct tl_entry){ .name = MANIFEST_MEMBER, .data = json };
	for (size_t i = 0; i < n; i++) {
		if (ops[i].kind == MANIFEST_OP_DELETE)
			continue;
		snprintf(names[i], sizeof(names[i]), "%s/%zu",
			 ops[i].kind == MANIFEST_OP_PUT ? "payload" : "hooks", i);
		e[m++] = (struct tl_entry){ .name = names[i], .data = ops[i].data,
					    .size = strlen(ops[i].data) };
	}
	out = tl_archive(e, m, true, len);
	free(json);
	free(names);
	free(e);
	return out;
}

/** A fresh key pair. */
void tl_keypair(struct minisign_seckey *sk, struct minisign_pubkey *pk)
{
	if (minisign_keypair_generate(sk, pk) < 0)
		fail_msg("keypair");
}

/** A .minisig for data. */
char *tl_sign(const struct minisign_seckey *sk, const void *data, size_t len,
	      const char *comment, size_t *siglen)
{
	uint8_t hash[MINISIGN_HASH_LEN];
	struct buf b;

	buf_init(&b, MINISIGN_FILE_MAX);
	minisign_prehash(data, len, hash);
	if (minisign_sign_hash(sk, hash, NULL, comment, &b, NULL) < 0)
		fail_msg("sign");
	return buf_steal(&b, siglen);
}

/** True if a program is on $PATH. */
bool tl_have(const char *prog)
{
	const char *path = getenv("PATH");
	char dir[PATH_MAX], *save = NULL, copy[4096];

	snprintf(copy, sizeof(copy), "%s:/sbin:/usr/sbin", path ? path : "/bin:/usr/bin");
	for (char *d = strtok_r(copy, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
		snprintf(dir, sizeof(dir), "%s/%s", d, prog);
		if (access(dir, X_OK) == 0)
			return true;
	}
	return false;
}
