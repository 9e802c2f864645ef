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

struct th_backup_crypt;

struct th_backup {
	char *dir;                  /* the backup folder actually used */
	struct th_sqlite *manifest; /* NULL when unreadable: see below */
	/* Why Manifest.db could not be used, when Info.plist still could:
	 * the modules that need Manifest.db fail with this message and the
	 * others (backup_info) still run. "" otherwise. */
	char manifest_error[TH_ERR_MSG_MAX];
	int manifest_said; /* manifest_error was given once */
	plist_t info;
	char *info_error;
	struct th_backup_crypt *crypt; /* encrypted backups only */
};

/* TH_OK when Manifest.db is usable, else its error, into err, as
 * th_backup_manifest_failed gives it. */
enum th_status th_backup_need_manifest(struct th_backup *b, struct th_err *err);

/* A query on Manifest.db failed with `st` (message in err). Damage
 * (TH_ERR_FORMAT) is said once, so that a damaged Manifest.db makes one
 * warning and not one per module that looks a file up: the first time
 * as TH_ERR_FORMAT with what is lost, then as TH_ERR_NOTFOUND (modules
 * log that at debug level). Other statuses are returned as they are. */
enum th_status th_backup_manifest_failed(struct th_backup *b, enum th_status st,
                                         struct th_err *err);

/* The backup folder for `path`: itself, or its one backup subfolder
 * (malloc'ed); NULL when neither, or when an allocation failed while
 * looking: then *nomem (may be NULL) is set. */
char *th_backup_locate(const char *path, int *nomem);

/* Whether the backup in `dir` is encrypted: Manifest.plist says
 * IsEncrypted and Manifest.db is not plain SQLite (a backup decrypted by
 * MVT or by decrypt-backup keeps the original Manifest.plist). 1 or 0,
 * and -1 when it could not tell for want of memory. */
int th_backup_dir_encrypted(const char *dir);

/* Checks Manifest.db's Files table has the columns rows are read from. */
enum th_status th_backup_check_files(struct th_backup *b, struct th_err *err);

/* ios_backup_enc.c: unlocks the keybag of the encrypted backup in b->dir
 * with opt's key or password, decrypts Manifest.db into a private folder
 * and opens it as b->manifest. `path` is the path the user gave, for
 * messages. TH_ERR_PASSWORD: "cannot open 'PATH': wrong backup
 * password". */
enum th_status th_backup_open_crypt(struct th_backup *b, const char *path,
                                    const struct th_source_options *opt,
                                    struct th_err *err);
/* Reads Manifest.plist's keybag and ManifestKey (4-byte class + 40-byte
 * wrapped key) of the backup in `dir`. */
struct th_keybag;
enum th_status th_backup_read_keybag(const char *dir, struct th_keybag *kb,
                                     uint8_t mkey[44], struct th_err *err);

/* The decrypted Manifest.db in the private folder (encrypted backups),
 * or NULL. */
const char *th_backup_plain_manifest(const struct th_backup *b);

/* Wipes the keys and removes the private folder. NULL is fine. */
void th_backup_crypt_free(struct th_backup_crypt *c);

/*
 * A readable copy of the stored file `id` whose Manifest `file` blob is
 * (blob, blob_len): the stored file itself on a plain backup, a file
 * decrypted on demand into the private folder (kept for later asks) on
 * an encrypted one. *local is malloc'ed, or NULL with TH_OK when the row
 * has no stored file. `name` ("domain/path") is for messages.
 */
enum th_status th_backup_local_file(struct th_backup *b, const char *id,
                                    const void *blob, size_t blob_len,
                                    const char *name, char **local,
                                    struct th_err *err);

/* Decrypts the stored file `id` into `out` (a new file) with the key in
 * its MBFile blob. The backup must be encrypted. `bytes` gets the input
 * size. */
enum th_status th_backup_decrypt_to(struct th_backup *b, const char *id,
                                    const void *blob, size_t blob_len,
                                    const char *name, const char *out,
                                    uint64_t *bytes, struct th_err *err);

/* Whether id is 40 hex characters (and nothing else). */
int th_backup_is_file_id(const char *id);

/* <dir>/<id[0:2]>/<id> (malloc'ed) when id is a file ID and that is a
 * regular file, not a symlink; else NULL, with *nomem (may be NULL) set
 * when the path could not be made for want of memory. */
char *th_backup_stored_path(const struct th_backup *b, const char *id,
                            int *nomem);

/* A text column, "" for NULL. Valid until the next step. */
const char *th_backup_col_text(sqlite3_stmt *stmt, int i);

/* The source's find and each_input operations (see sources/source.h). */
enum th_status th_backup_find(void *state, const struct th_artifact *art,
                              th_file_fn fn, void *ctx, struct th_err *err);
enum th_status th_backup_each_input(void *state,
                                    int (*fn)(void *ctx, const char *path),
                                    void *ctx, struct th_err *err);

#endif
