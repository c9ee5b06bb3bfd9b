/* SPDX-License-Identifier: MIT */
/*
 * The inventory's connection: open, pragmas, versioned schema migrations
 * and the small helpers every inv_*.c uses.  The statement cache is in
 * db_stmt.c, transactions with group commit in db_tx.c, the threads'
 * read-only connections in db_reader.c.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "server/inventory.h"
#include "server/log.h"

#define INV_BUSY_TIMEOUT_MS 5000
/* A reader's page cache, KiB: a boot's lookup touches a few pages (the
 * MAC index, the client's row, its pairs); each reader is a thread's, and
 * the kernel's page cache holds the file anyway.  (Mapping the file instead
 * counts its pages once per reader in the resident size.) */
#define INV_READER_CACHE "-64"

/*
 * Migration N brings the schema from version N-1 to N.  Never edit a step
 * once released: append a new one.
 */
static const char *const inv_migrations[] = {
	/* 1: first schema */
	"CREATE TABLE groups ("
	"  id INTEGER PRIMARY KEY,"
	"  name TEXT NOT NULL UNIQUE,"
	"  created INTEGER NOT NULL);"
	"CREATE TABLE clients ("
	"  id INTEGER PRIMARY KEY,"
	"  mac TEXT NOT NULL UNIQUE,"
	"  name TEXT UNIQUE,"
	"  group_id INTEGER REFERENCES groups(id),"
	"  power_group TEXT NOT NULL DEFAULT 'default',"
	"  discovered INTEGER NOT NULL DEFAULT 0,"
	"  uuid TEXT, arch TEXT, platform TEXT,"
	"  created INTEGER NOT NULL,"
	"  last_boot INTEGER);"
	"CREATE TABLE fixes ("
	"  id TEXT PRIMARY KEY,"
	"  serial INTEGER NOT NULL,"
	"  size INTEGER NOT NULL,"
	"  sha256 TEXT NOT NULL,"
	"  sig_size INTEGER NOT NULL,"
	"  keyid TEXT NOT NULL,"
	"  description TEXT,"
	"  added INTEGER NOT NULL);"
	"CREATE TABLE pairs ("
	"  id INTEGER PRIMARY KEY,"
	"  client_id INTEGER NOT NULL REFERENCES clients(id),"
	"  fix_id TEXT NOT NULL REFERENCES fixes(id),"
	"  state TEXT NOT NULL,"
	"  reason TEXT,"
	"  boots INTEGER NOT NULL DEFAULT 0,"
	"  applied_serial INTEGER NOT NULL DEFAULT 0,"
	"  updated INTEGER NOT NULL,"
	"  UNIQUE (client_id, fix_id));"
	"CREATE TABLE boots ("
	"  id INTEGER PRIMARY KEY,"
	"  client_id INTEGER NOT NULL REFERENCES clients(id),"
	"  time INTEGER NOT NULL,"
	"  decision TEXT NOT NULL,"
	"  reason TEXT);"
	"CREATE TABLE tokens ("
	"  hash BLOB PRIMARY KEY,"
	"  client_id INTEGER NOT NULL REFERENCES clients(id),"
	"  boot_id INTEGER NOT NULL REFERENCES boots(id),"
	"  issued INTEGER NOT NULL,"
	"  expires INTEGER NOT NULL,"
	"  status TEXT NOT NULL);"
	"CREATE INDEX tokens_client ON tokens(client_id, status);"
	"CREATE TABLE token_fixes ("
	"  token_hash BLOB NOT NULL REFERENCES tokens(hash),"
	"  fix_id TEXT NOT NULL,"
	"  pos INTEGER NOT NULL,"
	"  PRIMARY KEY (token_hash, fix_id));"
	"CREATE TABLE reports ("
	"  id INTEGER PRIMARY KEY,"
	"  token_hash BLOB NOT NULL,"
	"  client_id INTEGER NOT NULL REFERENCES clients(id),"
	"  fix_id TEXT NOT NULL,"
	"  serial INTEGER NOT NULL,"
	"  result TEXT NOT NULL,"
	"  reason TEXT,"
	"  target TEXT,"
	"  evidence TEXT NOT NULL,"
	"  time INTEGER NOT NULL,"
	"  UNIQUE (token_hash, fix_id));"
	"CREATE TABLE logs ("
	"  id INTEGER PRIMARY KEY,"
	"  client_id INTEGER NOT NULL REFERENCES clients(id),"
	"  boot_id INTEGER NOT NULL,"
	"  time INTEGER NOT NULL,"
	"  body TEXT NOT NULL);"
	"CREATE TABLE events ("
	"  id INTEGER PRIMARY KEY AUTOINCREMENT,"
	"  time INTEGER NOT NULL,"
	"  client_id INTEGER,"
	"  fix_id TEXT,"
	"  kind TEXT NOT NULL,"
	"  from_state TEXT,"
	"  to_state TEXT,"
	"  message TEXT);"
	"CREATE INDEX events_client ON events(client_id);"
	"CREATE INDEX events_fix ON events(fix_id);"
	"CREATE TRIGGER events_no_update BEFORE UPDATE ON events"
	"  BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;"
	"CREATE TRIGGER events_no_delete BEFORE DELETE ON events"
	"  BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;",
	/* 2: the manifest of each fix, as published (the evidence of an
	 * applied report is checked against it; NULL for a fix added before:
	 * read from its stored bundle), and the state a report moved its pair
	 * to (NULL before: its result) */
	"ALTER TABLE fixes ADD COLUMN manifest TEXT;"
	"ALTER TABLE reports ADD COLUMN state TEXT;",
	/* 3: what the client's last boot was told (its boots row has it
	 * too; the event log keeps quarantine boots only), NULL before */
	"ALTER TABLE clients ADD COLUMN last_decision TEXT;"
	"ALTER TABLE clients ADD COLUMN last_reason TEXT;",
	/* 4: when a client was removed (fixctl client remove: out of every
	 * listing and target, its history kept), NULL while in service */
	"ALTER TABLE clients ADD COLUMN removed INTEGER;",
};

