#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/buf.h"
#include "core/fsutil.h"
#include "formats/plist_util.h"
#include "formats/sqlite_ev.h"
#include "sources/ios_backup.h"
#include "sources/ios_backup_int.h"

#define MAX_SUBDIRS 4096 /* entries looked at when bidding on a parent */

static int has_file(const char *dir, const char *name)
{
	char *p = th_path_join(dir, name);
	int ok = p && th_is_file(p);

	free(p);
	return ok;
}

/* 90: Manifest.db + Info.plist; 70: Manifest.db + Manifest.plist. */
static int bid_dir(const char *dir)
{
	if (!has_file(dir, "Manifest.db"))
		return TH_BID_NONE;
	if (has_file(dir, "Info.plist"))
		return 90;
	return has_file(dir, "Manifest.plist") ? 70 : TH_BID_NONE;
}

/* The one backup subfolder of `dir` (malloc'ed), or NULL when there are
 * none or several. One level only. */
static char *single_child(const char *dir)
{
	struct dirent *de;
	char *found = NULL, *p;
	int seen = 0, many = 0;
	DIR *d = opendir(dir);

	if (!d)
		return NULL;
	while (!many && seen++ < MAX_SUBDIRS && (de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		p = th_path_join(dir, de->d_name);
		if (p && th_is_dir(p) && bid_dir(p) > TH_BID_NONE) {
			many = found != NULL;
			free(found);
			found = p;
			continue;
		}
		free(p);
	}
	closedir(d);
	if (many) {
		free(found);
		return NULL;
	}
	return found;
}

char *th_backup_locate(const char *path)
{
	return bid_dir(path) > TH_BID_NONE ? strdup(path) : single_child(path);
}

/* An encrypted backup bids higher than any plain reading of it: it is
 * certainly a backup, and only this source can decrypt it. */
static int bid(const char *path)
{
	char *child;
	int b;

	if (!th_is_dir(path))
		return TH_BID_NONE;
	b = bid_dir(path);
	if (b > TH_BID_NONE)
		return th_backup_dir_encrypted(path) ? 95 : b;
	child = single_child(path);
	b = child ? (th_backup_dir_encrypted(child) ? 95 : 80) : TH_BID_NONE;
	free(child);
	return b;
}

static void backup_free(struct th_backup *b)
{
	if (!b)
		return;
	th_sqlite_close(b->manifest);
	th_backup_crypt_free(b->crypt);
	if (b->info)
		plist_free(b->info);
	free(b->info_error);
	free(b->dir);
	free(b);
}

static int is_sqlite(const char *path)
{
	static const char magic[16] = "SQLite format 3";
	char head[16];
	size_t n = 0;
	FILE *f = fopen(path, "rb");

	if (f) {
		n = fread(head, 1, sizeof(head), f);
		fclose(f);
	}
	return n == sizeof(head) && memcmp(head, magic, sizeof(head)) == 0;
}

int th_backup_dir_encrypted(const char *dir)
{
	plist_t mp = NULL;
	char *p = th_path_join(dir, "Manifest.plist");
	char *db = th_path_join(dir, "Manifest.db");
	int enc = 0;

	if (p && db && th_is_file(p) &&
	    th_plist_read_file(p, &mp, NULL) == TH_OK &&
	    th_plist_dict_bool(mp, "IsEncrypted", &enc) && enc)
		enc = !is_sqlite(db);
	else
		enc = 0;
	if (mp)
		plist_free(mp);
	free(p);
	free(db);
	return enc;
}

/* A bad or missing Info.plist is remembered, not fatal: the manifest
 * and every other artifact are still there. */
static void load_info(struct th_backup *b)
{
	struct th_err e = {0};
	char *p = th_path_join(b->dir, "Info.plist");

	if (!p)
		return;
	if (!th_is_file(p))
		th_err_set(&e, TH_ERR_NOTFOUND, "no Info.plist in '%s'",
		           b->dir);
	else if (th_plist_read_file(p, &b->info, &e) == TH_OK &&
	         plist_get_node_type(b->info) != PLIST_DICT)
		th_err_set(&e, TH_ERR_FORMAT,
		           "cannot parse '%s': not a dictionary", p);
	if (e.status != TH_OK) {
		if (b->info)
			plist_free(b->info);
		b->info = NULL;
		b->info_error = strdup(e.msg);
	}
	free(p);
}

enum th_status th_backup_check_files(struct th_backup *b, struct th_err *err)
{
	static const char *const cols[] = {"fileID", "domain", "relativePath",
	                                   "flags", "file"};
	sqlite3 *db = b->manifest->db;
	size_t i;

	if (!th_sqlite_has_table(db, "Files"))
		return th_err_set(err, TH_ERR_FORMAT,
		                  "cannot read '%s': no Files table",
		                  b->manifest->name);
	for (i = 0; i < sizeof(cols) / sizeof(cols[0]); i++)
		if (!th_sqlite_has_column(db, "Files", cols[i]))
			return th_err_set(err, TH_ERR_FORMAT,
			                  "cannot read '%s': no column '%s' "
			                  "in Files",
			                  b->manifest->name, cols[i]);
	return TH_OK;
}

/* A plain backup whose Manifest.db is damaged still has an Info.plist
 * worth reading: keep the source open without Manifest.db. */
static enum th_status keep_without_manifest(struct th_backup *b,
                                            enum th_status st,
                                            struct th_err *err)
{
	if ((st != TH_ERR_FORMAT && st != TH_ERR_IO) || !b->info)
		return st;
	snprintf(b->manifest_error, sizeof(b->manifest_error), "%s", err->msg);
	th_sqlite_close(b->manifest);
	b->manifest = NULL;
	th_err_clear(err);
	return TH_OK;
}

enum th_status th_backup_need_manifest(const struct th_backup *b,
                                       struct th_err *err)
{
	if (b->manifest)
		return TH_OK;
	return th_err_set(err, TH_ERR_FORMAT, "%s",
	                  b->manifest_error[0] ? b->manifest_error
	                                       : "no Manifest.db");
}

static enum th_status backup_open(const char *path,
                                  const struct th_source_options *opt,
                                  void **state, struct th_err *err)
{
	struct th_backup *b;
	enum th_status st;
	char *db = NULL;

	*state = NULL;
	b = calloc(1, sizeof(*b));
	if (!b)
		return th_err_set(err, TH_ERR_NOMEM, "out of memory");
	b->dir = th_backup_locate(path);
	if (!b->dir) {
		st = th_err_set(err, TH_ERR_NOTFOUND,
		                "'%s' is not an iOS backup: no Manifest.db "
		                "with Info.plist or Manifest.plist",
		                path);
		goto out;
	}
	load_info(b);
	if (th_backup_dir_encrypted(b->dir)) {
		st = th_backup_open_crypt(b, path, opt, err);
	} else {
		db = th_path_join(b->dir, "Manifest.db");
		st = db ? th_sqlite_open(db, &b->manifest, err)
		        : th_err_set(err, TH_ERR_NOMEM, "out of memory");
	}
	if (st == TH_OK)
		st = th_backup_check_files(b, err);
	if (st != TH_OK && !b->crypt)
		st = keep_without_manifest(b, st, err);
out:
	free(db);
	if (st != TH_OK)
		backup_free(b);
	else
		*state = b;
	return st;
}

static void backup_close(void *state)
{
	backup_free(state);
}

/* --- Manifest rows -------------------------------------------------- */

const char *th_backup_col_text(sqlite3_stmt *stmt, int i)
{
	const unsigned char *s = sqlite3_column_text(stmt, i);

	return s ? (const char *)s : "";
}

static void fill_row(sqlite3_stmt *stmt, struct th_manifest_row *row,
                     struct th_err *e)
{
	const void *blob = sqlite3_column_blob(stmt, 4);
	int len = sqlite3_column_bytes(stmt, 4);

	row->file_id = th_backup_col_text(stmt, 0);
	row->domain = th_backup_col_text(stmt, 1);
	row->relative_path = th_backup_col_text(stmt, 2);
	row->flags = sqlite3_column_int64(stmt, 3);
	row->meta_ok = 0;
	row->meta_error = NULL;
	if (!blob || len <= 0) {
		row->meta_error = "no file metadata";
		th_mbfile_decode("", 0, &row->meta, NULL);
		return;
	}
	row->meta_ok =
	        th_mbfile_decode(blob, (size_t)len, &row->meta, e) == TH_OK;
	if (!row->meta_ok)
		row->meta_error = e->msg;
}

enum th_status th_backup_each_row(struct th_backup *b,
                                  int (*fn)(void *ctx,
                                            const struct th_manifest_row *row),
                                  void *ctx, struct th_err *err)
{
	struct th_manifest_row row;
	sqlite3_stmt *stmt = NULL;
	enum th_status st = TH_OK;
	struct th_err e;
	int rc;

	if (!b->manifest)
		return th_backup_need_manifest(b, err);
	if (sqlite3_prepare_v2(b->manifest->db,
	                       "SELECT fileID, domain, relativePath, flags, "
	                       "file FROM Files",
	                       -1, &stmt, NULL) != SQLITE_OK)
		return th_sqlite_error(b->manifest, err);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		fill_row(stmt, &row, &e);
		if (fn(ctx, &row))
			break;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		st = th_sqlite_error(b->manifest, err);
	sqlite3_finalize(stmt);
	return st;
}

enum th_status th_backup_row_count(struct th_backup *b, int64_t *count,
                                   struct th_err *err)
{
	sqlite3_stmt *stmt = NULL;
	enum th_status st = TH_OK;

	*count = 0;
	if (!b->manifest)
		return th_backup_need_manifest(b, err);
	if (sqlite3_prepare_v2(b->manifest->db, "SELECT count(*) FROM Files",
	                       -1, &stmt, NULL) != SQLITE_OK)
		return th_sqlite_error(b->manifest, err);
	if (sqlite3_step(stmt) == SQLITE_ROW)
		*count = sqlite3_column_int64(stmt, 0);
	else
		st = th_sqlite_error(b->manifest, err);
	sqlite3_finalize(stmt);
	return st;
}

/* --- accessors ------------------------------------------------------ */

struct th_backup *th_backup_of(struct th_source *src)
{
	if (!src || src->ops != &th_source_ios_backup)
		return NULL;
	return src->state;
}

const char *th_backup_dir(const struct th_backup *b)
{
	return b->dir;
}

plist_t th_backup_info_plist(const struct th_backup *b)
{
	return b->info;
}

const char *th_backup_info_error(const struct th_backup *b)
{
	return b->info_error;
}

const struct th_source_ops th_source_ios_backup = {
        .name = "ios-backup",
        .kind = TH_SRC_IOS_BACKUP,
        .looks_for = "an iOS backup (plain or encrypted): a folder with "
                     "Manifest.db and Info.plist, or one holding exactly "
                     "one such folder",
        .bid = bid,
        .open = backup_open,
        .close = backup_close,
        .find = th_backup_find,
        .each_input = th_backup_each_input,
};
