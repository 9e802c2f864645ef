/* chrome_history: every Chrome visit (urls JOIN visits), checked against
 * URL indicators. */
#include <stdio.h>

#include "core/jsonutil.h"
#include "modules/ios/evdb.h"
#include "modules/ios/ios_modules.h"

#define CHROME_DEFAULT "Library/Application Support/Google/Chrome/Default/"

static const struct th_artifact artifacts[] = {
        {.backup_domain = "AppDomain-com.google.chrome.ios",
         .backup_path = CHROME_DEFAULT "History",
         .fs_glob = "private/var/mobile/Containers/Data/Application/"
                    "*/" CHROME_DEFAULT "History"},
        {0},
};

static enum th_status on_row(struct th_run *run, sqlite3_stmt *stmt, void *arg)
{
	int64_t t = th_evdb_webkit(stmt, 3);
	json_t *rec = json_object();
	char desc[8192];

	(void)arg;
	if (!rec)
		return TH_ERR_NOMEM;
	json_object_set_new(rec, "id", th_evdb_value(stmt, 0));
	json_object_set_new(rec, "url", th_evdb_value(stmt, 1));
	json_object_set_new(rec, "visit_id", th_evdb_value(stmt, 2));
	json_object_set_new(rec, "timestamp", th_evdb_value(stmt, 3));
	json_object_set_new(rec, "isodate", th_json_time(t));
	json_object_set_new(rec, "redirect_source", th_evdb_value(stmt, 4));
	snprintf(desc, sizeof(desc),
	         "%lld - %s (visit ID: %lld, redirect source: %lld)",
	         (long long)sqlite3_column_int64(stmt, 0),
	         th_evdb_text(stmt, 1),
	         (long long)sqlite3_column_int64(stmt, 2),
	         (long long)sqlite3_column_int64(stmt, 4));
	th_run_event(run, t, "visit", desc);
	return th_run_record(run, rec);
}

static enum th_status read_db(struct th_run *run, struct th_sqlite *db,
                              const struct th_file *file, void *arg)
{
	enum th_status st;
	struct th_buf sql;

	(void)arg;
	if (!th_sqlite_has_table(db->db, "urls") ||
	    !th_sqlite_has_table(db->db, "visits")) {
		th_run_log(run, TH_LOG_DEBUG, "%s: no urls/visits tables",
		           file->name);
		return TH_OK;
	}
	th_buf_init(&sql, 4096);
	st = th_buf_adds(&sql, "SELECT urls.id, urls.url, visits.id, "
	                       "visits.visit_time");
	if (st == TH_OK)
		st = th_evdb_col(&sql, db->db, "visits", "from_visit",
		                 "from_visit", 1);
	if (st == TH_OK)
		st = th_buf_adds(&sql, " FROM urls JOIN visits ON visits.url "
		                       "= urls.id ORDER BY visits.visit_time");
	if (st == TH_OK)
		st = th_evdb_rows(run, db, th_buf_str(&sql), on_row, NULL);
	th_buf_free(&sql);
	return st;
}

static enum th_status chrome_history_run(struct th_run *run)
{
	return th_evdb_each(run, artifacts, "Chrome History", read_db, NULL);
}

static void chrome_history_check(struct th_run *run, const json_t *rec)
{
	th_rec_check(run, rec, "url", TH_MATCH_URL, TH_LEVEL_CRITICAL,
	             th_rec_time(rec, "isodate"));
}

const struct th_module th_mod_chrome_history = {
        .slug = "chrome_history",
        .title = "Chrome visits",
        .sources = TH_SRC_IOS_BACKUP | TH_SRC_IOS_FS,
        .shape = TH_RECORDS_LIST,
        .run = chrome_history_run,
        .check = chrome_history_check,
        .artifacts = artifacts,
};
