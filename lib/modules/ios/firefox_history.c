/* firefox_history: every Firefox visit (browser.db visits JOIN history),
 * checked against URL indicators. */
#include <stdio.h>

#include "core/jsonutil.h"
#include "modules/ios/evdb.h"
#include "modules/ios/ios_modules.h"

const struct th_artifact th_art_firefox_db[] = {
        {.backup_domain = "AppDomainGroup-group.org.mozilla.ios.Firefox",
         .backup_path = "profile.profile/browser.db",
         .fs_glob = "private/var/mobile/profile.profile/browser.db"},
        {.fs_glob = "private/var/mobile/Containers/Shared/AppGroup/*/"
                    "profile.profile/browser.db"},
        {0},
};

static enum th_status fill(struct th_run *run, sqlite3_stmt *stmt, json_t *rec,
                           void *arg)
{
	/* visits.date is µs since 1970. */
	int64_t t = sqlite3_column_type(stmt, 1) == SQLITE_NULL
	                    ? TH_TIME_NONE
	                    : th_evtime_unix_us(sqlite3_column_int64(stmt, 1));
	char desc[8192];

	(void)arg;
	th_json_set_new(rec, "id", th_evdb_value(stmt, 0));
	th_json_set_new(rec, "isodate", th_json_time(t));
	th_json_set_new(rec, "url", th_evdb_value(stmt, 2));
	th_json_set_new(rec, "title", th_evdb_value(stmt, 3));
	/* MVT's key, typo included, so results folders line up. */
	th_json_set_new(rec, "i1000000s_local", th_evdb_value(stmt, 4));
	th_json_set_new(rec, "type", th_evdb_value(stmt, 5));
	snprintf(desc, sizeof(desc), "Firefox visit with ID %lld to URL: %s",
	         (long long)sqlite3_column_int64(stmt, 0),
	         th_evdb_text(stmt, 2));
	th_run_event(run, t, "firefox_history", desc);
	return TH_OK;
}

static enum th_status build_sql(sqlite3 *db, struct th_buf *sql)
{
	enum th_status st;

	st = th_buf_adds(sql, "SELECT visits.id, visits.date, history.url");
	if (st == TH_OK)
		st = th_evdb_col(sql, db, "history", "title", "title", 1);
	if (st == TH_OK)
		st = th_evdb_col(sql, db, "visits", "is_local", "is_local", 1);
	if (st == TH_OK)
		st = th_evdb_col(sql, db, "visits", "type", "type", 1);
	if (st == TH_OK)
		st = th_buf_adds(sql, " FROM visits JOIN history ON "
		                      "visits.siteID = history.id ORDER BY "
		                      "visits.id");
	return st;
}

static const struct th_evdb_need need[] = {
        {.table = "visits"}, {.table = "history"}, {0}};

static const struct th_evdb_select visits = {
        .need = need,
        .missing = "visits/history tables",
        .build = build_sql,
        .fill = fill,
};

static enum th_status firefox_history_run(struct th_run *run)
{
	return th_evdb_each_select(run, th_art_firefox_db, "Firefox browser.db",
	                           &visits);
}

static void firefox_history_check(struct th_run *run, const json_t *rec)
{
	th_rec_check(run, rec, "url", TH_MATCH_URL, TH_LEVEL_CRITICAL,
	             th_rec_time(rec, "isodate"));
}

const struct th_module th_mod_firefox_history = {
        .slug = "firefox_history",
        .title = "Firefox visits",
        .sources = TH_SRC_IOS_BACKUP | TH_SRC_IOS_FS,
        .shape = TH_RECORDS_LIST,
        .run = firefox_history_run,
        .check = firefox_history_check,
        .artifacts = th_art_firefox_db,
};
