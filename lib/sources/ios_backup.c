#include <dirent.h>
#include <errno.h>
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

/* 1 when dir/name is a file, 0 when not, -1 out of memory. */
static int has_file(const char *dir, const char *name)
{
	char *p = th_path_join(dir, name);
	int ok = p ? th_is_file(p) : -1;

	free(p);
	return ok;
}

/* 90: Manifest.db + Info.plist; 70: Manifest.db + Manifest.plist;
 * TH_BID_NOMEM when it could not look. */
static int bid_dir(const char *dir)
{
	int db = has_file(dir, "Manifest.db"), info, mp;

	if (db <= 0)
		return db < 0 ? TH_BID_NOMEM : TH_BID_NONE;
	info = has_file(dir, "Info.plist");
	if (info)
		return info < 0 ? TH_BID_NOMEM : 90;
	mp = has_file(dir, "Manifest.plist");
	return mp < 0 ? TH_BID_NOMEM : mp ? 70 : TH_BID_NONE;
}

/* The one backup subfolder of `dir` (malloc'ed), or NULL when there are
 * none or several, or (*nomem set) when it could not look. One level
 * only. */
static char *single_child(const char *dir, int *nomem)
{
	struct dirent *de;
	char *found = NULL, *p;
	int seen = 0, many = 0, b;
	DIR *d = opendir(dir);

	if (!d) {
		*nomem = errno == ENOMEM;
		return NULL;
	}
	while (!many && !*nomem && seen++ < MAX_SUBDIRS &&
	       (de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		p = th_path_join(dir, de->d_name);
		b = !p ? TH_BID_NOMEM : th_is_dir(p) ? bid_dir(p) : 0;
		*nomem = b == TH_BID_NOMEM;
		if (b > TH_BID_NONE) {
			many = found != NULL;
			free(found);
			found = p;
			continue;
		}
		free(p);
	}
	closedir(d);
	if (many || *nomem) {
		free(found);
		return NULL;
	}
	return found;
}

char *th_backup_locate(const char *path, int *nomem)
{
	int b = bid_dir(path), dummy = 0;
	char *dir;

	if (!nomem)
		nomem = &dummy;
	*nomem = b == TH_BID_NOMEM;
	if (*nomem)
		return NULL;
	if (b == TH_BID_NONE)
		return single_child(path, nomem);
	dir = strdup(path);
	*nomem = !dir;
	return dir;
}

/* An encrypted backup bids higher than any plain reading of it: it is
 * certainly a backup, and only this source can decrypt it. */
static int bid(const char *path)
{
	char *child;
	int b, enc, nomem = 0;

	if (!th_is_dir(path))
		return TH_BID_NONE;
	b = bid_dir(path);
	if (b == TH_BID_NOMEM)
		return b;
	if (b > TH_BID_NONE) {
		enc = th_backup_dir_encrypted(path);
		return enc < 0 ? TH_BID_NOMEM : enc ? 95 : b;
	}
	child = single_child(path, &nomem);
	if (nomem)
		return TH_BID_NOMEM;
	enc = child ? th_backup_dir_encrypted(child) : 0;
	b = enc < 0 ? TH_BID_NOMEM : enc ? 95 : child ? 80 : TH_BID_NONE;
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

/* 1 a SQLite file, 0 not, -1 out of memory (fopen allocates). */
static int is_sqlite(const char *path)
{
	static const char magic[16] = "SQLite format 3";
	char head[16];
	size_t n = 0;
	FILE *f = fopen(path, "rb");

	if (!f && errno == ENOMEM)
		return -1;
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
	enum th_status st = TH_ERR_NOTFOUND;
	int enc = 0, plain;

	if (p && db && th_is_file(p))
		st = th_plist_read_file(p, &mp, NULL);
	if (!p || !db || st == TH_ERR_NOMEM) {
		enc = -1;
	} else if (st == TH_OK && th_plist_dict_bool(mp, "IsEncrypted", &enc) &&
	           enc) {
		plain = is_sqlite(db);
		enc = plain < 0 ? -1 : !plain;
	} else {
		enc = 0;
	}
	if (mp)
		plist_free(mp);
	free(p);
	free(db);
	return enc;
}

/* A bad or missing Info.plist is remembered, not fatal: the manifest
 * and every other artifact are still there. Running out of memory is
 * (TH_ERR_NOMEM): Info.plist must not pass for missing. */
static enum th_status load_info(struct th_backup *b, struct th_err *err)
{
	struct th_err e = {0};
	char *p = th_path_join(b->dir, "Info.plist");

	if (!p)
		return th_err_set(err, TH_ERR_NOMEM, "out of memory");
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
	if (e.status == TH_ERR_NOMEM || (e.status != TH_OK && !b->info_error))
		return th_err_set(err, TH_ERR_NOMEM,
		                  "cannot read Info.plist: out of memory");
	return TH_OK;
}

enum th_status th_backup_check_files(struct th_backup *b, struct th_err *err)
{
	static const char *const cols[] = {"fileID", "domain", "relativePath",
	                                   "flags", "file"};
	sqlite3 *db = b->manifest->db;
	size_t i;
	int has = th_sqlite_has_table(db, "Files");

	if (!has)
		return th_err_set(err, TH_ERR_FORMAT,
		                  "cannot read '%s': no Files table",
		                  b->manifest->name);
	for (i = 0; has > 0 && i < sizeof(cols) / sizeof(cols[0]); i++) {
		has = th_sqlite_has_column(db, "Files", cols[i]);
		if (!has)
			return th_err_set(err, TH_ERR_FORMAT,
			                  "cannot read '%s': no column '%s' "
			                  "in Files",
			                  b->manifest->name, cols[i]);
	}
	if (has < 0)
		return th_err_set(err, TH_ERR_NOMEM, "cannot read '%s': %s",
		                  b->manifest->name, "out of memory");
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

enum th_status th_backup_need_manifest(struct th_backup *b, struct th_err *err)
{
	if (b->manifest)
		return TH_OK;
	th_err_set(err, TH_ERR_FORMAT, "%s",
	           b->manifest_error[0] ? b->manifest_error : "no Manifest.db");
	return th_backup_manifest_failed(b, TH_ERR_FORMAT, err);
}

enum th_status th_backup_manifest_failed(struct th_backup *b, enum th_status st,
                                         struct th_err *err)
{
	char msg[TH_ERR_MSG_MAX];

	if (st != TH_ERR_FORMAT)
		return st;
	snprintf(msg, sizeof(msg), "%s", err->msg);
	if (b->manifest_said)
		return th_err_set(err, TH_ERR_NOTFOUND, "%.400s (said above)",
		                  msg);
	b->manifest_said = 1;
	return th_err_set(err, TH_ERR_FORMAT,
	                  "%.400s: the files it lists on damaged pages cannot "
	                  "be found or checked",
	                  msg);
}

static enum th_status backup_open(const char *path,
                                  const struct th_source_options *opt,
                                  void **state, struct th_err *err)
{
	struct th_backup *b;
	enum th_status st;
	char *db = NULL;
	int nomem = 0, enc;

	*state = NULL;
	b = calloc(1, sizeof(*b));
	if (!b)
		return th_err_set(err, TH_ERR_NOMEM, "out of memory");
	b->dir = th_backup_locate(path, &nomem);
	if (!b->dir) {
		st = nomem ? th_err_set(err, TH_ERR_NOMEM,
		                        "cannot open '%s': out of memory", path)
		           : th_err_set(err, TH_ERR_NOTFOUND,
		                        "'%s' is not an iOS backup: no "
		                        "Manifest.db with Info.plist or "
		                        "Manifest.plist",
		                        path);
		goto out;
	}
	st = load_info(b, err);
	enc = st == TH_OK ? th_backup_dir_encrypted(b->dir) : 0;
	if (enc < 0)
		st = th_err_set(err, TH_ERR_NOMEM,
		                "cannot open '%s': out of memory", path);
	if (st == TH_OK && enc) {
		st = th_backup_open_crypt(b, path, opt, err);
	} else if (st == TH_OK) {
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

/* TH_ERR_NOMEM when the metadata could not be decoded for want of
 * memory: the row must not pass for one with unreadable metadata. */
static enum th_status fill_row(sqlite3_stmt *stmt, struct th_manifest_row *row,
                               struct th_err *e)
{
	enum th_status st;
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
		return TH_OK;
	}
	st = th_mbfile_decode(blob, (size_t)len, &row->meta, e);
	row->meta_ok = st == TH_OK;
	if (!row->meta_ok)
		row->meta_error = e->msg;
	return st == TH_ERR_NOMEM ? st : TH_OK;
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
		return th_backup_manifest_failed(
		        b, th_sqlite_error(b->manifest, err), err);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		if (fill_row(stmt, &row, &e) != TH_OK) {
			st = th_err_set(err, TH_ERR_NOMEM,
			                "cannot read '%s': %s",
			                b->manifest->name, "out of memory");
			break;
		}
		if (fn(ctx, &row))
			break;
	}
	if (st == TH_OK && rc != SQLITE_ROW && rc != SQLITE_DONE)
		st = th_backup_manifest_failed(
		        b, th_sqlite_error(b->manifest, err), err);
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
