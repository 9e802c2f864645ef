/* netusage: network use per process on a filesystem dump
 * (netusage.sqlite), in datausage's shape, with the dump-only check: a
 * process without a bundle id whose binary is nowhere in the dump. */
#include <stdio.h>
#include <string.h>

#include "core/jsonutil.h"
#include "core/timeconv.h"
#include "formats/sqlite_ev.h"
#include "modules/ios/fsmod.h"
#include "modules/ios/ios_modules.h"

#define GAP_ALERTS_MAX 1000
#define PROC_NAME_CUT  16 /* iOS keeps 16 characters of a process name */

static const struct th_artifact artifacts[] = {
        {.fs_glob = "private/var/networkd/netusage.sqlite"},
        {.fs_glob = "private/var/networkd/db/netusage.sqlite"},
        {0},
};

#define USAGE_SELECT(wifi)                                                     \
	"SELECT p.ZFIRSTTIMESTAMP AS first_isodate, p.ZTIMESTAMP AS isodate, " \
	"p.ZPROCNAME AS proc_name, p.ZBUNDLENAME AS bundle_id, p.Z_PK AS "     \
	"proc_id, " wifi ", l.ZWWANIN AS wwan_in, l.ZWWANOUT AS wwan_out, "    \
	"l.Z_PK AS live_id, l.ZHASPROCESS AS live_proc_id, "                   \
	"COALESCE(l.ZTIMESTAMP, p.ZFIRSTTIMESTAMP) AS live_isodate "           \
	"FROM ZLIVEUSAGE l LEFT JOIN ZPROCESS p ON l.ZHASPROCESS = p.Z_PK "    \
	"UNION ALL SELECT ZFIRSTTIMESTAMP, ZTIMESTAMP, ZPROCNAME, "            \
	"ZBUNDLENAME, Z_PK, NULL, NULL, NULL, NULL, NULL, NULL, "              \
	"ZFIRSTTIMESTAMP FROM ZPROCESS WHERE Z_PK NOT IN (SELECT "             \
	"ZHASPROCESS FROM ZLIVEUSAGE WHERE ZHASPROCESS IS NOT NULL)"

const char *const th_usage_sql[] = {
        USAGE_SELECT("l.ZWIFIIN AS wifi_in, l.ZWIFIOUT AS wifi_out"),
        /* Recent iOS has no Wi-Fi columns. */
        USAGE_SELECT("NULL AS wifi_in, NULL AS wifi_out"),
        NULL,
};

const char th_usage_orphans_sql[] =
        "SELECT ZHASPROCESS, MIN(ZTIMESTAMP), COUNT(*) FROM ZLIVEUSAGE "
        "WHERE ZHASPROCESS IS NOT NULL AND ZHASPROCESS NOT IN (SELECT Z_PK "
        "FROM ZPROCESS) GROUP BY ZHASPROCESS";

/* Result columns of th_usage_sql, in order; times are Cocoa seconds. */
static const struct {
	const char *name;
	int cocoa;
} cols[] = {
        {"first_isodate", 1}, {"isodate", 1},      {"proc_name", 0},
        {"bundle_id", 0},     {"proc_id", 0},      {"wifi_in", 0},
        {"wifi_out", 0},      {"wwan_in", 0},      {"wwan_out", 0},
        {"live_id", 0},       {"live_proc_id", 0}, {"live_isodate", 1},
};

#define NCOLS (sizeof(cols) / sizeof(cols[0]))

static json_t *column(sqlite3_stmt *s, int i, int cocoa)
{
	switch (sqlite3_column_type(s, i)) {
	case SQLITE_NULL:
		return json_null();
	case SQLITE_INTEGER:
		if (!cocoa)
			return json_integer(sqlite3_column_int64(s, i));
		/* fall through */
	case SQLITE_FLOAT:
		if (cocoa)
			return th_json_time(th_time_from_cocoa(
			        sqlite3_column_double(s, i)));
		return json_real(sqlite3_column_double(s, i));
	default:
		return th_json_string((const char *)sqlite3_column_text(s, i));
	}
}

