/*
 * The helpers every iOS module shares: walking every file of an
 * artifact list through the source (evdb.c), opening each one as
 * evidence, SQLite cells and rows as records (evdb_value.c,
 * evdb_query.c), record fields and plist artifacts (evrec.c), links in
 * free text and the checks many modules share (links.c).
 */
#ifndef TH_MODULES_IOS_EVDB_H
#define TH_MODULES_IOS_EVDB_H

#include <stddef.h>
#include <stdint.h>
#include <sqlite3.h>
#include <jansson.h>
#include <plist/plist.h>

#include "core/buf.h"
#include "formats/sqlite_ev.h"
#include "modules/module.h"

/* Calls visit for every file of every artifact of `arts` (ending with
 * an all-NULL entry) until *stop is nonzero. A source error is logged
 * ("cannot look for <what>: ..." when `what` is given, else the
 * source's message alone) and the other artifacts are still tried. */
void th_evfile_find_all(struct th_run *run, const struct th_artifact *arts,
                        const char *what, th_file_fn visit, void *ctx,
                        const int *stop);

/* Called for each file; a status other than TH_OK and TH_ERR_FORMAT
 * stops the walk (TH_ERR_FORMAT is logged and the walk goes on). */
typedef enum th_status (*th_evfile_fn)(struct th_run *run,
                                       const struct th_file *file, void *ctx);
typedef enum th_status (*th_evdb_fn)(struct th_run *run, struct th_sqlite *db,
                                     const struct th_file *file, void *ctx);

/*
 * Calls fn for every file matching any entry of `arts` (ending with an
 * all-NULL entry). `what` names the artifact for messages ("sms.db").
 * No file at all: th_run_fail(TH_ERR_NOTFOUND). Every file malformed:
 * TH_ERR_FORMAT with the first message. Else TH_OK or fn's stopping
 * status.
 */
enum th_status th_evfile_each(struct th_run *run,
                              const struct th_artifact *arts, const char *what,
                              th_evfile_fn fn, void *ctx);

/* The same, each file opened with th_sqlite_open (closed after fn). */
enum th_status th_evdb_each(struct th_run *run, const struct th_artifact *arts,
                            const char *what, th_evdb_fn fn, void *ctx);

/* Called for each file found. TH_OK: read; TH_ERR_NOMEM stops the walk;
 * any other status: the file could not be read, `err` says why (naming
 * the file), and the walk goes on. */
typedef enum th_status (*th_evfile_err_fn)(struct th_run *run,
                                           const struct th_file *f, void *ctx,
                                           struct th_err *err);

/*
 * Calls fn for every file matching any entry of `arts` (a list ending
 * with an all-NULL entry). `what` names the artifact in messages. No file
 * at all: th_run_fail(TH_ERR_NOTFOUND, "no <what> in the evidence").
 * Each unreadable file gives one line: a warning when other files were
 * read, else the module's error (th_run_fail, TH_ERR_FORMAT or the
 * file's status). TH_ERR_NOMEM stops. A source error is logged and the
 * other entries are still tried.
 */
enum th_status th_evfile_each_err(struct th_run *run,
                                  const struct th_artifact *arts,
                                  const char *what, th_evfile_err_fn fn,
                                  void *ctx);

/* th_sqlite_open, with a message naming the artifact. */
enum th_status th_evdb_open(const struct th_file *f, struct th_sqlite **db,
                            struct th_err *err);

/* Prefixes err's message with `name` (the messages of the readers name
 * the local file, a hashed name in backups) and appends `suffix`;
 * returns st. */
enum th_status th_evdb_name_err(struct th_err *err, enum th_status st,
                                const char *name, const char *suffix);

/* Appends "table.column AS name" to a SELECT list, or "NULL AS name"
 * when the column is missing (a schema generation without it), with a
 * leading ", " when `comma`. TH_ERR_NOMEM when the buffer cannot grow
 * or SQLite ran out of memory looking for the column. */
enum th_status th_evdb_col(struct th_buf *sql, sqlite3 *db, const char *table,
                           const char *column, const char *name, int comma);

/* Prepares `sql`; on failure logs the SQLite message naming the file at
 * warn level (th_run_warn) and returns TH_ERR_FORMAT, or TH_ERR_NOMEM
 * when SQLite ran out of memory. */
enum th_status th_evdb_prepare(struct th_run *run, struct th_sqlite *db,
                               const char *sql, sqlite3_stmt **stmt);

/* For a query whose failure means "no data" (a table an older schema
 * lacks): when `rc` (what sqlite3_prepare_v2 or sqlite3_step returned)
 * says SQLite ran out of memory, fails the module all the same
 * (th_run_warn, naming `name`). */
