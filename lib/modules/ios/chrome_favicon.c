/* chrome_favicon: Chrome's favicon cache (which page used which icon,
 * and when), checked against URL indicators: it outlives the history. */
#include <stdio.h>

#include "core/jsonutil.h"
#include "modules/ios/evdb.h"
#include "modules/ios/ios_modules.h"

#define CHROME_DEFAULT "Library/Application Support/Google/Chrome/Default/"

static const struct th_artifact artifacts[] = {
        {.backup_domain = "AppDomain-com.google.chrome.ios",
         .backup_path = CHROME_DEFAULT "Favicons",
         .fs_glob = "private/var/mobile/Containers/Data/Application/"
                    "*/" CHROME_DEFAULT "Favicons"},
        {0},
};

static enum th_status fill(struct th_run *run, sqlite3_stmt *stmt, json_t *rec,
                           void *arg)
{
	int last = sqlite3_column_int64(stmt, 2) != 0 ? 2 : 3;
	int64_t t = th_evdb_webkit(stmt, last);
	char desc[8192];

	(void)arg;
	th_json_set_new(rec, "url", th_evdb_value(stmt, 0));
	th_json_set_new(rec, "icon_url", th_evdb_value(stmt, 1));
	th_json_set_new(rec, "timestamp",
	                json_integer(sqlite3_column_int64(stmt, last)));
	th_json_set_new(rec, "isodate", th_json_time(t));
	snprintf(desc, sizeof(desc), "%s from %s", th_evdb_text(stmt, 1),
	         th_evdb_text(stmt, 0));
	th_run_event(run, t, "new_favicon", desc);
	return TH_OK;
}

static enum th_status build_sql(sqlite3 *db, struct th_buf *sql)
{
	enum th_status st;

	st = th_buf_adds(sql, "SELECT icon_mapping.page_url, favicons.url");
	if (st == TH_OK)
		st = th_evdb_col(sql, db, "favicon_bitmaps", "last_updated",
		                 "last_updated", 1);
	if (st == TH_OK)
		st = th_evdb_col(sql, db, "favicon_bitmaps", "last_requested",
		                 "last_requested", 1);
	/* MVT sorts by time; SQLite does it without holding records. */
	if (st == TH_OK)
		st = th_buf_adds(sql, " FROM icon_mapping JOIN favicon_bitmaps "
		                      "ON icon_mapping.icon_id = "
		                      "favicon_bitmaps.icon_id JOIN favicons "
		                      "ON icon_mapping.icon_id = favicons.id "
		                      "ORDER BY COALESCE(NULLIF(last_updated, "
		                      "0), last_requested), icon_mapping.id");
	return st;
}

static const struct th_evdb_need need[] = {{.table = "icon_mapping"},
                                           {.table = "favicon_bitmaps"},
                                           {.table = "favicons"},
                                           {0}};

static const struct th_evdb_select favicons = {
        .need = need,
        .missing = "favicon tables",
        .build = build_sql,
        .fill = fill,
};

static enum th_status chrome_favicon_run(struct th_run *run)
{
	return th_evdb_each_select(run, artifacts, "Chrome Favicons",
	                           &favicons);
}

static void chrome_favicon_check(struct th_run *run, const json_t *rec)
{
	int64_t t = th_rec_time(rec, "isodate");

	if (!th_rec_check(run, rec, "url", TH_MATCH_URL, TH_LEVEL_CRITICAL, t))
		th_rec_check(run, rec, "icon_url", TH_MATCH_URL,
		             TH_LEVEL_CRITICAL, t);
}

const struct th_module th_mod_chrome_favicon = {
        .slug = "chrome_favicon",
        .title = "Chrome favicon cache",
        .sources = TH_SRC_IOS_BACKUP | TH_SRC_IOS_FS,
        .shape = TH_RECORDS_LIST,
        .run = chrome_favicon_run,
        .check = chrome_favicon_check,
        .artifacts = artifacts,
};
