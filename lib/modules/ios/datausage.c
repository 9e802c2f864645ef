/* datausage: network use per process (DataUsage.sqlite): every
 * ZLIVEUSAGE row with its ZPROCESS, and the processes no usage row
 * refers to. Process indicators are critical; usage rows whose process
 * record was deleted (high) and holes in the ZPROCESS keys (low) are how
 * Pegasus hid its processes; BackupAgent with traffic is the Operation
 * Triangulation marker (the legitimate binary is BackupAgent2). */
#include <stdio.h>
#include <string.h>

#include "core/jsonutil.h"
#include "core/timeconv.h"
#include "modules/ios/fsmod.h"
#include "modules/ios/ios_modules.h"
#include "modules/ios/evdb.h"

/* Deleted-process alerts are one per missing key; a hostile database
 * with keys 1 and 2^62 must not raise billions. */
#define GAP_ALERTS_MAX 1000

static const struct th_artifact du_artifacts[] = {
        {.backup_domain = "WirelessDomain",
         .backup_path = "Library/Databases/DataUsage.sqlite",
         .fs_glob = "private/var/wireless/Library/Databases/"
                    "DataUsage.sqlite"},
        {0},
};

static const char *const du_times[] = {"first_isodate", "isodate",
                                       "live_isodate", NULL};

static void du_events(struct th_run *run, const json_t *rec)
{
	char data[1024], desc[1280], b[5][256];

	snprintf(data, sizeof(data), "%s (Bundle ID: %s, ID: %s)",
	         th_rec_show(rec, "proc_name", b[0], sizeof(b[0])),
	         th_rec_show(rec, "bundle_id", b[1], sizeof(b[1])),
	         th_rec_show(rec, "proc_id", b[2], sizeof(b[2])));
	snprintf(desc, sizeof(desc), "%s WWAN IN: %s, WWAN OUT: %s", data,
	         th_rec_show(rec, "wwan_in", b[3], sizeof(b[3])),
	         th_rec_show(rec, "wwan_out", b[4], sizeof(b[4])));
	th_run_event(run, th_rec_time(rec, "live_isodate"), "live_usage", desc);
	if (json_is_null(json_object_get(rec, "live_proc_id")) ||
	    json_is_null(json_object_get(rec, "proc_id")))
		return;
	th_run_event(run, th_rec_time(rec, "first_isodate"), "first_usage",
	             data);
	th_run_event(run, th_rec_time(rec, "isodate"), "current_usage", data);
}

static void du_check(struct th_run *run, const json_t *rec)
{
	const char *name = th_rec_str(rec, "proc_name");
	int64_t t = th_rec_time(rec, "first_isodate");

	/* A usage row whose process is gone has no name to check. */
	if (!name || json_is_null(json_object_get(rec, "proc_id")))
		return;
	/* File-system dumps only: a process without a bundle id whose
	 * binary is nowhere in the dump (netusage.c). */
	th_netusage_check_binary(run, rec);
	if (th_run_check(run, TH_MATCH_PROCESS, name, TH_LEVEL_CRITICAL, t,
	                 rec))
		return;
	if (strcmp(name, "BackupAgent") == 0 && th_usage_traffic(rec) > 0)
		th_run_alert(run, TH_LEVEL_MEDIUM,
		             th_rec_time(rec, "live_isodate"), rec, NULL, name,
		             "%s",
		             "BackupAgent used the network: the Operation "
		             "Triangulation marker (the legitimate binary is "
		             "BackupAgent2)");
}

/* Usage rows pointing at a deleted ZPROCESS row: one alert per missing
 * process, at its first usage. */
static void check_orphans(struct th_run *run, struct th_sqlite *db)
{
	sqlite3_stmt *stmt = NULL;
	json_t *rec;
	int64_t id, t;
	int rc;

	rc = sqlite3_prepare_v2(db->db, th_usage_orphans_sql, -1, &stmt, NULL);
	if (rc != SQLITE_OK) {
		th_evdb_nomem(run, db->name, rc);
		return;
	}
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		id = sqlite3_column_int64(stmt, 0);
		t = th_time_from_cocoa(sqlite3_column_double(stmt, 1));
		rec = json_pack(
		        "{s:I,s:o,s:I,s:s}", "live_proc_id", (json_int_t)id,
		        "live_isodate", th_json_time(t), "rows",
		        (json_int_t)sqlite3_column_int64(stmt, 2), "proc_name",
		        "MANIPULATED [process record deleted]");
		if (!rec)
			th_json_nomem_note();
		th_run_alert(run, TH_LEVEL_HIGH, t, rec, NULL, NULL,
		             "network usage of process %lld whose ZPROCESS "
		             "record was deleted (%lld usage rows): a hidden "
		             "process",
		             (long long)id,
		             (long long)sqlite3_column_int64(stmt, 2));
		json_decref(rec);
	}
	th_evdb_nomem(run, db->name, rc);
	sqlite3_finalize(stmt);
}

