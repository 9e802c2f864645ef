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

/* The ios-fs or sysdiagnose index of the run's source, or NULL. */
struct th_tree *th_fsmod_tree(struct th_run *run);

/* Reads a whole file of at most `max` bytes; a failure is logged at
 * warning level naming the file, and returns non-TH_OK. */
enum th_status th_fsmod_read(struct th_run *run, const struct th_file *f,
                             size_t max, char **data, size_t *len);

/* A record's string field, or NULL. */
const char *th_fsmod_str(const json_t *rec, const char *key);

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

#endif
