/* SPDX-License-Identifier: MIT */
#ifndef FIXD_TEST_TESTLIB_H
#define FIXD_TEST_TESTLIB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "common/minisign.h"

/*
 * Helpers for fixd's unit tests: scratch directories, a snapshot of a tree
 * (to prove a refusal changed nothing), bundles built in memory (valid, or
 * crafted to be refused), keys and signatures.  Failures abort the test
 * (cmocka's fail_msg).
 */

/** A fresh directory under $TMPDIR (or /tmp); free() the name. */
char *tl_tmpdir(void);

/** Remove a tree (no symlink followed). */
void tl_rmtree(const char *dir);

/** Write a file below dir (parents made), with a mode. */
void tl_write(const char *dir, const char *rel, const void *data, size_t len,
	      mode_t mode);

/** Read a whole file (NUL-terminated); free() it.  NULL if absent. */
char *tl_read(const char *path, size_t *len);

/** Read dir/rel. */
char *tl_read_at(const char *dir, const char *rel, size_t *len);

/**
 * Every entry below dir, one line each, sorted: path, type, mode, owner,
 * size, mtime (ns), SHA-256 of a file's content or a symlink's target.
 * free() it.
 */
char *tl_snapshot(const char *dir);

/** Hex SHA-256 of a string (65 bytes). */
void tl_sha_hex(const char *s, char out[65]);

/* One member of a crafted archive. */
struct tl_entry {
	const char *name;
	const void *data;	/* regular file: contents (NUL-terminated if size 0) */
	size_t size;		/* 0: strlen(data) */
	mode_t type;		/* AE_IFREG (0 means it), AE_IFLNK, AE_IFCHR, AE_IFDIR */
	mode_t perm;		/* 0: 0644 */
	const char *link;	/* symlink target, or hard link target */
	bool hardlink;
};

/**
 * A tar archive in memory (pax), compressed with zstd if zstd is set.
 * free() it.
 */
uint8_t *tl_archive(const struct tl_entry *e, size_t n, bool zstd, size_t *len);

/* One op of a generated bundle. */
struct tl_op {
	int kind;		/* MANIFEST_OP_* */
	const char *path;	/* put: destination; delete: glob */
	const char *data;	/* put, hook: contents */
	unsigned mode;		/* put: 0 means 0644 */
	unsigned max;		/* delete: 0 means 16 */
	unsigned timeout;	/* hook: 0 means 10 */
};

/**
 * The manifest JSON for ops (members payload/I and hooks/I); target is a
 * JSON object text or NULL.  free() it.
 */
char *tl_manifest(const char *id, uint64_t serial, const char *target,
		  const struct tl_op *ops, size_t n);

/** A whole bundle (manifest and members, tar + zstd).  free() it. */
uint8_t *tl_bundle(const char *id, uint64_t serial, const char *target,
		   const struct tl_op *ops, size_t n, size_t *len);

/** A fresh key pair. */
void tl_keypair(struct minisign_seckey *sk, struct minisign_pubkey *pk);

/** A .minisig for data, with a trusted comment.  free() it. */
char *tl_sign(const struct minisign_seckey *sk, const void *data, size_t len,
	      const char *comment, size_t *siglen);

/** True if a program is on $PATH (for tests that need mkfs and such). */
bool tl_have(const char *prog);

#endif