struct gaps {
	struct th_run *run;
	size_t alerts;
	int64_t prev;
	char prev_name[256];
	int64_t prev_first;
};

static void gap_alert(struct gaps *g, int64_t missing)
{
	json_t *rec;

	if (g->alerts++ >= GAP_ALERTS_MAX)
		return;
	/* The name is evidence: th_json_string mends invalid UTF-8, so a
	 * NULL here is a failed allocation. */
	rec = json_pack("{s:I,s:I,s:o,s:o}", "proc_id", (json_int_t)missing,
	                "prev_proc_id", (json_int_t)g->prev, "prev_proc_name",
	                th_json_string(g->prev_name), "prev_proc_first",
	                th_json_time(g->prev_first));
	if (!rec)
		th_json_nomem_note();
	th_run_alert(g->run, TH_LEVEL_LOW, g->prev_first, rec, NULL, NULL,
	             "missing process %lld in DataUsage (after process %lld "
	             "'%s'): a deleted process record",
	             (long long)missing, (long long)g->prev, g->prev_name);
	json_decref(rec);
}

static void check_gaps(struct th_run *run, struct th_sqlite *db)
{
	struct gaps g = {.run = run, .prev = INT64_MIN};
	sqlite3_stmt *stmt = NULL;
	const unsigned char *name;
	int64_t pk, m;
	int rc;

	rc = sqlite3_prepare_v2(db->db,
	                        "SELECT Z_PK, ZPROCNAME, ZFIRSTTIMESTAMP FROM "
	                        "ZPROCESS ORDER BY Z_PK",
	                        -1, &stmt, NULL);
	if (rc != SQLITE_OK) {
		th_evdb_nomem(run, db->name, rc);
		return;
	}
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		pk = sqlite3_column_int64(stmt, 0);
		/* Keys are hostile: no arithmetic that could overflow. */
		for (m = g.prev; g.prev != INT64_MIN && pk > g.prev &&
		                 m < pk - 1 && g.alerts <= GAP_ALERTS_MAX;)
			gap_alert(&g, ++m);
		name = sqlite3_column_text(stmt, 1);
		snprintf(g.prev_name, sizeof(g.prev_name), "%s",
		         name ? (const char *)name : "");
		g.prev = pk;
		g.prev_first =
		        th_time_from_cocoa(sqlite3_column_double(stmt, 2));
	}
	th_evdb_nomem(run, db->name, rc);
	sqlite3_finalize(stmt);
	if (g.alerts > GAP_ALERTS_MAX)
		th_run_alert(run, TH_LEVEL_LOW, TH_TIME_NONE, NULL, NULL, NULL,
		             "more than %d missing processes in DataUsage: "
		             "alerts stopped",
		             GAP_ALERTS_MAX);
}

static enum th_status du_file(struct th_run *run, const struct th_file *f,
                              void *ctx, struct th_err *err)
{
	const struct th_evdb_query q = {
	        .sql = th_usage_sql, .cocoa = du_times, .events = du_events};
	struct th_sqlite *db = NULL;
	enum th_status st;
	size_t n = 0;

	(void)ctx;
	st = th_evdb_open(f, &db, err);
	if (st != TH_OK)
		return st;
	st = th_evdb_records_db(run, f, db, &q, &n, err);
	check_orphans(run, db);
	check_gaps(run, db);
	th_sqlite_close(db);
	th_run_log(run, TH_LOG_INFO, "%zu network usage rows in %s", n,
	           f->name);
	return st;
}

static enum th_status du_run(struct th_run *run)
{
	return th_evfile_each_err(run, du_artifacts, "DataUsage.sqlite",
	                          du_file, NULL);
}

const struct th_module th_mod_datausage = {
        .slug = "datausage",
        .title = "network usage per process (DataUsage.sqlite)",
        .sources = TH_SRC_IOS_BACKUP | TH_SRC_IOS_FS,
        .shape = TH_RECORDS_LIST,
        .run = du_run,
        .check = du_check,
        .artifacts = du_artifacts,
};