void th_evdb_nomem(struct th_run *run, const char *name, int rc);

/* Steps to the next row: 1 a row, 0 done, -1 an error (logged naming
 * the file: rows read so far are kept; out of memory fails the module
 * at its end, through th_run_warn). */
int th_evdb_step(struct th_run *run, struct th_sqlite *db, sqlite3_stmt *stmt);

/* Prepares `sql` and calls fn for each row until it returns other than
 * TH_OK. A query that cannot be prepared or a damaged page is logged
 * (naming the file): TH_ERR_FORMAT before any row, else the rows read
 * stand and the status is TH_OK. */
enum th_status th_evdb_rows(struct th_run *run, struct th_sqlite *db,
                            const char *sql,
                            enum th_status (*fn)(struct th_run *run,
                                                 sqlite3_stmt *stmt, void *ctx),
                            void *ctx);

/* Column i as JSON: integers, reals, text (invalid UTF-8 replaced),
 * blobs as base64, NULL as null. NULL on out-of-memory. */
json_t *th_evdb_value(sqlite3_stmt *stmt, int i);

/* th_evdb_value, but a blob of printable bytes as text (call numbers
 * are stored as blobs). */
json_t *th_evdb_value_text(sqlite3_stmt *stmt, int i);

/* Sets every column of the row on `rec` under its SELECT name. */
enum th_status th_evdb_row_json(sqlite3_stmt *stmt, json_t *rec);

/* Times in evidence, TH_TIME_NONE for NULL, 0 or out of range.
 * Cocoa: seconds since 2001, or nanoseconds on newer sms.db (values
 * past 1e11 cannot be seconds). WebKit: µs since 1601. Unix: seconds. */
int64_t th_evdb_cocoa(sqlite3_stmt *stmt, int i);
int64_t th_evdb_webkit(sqlite3_stmt *stmt, int i);
int64_t th_evdb_unix(sqlite3_stmt *stmt, int i);
int64_t th_evtime_cocoa(double v);
int64_t th_evtime_unix_us(int64_t us);

/* A column's text or "" (never NULL). */
const char *th_evdb_text(sqlite3_stmt *stmt, int i);

/* How an evidence database's rows become records. */
struct th_evdb_query {
	/* SELECTs tried in order (newest schema first); the first that
	 * prepares is used. None preparing is "no data" (debug log). */
	const char *const *sql;
	/* Result columns holding Cocoa seconds / Unix seconds, written as
	 * "YYYY-MM-DD HH:MM:SS.ffffff" (NULL-terminated lists, or NULL). */
	const char *const *cocoa;
	const char *const *unix_secs;
	/* Emits the timeline events of one record (may be NULL). */
	void (*events)(struct th_run *run, const json_t *rec);
	/* Sees each record before it is emitted (may be NULL). */
	void (*seen)(void *ctx, const json_t *rec);
	void *ctx;
};

/*
 * Opens `f` with th_sqlite_open, runs the first query of `q` that
 * prepares and emits one record per row: each column under its result
 * name (th_evdb_value_text, or a time for the listed columns). A
 * damaged database keeps the rows read before the damage. Adds the rows
 * to *count. TH_ERR_FORMAT (not a database, damaged), TH_ERR_IO,
 * TH_ERR_NOMEM, with a message naming the file in err.
 */
enum th_status th_evdb_records(struct th_run *run, const struct th_file *f,
                               const struct th_evdb_query *q, size_t *count,
                               struct th_err *err);

/* The same on a database the caller opened (with th_evdb_open). */
enum th_status th_evdb_records_db(struct th_run *run, const struct th_file *f,
                                  struct th_sqlite *db,
                                  const struct th_evdb_query *q, size_t *count,
                                  struct th_err *err);

/* th_evfile_each_err with th_evdb_records on every file, each followed
 * by an info line "<rows> <noun> in <file>". */
enum th_status th_evdb_each_records(struct th_run *run,
                                    const struct th_artifact *arts,
                                    const char *what,
                                    const struct th_evdb_query *q,
                                    const char *noun);

/* A table (column NULL) or a column a query needs. */
struct th_evdb_need {
	const char *table, *column;
};

/* How one SELECT's rows become records, for th_evdb_select. */
struct th_evdb_select {
	/* What must exist (ending with {0}), else "no data": a debug
	 * line "<file>: no <missing>". */
	const struct th_evdb_need *need;
	const char *missing;
	/* Writes the SELECT for this database into sql. */
	enum th_status (*build)(sqlite3 *db, struct th_buf *sql);
	/* Fills one row's record (and emits its events); the record is
	 * emitted when it returns TH_OK, freed otherwise. NULL: every
	 * column under its SELECT name (th_evdb_row_json), then `finish`
	 * (may be NULL) adds the derived fields and events. */
	enum th_status (*fill)(struct th_run *run, sqlite3_stmt *stmt,
	                       json_t *rec, void *ctx);
	void (*finish)(struct th_run *run, json_t *rec);
};

