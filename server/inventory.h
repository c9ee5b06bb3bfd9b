/* SPDX-License-Identifier: MIT */
#ifndef FIXNET_SERVER_INVENTORY_H
#define FIXNET_SERVER_INVENTORY_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>
#include <sqlite3.h>

#include "common/buf.h"
#include "common/hex.h"
#include "common/mac.h"
#include "common/manifest.h"
#include "server/state.h"

/*
 * The inventory: which clients exist, which fixes, and for each (client,
 * fix) pair its state, in SQLite (WAL, synchronous=FULL so that a commit is
 * on disk when it returns).  One connection behind a mutex: every operation
 * runs between inv_tx_begin() and inv_tx_end(), which hold the lock and a
 * savepoint in the current batch transaction.  Group commit (db.c):
 * the work of the threads that queue for the lock while a batch is open
 * goes into the same transaction, committed once by the last of them;
 * inv_tx_end() returns only after the commit of the batch holding the
 * caller's writes (or any write the caller could have read), so a reply
 * never reports what is not yet on disk.  A hot path that only reads may
 * use its thread's read-only connection instead (db_reader.c): committed
 * data, no lock, no wait.  SQL is never built from input:
 * prepared statements of static text only, kept in a per-connection cache
 * keyed by the text's address.
 */

#define INV_NAME_MAX 64		/* client, group, power group names */
#define INV_LIST_MAX 100000	/* rows in one listing */
#define INV_EVENTS_DEFAULT 100
#define INV_EVENTS_MAX 10000
#define INV_STMT_CACHE 128	/* prepared statements kept */
#define INV_BATCH_MAX 256	/* transactions committed together, at most */

/* A cached prepared statement, keyed by the address of its static SQL. */
struct inv_stmt {
	const char *sql;
	sqlite3_stmt *st;
	bool busy;		/* handed out, not yet released */
};

struct inv_waiter;

struct inv {
	sqlite3 *db;
	pthread_mutex_t lock;
	pthread_cond_t committed;	/* a batch was committed (or lost) */
	atomic_uint entering;		/* threads queued for the lock */
	bool open;			/* the batch transaction is open */
	bool dirty;			/* ... and holds uncommitted writes */
	size_t members;			/* transactions waiting for its commit */
	struct inv_waiter *waiters;
	int64_t changes;		/* total changes at the savepoint */
	/* durable commits of batches with writes (lock held): how many, the
	 * transactions that waited for them, the time spent in COMMIT */
	uint64_t commits, commit_waiters, commit_ns;
	struct inv_stmt stmts[INV_STMT_CACHE];
	size_t nstmts;
	/* db_reader.c: the threads' read-only connections (the inventory's
	 * own object only) */
	char *path;
	pthread_key_t reader_key;
	bool has_reader_key;
	pthread_mutex_t readers_lock;
	struct inv *readers;		/* every one opened, for inv_close() */
	struct inv *next_reader;	/* in a reader: the next one */
};

struct inv_client {
	int64_t id;
	char mac[MAC_STR_LEN];
	char name[INV_NAME_MAX + 1];	/* "" if none */
	char group[INV_NAME_MAX + 1];	/* "" if none */
	char power_group[INV_NAME_MAX + 1];
	bool discovered;
	bool removed;			/* fixctl client remove: history only */
};

struct inv_fix {
	char id[MANIFEST_ID_MAX + 1];
	uint64_t serial;
	uint64_t size;
	uint64_t sig_size;
	char sha256[SHA256_HEX_LEN];
	char keyid[17];
	char description[MANIFEST_DESC_MAX + 1];
	int64_t added;
};

struct inv_pair {
	int64_t id;
	int64_t client_id;
	char fix_id[MANIFEST_ID_MAX + 1];
	enum pair_state state;
	uint64_t boots;
	uint64_t applied_serial;
};

/* --- db.c: connection, schema, transactions, statements, helpers --- */

/**
 * Open (creating if needed) and migrate the inventory to the current schema.
 * @ret 0 and *out, or a negative errno (logged)
 */
int inv_open(const char *path, struct inv **out);

/** Close (with every reader of db_reader.c); accepts NULL. */
void inv_close(struct inv *inv);

/* db_reader.c: read-only connections, one per thread, without the lock */

/** Open a read-only connection (for inv_reader()). */
int inv_open_reader(const char *path, struct inv **out);

/** Set up the readers of an inventory just opened (inv_open()). */
int inv_readers_init(struct inv *inv, const char *path);

/** Close every reader (inv_close()). */
void inv_readers_free(struct inv *inv);

