/*
 * The browser area: Safari's History.db with the Pegasus network
 * injection of Amnesty's 2021 report (http://yahoo.fr redirected within
 * milliseconds to a free247downloads.com exploit server) and look-alikes
 * that must not alert: a redirect between two subdomains of one site
 * (also under co.uk), a slow redirect to another site, a visit to
 * notfree247downloads.com. Also a large History.db for the benchmark.
 */
#include <inttypes.h>
#include <stdio.h>

#include <sqlite3.h>

#include "gen.h"
#include "core/buf.h"
#include "core/err.h"

#define COCOA_EPOCH INT64_C(978307200)
/* `days` before the backup plus `secs`, as Cocoa seconds. */
#define CS(days, secs)                                                         \
	((double)(TH_GEN_BACKUP_TIME - (days)*INT64_C(86400) - COCOA_EPOCH) +  \
	 (secs))
#define UNIX(days, secs) (TH_GEN_BACKUP_TIME - (days)*INT64_C(86400) + (secs))

static const char schema[] =
        "CREATE TABLE history_items (id INTEGER PRIMARY KEY AUTOINCREMENT, "
        "url TEXT NOT NULL UNIQUE, domain_expansion TEXT NULL, visit_count "
        "INTEGER NOT NULL, daily_visit_counts BLOB NOT NULL DEFAULT x'', "
        "should_recompute_derived_visit_counts INTEGER NOT NULL DEFAULT 0);"
        "CREATE TABLE history_visits (id INTEGER PRIMARY KEY AUTOINCREMENT, "
        "history_item INTEGER NOT NULL REFERENCES history_items(id) ON "
        "DELETE CASCADE, visit_time REAL NOT NULL, title TEXT NULL, "
        "load_successful BOOLEAN NOT NULL DEFAULT 1, http_non_get BOOLEAN "
        "NOT NULL DEFAULT 0, synthesized BOOLEAN NOT NULL DEFAULT 0, "
        "redirect_source INTEGER NULL UNIQUE REFERENCES history_visits(id) "
        "ON DELETE CASCADE, redirect_destination INTEGER NULL UNIQUE "
        "REFERENCES history_visits(id) ON DELETE CASCADE, origin INTEGER "
        "NOT NULL DEFAULT 0, generation INTEGER NOT NULL DEFAULT 0, "
        "attributes INTEGER NOT NULL DEFAULT 0, score INTEGER NOT NULL "
        "DEFAULT 0);";

/* Items 3-9: a same-site redirect, the same under co.uk, a slow
 * cross-site redirect, and the look-alike domain. */
static enum th_status add_lookalikes(struct th_buf *b)
{
	return th_buf_printf(
	        b,
	        "INSERT INTO history_items (id, url, visit_count) VALUES "
	        "(3, 'http://www.example.com/', 1),"
	        "(4, 'https://shop.example.com/', 1),"
	        "(5, 'http://news.bbc.co.uk/', 1),"
	        "(6, 'https://www.bbc.co.uk/news', 1),"
	        "(7, 'http://neverssl.com/', 1),"
	        "(8, 'https://www.wikipedia.org/', 1),"
	        "(9, 'https://bun54l2b67.get1tn0w.notfree247downloads.com/', "
	        "1);"
	        "INSERT INTO history_visits (id, history_item, visit_time, "
	        "title, redirect_source, redirect_destination) VALUES "
	        "(3, 3, %.6f, NULL, NULL, 4), (4, 4, %.6f, 'Shop', 3, NULL),"
	        "(5, 5, %.6f, NULL, NULL, 6), (6, 6, %.6f, 'News', 5, NULL),"
	        "(7, 7, %.6f, NULL, NULL, 8), (8, 8, %.6f, 'Wikipedia', 7, "
	        "NULL), (9, 9, %.6f, 'Downloads', NULL, NULL);",
	        CS(50, 1000.0), CS(50, 1000.2), CS(48, 500.0), CS(48, 500.1),
	        CS(47, 200.0), CS(47, 204.5), CS(46, 0.0));
}

