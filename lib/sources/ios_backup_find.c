/* The iOS backup source: files by (domain, relativePath) globs, and the
 * list of input files for --hashes. */
#include <dirent.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/buf.h"
#include "core/fsutil.h"
#include "sources/ios_backup_int.h"

int th_backup_is_file_id(const char *id)
{
	size_t i;

	for (i = 0; i < TH_FILE_ID_LEN; i++)
		if (!id[i] || !strchr("0123456789abcdefABCDEF", id[i]))
			return 0;
	return id[i] == '\0';
}

/* <dir>/<id[0:2]>/<id> when id is a file ID and that is a regular file
 * (not a symlink: it could point out of the evidence). */
char *th_backup_stored_path(const struct th_backup *b, const char *id,
                            int *nomem)
{
	struct stat st;
	struct th_buf p;
	enum th_status made;
	char *path;

	if (nomem)
		*nomem = 0;
	if (!id || !th_backup_is_file_id(id))
		return NULL;
	th_buf_init(&p, 4096);
	made = th_buf_printf(&p, "%s/%.2s/%s", b->dir, id, id);
	if (made != TH_OK || lstat(th_buf_str(&p), &st) != 0 ||
	    !S_ISREG(st.st_mode)) {
		if (nomem)
			*nomem = made == TH_ERR_NOMEM;
		th_buf_free(&p);
		return NULL;
	}
	path = th_buf_take(&p, NULL);
	if (!path && nomem)
		*nomem = 1;
	return path;
}

/*
 * What SQL can do for a glob, so a lookup uses the Files indexes rather
 * than a scan of every row: equality for a literal, a range for a literal
 * prefix ([prefix, prefix with its last byte + 1) ); fnmatch does the
 * rest. No condition when the glob starts with a wildcard.
 */
struct cond {
	const char *glob;
	size_t prefix; /* literal bytes at the start */
	int exact;
	char hi[256];  /* upper bound of the range */
	size_t hi_len; /* 0: no upper bound */
};

static void cond_init(struct cond *c, const char *glob)
{
	memset(c, 0, sizeof(*c));
	c->glob = glob;
	if (!glob)
		return;
	c->prefix = strcspn(glob, "*?[\\");
	c->exact = glob[c->prefix] == '\0';
	/* A shorter prefix only loosens the bound; trailing 0xff bytes
	 * cannot be incremented and are dropped. */
	c->hi_len = c->prefix < sizeof(c->hi) ? c->prefix : sizeof(c->hi);
	memcpy(c->hi, glob, c->hi_len);
	while (c->hi_len > 0 && (unsigned char)c->hi[c->hi_len - 1] == 0xff)
		c->hi_len--;
	if (c->hi_len > 0)
		c->hi[c->hi_len - 1]++;
}

static enum th_status cond_sql(const struct cond *c, const char *col,
                               struct th_buf *sql)
{
	if (!c->glob || c->prefix == 0)
		return TH_OK;
	if (c->exact)
		return th_buf_printf(sql, " AND %s = ?", col);
	if (c->hi_len == 0)
		return th_buf_printf(sql, " AND %s >= ?", col);
	return th_buf_printf(sql, " AND %s >= ? AND %s < ?", col, col);
}

/* Binds in the order cond_sql wrote; `c` must outlive the statement. */
static void cond_bind(const struct cond *c, sqlite3_stmt *stmt, int *n)
{
	if (!c->glob || c->prefix == 0)
		return;
	sqlite3_bind_text(stmt, ++*n, c->glob, (int)c->prefix, SQLITE_STATIC);
	if (!c->exact && c->hi_len > 0)
		sqlite3_bind_text(stmt, ++*n, c->hi, (int)c->hi_len,
		                  SQLITE_STATIC);
}

static enum th_status prepare_find(struct th_backup *b,
                                   const struct cond *domain,
                                   const struct cond *path, sqlite3_stmt **stmt,
                                   struct th_err *err)
{
	enum th_status st;
	struct th_buf sql;
	int n = 0;

	th_buf_init(&sql, 1024);
	st = th_buf_adds(&sql, "SELECT fileID, domain, relativePath, file "
	                       "FROM Files WHERE 1");
	if (st == TH_OK)
		st = cond_sql(domain, "domain", &sql);
	if (st == TH_OK)
		st = cond_sql(path, "relativePath", &sql);
	if (st == TH_OK && sqlite3_prepare_v2(b->manifest->db, th_buf_str(&sql),
	                                      -1, stmt, NULL) != SQLITE_OK)
		st = th_backup_manifest_failed(
		        b, th_sqlite_error(b->manifest, err), err);
	th_buf_free(&sql);
	if (st != TH_OK)
		return st;
	cond_bind(domain, *stmt, &n);
	cond_bind(path, *stmt, &n);
	return TH_OK;
}

/* Calls fn for one matching row whose file is stored; 1 to stop. On an
 * encrypted backup the file is decrypted first; a failure stops the walk
 * with *st set (the message names the file). */
static int visit_row(struct th_backup *b, const struct th_artifact *art,
                     sqlite3_stmt *stmt, th_file_fn fn, void *ctx,
                     enum th_status *st, struct th_err *err)
{
	const char *domain = th_backup_col_text(stmt, 1),
	           *rel = th_backup_col_text(stmt, 2);
	struct th_file f;
	struct th_buf name;
	const void *blob;
	char *local = NULL;
	int stop;

