/*
 * Helpers for the filesystem-dump and sysdiagnose modules: walking an
 * artifact list through the source, the index of the dump, reading a
 * text file with a cap, and small record helpers.
 */
#ifndef TH_MODULES_IOS_FSMOD_H
#define TH_MODULES_IOS_FSMOD_H

#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

#include "core/jsonutil.h"
#include "modules/ios/evdb.h"
#include "modules/module.h"
#include "sources/fs_tree.h"

/* Called for each file; nonzero stops the walk. */
typedef int (*th_fsmod_fn)(struct th_run *run, const struct th_file *f,
                           void *ctx);

/* Calls fn for each file matching an entry of `arts` (ending with an
 * all-NULL entry). None: th_run_fail(TH_ERR_NOTFOUND, "no <what> in the
 * evidence"). Source errors are logged and the walk goes on. */
enum th_status th_fsmod_each(struct th_run *run, const struct th_artifact *arts,
                             const char *what, th_fsmod_fn fn, void *ctx);

/* Called for each file; a status other than TH_OK stops the walk. */
typedef enum th_status (*th_fsmod_file_fn)(struct th_run *run,
                                           const struct th_file *f, void *ctx);
typedef enum th_status (*th_fsmod_db_fn)(struct th_run *run,
                                         struct th_sqlite *db,
                                         const struct th_file *f, void *ctx);

/* th_fsmod_each until fn returns other than TH_OK: that status, else
 * th_fsmod_each's. */
enum th_status th_fsmod_each_until(struct th_run *run,
                                   const struct th_artifact *arts,
                                   const char *what, th_fsmod_file_fn fn,
                                   void *ctx);

/* The same, each file opened as SQLite evidence (closed after fn); a
 * file that does not open is logged at warning level and skipped, but
 * out of memory stops the walk with TH_ERR_NOMEM. */
enum th_status th_fsmod_each_db(struct th_run *run,
                                const struct th_artifact *arts,
                                const char *what, th_fsmod_db_fn fn, void *ctx);

/* The ios-fs or sysdiagnose index of the run's source, or NULL. */
struct th_tree *th_fsmod_tree(struct th_run *run);

/* Reads a whole file of at most `max` bytes; a failure is logged at
 * warning level naming the file (th_run_warn: out of memory fails the
 * module at its end), and returns non-TH_OK. */
enum th_status th_fsmod_read(struct th_run *run, const struct th_file *f,
                             size_t max, char **data, size_t *len);

/* Checks each '/'-separated component of `path` shorter than `max`
 * bytes (at most TH_FSMOD_COMPONENT_MAX) as a process name at `level`,
 * leaving out one equal to `skip` (may be NULL); 1 on the first hit. */
#define TH_FSMOD_COMPONENT_MAX 1024
int th_fsmod_check_components(struct th_run *run, const json_t *rec,
                              const char *path, size_t max, const char *skip,
                              enum th_level level, int64_t t);

/* rec[key] = s (JSON string from evidence bytes; NULL: null). */
void th_fsmod_set_str(json_t *rec, const char *key, const char *s);

/* "YYYY-MM-DD HH:MM:SS[.fff] [+-HHMM]" (crash reports, analytics
 * journals) as µs UTC; TH_TIME_NONE when it is not such a time. */
int64_t th_fsmod_parse_time(const char *s);

/* The dump-only network-usage check (netusage.c), for datausage too: a
 * record {proc_name, bundle_id, proc_id, live_isodate} of a process
 * without bundle id whose binary name is nowhere in the dump raises a
 * medium alert. No-op without a dump index or with --fast. */
void th_netusage_check_binary(struct th_run *run, const json_t *rec);

/* The query datausage and netusage share (netusage.c): every ZLIVEUSAGE
 * row with its ZPROCESS, then the processes no usage row refers to, as
 * first_isodate, isodate, proc_name, bundle_id, proc_id, wifi_in,
 * wifi_out, wwan_in, wwan_out, live_id, live_proc_id, live_isodate
 * (times in Cocoa seconds). Newest schema first, NULL-terminated. */
extern const char *const th_usage_sql[];

/* Usage rows whose ZPROCESS row was deleted: the process key, its first
 * usage (Cocoa seconds) and its number of rows, one row per key. */
extern const char th_usage_orphans_sql[];

/* A usage record's Wi-Fi and WWAN bytes, in and out, summed. */
double th_usage_traffic(const json_t *rec);

#endif
