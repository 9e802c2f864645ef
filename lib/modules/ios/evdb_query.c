/* An evidence database's rows as records through a struct th_evdb_query
 * (see evdb.h). */
#include <string.h>

#include "core/jsonutil.h"
#include "core/timeconv.h"
#include "modules/ios/evdb.h"

static int in_list(const char *const *list, const char *name)
{
	for (; list && *list; list++)
		if (strcmp(*list, name) == 0)
			return 1;
	return 0;
}

static json_t *time_json(sqlite3_stmt *stmt, int i, int cocoa)
{
	double v;

	if (sqlite3_column_type(stmt, i) == SQLITE_TEXT)
		return th_json_string(
		        (const char *)sqlite3_column_text(stmt, i));
	v = sqlite3_column_double(stmt, i);
	return th_json_time(cocoa ? th_time_from_cocoa(v)
	                          : th_time_from_unix(v));
}

static json_t *col_json(sqlite3_stmt *stmt, int i,
                        const struct th_evdb_query *q, const char *name)
{
	if (sqlite3_column_type(stmt, i) == SQLITE_NULL)
		return json_null();
	if (in_list(q->cocoa, name))
		return time_json(stmt, i, 1);
	if (in_list(q->unix_secs, name))
		return time_json(stmt, i, 0);
	/* Call numbers are stored as blobs: text when printable. */
	return th_evdb_value_text(stmt, i);
}

static json_t *row_json(sqlite3_stmt *stmt, const struct th_evdb_query *q)
{
	json_t *rec = json_object(), *v;
	const char *name;
	int i, n = sqlite3_column_count(stmt);

	for (i = 0; rec && i < n; i++) {
		name = sqlite3_column_name(stmt, i);
		v = name ? col_json(stmt, i, q, name) : NULL;
		if (!v || th_json_set_new(rec, name, v) != 0) {
			json_decref(rec);
			return NULL;
		}
	}
	return rec;
}

/* The first query that prepares; NULL when none does, with *nomem set
 * when one failed for want of memory (not "no such table"). */
static sqlite3_stmt *prepare_first(sqlite3 *db, const char *const *sql,
                                   int *nomem)
{
	sqlite3_stmt *stmt = NULL;

	*nomem = 0;
	for (; *sql; sql++) {
		if (sqlite3_prepare_v2(db, *sql, -1, &stmt, NULL) == SQLITE_OK)
			return stmt;
		if ((sqlite3_errcode(db) & 0xff) == SQLITE_NOMEM) {
			*nomem = 1;
			return NULL;
		}
	}
	return NULL;
}

static enum th_status emit_rows(struct th_run *run, const struct th_file *f,
                                struct th_sqlite *db, sqlite3_stmt *stmt,
                                const struct th_evdb_query *q, size_t *count,
                                struct th_err *err)
{
	enum th_status st = TH_OK;
	json_t *rec;
	int rc;

	while (st == TH_OK && (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		rec = row_json(stmt, q);
		if (!rec)
			return TH_ERR_NOMEM;
		if (q->seen)
			q->seen(q->ctx, rec);
		if (q->events)
			q->events(run, rec);
		(*count)++;
		st = th_run_record(run, rec);
	}
	if (st == TH_OK && rc != SQLITE_DONE) {
		st = th_sqlite_error(db, err);
		th_evdb_name_err(err, st, f->name,
		                 " (rows read before it kept)");
	}
	return st;
}

enum th_status th_evdb_records_db(struct th_run *run, const struct th_file *f,
                                  struct th_sqlite *db,
                                  const struct th_evdb_query *q, size_t *count,
                                  struct th_err *err)
{
	sqlite3_stmt *stmt;
	enum th_status st;
	int nomem;