	if ((art->backup_domain && fnmatch(art->backup_domain, domain, 0)) ||
	    fnmatch(art->backup_path, rel, 0))
		return 0;
	th_buf_init(&name, 8192);
	*st = th_buf_printf(&name, "%s/%s", domain, rel);
	if (*st != TH_OK) {
		th_buf_free(&name);
		th_err_set(err, *st, "cannot read '%s/%s': %s", domain, rel,
		           th_status_str(*st));
		return 1;
	}
	/* The blob before its size, as SQLite asks. */
	blob = sqlite3_column_blob(stmt, 3);
	*st = th_backup_local_file(b,
	                           (const char *)sqlite3_column_text(stmt, 0),
	                           blob, (size_t)sqlite3_column_bytes(stmt, 3),
	                           th_buf_str(&name), &local, err);
	if (*st != TH_OK || !local) {
		th_buf_free(&name);
		return *st != TH_OK;
	}
	f.name = th_buf_str(&name);
	f.local_path = local;
	f.domain = domain;
	f.relative_path = rel;
	stop = fn(ctx, &f);
	th_buf_free(&name);
	free(local);
	return stop;
}

enum th_status th_backup_find(void *state, const struct th_artifact *art,
                              th_file_fn fn, void *ctx, struct th_err *err)
{
	struct th_backup *b = state;
	struct cond domain, path;
	sqlite3_stmt *stmt = NULL;
	enum th_status st;
	int rc;

	if (!art->backup_path)
		return th_err_set(err, TH_ERR_NOTFOUND, "%s",
		                  "this artifact is not in iOS backups");
	cond_init(&domain, art->backup_domain);
	cond_init(&path, art->backup_path);
	st = th_backup_need_manifest(b, err);
	if (st == TH_OK)
		st = prepare_find(b, &domain, &path, &stmt, err);
	if (st != TH_OK)
		return st;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
		if (visit_row(b, art, stmt, fn, ctx, &st, err))
			break;
	if (st == TH_OK && rc != SQLITE_ROW && rc != SQLITE_DONE)
		st = th_backup_manifest_failed(
		        b, th_sqlite_error(b->manifest, err), err);
	sqlite3_finalize(stmt);
	return st;
}

/* --- inputs, for --hashes ------------------------------------------- */

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Lists the stored files of one xx/ folder, sorted. */
static enum th_status list_shard(const char *shard, const char *prefix,
                                 char ***names, size_t *n, struct th_err *err)
{
	enum th_status st = TH_OK;
	struct dirent *de;
	size_t cap = 0;
	char **v = NULL, **grown;
	DIR *d = opendir(shard);

	*n = 0;
	while (d && st == TH_OK && (de = readdir(d)) != NULL) {
		if (!th_backup_is_file_id(de->d_name) ||
		    strncmp(de->d_name, prefix, 2) != 0)
			continue;
		if (*n == cap) {
			cap = cap ? 2 * cap : 64;
			grown = realloc(v, cap * sizeof(*v));
			if (!grown) {
				st = th_err_set(err, TH_ERR_NOMEM,
				                "out of memory");
				break;
			}
			v = grown;
		}
		if (!(v[*n] = strdup(de->d_name)))
			st = th_err_set(err, TH_ERR_NOMEM, "out of memory");
		else
			(*n)++;
	}
	if (d)
		closedir(d);
	if (*n > 1)
		qsort(v, *n, sizeof(*v), cmp_names);
	*names = v;
	return st;
}

/* Calls fn for each regular file of one shard; 1 when fn asked to stop. */
static int each_stored(const struct th_backup *b, const char *prefix,
                       int (*fn)(void *ctx, const char *path), void *ctx,
                       enum th_status *st, struct th_err *err)
{
	char *shard = th_path_join(b->dir, prefix), *p;
	char **names = NULL;
	size_t n = 0, i;
	int stop = 0, nomem = 0;

	*st = shard ? list_shard(shard, prefix, &names, &n, err)
	            : th_err_set(err, TH_ERR_NOMEM, "out of memory");
	for (i = 0; i < n; i++) {
		p = stop ? NULL : th_backup_stored_path(b, names[i], &nomem);
		if (nomem && *st == TH_OK) {
			*st = th_err_set(err, TH_ERR_NOMEM, "out of memory");
			stop = 1;
		}
		if (p)
			stop = fn(ctx, p);
		free(p);
		free(names[i]);
	}
	free(names);
	free(shard);
	return stop;
}

enum th_status th_backup_each_input(void *state,
                                    int (*fn)(void *ctx, const char *path),
                                    void *ctx, struct th_err *err)
{
	static const char *const tops[] = {"Info.plist", "Manifest.plist",
	                                   "Status.plist", "Manifest.db",
	                                   "Manifest.db-wal"};
	const struct th_backup *b = state;
	enum th_status st = TH_OK;
	char prefix[3], *p;
	size_t i;
	int stop = 0;

	for (i = 0; !stop && i < sizeof(tops) / sizeof(tops[0]); i++) {
		p = th_path_join(b->dir, tops[i]);
		if (!p)
			return th_err_set(err, TH_ERR_NOMEM, "out of memory");
		if (th_is_file(p))
			stop = fn(ctx, p);
		free(p);
	}
	for (i = 0; !stop && st == TH_OK && i < 256; i++) {
		snprintf(prefix, sizeof(prefix), "%02zx", i);
		stop = each_stored(b, prefix, fn, ctx, &st, err);
	}
	return st;
}
