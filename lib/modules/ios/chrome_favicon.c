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

static enum th_status on_row(struct th_run *run, sqlite3_stmt *stmt, void *arg)
{
	int last = sqlite3_column_int64(stmt, 2) != 0 ? 2 : 3;
	int64_t t = th_evdb_webkit(stmt, last);
	json_t *rec = json_object();
	char desc[8192];

	(void)arg;
	if (!rec)
		return TH_ERR_NOMEM;
	json_object_set_new(rec, "url", th_evdb_value(stmt, 0));
	json_object_set_new(rec, "icon_url", th_evdb_value(stmt, 1));
	json_object_set_new(rec, "timestamp",
	                    json_integer(sqlite3_column_int64(stmt, last)));
	json_object_set_new(rec, "isodate", th_json_time(t));
	snprintf(desc, sizeof(desc), "%s from %s", th_evdb_text(stmt, 1),
	         th_evdb_text(stmt, 0));
	th_run_event(run, t, "new_favicon", desc);
	return th_run_record(run, rec);
}

static enum th_status read_db(struct th_run *run, struct th_sqlite *db,
                              const struct th_file *file, void *arg)
{
	enum th_status st;
	struct th_buf sql;

	(void)arg;
	if (!th_sqlite_has_table(db->db, "icon_mapping") ||
	    !th_sqlite_has_table(db->db, "favicon_bitmaps") ||
	    !th_sqlite_has_table(db->db, "favicons")) {
		th_run_log(run, TH_LOG_DEBUG, "%s: no favicon tables",
		           file->name);
		return TH_OK;
	}
	th_buf_init(&sql, 4096);
	st = th_buf_adds(&sql, "SELECT icon_mapping.page_url, favicons.url");
	if (st == TH_OK)
		st = th_evdb_col(&sql, db->db, "favicon_bitmaps",
		                 "last_updated", "last_updated", 1);
	if (st == TH_OK)
		st = th_evdb_col(&sql, db->db, "favicon_bitmaps",
		                 "last_requested", "last_requested", 1);
	/* MVT sorts by time; SQLite does it without holding records. */
	if (st == TH_OK)
		st = th_buf_adds(&sql,
		                 " FROM icon_mapping JOIN favicon_bitmaps "
		                 "ON icon_mapping.icon_id = "
		                 "favicon_bitmaps.icon_id JOIN favicons "
		                 "ON icon_mapping.icon_id = favicons.id "
		                 "ORDER BY COALESCE(NULLIF(last_updated, "
		                 "0), last_requested), icon_mapping.id");
	if (st == TH_OK)
		st = th_evdb_rows(run, db, th_buf_str(&sql), on_row, NULL);
	th_buf_free(&sql);
	return st;
}

static enum th_status chrome_favicon_run(struct th_run *run)
{
	return th_evdb_each(run, artifacts, "Chrome Favicons", read_db, NULL);
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
