/*
 * The iOS backup source (unencrypted; see shared reference/ios.md 1):
 * a folder with Info.plist and Manifest.db, or a folder holding exactly
 * one such backup folder. Files are stored at <fileID[0:2]>/<fileID>,
 * fileID = hex(SHA1(domain "-" relativePath)).
 */
#ifndef TH_SOURCES_IOS_BACKUP_H
#define TH_SOURCES_IOS_BACKUP_H

#include <stdint.h>
#include <plist/plist.h>
#include "sources/source.h"
#include "formats/mbfile.h"

extern const struct th_source_ops th_source_ios_backup;

struct th_backup;

/* The backup behind a source, or NULL if the source is not a backup. */
struct th_backup *th_backup_of(struct th_source *src);

/* The backup folder actually used (the one subfolder, if so). */
const char *th_backup_dir(const struct th_backup *b);

/* Info.plist's root dictionary, parsed at open; owned by the backup.
 * NULL when the backup has none or it could not be parsed (the reason
 * is in th_backup_info_error). */
plist_t th_backup_info_plist(const struct th_backup *b);
const char *th_backup_info_error(const struct th_backup *b);

/* One row of Manifest.db's Files table. Strings are valid only during
 * the callback; `meta` is filled when meta_ok (the MBFile blob decoded),
 * else meta_error says why. */
struct th_manifest_row {
	const char *file_id;
	const char *domain;
	const char *relative_path;
	int64_t flags; /* 1 file, 2 directory, 4 symlink */
	int meta_ok;
	const char *meta_error;
	struct th_mbfile meta;
};

/* Calls fn for every Files row, in table order; fn returns nonzero to
 * stop. Returns the first SQLite error with a message in err, or
 * TH_ERR_NOMEM when a row's metadata could not be decoded for want of
 * memory (a row whose metadata is damaged is still given, meta_ok 0). */
enum th_status th_backup_each_row(struct th_backup *b,
                                  int (*fn)(void *ctx,
                                            const struct th_manifest_row *row),
                                  void *ctx, struct th_err *err);

/* The number of Files rows (for progress and sizing). */
enum th_status th_backup_row_count(struct th_backup *b, int64_t *count,
                                   struct th_err *err);

#endif
