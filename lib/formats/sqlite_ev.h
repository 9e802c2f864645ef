/*
 * SQLite databases from evidence, opened so that nothing is ever written
 * next to them: read-only and immutable (no -shm, no -journal), or, when
 * a -wal sidecar holds committed rows, a private temporary copy of the
 * database and its -wal. Always in defensive mode, without extension
 * loading or trusted schema, and with no busy waiting.
 */
#ifndef TH_FORMATS_SQLITE_EV_H
#define TH_FORMATS_SQLITE_EV_H

#include <sqlite3.h>
#include "core/err.h"
#include "core/fsutil.h"

/* The largest string or blob value read (SQLITE_LIMIT_LENGTH): a row
 * claiming more fails that query with "string or blob too big". */
#define TH_SQLITE_VALUE_MAX (256 << 20)

struct th_sqlite {
	sqlite3 *db;
	char *name;           /* the path as given, for messages */
	struct th_tmpdir tmp; /* the private copy, when there is a -wal */
};

/*
 * Opens the database at `path`. Its header is checked first: "cannot
 * open '<path>': not a SQLite database" (TH_ERR_FORMAT). The schema is
 * read before returning, so a database too damaged to list its tables
 * fails here ("database disk image is malformed"). Free with
 * th_sqlite_close(). TH_ERR_IO, TH_ERR_FORMAT, TH_ERR_NOMEM.
 */
enum th_status th_sqlite_open(const char *path, struct th_sqlite **out,
                              struct th_err *err);

/* Closes the database and removes its private copy, if any. */
void th_sqlite_close(struct th_sqlite *s);

/*
 * Turns the connection's last error into a status and a message naming
 * the file: "cannot read '<path>': database disk image is malformed"
 * (TH_ERR_FORMAT for damage, TH_ERR_NOMEM, else TH_ERR_IO). Returns the
 * status. Reading what rows SQLite can still read is the caller's call.
 */
enum th_status th_sqlite_error(const struct th_sqlite *s, struct th_err *err);

/* Whether the connection's last call failed for want of memory: the
 * caller then reports TH_ERR_NOMEM, never "no data". */
int th_sqlite_nomem(sqlite3 *db);

/* Whether a table (or view) / a column of it exists: 1 or 0, and -1
 * (true as a boolean) when SQLite ran out of memory, so that the
 * caller's query runs and reports it. 0 on any other error. */
int th_sqlite_has_table(sqlite3 *db, const char *table);
int th_sqlite_has_column(sqlite3 *db, const char *table, const char *column);

#endif
