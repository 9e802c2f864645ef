/*
 * The android-backup source: an .ab file (versions 1-5, compressed or
 * not, unencrypted or AES-256) or its extracted folder (apps/...).
 * Artifacts are found by th_artifact.android_glob relative to the tar
 * root ("apps/com.android.providers.telephony/d_f/ *_sms_backup"). The
 * tar stream is read as a stream; a matching member is copied alone to a
 * private temporary folder while its module reads it.
 */
#ifndef TH_SOURCES_ANDROID_BACKUP_H
#define TH_SOURCES_ANDROID_BACKUP_H

#include "sources/source.h"

extern const struct th_source_ops th_source_android_backup;

/* An opened .ab, also used by androidqf for a nested backup.ab. */
struct th_abk;

/* Opens the backup at `path`; checks the header and the password at
 * once (TH_ERR_PASSWORD: "wrong backup password for '<path>'"). The
 * password is copied and wiped at th_abk_free. */
enum th_status th_abk_open(const char *path, const char *password,
                           struct th_abk **out, struct th_err *err);
void th_abk_free(struct th_abk *b);

/* The user's --max-artifact-size for one member copied out (0: 1 GiB). */
void th_abk_set_member_max(struct th_abk *b, uint64_t max);

/* The run's extraction budget (core/budget.h; NULL: none), charged for
 * every member copied out. */
void th_abk_set_budget(struct th_abk *b, struct th_budget *budget);

/* Calls fn for every tar member matching `glob`, th_file.name being
 * `prefix` + "/" + the member name (prefix may be NULL). */
enum th_status th_abk_find(struct th_abk *b, const char *glob,
                           const char *prefix, th_file_fn fn, void *ctx,
                           struct th_err *err);

/* The number of regular files in the tar stream (one pass). */
enum th_status th_abk_count(struct th_abk *b, size_t *n, struct th_err *err);

#endif
