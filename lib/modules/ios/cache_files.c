/* cache_files: the URLs apps fetched, from every CFNetwork Cache.db
 * (cfurl_cache_response), checked against URL indicators. MVT keys its
 * output by file; here each record carries its file. */
#include <stdio.h>
#include <string.h>

#include "core/jsonutil.h"
#include "core/timeconv.h"
#include "formats/sqlite_ev.h"
#include "modules/ios/fsmod.h"
#include "modules/ios/ios_modules.h"

static const struct th_artifact artifacts[] = {
        {.fs_glob = "*/Cache.db"},
        {0},
};

static const char sql[] =
        "SELECT entry_ID, version, hash_value, storage_policy, request_key, "
        "time_stamp FROM cfurl_cache_response";

static const char *const names[] = {"entry_id",       "version", "hash_value",
                                    "storage_policy", "url",     "isodate"};

static json_t *value(sqlite3_stmt *s, int i)
{
	switch (sqlite3_column_type(s, i)) {
	case SQLITE_NULL:
		return json_null();
	case SQLITE_INTEGER:
		return json_integer(sqlite3_column_int64(s, i));
	case SQLITE_FLOAT:
		return json_real(sqlite3_column_double(s, i));
	default:
		return th_json_string((const char *)sqlite3_column_text(s, i));
	}
}

static enum th_status rows(struct th_run *run, sqlite3_stmt *s,
                           const char *file)
{
	enum th_status st = TH_OK;
	char desc[2048];
	json_t *rec;
	int i, rc;

	while (st == TH_OK && (rc = sqlite3_step(s)) == SQLITE_ROW) {
		rec = json_object();
		if (!rec)
			return TH_ERR_NOMEM;
		th_fsmod_set_str(rec, "file", file);
		for (i = 0; i < 6; i++)
			th_json_set_new(rec, names[i], value(s, i));
		snprintf(desc, sizeof(desc), "%s recorded visit to URL %.1500s",
		         file,
		         th_rec_str(rec, "url") ? th_rec_str(rec, "url") : "");
		th_run_event(run,
		             th_fsmod_parse_time(th_rec_str(rec, "isodate")),
		             "cache_response", desc);
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
	sqlite3_stmt *s = NULL;
	int rc;

	(void)ctx;
	rc = sqlite3_prepare_v2(db->db, sql, -1, &s, NULL);
	if (rc == SQLITE_OK) {
		st = rows(run, s, f->name);
		sqlite3_finalize(s);
	} else {
		th_evdb_nomem(run, f->name, rc);
		th_run_log(run, TH_LOG_DEBUG, "'%s': no cfurl_cache_response",
		           f->name);
	}
	return st;
}

static enum th_status run_cache(struct th_run *run)
{
	return th_fsmod_each_db(run, artifacts, "Cache.db", read_db, NULL);
}

static void check_cache(struct th_run *run, const json_t *rec)
{
	th_run_check(run, TH_MATCH_URL, th_rec_str(rec, "url"),
	             TH_LEVEL_CRITICAL,
	             th_fsmod_parse_time(th_rec_str(rec, "isodate")), rec);
}

const struct th_module th_mod_cache_files = {
        .slug = "cache_files",
        .title = "URLs in CFNetwork caches (every Cache.db)",
        .sources = TH_SRC_IOS_FS,
        .shape = TH_RECORDS_LIST,
        .run = run_cache,
        .check = check_cache,
        .artifacts = artifacts,
};