#define INV_SCHEMA_VERSION \
	((int64_t)(sizeof(inv_migrations) / sizeof(inv_migrations[0])))

/**
 * Convert an SQLite result code, logging the connection's message.
 *
 * @v inv	inventory
 * @v src	SQLite code
 * @v what	what was being done, for the log
 * @ret rc	negative errno
 */
int inv_rc(struct inv *inv, int src, const char *what)
{
	int rc;

	switch (src & 0xff) {
	case SQLITE_OK:
	case SQLITE_DONE:
	case SQLITE_ROW:
		return 0;
	case SQLITE_CONSTRAINT:
		return -EEXIST;		/* the callers' only constraint: unique */
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		rc = -EBUSY;
		break;
	case SQLITE_NOMEM:
		rc = -ENOMEM;
		break;
	case SQLITE_FULL:
		rc = -ENOSPC;
		break;
	case SQLITE_READONLY:
	case SQLITE_PERM:
	case SQLITE_CANTOPEN:
		rc = -EACCES;
		break;
	default:
		rc = -EIO;
		break;
	}
	log_err("db", "%s: %s", what, inv && inv->db ? sqlite3_errmsg(inv->db) :
		sqlite3_errstr(src));
	return rc;
}

/**
 * Step a statement that returns no row, then release it.
 *
 * @v inv	inventory
 * @v st	the statement (released in every case)
 * @v what	for the log
 * @ret rc	0, -EEXIST (constraint), or a negative errno
 */
int inv_step_done(struct inv *inv, sqlite3_stmt *st, const char *what)
{
	int src = sqlite3_step(st);
	int rc = src == SQLITE_DONE ? 0 : inv_rc(inv, src, what);

	inv_finalize(inv, st);
	return rc;
}

/**
 * Copy a text column.
 *
 * @v st	statement on a row
 * @v col	column index
 * @v out	buffer
 * @v outlen	its size (> 0)
 */
void inv_col_text(sqlite3_stmt *st, int col, char *out, size_t outlen)
{
	const unsigned char *t = sqlite3_column_text(st, col);
	size_t n = t ? strlen((const char *)t) : 0;

	if (n >= outlen)
		n = outlen - 1;
	if (n)
		memcpy(out, t, n);
	out[n] = '\0';
}

/**
 * Check a name.
 *
 * @v name	client, group or power group name
 * @ret rc	0 or -EINVAL
 */
int inv_name_check(const char *name)
{
	size_t n = strlen(name);

	if (n == 0 || n > INV_NAME_MAX || !isalnum((unsigned char)name[0]))
		return -EINVAL;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)name[i]) && !strchr("._-", name[i]))
			return -EINVAL;
	return 0;
}

/** Run static SQL (pragmas, migrations). */
static int inv_exec(struct inv *inv, const char *sql, const char *what)
{
	int src = sqlite3_exec(inv->db, sql, NULL, NULL, NULL);

	return src == SQLITE_OK ? 0 : inv_rc(inv, src, what);
}

/**
 * Read the schema version.
 *
 * @v inv	inventory
 * @v out	the version, 0 for an empty database
 * @ret rc	0 or a negative errno
 */
int inv_schema_version(struct inv *inv, int64_t *out)
{
	sqlite3_stmt *st;
	int rc, src;

	rc = inv_prepare(inv, &st, "SELECT version FROM schema_version");
	if (rc < 0)
		return rc;
	src = sqlite3_step(st);
	*out = src == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	rc = src == SQLITE_ROW || src == SQLITE_DONE ? 0 :
		inv_rc(inv, src, "schema version");
	inv_finalize(inv, st);
	return rc;
}