/**
 * The calling thread's read-only connection, opened on first use.  It sees
 * committed data only (WAL readers never wait for the writer), and is used
 * without the inventory's lock, by this thread alone.  Wrap the reads that
 * must agree in inv_read_begin() / inv_read_end(): one snapshot.
 * @ret 0 and *out, -EOPNOTSUPP for an in-memory inventory (":memory:",
 *	tests and fuzzing: no other connection can see it), or a negative
 *	errno
 */
int inv_reader(struct inv *inv, struct inv **out);

/** Open a read transaction on a reader (one snapshot until its end). */
int inv_read_begin(struct inv *r);

/** End it; @ret rc, or the end's error */
int inv_read_end(struct inv *r, int rc);

/* transactions with group commit */

/**
 * Take the lock and open a savepoint in the batch transaction (BEGIN
 * IMMEDIATE first when no batch is open).
 * @ret 0 or a negative errno (the lock is then not held)
 */
int inv_tx_begin(struct inv *inv);

/**
 * Release the savepoint if rc is 0, else roll it back; then, if the batch
 * holds writes, wait for its commit (made here when no other thread is
 * queued for the lock), and release the lock.
 * @ret rc, or the commit's error
 */
int inv_tx_end(struct inv *inv, int rc);

/* the statement cache */

/** Prepare a statement of static SQL, or reuse its cached one. */
int inv_prepare(struct inv *inv, sqlite3_stmt **st, const char *sql);

/** Release a statement from inv_prepare() (reset, or finalised). */
void inv_finalize(struct inv *inv, sqlite3_stmt *st);

/** Finalise every cached statement (before sqlite3_close). */
void inv_stmt_cache_free(struct inv *inv);

/** Run a cached statement of static SQL that returns no row. */
int inv_run(struct inv *inv, const char *sql);

/* helpers */

/** The schema version of the open inventory (migrations applied). */
int inv_schema_version(struct inv *inv, int64_t *out);

/** Convert an SQLite code to a negative errno, logging its message. */
int inv_rc(struct inv *inv, int src, const char *what);

/** Step a statement expected to finish (INSERT, UPDATE); releases it. */
int inv_step_done(struct inv *inv, sqlite3_stmt *st, const char *what);

/** Copy a text column into a buffer ("" for NULL), truncating. */
void inv_col_text(sqlite3_stmt *st, int col, char *out, size_t outlen);

/** A text column as a JSON string, or null. */
json_t *inv_col_json_str(sqlite3_stmt *st, int col);

/** An integer column as a JSON integer, or null. */
json_t *inv_col_json_int(sqlite3_stmt *st, int col);

/**
 * Collect the rows of a statement (finalised here) into a JSON array, one
 * object per row made by row().
 */
int inv_rows_json(struct inv *inv, sqlite3_stmt *st,
		  json_t *(*row)(sqlite3_stmt *), json_t **out);

/** Check a name: 1..INV_NAME_MAX of [A-Za-z0-9._-], first alnum. */
int inv_name_check(const char *name);

/* --- inv_client.c: clients and groups --- */

/**
 * Add a client, or adopt one that was discovered (booted before it was
 * added) or removed.  The group is created if it does not exist.
 * @ret 0, -EEXIST (MAC of a client added before, or name taken), -EINVAL
 */
int inv_client_add(struct inv *inv, const char *mac, const char *name,
		   const char *group, const char *power_group, int64_t now,
		   int64_t *id);

/**
 * Change a client's name, group or power group (each NULL: unchanged; the
 * group is created if it does not exist); an event says what changed.
 * @ret 0, -EEXIST (name taken), -EINVAL (a bad name)
 */
int inv_client_set(struct inv *inv, int64_t id, const char *name,
		   const char *group, const char *power_group, int64_t now);

/**
 * Remove a client from service: out of every listing and target, its name
 * free; its pairs that could still be quarantined are held, so that it
 * boots its own disk if it comes back; its history stays (client show).
 * @v held	set to the pairs held
 * @ret 0 or a negative errno
 */
int inv_client_remove(struct inv *inv, const struct inv_client *c,
		      int64_t now, size_t *held);

/** Find a client by canonical MAC.  @ret 0, -ENOENT */
int inv_client_by_mac(struct inv *inv, const char *mac, struct inv_client *c);

/** Find a client by id.  @ret 0, -ENOENT */
int inv_client_by_id(struct inv *inv, int64_t id, struct inv_client *c);

/** Find a client by MAC (any accepted form) or name.  @ret 0, -ENOENT */
int inv_client_find(struct inv *inv, const char *key, struct inv_client *c);

/** The same for a target of a command: a removed client is not found. */
int inv_client_find_target(struct inv *inv, const char *key,
			   struct inv_client *c);

/** Record a MAC seen booting that nobody added. */
int inv_client_discover(struct inv *inv, const char *mac, int64_t now,
			int64_t *id);

