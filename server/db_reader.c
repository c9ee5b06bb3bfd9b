/* SPDX-License-Identifier: MIT */
/*
 * Read-only connections to the inventory, one per thread.
 *
 * The inventory's own connection serialises every caller behind one lock,
 * and a caller that only reads while a batch holds others' writes waits for
 * that batch's commit (db_tx.c).  A hot path that only reads (a boot that
 * decides nothing new) would queue behind every commit.  A thread's reader
 * is a second connection to the same file, opened read-only: in WAL mode
 * it reads the last committed state without taking the writer's lock and
 * without waiting for it, which is exactly what the answer may rest on.
 * Readers are kept in a list owned by the inventory and closed with it; a
 * thread finds its own through a thread-specific key.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "server/inventory.h"

static const char READ_BEGIN[] = "BEGIN";
static const char READ_END[] = "COMMIT";

/**
 * Set up the readers of an inventory.
 *
 * @v inv	the inventory (its own connection)
 * @v path	its file
 * @ret rc	0 or -ENOMEM / -EAGAIN
 */
int inv_readers_init(struct inv *inv, const char *path)
{
	int rc;

	if (strcmp(path, ":memory:") == 0)
		return 0;	/* nothing to share: no readers (inv_reader()) */
	inv->path = strdup(path);
	if (!inv->path)
		return -ENOMEM;
	rc = pthread_key_create(&inv->reader_key, NULL);
	if (rc)
		return -rc;
	inv->has_reader_key = true;
	pthread_mutex_init(&inv->readers_lock, NULL);
	return 0;
}

/**
 * Close every reader.  The threads that used them have ended (the HTTP
 * daemons are stopped before the inventory is closed).
 *
 * @v inv	the inventory
 */
void inv_readers_free(struct inv *inv)
{
	struct inv *r, *next;

	if (!inv->has_reader_key) {
		free(inv->path);
		return;
	}
	for (r = inv->readers; r; r = next) {
		next = r->next_reader;
		inv_close(r);
	}
	pthread_key_delete(inv->reader_key);
	pthread_mutex_destroy(&inv->readers_lock);
	free(inv->path);
}

/**
 * The calling thread's reader.
 *
 * @v inv	the inventory
 * @v out	the reader
 * @ret rc	0, -EOPNOTSUPP (an in-memory inventory: no other connection
 *		can see it), or a negative errno
 */
int inv_reader(struct inv *inv, struct inv **out)
{
	struct inv *r;
	int rc;

	if (!inv->has_reader_key)
		return -EOPNOTSUPP;	/* an in-memory inventory */
	r = pthread_getspecific(inv->reader_key);
	if (r) {
		*out = r;
		return 0;
	}
	rc = inv_open_reader(inv->path, &r);
	if (rc < 0)
		return rc;
	rc = -pthread_setspecific(inv->reader_key, r);
	if (rc < 0) {
		inv_close(r);
		return rc;
	}
	pthread_mutex_lock(&inv->readers_lock);
	r->next_reader = inv->readers;
	inv->readers = r;
	pthread_mutex_unlock(&inv->readers_lock);
	*out = r;
	return 0;
}

/**
 * Open a read transaction: the reads until inv_read_end() see one
 * committed state.
 *
 * @v r		a reader
 * @ret rc	0 or a negative errno
 */
int inv_read_begin(struct inv *r)
{
	return inv_run(r, READ_BEGIN);
}

/**
 * End the read transaction.
 *
 * @v r		a reader
 * @v rc	the reads' outcome
 * @ret rc	rc, or the end's error if rc was 0
 */
int inv_read_end(struct inv *r, int rc)
{
	int end = inv_run(r, READ_END);

	return rc < 0 ? rc : end;
}