static enum th_status add_traces(struct th_buf *b)
{
	return th_buf_printf(
	        b,
	        "INSERT INTO history_items (id, url, visit_count) VALUES "
	        "(1, 'http://yahoo.fr/', 1),"
	        "(2, 'https://bun54l2b67.get1tn0w.free247downloads.com:30495/"
	        "szev4hz', 1);"
	        "INSERT INTO history_visits (id, history_item, visit_time, "
	        "title, redirect_source, redirect_destination) VALUES "
	        "(1, 1, %.6f, NULL, NULL, 2), (2, 2, %.6f, NULL, 1, NULL);",
	        CS(21, 37190.0), CS(21, 37190.004));
}

static enum th_status make_db(struct th_buf *out, int infected,
                              struct th_err *err)
{
	return th_gen_db_image(schema, add_lookalikes, add_traces, infected,
	                       "History.db", out, err);
}

static enum th_status history_infected(struct th_buf *out, struct th_err *err)
{
	return make_db(out, 1, err);
}

static enum th_status history_clean(struct th_buf *out, struct th_err *err)
{
	return make_db(out, 0, err);
}

const struct th_gen_plant th_gen_browser_plants[] = {
        {TH_GEN_INFECTED, "HomeDomain", "Library/Safari/History.db", 1,
         UNIX(1, 7200), NULL, history_infected,
         "trace: http://yahoo.fr redirected in 4 ms to free247downloads.com; "
         "and the look-alikes"},
        {TH_GEN_CLEAN, "HomeDomain", "Library/Safari/History.db", 1,
         UNIX(1, 7200), NULL, history_clean,
         "look-alikes: same-site redirects, a slow cross-site redirect, "
         "notfree247downloads.com"},
};

const size_t th_gen_browser_nplants =
        sizeof(th_gen_browser_plants) / sizeof(th_gen_browser_plants[0]);

/* --- a large History.db for the benchmark --- */

static enum th_status exec(sqlite3 *db, const char *sql, struct th_err *err)
{
	return th_gen_db_exec(db, sql, "History.db", err);
}

/* One item per ten visits; every visit is a plain https one. */
static enum th_status fill(sqlite3 *db, size_t n, struct th_err *err)
{
	sqlite3_stmt *item = NULL, *visit = NULL;
	enum th_status st = TH_OK;
	char url[128];
	size_t i;

	if (sqlite3_prepare_v2(db,
	                       "INSERT INTO history_items (id, url, "
	                       "visit_count) VALUES (?, ?, 10)",
	                       -1, &item, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db,
	                       "INSERT INTO history_visits (id, history_item, "
	                       "visit_time, title) VALUES (?, ?, ?, 'Page')",
	                       -1, &visit, NULL) != SQLITE_OK)
		st = exec(db, "SELECT no_such_table", err);
	for (i = 0; i < n && st == TH_OK; i++) {
		if (i % 10 == 0) {
			snprintf(url, sizeof(url),
			         "https://site%zu.example.net/page/%zu",
			         i % 9973, i / 10);
			sqlite3_bind_int64(item, 1,
			                   (sqlite3_int64)(i / 10 + 1));
			sqlite3_bind_text(item, 2, url, -1, SQLITE_TRANSIENT);
			if (sqlite3_step(item) != SQLITE_DONE)
				st = exec(db, "SELECT no_such_table", err);
			sqlite3_reset(item);
		}
		sqlite3_bind_int64(visit, 1, (sqlite3_int64)i + 1);
		sqlite3_bind_int64(visit, 2, (sqlite3_int64)(i / 10 + 1));
		sqlite3_bind_double(visit, 3, CS(365, (double)i * 20.0));
		if (st == TH_OK && sqlite3_step(visit) != SQLITE_DONE)
			st = exec(db, "SELECT no_such_table", err);
		sqlite3_reset(visit);
	}
	sqlite3_finalize(item);
	sqlite3_finalize(visit);
	return st;
}

enum th_status th_gen_safari_history_file(const char *path, size_t n,
                                          struct th_err *err)
{
	if (n > TH_GEN_ROWS_MAX)
		return th_err_set(err, TH_ERR_USAGE, "too many visits: %zu", n);
	return th_gen_db_file(path, schema, n, fill, "History.db", err);
}