static void events(struct th_run *run, const json_t *rec)
{
	char data[700], desc[900];
	const char *name = th_rec_str(rec, "proc_name");
	const char *bundle = th_rec_str(rec, "bundle_id");

	snprintf(
	        data, sizeof(data), "%.256s (Bundle ID: %.256s, ID: %lld)",
	        name ? name : "None", bundle ? bundle : "None",
	        (long long)json_integer_value(json_object_get(rec, "proc_id")));
	snprintf(desc, sizeof(desc), "%s WWAN IN: %lld, WWAN OUT: %lld", data,
	         (long long)json_integer_value(json_object_get(rec, "wwan_in")),
	         (long long)json_integer_value(
	                 json_object_get(rec, "wwan_out")));
	th_run_event(run, th_rec_time(rec, "live_isodate"), "live_usage", desc);
	if (!name)
		return;
	th_run_event(run, th_rec_time(rec, "first_isodate"), "first_usage",
	             data);
	th_run_event(run, th_rec_time(rec, "isodate"), "current_usage", data);
}

static enum th_status rows(struct th_run *run, sqlite3_stmt *s,
                           const char *file)
{
	enum th_status st = TH_OK;
	json_t *rec;
	size_t i;
	int r;

	while (st == TH_OK && (r = sqlite3_step(s)) == SQLITE_ROW) {
		rec = json_object();
		if (!rec)
			return TH_ERR_NOMEM;
		for (i = 0; i < NCOLS; i++)
			th_json_set_new(rec, cols[i].name,
			                column(s, (int)i, cols[i].cocoa));
		events(run, rec);
		st = th_run_record(run, rec);
	}
	if (st == TH_OK)
		th_evdb_nomem(run, file, r);
	return st;
}

/* Usage rows whose ZPROCESS row was deleted: one alert per process. */
static void check_orphans(struct th_run *run, struct th_sqlite *db,
                          const char *file)
{
	sqlite3_stmt *s = NULL;
	int64_t t;
	int rc;

	rc = sqlite3_prepare_v2(db->db, th_usage_orphans_sql, -1, &s, NULL);
	while (rc == SQLITE_OK || rc == SQLITE_ROW) {
		rc = sqlite3_step(s);
		if (rc != SQLITE_ROW)
			break;
		t = th_time_from_cocoa(sqlite3_column_double(s, 1));
		th_run_alert(run, TH_LEVEL_HIGH, t, NULL, NULL, NULL,
		             "network usage of process %lld whose ZPROCESS "
		             "record was deleted (%lld usage rows in '%s'): a "
		             "hidden process",
		             (long long)sqlite3_column_int64(s, 0),
		             (long long)sqlite3_column_int64(s, 2), file);
	}
	th_evdb_nomem(run, file, rc);
	sqlite3_finalize(s);
}

/* Holes in the Z_PK sequence: deleted processes (low, capped). */
static void check_gaps(struct th_run *run, struct th_sqlite *db)
{
	sqlite3_stmt *s = NULL;
	int64_t prev = INT64_MIN, pk, m;
	size_t alerts = 0;
	int rc;

	rc = sqlite3_prepare_v2(db->db,
	                        "SELECT Z_PK FROM ZPROCESS ORDER BY Z_PK", -1,
	                        &s, NULL);
	if (rc != SQLITE_OK) {
		th_evdb_nomem(run, db->name, rc);
		return;
	}
	while ((rc = sqlite3_step(s)) == SQLITE_ROW &&
	       alerts < GAP_ALERTS_MAX) {
		pk = sqlite3_column_int64(s, 0);
		for (m = prev + 1;
		     prev != INT64_MIN && m < pk && alerts < GAP_ALERTS_MAX;
		     m++, alerts++)
			th_run_alert(run, TH_LEVEL_LOW, TH_TIME_NONE, NULL,
			             NULL, NULL,
			             "missing process %lld in netusage (after "
			             "process %lld): a deleted process record",
			             (long long)m, (long long)prev);
		prev = pk;
	}
	th_evdb_nomem(run, db->name, rc);
	sqlite3_finalize(s);
}

