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

static enum th_status fill(struct th_run *run, sqlite3_stmt *stmt, json_t *rec,
                           void *arg)
{
	int64_t t = th_evdb_webkit(stmt, 3);
	char desc[8192];

	(void)arg;
	th_json_set_new(rec, "id", th_evdb_value(stmt, 0));
	th_json_set_new(rec, "url", th_evdb_value(stmt, 1));
	th_json_set_new(rec, "visit_id", th_evdb_value(stmt, 2));
	th_json_set_new(rec, "timestamp", th_evdb_value(stmt, 3));
	th_json_set_new(rec, "isodate", th_json_time(t));
	th_json_set_new(rec, "redirect_source", th_evdb_value(stmt, 4));
	snprintf(desc, sizeof(desc),
	         "%lld - %s (visit ID: %lld, redirect source: %lld)",
	         (long long)sqlite3_column_int64(stmt, 0),
	         th_evdb_text(stmt, 1),
	         (long long)sqlite3_column_int64(stmt, 2),
	         (long long)sqlite3_column_int64(stmt, 4));
	th_run_event(run, t, "visit", desc);
	return TH_OK;
}

static enum th_status build_sql(sqlite3 *db, struct th_buf *sql)
{
	enum th_status st;

	st = th_buf_adds(sql, "SELECT urls.id, urls.url, visits.id, "
	                      "visits.visit_time");
	if (st == TH_OK)
		st = th_evdb_col(sql, db, "visits", "from_visit", "from_visit",
		                 1);
	if (st == TH_OK)
		st = th_buf_adds(sql, " FROM urls JOIN visits ON visits.url "
		                      "= urls.id ORDER BY visits.visit_time");
	return st;
}

static const struct th_evdb_need need[] = {
        {.table = "urls"}, {.table = "visits"}, {0}};

static const struct th_evdb_select visits = {
        .need = need,
        .missing = "urls/visits tables",
        .build = build_sql,
        .fill = fill,
};

static enum th_status chrome_history_run(struct th_run *run)
{
	return th_evdb_each_select(run, artifacts, "Chrome History", &visits);
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
