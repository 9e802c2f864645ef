/*
 * Helpers for the iOS system, app and network-usage modules: walking the
 * files of an artifact list through the source, rows of an evidence
 * database as records, plists read with limits, and record fields.
 * (msgweb's evdb.h covers the same ground for messages and browsers; the
 * two may be merged once both have settled.)
 */
#ifndef TH_MODULES_IOS_SYSUTIL_H
#define TH_MODULES_IOS_SYSUTIL_H

#include <stddef.h>
#include <stdint.h>
#include <jansson.h>
#include <plist/plist.h>

#include "formats/sqlite_ev.h"
#include "modules/module.h"

/* Called for each file found. TH_OK: read; TH_ERR_NOMEM stops the walk;
 * any other status: the file could not be read, `err` says why (naming
 * the file), and the walk goes on. */
typedef enum th_status (*th_sys_file_fn)(struct th_run *run,
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
enum th_status th_sys_each_file(struct th_run *run,
                                const struct th_artifact *arts,
                                const char *what, th_sys_file_fn fn, void *ctx);

/* How an evidence database's rows become records. */
struct th_sys_query {
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
 * name (integers, reals, text with invalid UTF-8 replaced, blobs as text
 * when printable else base64, NULL as null). A damaged database keeps
 * the rows read before the damage. Adds the rows to *count.
 * TH_ERR_FORMAT (not a database, damaged), TH_ERR_IO, TH_ERR_NOMEM, with
 * a message naming the file in err.
 */
enum th_status th_sys_sql_records(struct th_run *run, const struct th_file *f,
                                  const struct th_sys_query *q, size_t *count,
                                  struct th_err *err);

/* The same on a database the caller opened (with th_sys_sql_open). */
enum th_status th_sys_sql_records_db(struct th_run *run,
                                     const struct th_file *f,
                                     struct th_sqlite *db,
                                     const struct th_sys_query *q,
                                     size_t *count, struct th_err *err);

/* th_sqlite_open, with a message naming the artifact. */
enum th_status th_sys_sql_open(const struct th_file *f, struct th_sqlite **db,
                               struct th_err *err);

/* Reads a plist artifact (binary or XML, with limits). TH_ERR_IO,
 * TH_ERR_FORMAT, TH_ERR_LIMIT, TH_ERR_NOMEM with a message naming the
 * artifact. */
enum th_status th_sys_plist(const struct th_file *f, plist_t *out,
                            struct th_err *err);

/* A record's string field, or NULL. */
const char *th_sys_str(const json_t *rec, const char *key);

/* A record's time field, or TH_TIME_NONE. */
int64_t th_sys_time(const json_t *rec, const char *key);

/* Sets rec[key] = v (stealing v), ignoring NULL values. */
void th_sys_set(json_t *rec, const char *key, json_t *v);

/* Emits one event per listed time field present in `rec` (skipping a
 * time already emitted for the record), all with `desc`. */
void th_sys_time_events(struct th_run *run, const json_t *rec,
                        const char *const *keys, const char *desc);

/* A record field for messages and timeline text: a string as is, a
 * number in decimal, anything else (null, absent) as "None", as MVT's
 * Python prints it. Returns `buf`. */
const char *th_sys_show(const json_t *rec, const char *key, char *buf,
                        size_t size);

/* A plist's JSON form, or NULL (logged) when it cannot be converted. */
json_t *th_sys_plist_json(struct th_run *run, plist_t node, const char *what);

/* Calls fn(ctx, key, value) for each item of a dictionary node (none
 * for another type), in the plist's order, until fn returns nonzero. */
void th_sys_dict_each(plist_t dict,
                      int (*fn)(void *ctx, const char *key, plist_t value),
                      void *ctx);

/* A number node (integer, real, boolean) as a double; 0 when it is not
 * one. *ok says whether it was. */
double th_sys_plist_num(plist_t node, int *ok);

#endif