/** Apply migration number v (1-based) and record it, in one transaction. */
static int inv_migrate_one(struct inv *inv, int64_t v)
{
	sqlite3_stmt *st;
	int rc;

	rc = inv_exec(inv, "BEGIN IMMEDIATE", "begin migration");
	if (rc < 0)
		return rc;
	rc = inv_exec(inv, inv_migrations[v - 1], "migration");
	if (rc < 0)
		goto err;
	rc = inv_prepare(inv, &st, "UPDATE schema_version SET version = ?1");
	if (rc < 0)
		goto err;
	sqlite3_bind_int64(st, 1, v);
	rc = inv_step_done(inv, st, "record schema version");
	if (rc < 0)
		goto err;
	rc = inv_exec(inv, "COMMIT", "commit migration");
	if (rc < 0)
		goto err;
	log_info("db", "inventory schema migrated to version %lld",
		 (long long)v);
	return 0;
err:
	sqlite3_exec(inv->db, "ROLLBACK", NULL, NULL, NULL);
	return rc;
}

/** Bring the schema to INV_SCHEMA_VERSION. */
static int inv_migrate(struct inv *inv)
{
	int64_t v;
	int rc;

	rc = inv_exec(inv, "CREATE TABLE IF NOT EXISTS schema_version "
		      "(version INTEGER NOT NULL);"
		      "INSERT INTO schema_version SELECT 0 WHERE NOT EXISTS "
		      "(SELECT 1 FROM schema_version)", "schema_version");
	if (rc < 0)
		return rc;
	rc = inv_schema_version(inv, &v);
	if (rc < 0)
		return rc;
	if (v > INV_SCHEMA_VERSION) {
		log_err("db", "inventory schema version %lld is newer than this "
			"fixsrv knows (%lld): upgrade fixsrv", (long long)v,
			(long long)INV_SCHEMA_VERSION);
		return -EPROTO;
	}
	for (v++; v <= INV_SCHEMA_VERSION; v++) {
		rc = inv_migrate_one(inv, v);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/**
 * Open a connection (busy timeout, plain result codes); inv_open() and
 * inv_open_reader() set it up for their use.
 *
 * @v path	database file
 * @v flags	SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, or
 *		SQLITE_OPEN_READONLY
 * @v out	the connection's inventory object
 * @ret rc	0 or a negative errno
 */
static int inv_conn_open(const char *path, int flags, struct inv **out)
{
	struct inv *inv;
	int src, rc;

	inv = calloc(1, sizeof(*inv));
	if (!inv)
		return -ENOMEM;
	pthread_mutex_init(&inv->lock, NULL);
	pthread_cond_init(&inv->committed, NULL);
	src = sqlite3_open_v2(path, &inv->db, flags | SQLITE_OPEN_NOMUTEX,
			      NULL);
	if (src != SQLITE_OK) {
		rc = inv_rc(inv, src, path);
		inv_close(inv);
		return rc;
	}
	sqlite3_busy_timeout(inv->db, INV_BUSY_TIMEOUT_MS);
	sqlite3_extended_result_codes(inv->db, 0);
	*out = inv;
	return 0;
}

/**
 * Open the inventory.
 *
 * @v path	database file
 * @v out	the inventory
 * @ret rc	0 or a negative errno
 */
int inv_open(const char *path, struct inv **out)
{
	struct inv *inv;
	int rc;

	rc = inv_conn_open(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
			   &inv);
	if (rc < 0)
		return rc;
	rc = inv_exec(inv, "PRAGMA journal_mode = WAL;"
		      "PRAGMA synchronous = FULL;"
		      "PRAGMA foreign_keys = ON;", "pragmas");
	if (rc == 0)
		rc = inv_migrate(inv);
	if (rc == 0)
		rc = inv_readers_init(inv, path);
	if (rc < 0) {
		inv_close(inv);
		return rc;
	}
	*out = inv;
	return 0;
}

/**
 * Open a read-only connection to the inventory (db_reader.c).
 *
 * @v path	database file, already opened by inv_open()
 * @v out	the connection
 * @ret rc	0 or a negative errno
 */
int inv_open_reader(const char *path, struct inv **out)
{
	int rc;

	*out = NULL;
	rc = inv_conn_open(path, SQLITE_OPEN_READONLY, out);
	if (rc == 0)
		rc = inv_exec(*out, "PRAGMA cache_size = " INV_READER_CACHE,
			      "pragmas");
	if (rc < 0 && *out) {
		inv_close(*out);
		*out = NULL;
	}
	return rc;
}

/**
 * Close the inventory.
 *
 * @v inv	inventory, or NULL
 */
void inv_close(struct inv *inv)
{
	if (!inv)
		return;
	inv_readers_free(inv);
	inv_stmt_cache_free(inv);
	sqlite3_close(inv->db);
	pthread_cond_destroy(&inv->committed);
	pthread_mutex_destroy(&inv->lock);
	free(inv);
}
