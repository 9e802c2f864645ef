/*
 * Internals of the iOS backup source, shared by ios_backup.c (bidding,
 * opening, Manifest rows) and ios_backup_find.c (finding files, listing
 * inputs). Not for modules: they use sources/ios_backup.h.
 */
#ifndef TH_SOURCES_IOS_BACKUP_INT_H
#define TH_SOURCES_IOS_BACKUP_INT_H

#include <sqlite3.h>
#include "formats/sqlite_ev.h"
#include "sources/ios_backup.h"

#define TH_FILE_ID_LEN 40

struct th_backup {
	char *dir; /* the backup folder actually used */
	struct th_sqlite *manifest;
	plist_t info;
	char *info_error;
};

/* Whether id is 40 hex characters (and nothing else). */
int th_backup_is_file_id(const char *id);

/* <dir>/<id[0:2]>/<id> (malloc'ed) when id is a file ID and that is a
 * regular file, not a symlink; else NULL. */
char *th_backup_stored_path(const struct th_backup *b, const char *id);

/* A text column, "" for NULL. Valid until the next step. */
const char *th_backup_col_text(sqlite3_stmt *stmt, int i);

/* The source's find and each_input operations (see sources/source.h). */
enum th_status th_backup_find(void *state, const struct th_artifact *art,
                              th_file_fn fn, void *ctx, struct th_err *err);
enum th_status th_backup_each_input(void *state,
                                    int (*fn)(void *ctx, const char *path),
                                    void *ctx, struct th_err *err);

#endif
