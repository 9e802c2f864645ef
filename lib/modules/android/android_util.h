/* Helpers the Android modules share: reading an artifact whole, JSON
 * field access, the common checks. */
#ifndef TH_MODULES_ANDROID_UTIL_H
#define TH_MODULES_ANDROID_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include "modules/module.h"

/* Reads the first file matching android_glob `glob` (at most max bytes)
 * into a malloc'ed NUL-terminated buffer; *name (may be NULL) gets a
 * malloc'ed name for messages. TH_ERR_NOTFOUND when absent, with the
 * module's skip reason set. */
enum th_status th_android_read(struct th_run *run, const char *glob, size_t max,
                               char **data, size_t *len, char **name);

/* Calls fn for every file matching `glob`, with the file's data (at
 * most max bytes; bigger files are reported and skipped). Returns
 * TH_ERR_NOTFOUND (skip reason set) when no file matched. */
enum th_status th_android_each(struct th_run *run, const char *glob, size_t max,
                               int (*fn)(void *ctx, const char *name,
                                         char *data, size_t len),
                               void *ctx);

/* The JSON array in the first file matching `glob` (at most max bytes;
 * `lenient`: read with th_json_load_lenient): calls fn for each item
 * until it returns other than TH_OK, and returns that status.
 * TH_ERR_NOTFOUND as th_android_read; TH_ERR_FORMAT (the module's
 * error, naming the file) when the file is not a JSON array. */
enum th_status th_android_json_array(struct th_run *run, const char *glob,
                                     size_t max, int lenient,
                                     enum th_status (*fn)(struct th_run *run,
                                                          json_t *item));

/* Parses JSON text whose integers may not fit in 64 bits (androidqf
 * writes certificate serial numbers as bare numbers): such numbers are
 * read as strings of their digits. NULL when it is not JSON, or when
 * memory failed (then counted by th_json_nomem_note). */
json_t *th_json_load_lenient(const char *data, size_t len);

/* A string member of a JSON object, or NULL. */
const char *th_jstr(const json_t *obj, const char *key);

/* An integer member (number or decimal string); def when absent. */
int64_t th_jint(const json_t *obj, const char *key, int64_t def);

/* Sets rec[key] (stealing v). A NULL v is a builder that could not
 * allocate: the value is lost and counted (th_json_nomem_note), so the
 * run fails the module with TH_ERR_NOMEM; pass json_null() for null. */
void th_jset(json_t *rec, const char *key, json_t *v);

/* The time of a record written by th_json_time ("timestamp" or the
 * given key), TH_TIME_NONE if none. */
int64_t th_jtime(const json_t *rec, const char *key);

#endif