	stmt = prepare_first(db->db, q->sql, &nomem);
	if (nomem)
		return th_err_set(err, TH_ERR_NOMEM, "cannot read '%s': %s",
		                  f->name, "out of memory");
	if (!stmt) {
		th_run_log(run, TH_LOG_DEBUG,
		           "%s: no known table (%s): no data", f->name,
		           sqlite3_errmsg(db->db));
		return TH_OK;
	}
	st = emit_rows(run, f, db, stmt, q, count, err);
	sqlite3_finalize(stmt);
	return st;
}

enum th_status th_evdb_records(struct th_run *run, const struct th_file *f,
                               const struct th_evdb_query *q, size_t *count,
                               struct th_err *err)
{
	struct th_sqlite *db = NULL;
	enum th_status st;

	st = th_evdb_open(f, &db, err);
	if (st != TH_OK)
		return st;
	st = th_evdb_records_db(run, f, db, q, count, err);
	th_sqlite_close(db);
	return st;
}

struct each_records {
	const struct th_evdb_query *q;
	const char *noun;
};

static enum th_status records_file(struct th_run *run, const struct th_file *f,
                                   void *ctx, struct th_err *err)
{
	const struct each_records *e = ctx;
	enum th_status st;
	size_t n = 0;

	st = th_evdb_records(run, f, e->q, &n, err);
	th_run_log(run, TH_LOG_INFO, "%zu %s in %s", n, e->noun, f->name);
	return st;
}

enum th_status th_evdb_each_records(struct th_run *run,
                                    const struct th_artifact *arts,
                                    const char *what,
                                    const struct th_evdb_query *q,
                                    const char *noun)
{
	struct each_records e = {q, noun};

	return th_evfile_each_err(run, arts, what, records_file, &e);
}

/* --- a module's own SELECT, one record per row --- */

/* 1 when every table and column needed is there, 0 when one is
 * missing, -1 when SQLite ran out of memory looking. */
static int holds(sqlite3 *db, const struct th_evdb_need *need)
{
	int has;

	for (; need->table; need++) {
		has = need->column ? th_sqlite_has_column(db, need->table,
		                                          need->column)
		                   : th_sqlite_has_table(db, need->table);
		if (has <= 0)
			return has;
	}
	return 1;
}

struct fill_rows {
	const struct th_evdb_select *sel;
	void *ctx;
};

static enum th_status fill_row(struct th_run *run, sqlite3_stmt *stmt,
                               void *arg)
{
	struct fill_rows *f = arg;
	json_t *rec = json_object();
	enum th_status st;

	if (!rec)
		return TH_ERR_NOMEM;
	if (f->sel->fill) {
		st = f->sel->fill(run, stmt, rec, f->ctx);
	} else {
		st = th_evdb_row_json(stmt, rec);
		if (st == TH_OK && f->sel->finish)
			f->sel->finish(run, rec);
	}
	if (st != TH_OK) {
		json_decref(rec);
		return st;
	}
	return th_run_record(run, rec);
}

enum th_status th_evdb_select(struct th_run *run, struct th_sqlite *db,
                              const struct th_file *file,
                              const struct th_evdb_select *sel, void *ctx)
{
	struct fill_rows f = {sel, ctx};
	enum th_status st;
	struct th_buf sql;
	int has = holds(db->db, sel->need);

	if (has < 0)
		return th_run_warn(run, TH_ERR_NOMEM, "cannot read '%s': %s",
		                   file->name, "out of memory");
	if (!has) {
		th_run_log(run, TH_LOG_DEBUG, "%s: no %s", file->name,
		           sel->missing);
		return TH_OK;
	}
	th_buf_init(&sql, 4096);
	st = sel->build(db->db, &sql);
	if (st == TH_OK)
		st = th_evdb_rows(run, db, th_buf_str(&sql), fill_row, &f);
	th_buf_free(&sql);
	return st;
}

static enum th_status select_db(struct th_run *run, struct th_sqlite *db,
                                const struct th_file *file, void *sel)
{
	return th_evdb_select(run, db, file, sel, NULL);
}

enum th_status th_evdb_each_select(struct th_run *run,
                                   const struct th_artifact *arts,
                                   const char *what,
                                   const struct th_evdb_select *sel)
{
	/* The walk's context is not const: the select is only read. */
	return th_evdb_each(run, arts, what, select_db, (void *)sel);
}
