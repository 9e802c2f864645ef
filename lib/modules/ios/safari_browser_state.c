/* safari_browser_state: Safari's open tabs (BrowserState.db) with the
 * back-forward history kept in each tab's session data, checked against
 * URL indicators. */
#include <stdio.h>

#include "core/jsonutil.h"
#include "modules/ios/blobs.h"
#include "modules/ios/evdb.h"
#include "modules/ios/ios_modules.h"

#define SAFARI_FS "private/var/mobile/Library/Safari/"
#define SAFARI_APPS                                                            \
	"private/var/mobile/Containers/Data/Application/*/Library/Safari/"

static const struct th_artifact artifacts[] = {
        {.backup_path = "Library/Safari/BrowserState.db",
         .fs_glob = SAFARI_FS "BrowserState.db"},
        {.backup_path = "Library/Safari/Profiles/*/BrowserState.db",
         .fs_glob = SAFARI_FS "Profiles/*/BrowserState.db"},
        {.fs_glob = SAFARI_APPS "BrowserState.db"},
        {0},
};

struct ctx {
	const char *db_name;
	size_t entries, bad;
};

static json_t *session_entries(struct ctx *c, sqlite3_stmt *stmt)
{
	json_t *list = json_array();
	struct th_err err = {0};
	int n = sqlite3_column_bytes(stmt, 4);
	enum th_status st = TH_OK;

	if (list && n > 0)
		st = th_safari_session_parse(sqlite3_column_blob(stmt, 4),
		                             (size_t)n, list, &err);
	/* Out of memory is no unreadable session: it fails the module. */
	if (st == TH_ERR_NOMEM)
		th_json_nomem_note();
	else if (st != TH_OK)
		c->bad++;
	c->entries += json_array_size(list);
	return list;
}

static enum th_status fill(struct th_run *run, sqlite3_stmt *stmt, json_t *rec,
                           void *arg)
{
	struct ctx *c = arg;
	int64_t t = th_evdb_cocoa(stmt, 3);
	char desc[8192];

	th_json_set_new(rec, "tab_title", th_evdb_value(stmt, 0));
	th_json_set_new(rec, "tab_url", th_evdb_value(stmt, 1));
	th_json_set_new(rec, "tab_visible_url", th_evdb_value(stmt, 2));
	th_json_set_new(rec, "last_viewed_timestamp", th_json_time(t));
	th_json_set_new(rec, "session_data", session_entries(c, stmt));
	th_json_set_new(rec, "safari_browser_state_db",
	                th_json_string(c->db_name));
	snprintf(desc, sizeof(desc), "%s - %s", th_evdb_text(stmt, 0),
	         th_evdb_text(stmt, 1));
	th_run_event(run, t, "tab", desc);
	return TH_OK;
}

/* iOS 12 and later keep session data in tab_sessions; older versions in
 * tabs itself; some have none. */
static enum th_status build_sql(sqlite3 *db, struct th_buf *sql)
{
	int ts = th_sqlite_has_column(db, "tab_sessions", "tab_uuid"),
	    tu = th_sqlite_has_column(db, "tabs", "uuid"), sessions = ts && tu;
	enum th_status st = th_buf_adds(sql, "SELECT tabs.title, tabs.url");

	if (ts < 0 || tu < 0) /* SQLite could not look */
		st = TH_ERR_NOMEM;

	if (st == TH_OK)
		st = th_evdb_col(sql, db, "tabs", "user_visible_url",
		                 "user_visible_url", 1);
	if (st == TH_OK)
		st = th_evdb_col(sql, db, "tabs", "last_viewed_time",
		                 "last_viewed_time", 1);
	if (st == TH_OK)
		st = th_evdb_col(sql, db, sessions ? "tab_sessions" : "tabs",
		                 "session_data", "session_data", 1);
	if (st == TH_OK)
		st = th_buf_adds(sql, " FROM tabs");
	if (st == TH_OK && sessions)
		st = th_buf_adds(sql, " LEFT JOIN tab_sessions ON tabs.uuid = "
		                      "tab_sessions.tab_uuid");
	if (st == TH_OK)
		st = th_buf_adds(sql, " ORDER BY last_viewed_time");
	return st;
}

static const struct th_evdb_need need[] = {{.table = "tabs"}, {0}};

static const struct th_evdb_select tabs = {
        .need = need,
        .missing = "tabs table",
        .build = build_sql,
        .fill = fill,
};

static enum th_status read_db(struct th_run *run, struct th_sqlite *db,
                              const struct th_file *file, void *arg)
{
	struct ctx c = {.db_name = file->name};
	enum th_status st;
	int has;

	(void)arg;
	has = th_sqlite_has_table(db->db, "tabs");
	if (has < 0)
		return th_run_warn(run, TH_ERR_NOMEM, "cannot read '%s': %s",
		                   file->name, "out of memory");
	if (!has) {
		th_run_log(run, TH_LOG_DEBUG, "%s: no tabs table", file->name);
		return TH_OK;
	}
	st = th_evdb_select(run, db, file, &tabs, &c);
	if (c.bad)
		th_run_log(run, TH_LOG_WARN,
		           "%s: %zu tabs have unreadable session data",
		           file->name, c.bad);
	th_run_log(run, TH_LOG_INFO, "%s: %zu session history entries",
	           file->name, c.entries);
	return st;
}

static enum th_status browser_state_run(struct th_run *run)
{
	return th_evdb_each(run, artifacts, "Safari BrowserState.db", read_db,
	                    NULL);
}

static void browser_state_check(struct th_run *run, const json_t *rec)
{
	int64_t t = th_rec_time(rec, "last_viewed_timestamp");
	const json_t *e;
	size_t i;

	if (th_rec_check(run, rec, "tab_url", TH_MATCH_URL, TH_LEVEL_CRITICAL,
	                 t))
		return;
	json_array_foreach(json_object_get(rec, "session_data"), i, e)
	{
		if (th_run_check(run, TH_MATCH_URL, th_rec_str(e, "entry_url"),
		                 TH_LEVEL_CRITICAL, t, rec))
			break;
	}
}

const struct th_module th_mod_safari_browser_state = {
        .slug = "safari_browser_state",
        .title = "Safari tabs and their back-forward history",
        .sources = TH_SRC_IOS_BACKUP | TH_SRC_IOS_FS,
        .shape = TH_RECORDS_LIST,
        .run = browser_state_run,
        .check = browser_state_check,
        .artifacts = artifacts,
};
