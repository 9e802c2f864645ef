/* shortcuts: Shortcuts app shortcuts with the links in their actions'
 * parameters (an automation can fetch or open them unseen). */
#include <stdio.h>

#include "core/buf.h"
#include "core/jsonutil.h"
#include "modules/ios/blobs.h"
#include "modules/ios/evdb.h"
#include "modules/ios/ios_modules.h"

static const struct th_artifact artifacts[] = {
        {.backup_domain = "HomeDomain",
         .backup_path = "Library/Shortcuts/Shortcuts.sqlite",
         .fs_glob = "private/var/mobile/Library/Shortcuts/Shortcuts.sqlite"},
        {0},
};

/* parsed_actions and action_urls from ZDATA, as MVT: null and 0 when
 * there is no readable action plist. */
static void add_actions(struct th_run *run, json_t *rec, sqlite3_stmt *stmt)
{
	int n = sqlite3_column_bytes(stmt, 5);
	json_t *urls = json_array();
	struct th_err err = {0};
	size_t nactions = 0;
	enum th_status st = TH_ERR_NOTFOUND;

	if (n > 0)
		st = th_shortcut_actions_parse(sqlite3_column_blob(stmt, 5),
		                               (size_t)n, urls, &nactions,
		                               &err);
	/* Out of memory is no unreadable blob: it fails the module. */
	if (st == TH_ERR_NOMEM)
		th_json_nomem_note();
	if (st != TH_OK) {
		if (n > 0)
			th_run_log(run, TH_LOG_DEBUG, "shortcut %lld: %s",
			           (long long)sqlite3_column_int64(stmt, 0),
			           err.msg);
		json_decref(urls);
		urls = json_null();
	}
	th_json_set_new(rec, "parsed_actions", json_integer(nactions));
	th_json_set_new(rec, "action_urls", urls);
}

static void emit_events(struct th_run *run, const json_t *rec, int64_t t0,
                        int64_t t1)
{
	const json_t *urls = json_object_get(rec, "action_urls"), *u;
	const char *name = th_rec_str(rec, "shortcut_name"),
	           *desc = th_rec_str(rec, "description");
	struct th_buf d;
	size_t i;

	th_buf_init(&d, 64 * 1024);
	th_buf_printf(&d, "iOS Shortcut '%s': %s ", name ? name : "",
	              desc ? desc : "");
	json_array_foreach(urls, i, u)
	{
		th_buf_adds(&d, i ? ", " : "- URLs in actions: ");
		th_buf_adds(&d, json_string_value(u));
	}
	th_run_event(run, t0, "shortcut_created", th_buf_str(&d));
	th_run_event(run, t1, "shortcut_modified", th_buf_str(&d));
	th_buf_free(&d);
}

static enum th_status fill(struct th_run *run, sqlite3_stmt *stmt, json_t *rec,
                           void *arg)
{
	int64_t t0 = th_evdb_cocoa(stmt, 2), t1 = th_evdb_cocoa(stmt, 3);
	char source[64];

	(void)arg;
	th_json_set_new(rec, "shortcut_id", th_evdb_value(stmt, 0));
	th_json_set_new(rec, "shortcut_name", th_evdb_value(stmt, 1));
	th_json_set_new(rec, "modified_date", th_json_time(t1));
	th_json_set_new(rec, "description", th_evdb_value(stmt, 4));
	add_actions(run, rec, stmt);
	th_json_set_new(rec, "isodate", th_json_time(t0));
	snprintf(source, sizeof(source), "shortcut %lld",
	         (long long)sqlite3_column_int64(stmt, 0));
	th_links_record(run, json_object_get(rec, "action_urls"), t0, source);
	emit_events(run, rec, t0, t1);
	return TH_OK;
}

static enum th_status build_sql(sqlite3 *db, struct th_buf *sql)
{
	static const char *const cols[] = {"ZNAME", "ZCREATIONDATE",
	                                   "ZMODIFICATIONDATE",
	                                   "ZACTIONSDESCRIPTION"};
	int actions = th_sqlite_has_column(db, "ZSHORTCUTACTIONS", "ZSHORTCUT");
	enum th_status st = th_buf_adds(sql, "SELECT ZSHORTCUT.Z_PK");
	size_t i;

	if (actions < 0) /* SQLite could not look */
		st = TH_ERR_NOMEM;

	for (i = 0; st == TH_OK && i < 4; i++)
		st = th_evdb_col(sql, db, "ZSHORTCUT", cols[i], cols[i], 1);
	if (st == TH_OK && actions)
		st = th_evdb_col(sql, db, "ZSHORTCUTACTIONS", "ZDATA", "ZDATA",
		                 1);
	if (st == TH_OK)
		st = th_buf_adds(sql, actions ? " FROM ZSHORTCUT LEFT JOIN "
		                                "ZSHORTCUTACTIONS ON "
		                                "ZSHORTCUTACTIONS.ZSHORTCUT = "
		                                "ZSHORTCUT.Z_PK"
		                              : ", NULL FROM ZSHORTCUT");
	if (st == TH_OK)
		st = th_buf_adds(sql, " ORDER BY ZSHORTCUT.Z_PK");
	return st;
}

static const struct th_evdb_need need[] = {
        {.table = "ZSHORTCUT", .column = "Z_PK"}, {0}};

static const struct th_evdb_select shortcuts = {
        .need = need,
        .missing = "ZSHORTCUT table",
        .build = build_sql,
        .fill = fill,
};

static enum th_status shortcuts_run(struct th_run *run)
{
	return th_evdb_each_select(run, artifacts, "Shortcuts.sqlite",
	                           &shortcuts);
}

static void shortcuts_check(struct th_run *run, const json_t *rec)
{
	th_links_check(run, json_object_get(rec, "action_urls"),
	               TH_LEVEL_CRITICAL, th_rec_time(rec, "isodate"), rec);
}

const struct th_module th_mod_shortcuts = {
        .slug = "shortcuts",
        .title = "Shortcuts and the links in their actions",
        .sources = TH_SRC_IOS_BACKUP | TH_SRC_IOS_FS,
        .shape = TH_RECORDS_LIST,
        .run = shortcuts_run,
        .check = shortcuts_check,
        .artifacts = artifacts,
};
