/* Walking an artifact's files through the source and reading SQLite
 * evidence rows into records (see evdb.h). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "core/jsonutil.h"
#include "core/timeconv.h"
#include "modules/ios/evdb.h"

/* A blob larger than this is left out of a record (base64 would make a
 * record of hundreds of megabytes from one cell). */
#define BLOB_MAX ((size_t)16 << 20)

struct walk {
	struct th_run *run;
	th_evfile_fn fn;
	th_evdb_fn dbfn;
	void *ctx;
	size_t found, bad;
	enum th_status st;
	struct th_err first;
};

static int is_end(const struct th_artifact *a)
{
	return !a->backup_domain && !a->backup_path && !a->fs_glob &&
	       !a->sysdiag_glob && !a->android_glob;
}

static int visit(void *ctx, const struct th_file *file)
{
	struct walk *w = ctx;
	enum th_status st;

	w->found++;
	th_run_log(w->run, TH_LOG_DEBUG, "reading '%s'", file->name);
	st = w->fn(w->run, file, w->ctx);
	if (st == TH_ERR_FORMAT) {
		w->bad++;
		return 0;
	}
	if (st != TH_OK) {
		w->st = st;
		return 1;
	}
	return 0;
}

static enum th_status walk_all(struct th_run *run,
                               const struct th_artifact *arts, struct walk *w)
{
	struct th_err err = {0};
	enum th_status st;

	for (; arts && !is_end(arts) && w->st == TH_OK; arts++) {
		st = th_source_find(th_run_source(run), arts, visit, w, &err);
		if (st != TH_OK && st != TH_ERR_NOTFOUND)
			th_run_log(run, TH_LOG_WARN, "%s", err.msg);
	}
	return w->st;
}

enum th_status th_evfile_each(struct th_run *run,
                              const struct th_artifact *arts, const char *what,
                              th_evfile_fn fn, void *ctx)
{
	struct walk w = {.run = run, .fn = fn, .ctx = ctx, .st = TH_OK};
	enum th_status st = walk_all(run, arts, &w);

	if (st != TH_OK)
		return st;
	if (w.found == 0)
		return th_run_fail(run, TH_ERR_NOTFOUND,
		                   "no %s in the evidence", what);
	if (w.bad == w.found)
		return th_run_fail(run, TH_ERR_FORMAT,
		                   "no readable %s (%zu malformed)", what,
		                   w.bad);
	return TH_OK;
}

/* Adapts a database callback: opens the file, logs why it cannot. */
static enum th_status open_then(struct th_run *run, const struct th_file *file,
                                void *ctx)
{
	struct walk *w = ctx;
	struct th_sqlite *db = NULL;
	struct th_err err = {0};
	enum th_status st;

	st = th_sqlite_open(file->local_path, &db, &err);
	if (st != TH_OK) {
		th_run_log(run, TH_LOG_WARN, "%s: %s", file->name, err.msg);
		return st == TH_ERR_NOMEM ? st : TH_ERR_FORMAT;
	}
	st = w->dbfn(run, db, file, w->ctx);
	th_sqlite_close(db);
	return st;
}

enum th_status th_evdb_each(struct th_run *run, const struct th_artifact *arts,
                            const char *what, th_evdb_fn fn, void *ctx)
{
	struct walk inner = {.run = run, .dbfn = fn, .ctx = ctx};

	return th_evfile_each(run, arts, what, open_then, &inner);
}

enum th_status th_evdb_col(struct th_buf *sql, sqlite3 *db, const char *table,
                           const char *column, const char *name, int comma)
{
	const char *sep = comma ? ", " : "";

	if (th_sqlite_has_column(db, table, column))
		return th_buf_printf(sql, "%s\"%s\".\"%s\" AS \"%s\"", sep,
		                     table, column, name);
	return th_buf_printf(sql, "%sNULL AS \"%s\"", sep, name);
}

enum th_status th_evdb_prepare(struct th_run *run, struct th_sqlite *db,
                               const char *sql, sqlite3_stmt **stmt)
{
	*stmt = NULL;
	if (sqlite3_prepare_v2(db->db, sql, -1, stmt, NULL) == SQLITE_OK)
		return TH_OK;
	th_run_log(run, TH_LOG_WARN, "cannot read '%s': %s", db->name,
	           sqlite3_errmsg(db->db));
	sqlite3_finalize(*stmt);
	*stmt = NULL;
	return TH_ERR_FORMAT;
}

