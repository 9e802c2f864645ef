/* safari_favicon: the pages Safari fetched icons for (Favicons.db):
 * icons outlive the browsing history they came from. */
#include <stdio.h>
#include <string.h>

#include "core/jsonutil.h"
#include "core/timeconv.h"
#include "formats/sqlite_ev.h"
#include "modules/ios/fsmod.h"
#include "modules/ios/ios_modules.h"

static const struct th_artifact artifacts[] = {
        {.fs_glob = "private/var/mobile/Library/Image Cache/Favicons/"
                    "Favicons.db"},
        {.fs_glob = "private/var/mobile/Containers/Data/Application/*/"
                    "Library/Image Cache/Favicons/Favicons.db"},
        {0},
};

static const struct {
	const char *sql;
	const char *type;
} queries[] = {
        {"SELECT page_url.url, icon_info.url, icon_info.timestamp FROM "
         "page_url JOIN icon_info ON page_url.uuid = icon_info.uuid ORDER "
         "BY icon_info.timestamp",
         "valid"},
        {"SELECT page_url, icon_url, timestamp FROM rejected_resources "
         "ORDER BY timestamp",
         "rejected"},
};

static enum th_status rows(struct th_run *run, sqlite3_stmt *s,
                           const char *type, const char *file)
{
	enum th_status st = TH_OK;
	char desc[2200];
	json_t *rec;
	int64_t t;
	int rc;

	while (st == TH_OK && (rc = sqlite3_step(s)) == SQLITE_ROW) {
		rec = json_object();
		if (!rec)
			return TH_ERR_NOMEM;
		t = th_time_from_cocoa(sqlite3_column_double(s, 2));
		th_fsmod_set_str(rec, "url",
		                 (const char *)sqlite3_column_text(s, 0));
		th_fsmod_set_str(rec, "icon_url",
		                 (const char *)sqlite3_column_text(s, 1));
		th_json_set_new(rec, "timestamp",
		                json_real(sqlite3_column_double(s, 2)));
		th_json_set_new(rec, "isodate", th_json_time(t));
		th_json_set_new(rec, "type", json_string(type));
		th_fsmod_set_str(rec, "safari_favicon_db_path", file);
		snprintf(desc, sizeof(desc),
		         "Safari favicon from %.1000s with "
		         "icon %.1000s",
		         th_rec_str(rec, "url") ? th_rec_str(rec, "url") : "",
		         th_rec_str(rec, "icon_url")
		                 ? th_rec_str(rec, "icon_url")
		                 : "");
		th_run_event(run, t, "safari_favicon", desc);
		st = th_run_record(run, rec);
	}
	if (st == TH_OK)
		th_evdb_nomem(run, file, rc);
	return st;
}

static enum th_status read_db(struct th_run *run, struct th_sqlite *db,
                              const struct th_file *f, void *ctx)
{
	enum th_status st = TH_OK;
	sqlite3_stmt *s;
	size_t i;
	int rc;

	(void)ctx;
	for (i = 0; i < 2 && st == TH_OK; i++) {
		s = NULL;
		rc = sqlite3_prepare_v2(db->db, queries[i].sql, -1, &s, NULL);
		if (rc != SQLITE_OK) {
			th_evdb_nomem(run, f->name, rc);
			th_run_log(run, TH_LOG_DEBUG, "'%s': no %s favicons",
			           f->name, queries[i].type);
			continue;
		}
		st = rows(run, s, queries[i].type, f->name);
		sqlite3_finalize(s);
	}
	return st;
}

static enum th_status run_favicon(struct th_run *run)
{
	return th_fsmod_each_db(run, artifacts, "Safari Favicons.db", read_db,
	                        NULL);
}

static void check_favicon(struct th_run *run, const json_t *rec)
{
	int64_t t = th_fsmod_parse_time(th_rec_str(rec, "isodate"));

	if (!th_run_check(run, TH_MATCH_URL, th_rec_str(rec, "url"),
	                  TH_LEVEL_CRITICAL, t, rec))
		th_run_check(run, TH_MATCH_URL, th_rec_str(rec, "icon_url"),
		             TH_LEVEL_CRITICAL, t, rec);
}

const struct th_module th_mod_safari_favicon = {
        .slug = "safari_favicon",
        .title = "pages Safari fetched icons for (Favicons.db)",
        .sources = TH_SRC_IOS_FS,
        .shape = TH_RECORDS_LIST,
        .run = run_favicon,
        .check = check_favicon,
        .artifacts = artifacts,
};