/**
 * Remember a boot: what the firmware said (uuid, arch, platform: each may
 * be NULL, keeping what was known) and what the client was told.
 */
int inv_client_seen(struct inv *inv, int64_t id, const char *uuid,
		    const char *arch, const char *platform, int64_t now,
		    const char *decision, const char *reason);

/** Clients of a group, or all (group NULL); ids in *out (malloc'd). */
int inv_client_ids(struct inv *inv, const char *group, int64_t **out,
		   size_t *n);

/**
 * The MACs of the clients an administrator added (not those only
 * discovered), one a line, appended to out.
 * @ret 0, -EFBIG (out's limit), -ENOMEM, or an inventory error
 */
int inv_client_macs(struct inv *inv, struct buf *out);

/** Every client as a JSON array. */
int inv_client_list_json(struct inv *inv, json_t **out);

/** One client with its pairs and its latest events. */
int inv_client_show_json(struct inv *inv, const struct inv_client *c,
			 json_t **out);

/** Add a group (-EEXIST if it exists). */
int inv_group_add(struct inv *inv, const char *name, int64_t now, int64_t *id);

/** Find a group, or create it when create is true.  @ret 0, -ENOENT */
int inv_group_get(struct inv *inv, const char *name, bool create, int64_t now,
		  int64_t *id);

/** Every group with its number of clients. */
int inv_group_list_json(struct inv *inv, json_t **out);

/** One group with its clients. */
int inv_group_show_json(struct inv *inv, const char *name, json_t **out);

/* --- inv_fix.c: fixes and pairs --- */

/** @ret 0, -ENOENT */
int inv_fix_get(struct inv *inv, const char *id, struct inv_fix *f);

/** Insert, or replace the row of the same id (its manifest cleared). */
int inv_fix_put(struct inv *inv, const struct inv_fix *f);

/**
 * Store the manifest of a fix, the member's text as published (after
 * inv_fix_put()).  @ret 0, -ENOENT (no such fix), -EFBIG
 */
int inv_fix_manifest_put(struct inv *inv, const char *id, const char *json,
			 size_t len);

/**
 * The manifest text of a fix (NUL-terminated; free() it).
 * @ret 0, -ENOENT (no such fix), -ENODATA (none stored: added before
 *	schema version 2)
 */
int inv_fix_manifest_get(struct inv *inv, const char *id, char **json,
			 size_t *len);

/** Every fix as a JSON array, with counts of pairs by state. */
int inv_fix_list_json(struct inv *inv, json_t **out);

/** The pairs of a client, in assignment order (*out malloc'd). */
int inv_pairs_of_client(struct inv *inv, int64_t client_id,
			struct inv_pair **out, size_t *n);

/** The pairs of a fix (*out malloc'd). */
int inv_pairs_of_fix(struct inv *inv, const char *fix_id,
		     struct inv_pair **out, size_t *n);

/** @ret 0, -ENOENT */
int inv_pair_get(struct inv *inv, int64_t client_id, const char *fix_id,
		 struct inv_pair *p);

/**
 * Hold a client's pair (an emergency stop of a rollout): a pair that could
 * still be quarantined (pending to applying) becomes held, with reason in
 * its event; others stay.  fixctl assign makes it pending again.
 * @v held	set to true if the pair became held
 * @ret rc	0 (also when the client has no such pair) or a negative errno
 */
int inv_pair_hold(struct inv *inv, int64_t client_id, const char *fix_id,
		  const char *reason, int64_t now, bool *held);

/**
 * Assign a fix to a client: a new pair is pending; a failed, skipped or
 * held one goes back to pending with its boot count reset; others stay.
 * @v created	set to true if the pair became pending
 */
int inv_pair_assign(struct inv *inv, int64_t client_id, const char *fix_id,
		    int64_t now, bool *created);

/** Store a pair's boot count and applied serial (not its state). */
int inv_pair_store(struct inv *inv, const struct inv_pair *p, int64_t now);

/** Store a pair's state and reason (state.c's helper). */
int inv_pair_set_state(struct inv *inv, const struct inv_pair *p,
		       const char *reason, int64_t now);

/* --- inv_event.c: the append-only event log --- */

/**
 * Append an event.
 * @v client_id	0 if none
 * @v fix_id, from, to, message	each may be NULL
 */
int inv_event_add(struct inv *inv, int64_t now, int64_t client_id,
		  const char *fix_id, const char *kind, const char *from,
		  const char *to, const char *message);

/** Latest events, newest last (client_id 0 / fix_id NULL: any). */
int inv_events_json(struct inv *inv, int64_t client_id, const char *fix_id,
		    unsigned limit, json_t **out);

/** Number of events of a kind (for /metrics). */
int inv_event_count(struct inv *inv, const char *kind, int64_t *out);

#endif
