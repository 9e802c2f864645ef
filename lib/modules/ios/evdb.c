/* Walking an artifact's files through the source and reading SQLite
 * evidence statements (see evdb.h). */
#include <stdio.h>
#include <string.h>

#include "modules/ios/evdb.h"

void th_evfile_find_all(struct th_run *run, const struct th_artifact *arts,
                        const char *what, th_file_fn visit, void *ctx,
                        const int *stop)
{
	struct th_err err = {0};
	enum th_status st;

	for (; arts && !th_artifact_is_end(arts) && !*stop; arts++) {
		th_err_clear(&err);
		st = th_source_find(th_run_source(run), arts, visit, ctx, &err);
		/* Why it is not there, when the source says: a damaged
		 * Manifest.db is a warning once, then this. */
		if (st == TH_ERR_NOTFOUND && err.msg[0])
			th_run_log(run, TH_LOG_DEBUG, "%s", err.msg);
		if (st == TH_OK || st == TH_ERR_NOTFOUND)
			continue;
		if (what)
			th_run_warn(run, st, "cannot look for %s: %s", what,
			            err.msg);
		else
			th_run_warn(run, st, "%s", err.msg);
	}
}

/* --- files whose callback logs its own errors --- */

struct walk {
	struct th_run *run;
	th_evfile_fn fn;
	th_evdb_fn dbfn;
	void *ctx;
	size_t found, bad;
	enum th_status st;
	int stop;
};

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
		w->stop = 1;
	}
	return w->stop;
}

enum th_status th_evfile_each(struct th_run *run,
                              const struct th_artifact *arts, const char *what,
                              th_evfile_fn fn, void *ctx)
{
	struct walk w = {.run = run, .fn = fn, .ctx = ctx, .st = TH_OK};

	th_evfile_find_all(run, arts, NULL, visit, &w, &w.stop);
	if (w.st != TH_OK)
		return w.st;
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

	st = th_evdb_open(file, &db, &err);
	if (st != TH_OK) {
		th_run_warn(run, st, "%s", err.msg);
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

/* --- files whose callback hands its error back --- */

struct err_walk {
	struct th_run *run;
	th_evfile_err_fn fn;
	void *ctx;
	size_t found, bad;
	enum th_status st;
	int stop;
	struct th_err last; /* the last bad file's message, not yet shown */
};

static int visit_err(void *ctx, const struct th_file *f)
{
	struct err_walk *w = ctx;
	struct th_err err = {0};
	enum th_status st;

	w->found++;
	st = w->fn(w->run, f, w->ctx, &err);
	if (st == TH_ERR_NOMEM) {
		w->st = st;
		w->stop = 1;
	} else if (st != TH_OK) {
		/* Shown when the walk ends: as the module's error if no
		 * file could be read, else as a warning. */
		if (w->last.status != TH_OK)
			th_run_warn(w->run, w->last.status, "%s", w->last.msg);
		th_err_copy(&w->last, &err);
		if (w->last.status == TH_OK)
			w->last.status = st;
		w->bad++;
	}
	return w->stop;
}

enum th_status th_evfile_each_err(struct th_run *run,
                                  const struct th_artifact *arts,
                                  const char *what, th_evfile_err_fn fn,
                                  void *ctx)
{
	struct err_walk w = {.run = run, .fn = fn, .ctx = ctx, .st = TH_OK};

	th_evfile_find_all(run, arts, what, visit_err, &w, &w.stop);
	if (w.st != TH_OK)
		return w.st;
	if (!w.found)
		return th_run_fail(run, TH_ERR_NOTFOUND,
		                   "no %s in the evidence", what);
	if (w.bad == w.found)
		return th_run_fail(run, w.last.status, "%s", w.last.msg);
	if (w.bad)
		th_run_warn(run, w.last.status, "%s", w.last.msg);
	return TH_OK;
}

/* --- opening and statements --- */

enum th_status th_evdb_name_err(struct th_err *err, enum th_status st,
                                const char *name, const char *suffix)
{
	char msg[TH_ERR_MSG_MAX];

	snprintf(msg, sizeof(msg), "%s", err->msg);
	return th_err_set(err, st, "%s: %s%s", name, msg, suffix);
}

enum th_status th_evdb_open(const struct th_file *f, struct th_sqlite **db,
                            struct th_err *err)
{
	enum th_status st;

	*db = NULL;
	st = th_sqlite_open(f->local_path, db, err);
	if (st != TH_OK)
		th_evdb_name_err(err, st, f->name, "");
	return st;
}

enum th_status th_evdb_col(struct th_buf *sql, sqlite3 *db, const char *table,
                           const char *column, const char *name, int comma)
{
	const char *sep = comma ? ", " : "";
	int has = th_sqlite_has_column(db, table, column);

	if (has < 0)
		return TH_ERR_NOMEM;
	if (has)
		return th_buf_printf(sql, "%s\"%s\".\"%s\" AS \"%s\"", sep,
		                     table, column, name);
	return th_buf_printf(sql, "%sNULL AS \"%s\"", sep, name);
}

enum th_status th_evdb_prepare(struct th_run *run, struct th_sqlite *db,
                               const char *sql, sqlite3_stmt **stmt)
{
	enum th_status st = TH_ERR_FORMAT;

	*stmt = NULL;
	if (sqlite3_prepare_v2(db->db, sql, -1, stmt, NULL) == SQLITE_OK)
		return TH_OK;
	if ((sqlite3_errcode(db->db) & 0xff) == SQLITE_NOMEM)
		st = TH_ERR_NOMEM;
	th_run_warn(run, st, "cannot read '%s': %s", db->name,
	            sqlite3_errmsg(db->db));
	sqlite3_finalize(*stmt);
	*stmt = NULL;
	return st;
}

void th_evdb_nomem(struct th_run *run, const char *name, int rc)
{
	if ((rc & 0xff) == SQLITE_NOMEM)
		th_run_warn(run, TH_ERR_NOMEM, "cannot read '%s': %s", name,
		            sqlite3_errstr(rc));
}

int th_evdb_step(struct th_run *run, struct th_sqlite *db, sqlite3_stmt *stmt)
{
	int rc = sqlite3_step(stmt);

	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE)
		return 0;
	/* A damaged page ends the table here; the rows before it stand.
	 * Running out of memory fails the module (th_run_warn). */
	th_run_warn(run,
	            (rc & 0xff) == SQLITE_NOMEM ? TH_ERR_NOMEM : TH_ERR_FORMAT,
	            "cannot read '%s': %s", db->name, sqlite3_errmsg(db->db));
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
