/* firefox_favicon: Firefox's favicons and the pages that used them,
 * checked against URL indicators. */
#include <stdio.h>

#include "core/jsonutil.h"
#include "modules/ios/evdb.h"
#include "modules/ios/ios_modules.h"

static enum th_status on_row(struct th_run *run, sqlite3_stmt *stmt, void *arg)
{
	int64_t t = th_evdb_unix(stmt, 5);
	json_t *rec = json_object();
	char desc[8192];

	(void)arg;
	if (!rec)
		return TH_ERR_NOMEM;
	json_object_set_new(rec, "id", th_evdb_value(stmt, 0));
	json_object_set_new(rec, "url", th_evdb_value(stmt, 1));
	json_object_set_new(rec, "width", th_evdb_value(stmt, 2));
	json_object_set_new(rec, "height", th_evdb_value(stmt, 3));
	json_object_set_new(rec, "type", th_evdb_value(stmt, 4));
	json_object_set_new(rec, "isodate", th_json_time(t));
	json_object_set_new(rec, "history_id", th_evdb_value(stmt, 6));
	json_object_set_new(rec, "history_url", th_evdb_value(stmt, 7));
	snprintf(desc, sizeof(desc), "Firefox favicon %s when visiting %s",
	         th_evdb_text(stmt, 1), th_evdb_text(stmt, 7));
	th_run_event(run, t, "firefox_history", desc);
	return th_run_record(run, rec);
}

static enum th_status add_cols(struct th_buf *sql, sqlite3 *db)
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

static enum th_status read_db(struct th_run *run, struct th_sqlite *db,
                              const struct th_file *file, void *arg)
{
	enum th_status st;
	struct th_buf sql;

	(void)arg;
	if (!th_sqlite_has_table(db->db, "favicons") ||
	    !th_sqlite_has_table(db->db, "favicon_sites") ||
	    !th_sqlite_has_table(db->db, "history")) {
		th_run_log(run, TH_LOG_DEBUG, "%s: no favicon tables",
		           file->name);
		return TH_OK;
	}
	th_buf_init(&sql, 4096);
	st = add_cols(&sql, db->db);
	if (st == TH_OK)
		st = th_evdb_rows(run, db, th_buf_str(&sql), on_row, NULL);
	th_buf_free(&sql);
	return st;
}

static enum th_status firefox_favicon_run(struct th_run *run)
{
	return th_evdb_each(run, th_art_firefox_db, "Firefox browser.db",
	                    read_db, NULL);
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
