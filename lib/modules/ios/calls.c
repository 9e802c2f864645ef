/* calls: the call history (CallHistory.storedata, ZCALLRECORD), one
 * timeline event per call. */
#include <stdio.h>

#include "modules/ios/ios_modules.h"
#include "modules/ios/evdb.h"

static const struct th_artifact calls_artifacts[] = {
        {.backup_domain = "HomeDomain",
         .backup_path = "Library/CallHistoryDB/CallHistory.storedata",
         .fs_glob = "private/var/mobile/Library/CallHistoryDB/"
                    "CallHistory.storedata"},
        {0},
};

static const char *const calls_sql[] = {
        "SELECT ZDATE AS isodate, ZDURATION AS duration, ZLOCATION AS "
        "location, ZADDRESS AS number, ZSERVICE_PROVIDER AS provider FROM "
        "ZCALLRECORD",
        NULL,
};

static const char *const calls_times[] = {"isodate", NULL};

static void calls_events(struct th_run *run, const json_t *rec)
{
	char desc[1024], num[256], prov[128], dur[64];

	snprintf(desc, sizeof(desc), "From %s using %s during %s seconds",
	         th_rec_show(rec, "number", num, sizeof(num)),
	         th_rec_show(rec, "provider", prov, sizeof(prov)),
	         th_rec_show(rec, "duration", dur, sizeof(dur)));
	th_run_event(run, th_rec_time(rec, "isodate"), "call", desc);
}

static const struct th_evdb_query calls_query = {
        .sql = calls_sql, .cocoa = calls_times, .events = calls_events};

static enum th_status calls_run(struct th_run *run)
{
	return th_evdb_each_records(run, calls_artifacts,
	                            "CallHistory.storedata", &calls_query,
	                            "calls");
}

const struct th_module th_mod_calls = {
        .slug = "calls",
        .title = "phone calls from the call history",
        .sources = TH_SRC_IOS_BACKUP | TH_SRC_IOS_FS,
        .shape = TH_RECORDS_LIST,
        .run = calls_run,
        .artifacts = calls_artifacts,
};