/*
 * Checks sel->need, builds the SELECT and emits one record per row
 * filled by sel->fill(ctx). As th_evdb_rows: a query that cannot be
 * prepared is TH_ERR_FORMAT (logged naming the file), a damaged page
 * keeps the rows read before it. TH_ERR_NOMEM, or fill's status.
 */
enum th_status th_evdb_select(struct th_run *run, struct th_sqlite *db,
                              const struct th_file *file,
                              const struct th_evdb_select *sel, void *ctx);

/* th_evdb_each with th_evdb_select on every database (ctx NULL). */
enum th_status th_evdb_each_select(struct th_run *run,
                                   const struct th_artifact *arts,
                                   const char *what,
                                   const struct th_evdb_select *sel);

/* sms.db, read by sms and sms_attachments (sms.c). */
extern const struct th_artifact th_art_sms_db[];

/* Firefox's browser.db, read by firefox_history and firefox_favicon. */
extern const struct th_artifact th_art_firefox_db[];

/* --- links and shared checks --- */

/* Appends the links found in text[0..len) to the array `links`, once
 * each; a link starting with any of `skip` (NULL-terminated, may be
 * NULL) is left out. Returns how many were added. */
size_t th_links_collect(const char *text, size_t len, json_t *links,
                        const char *const *skip);

/* Records every link of `links` in urls.json with its source and time. */
void th_links_record(struct th_run *run, const json_t *links, int64_t t,
                     const char *source);

/* Checks every string of the array `links` as a URL; alerts at `level`
 * on each hit. Returns the number of hits. */
size_t th_links_check(struct th_run *run, const json_t *links,
                      enum th_level level, int64_t t, const json_t *rec);

/* Appends text (NULL: nothing) with each newline written as the two
 * characters "\\n", as MVT's timeline descriptions do. */
void th_text_add_escaped(struct th_buf *d, const char *text);

/* --- record fields and plists (evrec.c) --- */

/* A record's string field, or NULL. */
const char *th_rec_str(const json_t *rec, const char *key);

/* A record's time field ("YYYY-MM-DD HH:MM:SS.ffffff"), or TH_TIME_NONE. */
int64_t th_rec_time(const json_t *rec, const char *key);

/* Sets rec[key] = v (stealing v). A NULL v (its builder failed) or a
 * failed set counts as a value lost for want of memory
 * (th_json_set_new), which fails the module at its end. */
void th_rec_set(json_t *rec, const char *key, json_t *v);

/* Emits one event per listed time field present in `rec` (skipping a
 * time already emitted for the record), all with `desc`. */
void th_rec_time_events(struct th_run *run, const json_t *rec,
                        const char *const *keys, const char *desc);

/* A record field for messages and timeline text: a string as is, a
 * number in decimal, anything else (null, absent) as "None", as MVT's
 * Python prints it. Returns `buf`. */
const char *th_rec_show(const json_t *rec, const char *key, char *buf,
                        size_t size);

/* Reads a plist artifact (binary or XML, with limits). TH_ERR_IO,
 * TH_ERR_FORMAT, TH_ERR_LIMIT, TH_ERR_NOMEM with a message naming the
 * artifact. */
enum th_status th_evplist_read(const struct th_file *f, plist_t *out,
                               struct th_err *err);

/* A plist's JSON form, or NULL (logged) when it cannot be converted. */
json_t *th_evplist_json(struct th_run *run, plist_t node, const char *what);

/* Calls fn(ctx, key, value) for each item of a dictionary node (none
 * for another type), in the plist's order, until fn returns nonzero. */
void th_evplist_dict_each(plist_t dict,
                          int (*fn)(void *ctx, const char *key, plist_t value),
                          void *ctx);

/* A number node (integer, real, boolean) as a double; 0 when it is not
 * one. *ok says whether it was. */
double th_evplist_num(plist_t node, int *ok);

/* Checks a record's string field as `type`; returns whether it hit. */
int th_rec_check(struct th_run *run, const json_t *rec, const char *key,
                 enum th_match_type type, enum th_level level, int64_t t);

/*
 * The registrable part of a host ("www.example.co.uk" -> "example.co.uk"),
 * by a simple rule rather than the Public Suffix List: the last two
 * labels, or the last three when the top label has two letters (a
 * country) and the second-to-last is a short generic label (co, com,
 * org, net, gov, ac, edu). An IP address is its own registrable part.
 * Returns a pointer into `host` (lower-case it first).
 */
const char *th_domain_registrable(const char *host);

#endif
