/* SQLite databases for plants and for the benchmark (see gen.h). */
#include <unistd.h>

#include <sqlite3.h>

#include "gen.h"
#include "core/buf.h"
#include "core/err.h"

/* Large enough for every planted script; the benchmark's large
 * databases are written with th_gen_db_file instead. */
#define SCRIPT_MAX ((size_t)1 << 20)

enum th_status th_gen_db_image(const char *schema, th_gen_sql_fn lookalikes,
                               th_gen_sql_fn traces, int infected,
                               const char *what, struct th_buf *out,
                               struct th_err *err)
{
	struct th_buf sql;
	enum th_status st;

	th_buf_init(&sql, SCRIPT_MAX);
	st = th_buf_adds(&sql, schema);
	if (st == TH_OK && lookalikes)
		st = lookalikes(&sql);
	if (st == TH_OK && infected && traces)
		st = traces(&sql);
	if (st == TH_OK)
		st = th_gen_sqlite_image(th_buf_str(&sql), out, err);
	else
		th_err_set(err, st, "cannot build the %s script", what);
	th_buf_free(&sql);
	return st;
}

enum th_status th_gen_db_exec(sqlite3 *db, const char *sql, const char *what,
                              struct th_err *err)
{
	if (sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK)
		return TH_OK;
	return th_err_set(err, TH_ERR_IO, "cannot build the %s: %s", what,
	                  sqlite3_errmsg(db));
}

enum th_status th_gen_db_file(const char *path, const char *schema, size_t n,
                              th_gen_fill_fn fill, const char *what,
                              struct th_err *err)
{
	sqlite3 *db = NULL;
	enum th_status st;

	if (access(path, F_OK) == 0)
		return th_err_set(err, TH_ERR_USAGE, "'%s' already exists",
		                  path);
	if (sqlite3_open_v2(path, &db,
	                    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
	                    NULL) != SQLITE_OK) {
		st = th_err_set(err, TH_ERR_IO, "cannot create '%s': %s", path,
		                db ? sqlite3_errmsg(db) : "out of memory");
		sqlite3_close(db);
		return st;
	}
	/* A generated file, not evidence: speed over durability. */
	st = th_gen_db_exec(
	        db, "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;",
	        what, err);
	if (st == TH_OK)
		st = th_gen_db_exec(db, schema, what, err);
	if (st == TH_OK)
		st = th_gen_db_exec(db, "BEGIN", what, err);
	if (st == TH_OK)
		st = fill(db, n, err);
	if (st == TH_OK)
		st = th_gen_db_exec(db, "COMMIT", what, err);
	sqlite3_close(db);
	return st;
}