static enum th_status read_db(struct th_run *run, struct th_sqlite *db,
                              const struct th_file *f, void *ctx)
{
	enum th_status st = TH_OK;
	sqlite3_stmt *s = NULL;
	size_t i;

	(void)ctx;
	for (i = 0; th_usage_sql[i] && !s; i++)
		if (sqlite3_prepare_v2(db->db, th_usage_sql[i], -1, &s, NULL) !=
		    SQLITE_OK)
			s = NULL;
	if (!s && th_sqlite_nomem(db->db))
		return TH_ERR_NOMEM;
	if (!s) {
		th_run_log(run, TH_LOG_DEBUG, "'%s': no ZPROCESS/ZLIVEUSAGE",
		           f->name);
	} else {
		st = rows(run, s, f->name);
		sqlite3_finalize(s);
		check_orphans(run, db, f->name);
		check_gaps(run, db);
	}
	return st;
}

static enum th_status run_netusage(struct th_run *run)
{
	return th_fsmod_each_db(run, artifacts, "netusage.sqlite", read_db,
	                        NULL);
}

double th_usage_traffic(const json_t *rec)
{
	static const char *const keys[] = {"wifi_in", "wifi_out", "wwan_in",
	                                   "wwan_out"};
	double sum = 0;
	size_t i;

	for (i = 0; i < 4; i++)
		sum += json_number_value(json_object_get(rec, keys[i]));
	return sum;
}

void th_netusage_check_binary(struct th_run *run, const json_t *rec)
{
	const char *name = th_rec_str(rec, "proc_name");
	const char *bundle = th_rec_str(rec, "bundle_id");
	struct th_tree *tree = th_fsmod_tree(run);
	size_t len = name ? strlen(name) : 0;

	if (!tree || th_run_fast(run) || !len || (bundle && *bundle) ||
	    json_is_null(json_object_get(rec, "proc_id")))
		return;
	if (th_tree_has_name(tree, name, len == PROC_NAME_CUT))
		return;
	th_run_alert(run, TH_LEVEL_MEDIUM, th_rec_time(rec, "live_isodate"),
	             rec, NULL, name,
	             "process '%s' has no bundle id and no binary of that name "
	             "exists anywhere in the dump%s",
	             name,
	             len == PROC_NAME_CUT
	                     ? " (the name has 16 characters: iOS cuts "
	                       "process names there, so the binary's name "
	                       "may only start with it; none does)"
	                     : "");
}

static void check_netusage(struct th_run *run, const json_t *rec)
{
	const char *name = th_rec_str(rec, "proc_name");
	int64_t t = th_rec_time(rec, "first_isodate");

	if (!name || json_is_null(json_object_get(rec, "proc_id")))
		return;
	if (!th_run_check(run, TH_MATCH_PROCESS, name, TH_LEVEL_CRITICAL, t,
	                  rec) &&
	    strcmp(name, "BackupAgent") == 0 && th_usage_traffic(rec) > 0)
		th_run_alert(run, TH_LEVEL_MEDIUM,
		             th_rec_time(rec, "live_isodate"), rec, NULL, name,
		             "%s",
		             "BackupAgent used the network: the Operation "
		             "Triangulation marker (the legitimate binary is "
		             "BackupAgent2)");
	th_netusage_check_binary(run, rec);
}

const struct th_module th_mod_netusage = {
        .slug = "netusage",
        .title = "network usage per process (netusage.sqlite)",
        .sources = TH_SRC_IOS_FS,
        .shape = TH_RECORDS_LIST,
        .run = run_netusage,
        .check = check_netusage,
        .artifacts = artifacts,
};
