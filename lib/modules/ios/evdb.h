/*
 * Helpers for the iOS modules that read SQLite and plist artifacts from
 * messages and browsers: walking every file of an artifact list through
 * the source, opening each one as evidence, turning rows into records,
 * links in free text, and the checks many modules share.
 */
#ifndef TH_MODULES_IOS_EVDB_H
#define TH_MODULES_IOS_EVDB_H

#include <stdint.h>
#include <sqlite3.h>
#include <jansson.h>

#include "core/buf.h"
#include "formats/sqlite_ev.h"
#include "modules/module.h"

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

/* Appends "table.column AS name" to a SELECT list, or "NULL AS name"
 * when the column is missing (a schema generation without it), with a
 * leading ", " when `comma`. */
enum th_status th_evdb_col(struct th_buf *sql, sqlite3 *db, const char *table,
                           const char *column, const char *name, int comma);

/* Prepares `sql`; on failure logs the SQLite message naming the file at
 * warn level and returns TH_ERR_FORMAT. */
enum th_status th_evdb_prepare(struct th_run *run, struct th_sqlite *db,
                               const char *sql, sqlite3_stmt **stmt);

/* Steps to the next row: 1 a row, 0 done, -1 an error (logged naming
 * the file: rows read so far are kept). */
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

/* A record's string field, or NULL. */
const char *th_rec_str(const json_t *rec, const char *key);

/* A record's time field ("YYYY-MM-DD HH:MM:SS.ffffff"), or TH_TIME_NONE. */
int64_t th_rec_time(const json_t *rec, const char *key);

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
