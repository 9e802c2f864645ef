/* firefox_favicon: Firefox's favicons and the pages that used them,
 * checked against URL indicators. */
#include <stdio.h>

#include "core/jsonutil.h"
#include "modules/ios/evdb.h"
#include "modules/ios/ios_modules.h"

static enum th_status fill(struct th_run *run, sqlite3_stmt *stmt, json_t *rec,
                           void *arg)
{
	int64_t t = th_evdb_unix(stmt, 5);
	char desc[8192];

	(void)arg;
	th_json_set_new(rec, "id", th_evdb_value(stmt, 0));
	th_json_set_new(rec, "url", th_evdb_value(stmt, 1));
	th_json_set_new(rec, "width", th_evdb_value(stmt, 2));
	th_json_set_new(rec, "height", th_evdb_value(stmt, 3));
	th_json_set_new(rec, "type", th_evdb_value(stmt, 4));
	th_json_set_new(rec, "isodate", th_json_time(t));
	th_json_set_new(rec, "history_id", th_evdb_value(stmt, 6));
	th_json_set_new(rec, "history_url", th_evdb_value(stmt, 7));
	snprintf(desc, sizeof(desc), "Firefox favicon %s when visiting %s",
	         th_evdb_text(stmt, 1), th_evdb_text(stmt, 7));
	th_run_event(run, t, "firefox_history", desc);
	return TH_OK;
}

static enum th_status build_sql(sqlite3 *db, struct th_buf *sql)
{
	static const char *const cols[] = {"width", "height", "type", "date"};
	enum th_status st =
	        th_buf_adds(sql, "SELECT favicons.id, favicons.url");
	size_t i;

	for (i = 0; st == TH_OK && i < 4; i++)
		st = th_evdb_col(sql, db, "favicons", cols[i], cols[i], 1);
	if (st == TH_OK)
		st = th_buf_adds(sql, ", history.id, history.url FROM favicons "
		                      "JOIN favicon_sites ON "
		                      "favicon_sites.faviconID = favicons.id "
		                      "JOIN history ON favicon_sites.siteID = "
		                      "history.id ORDER BY favicons.id");
	return st;
}

static const struct th_evdb_need need[] = {{.table = "favicons"},
                                           {.table = "favicon_sites"},
                                           {.table = "history"},
                                           {0}};

static const struct th_evdb_select favicons = {
        .need = need,
        .missing = "favicon tables",
        .build = build_sql,
        .fill = fill,
};

static enum th_status firefox_favicon_run(struct th_run *run)
{
	return th_evdb_each_select(run, th_art_firefox_db, "Firefox browser.db",
	                           &favicons);
}

static void firefox_favicon_check(struct th_run *run, const json_t *rec)
{
	int64_t t = th_rec_time(rec, "isodate");

	if (!th_rec_check(run, rec, "url", TH_MATCH_URL, TH_LEVEL_CRITICAL, t))
		th_rec_check(run, rec, "history_url", TH_MATCH_URL,
		             TH_LEVEL_CRITICAL, t);
}

const struct th_module th_mod_firefox_favicon = {
        .slug = "firefox_favicon",
        .title = "Firefox favicons",
        .sources = TH_SRC_IOS_BACKUP | TH_SRC_IOS_FS,
        .shape = TH_RECORDS_LIST,
        .run = firefox_favicon_run,
        .check = firefox_favicon_check,
        .artifacts = th_art_firefox_db,
};