int th_evdb_step(struct th_run *run, struct th_sqlite *db, sqlite3_stmt *stmt)
{
	int rc = sqlite3_step(stmt);

	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE)
		return 0;
	/* A damaged page ends the table here; the rows before it stand. */
	th_run_log(run, TH_LOG_WARN, "cannot read '%s': %s", db->name,
	           sqlite3_errmsg(db->db));
	return -1;
}

enum th_status th_evdb_rows(struct th_run *run, struct th_sqlite *db,
                            const char *sql,
                            enum th_status (*fn)(struct th_run *run,
                                                 sqlite3_stmt *stmt, void *ctx),
                            void *ctx)
{
	sqlite3_stmt *stmt = NULL;
	enum th_status st;

	st = th_evdb_prepare(run, db, sql, &stmt);
	while (st == TH_OK && th_evdb_step(run, db, stmt) == 1)
		st = fn(run, stmt, ctx);
	sqlite3_finalize(stmt);
	return st;
}

static json_t *blob_json(const void *p, size_t n)
{
	unsigned char *out;
	json_t *j;

	if (n > BLOB_MAX)
		return json_null();
	out = malloc(4 * ((n + 2) / 3) + 1);
	if (!out)
		return NULL;
	EVP_EncodeBlock(out, p ? p : (const void *)"", (int)n);
	j = json_string((const char *)out);
	free(out);
	return j;
}

json_t *th_evdb_value(sqlite3_stmt *stmt, int i)
{
	double d;

	switch (sqlite3_column_type(stmt, i)) {
	case SQLITE_INTEGER:
		return json_integer((json_int_t)sqlite3_column_int64(stmt, i));
	case SQLITE_FLOAT:
		d = sqlite3_column_double(stmt, i);
		return isfinite(d) ? json_real(d) : json_null();
	case SQLITE_TEXT:
		return th_json_stringn(
		        (const char *)sqlite3_column_text(stmt, i),
		        (size_t)sqlite3_column_bytes(stmt, i));
	case SQLITE_BLOB:
		return blob_json(sqlite3_column_blob(stmt, i),
		                 (size_t)sqlite3_column_bytes(stmt, i));
	default:
		return json_null();
	}
}

enum th_status th_evdb_row_json(sqlite3_stmt *stmt, json_t *rec)
{
	int i, n = sqlite3_column_count(stmt);
	const char *name;
	json_t *v;

	for (i = 0; i < n; i++) {
		name = sqlite3_column_name(stmt, i);
		v = th_evdb_value(stmt, i);
		if (!name || !v) {
			json_decref(v);
			return TH_ERR_NOMEM;
		}
		/* A column name that is not UTF-8 (a crafted schema) cannot
		 * be a JSON key: that column is left out (jansson frees v). */
		json_object_set_new(rec, name, v);
	}
	return TH_OK;
}

int64_t th_evtime_cocoa(double v)
{
	if (!isfinite(v) || v == 0)
		return TH_TIME_NONE;
	/* Seconds since 2001 stay below 1e10 until the year 2318. */
	if (fabs(v) > 1e11)
		v /= 1e9;
	return th_time_from_cocoa(v);
}

int64_t th_evtime_unix_us(int64_t us)
{
	if (us == 0)
		return TH_TIME_NONE;
	/* Through th_time_from_unix for its range checks. */
	return th_time_from_unix((double)(us / 1000000)) == TH_TIME_NONE
	               ? TH_TIME_NONE
	               : us;
}

int64_t th_evdb_cocoa(sqlite3_stmt *stmt, int i)
{
	if (sqlite3_column_type(stmt, i) == SQLITE_NULL)
		return TH_TIME_NONE;
	return th_evtime_cocoa(sqlite3_column_double(stmt, i));
}

int64_t th_evdb_webkit(sqlite3_stmt *stmt, int i)
{
	int64_t v = sqlite3_column_int64(stmt, i);

	if (sqlite3_column_type(stmt, i) == SQLITE_NULL || v == 0)
		return TH_TIME_NONE;
	return th_time_from_webkit(v);
}

int64_t th_evdb_unix(sqlite3_stmt *stmt, int i)
{
	double v = sqlite3_column_double(stmt, i);

	if (sqlite3_column_type(stmt, i) == SQLITE_NULL || v == 0)
		return TH_TIME_NONE;
	return th_time_from_unix(v);
}

const char *th_evdb_text(sqlite3_stmt *stmt, int i)
{
	const char *s = (const char *)sqlite3_column_text(stmt, i);

	return s ? s : "";
}
