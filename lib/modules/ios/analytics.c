/* analytics and analytics_ios_versions: the keychain analytics
 * databases (private/var/Keychains/Analytics/ *.db): every event's data
 * plist, whose strings name processes and domains, and the first time
 * each iOS build was seen (the update history). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/jsonutil.h"
#include "core/timeconv.h"
#include "formats/plist_util.h"
#include "formats/sqlite_ev.h"
#include "modules/ios/fsmod.h"
#include "modules/ios/ios_modules.h"

#define BUILDS_MAX 4096
#define JSON_DEPTH 32

static const struct th_artifact artifacts[] = {
        {.fs_glob = "private/var/Keychains/Analytics/*.db"},
        {0},
};

static const char *const tables[] = {"hard_failures", "soft_failures",
                                     "all_events"};

typedef enum th_status (*row_fn)(struct th_run *run, json_t *data, int64_t t,
                                 const char *file, void *ctx);

struct walk {
	row_fn fn;
	void *ctx;
	enum th_status st;
};

/* The row's data plist as a JSON object, or NULL when it is not one
 * (*st set to TH_ERR_NOMEM when memory ran out reading it). */
static json_t *data_json(sqlite3_stmt *s, enum th_status *st)
{
	const void *blob = sqlite3_column_blob(s, 1);
	int len = sqlite3_column_bytes(s, 1);
	struct th_err err = {0};
	enum th_status e = TH_OK;
	plist_t p = NULL;
	json_t *j = NULL;

	if (!blob || len <= 0)
		return NULL;
	e = th_plist_parse(blob, (size_t)len, NULL, &p, &err);
	if (e == TH_OK && plist_get_node_type(p) == PLIST_DICT)
		e = th_plist_to_json(p, JSON_DEPTH, &j, &err);
	plist_free(p);
	if (e == TH_ERR_NOMEM)
		*st = e;
	return j;
}

/* TH_ERR_NOMEM when SQLite's last failure was for want of memory. */
static enum th_status sqlite_st(sqlite3 *db)
{
	return (sqlite3_errcode(db) & 0xff) == SQLITE_NOMEM ? TH_ERR_NOMEM
	                                                    : TH_OK;
}

static void table_rows(struct th_run *run, struct th_sqlite *db,
                       const char *table, const char *file, struct walk *w)
{
	char sql[128];
	sqlite3_stmt *s = NULL;
	json_t *data;
	int has = th_sqlite_has_table(db->db, table), rc = SQLITE_DONE;

	if (has <= 0) {
		if (has < 0)
			w->st = TH_ERR_NOMEM;
		return;
	}
	snprintf(sql, sizeof(sql), "SELECT timestamp, data FROM %s", table);
	if (sqlite3_prepare_v2(db->db, sql, -1, &s, NULL) != SQLITE_OK) {
		w->st = sqlite_st(db->db);
		return;
	}
	while (w->st == TH_OK && (rc = sqlite3_step(s)) == SQLITE_ROW) {
		data = data_json(s, &w->st);
		if (data)
			w->st = w->fn(
			        run, data,
			        th_time_from_cocoa(sqlite3_column_double(s, 0)),
			        file, w->ctx);
	}
	if (w->st == TH_OK && rc != SQLITE_DONE && rc != SQLITE_ROW)
		w->st = sqlite_st(db->db);
	sqlite3_finalize(s);
}

static enum th_status read_db(struct th_run *run, struct th_sqlite *db,
                              const struct th_file *f, void *ctx)
{
	struct walk *w = ctx;
	size_t i;

	for (i = 0; i < 3; i++)
		table_rows(run, db, tables[i], f->name, w);
	return w->st;
}

static enum th_status each_row(struct th_run *run, row_fn fn, void *ctx)
{
	struct walk w = {.fn = fn, .ctx = ctx, .st = TH_OK};

	return th_fsmod_each_db(run, artifacts, "keychain analytics database",
	                        read_db, &w);
}

/* Steals data: the record is the plist's keys plus isodate and
 * artifact, as MVT writes it. */
static enum th_status emit_event(struct th_run *run, json_t *data, int64_t t,
                                 const char *file, void *ctx)
{
	(void)ctx;
	th_json_set_new(data, "isodate", th_json_time(t));
	th_fsmod_set_str(data, "artifact", th_path_base(file));
	th_run_event(run, t, "analytics", th_path_base(file));
	return th_run_record(run, data);
}

static enum th_status run_analytics(struct th_run *run)
{
	return each_row(run, emit_event, NULL);
}

static void check_analytics(struct th_run *run, const json_t *rec)
{
	int64_t t = th_fsmod_parse_time(th_rec_str(rec, "isodate"));
	const char *key, *v;
	json_t *val;

	json_object_foreach((json_t *)rec, key, val)
	{
		v = json_string_value(val);
		if (!v || !strcmp(key, "isodate") || !strcmp(key, "artifact"))
			continue;
		if (!th_run_check(run, TH_MATCH_PROCESS, v, TH_LEVEL_CRITICAL,
		                  t, rec))
			th_run_check(run, TH_MATCH_DOMAIN, v, TH_LEVEL_CRITICAL,
			             t, rec);
	}
}

/* analytics_ios_versions: the first time each build was seen. */
static enum th_status keep_build(struct th_run *run, json_t *data, int64_t t,
                                 const char *file, void *ctx)
{
	json_t *builds = ctx, *prev;
	const char *build = json_string_value(json_object_get(data, "build"));

	(void)file;
	if (build && t != TH_TIME_NONE) {
		prev = json_object_get(builds, build);
		if (prev && json_integer_value(prev) <= t) {
			/* seen earlier */
		} else if (prev || json_object_size(builds) < BUILDS_MAX) {
			th_json_set_new(builds, build, json_integer(t));
		}
	}
	json_decref(data);
	return TH_OK;
}

static enum th_status run_versions(struct th_run *run)
{
	json_t *builds = json_object(), *v, *rec;
	enum th_status st;
	const char *build;
	char desc[300];

	if (!builds)
		return TH_ERR_NOMEM;
	st = each_row(run, keep_build, builds);
	json_object_foreach(builds, build, v)
	{
		if (st != TH_OK)
			break;
		rec = json_object();
		if (!rec) {
			st = TH_ERR_NOMEM;
			break;
		}
		th_json_set_new(rec, "isodate",
		                th_json_time(json_integer_value(v)));
		th_fsmod_set_str(rec, "build", build);
		snprintf(desc, sizeof(desc), "iOS build %.200s first seen",
		         build);
		th_run_event(run, json_integer_value(v), "ios_build", desc);
		st = th_run_record(run, rec);
	}
	json_decref(builds);
	return st;
}

const struct th_module th_mod_analytics = {
        .slug = "analytics",
        .title = "keychain analytics events (Keychains/Analytics/*.db)",
        .sources = TH_SRC_IOS_FS,
        .shape = TH_RECORDS_LIST,
        .run = run_analytics,
        .check = check_analytics,
        .artifacts = artifacts,
};

const struct th_module th_mod_analytics_ios_versions = {
        .slug = "analytics_ios_versions",
        .title = "first time each iOS build was seen (keychain analytics)",
        .sources = TH_SRC_IOS_FS,
        .shape = TH_RECORDS_LIST,
        .run = run_versions,
        .check = NULL,
        .artifacts = artifacts,
};
