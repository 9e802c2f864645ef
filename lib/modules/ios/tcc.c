/* tcc: privacy permissions granted to apps and binaries (TCC.db). Three
 * schema generations of the access table; clients are checked against
 * process indicators, and camera and microphone grants are noted. */
#include <stdio.h>
#include <string.h>

#include "modules/ios/ios_modules.h"
#include "modules/ios/evdb.h"

static const struct th_artifact tcc_artifacts[] = {
        {.backup_domain = "HomeDomain",
         .backup_path = "Library/TCC/TCC.db",
         .fs_glob = "private/var/mobile/Library/TCC/TCC.db"},
        {0},
};

#define TCC_CLIENT                                                             \
	"SELECT service, client, CASE client_type WHEN 0 THEN 'bundle_id' "    \
	"ELSE 'absolute_path' END AS client_type, "

#define TCC_ALLOWED                                                            \
	"CASE allowed WHEN 0 THEN 'denied' WHEN 1 THEN 'allowed' ELSE '' END " \
	"AS allowed_value, prompt_count"

/* The value names of iOS 14 and later (MVT's tables). */
static const char *const tcc_sql[] = {
        TCC_CLIENT
        "CASE auth_value WHEN 0 THEN 'denied' WHEN 1 THEN 'unknown' WHEN 2 "
        "THEN 'allowed' WHEN 3 THEN 'limited' ELSE '' END AS auth_value, "
        "CASE auth_reason WHEN 1 THEN 'error' WHEN 2 THEN 'user_consent' "
        "WHEN 3 THEN 'user_set' WHEN 4 THEN 'system_set' WHEN 5 THEN "
        "'service_policy' WHEN 6 THEN 'mdm_policy' WHEN 7 THEN "
        "'override_policy' WHEN 8 THEN 'missing_usage_string' WHEN 9 THEN "
        "'prompt_timeout' WHEN 10 THEN 'preflight_unknown' WHEN 11 THEN "
        "'entitled' WHEN 12 THEN 'app_type_policy' ELSE 'unknown' END AS "
        "auth_reason_desc, last_modified FROM access",
        TCC_CLIENT TCC_ALLOWED ", last_modified FROM access",
        TCC_CLIENT TCC_ALLOWED " FROM access",
        NULL,
};

static const char *const tcc_times[] = {"last_modified", NULL};

static void tcc_events(struct th_run *run, const json_t *rec)
{
	const char *service = th_rec_str(rec, "service");
	char desc[1024], b[3][256];
	const char *value = json_object_get(rec, "allowed_value")
	                            ? "allowed_value"
	                            : "auth_value";

	th_rec_show(rec, "client", b[0], sizeof(b[0]));
	th_rec_show(rec, value, b[1], sizeof(b[1]));
	th_rec_show(rec, "service", b[2], sizeof(b[2]));
	if (service && (strcmp(service, "kTCCServiceMicrophone") == 0 ||
	                strcmp(service, "kTCCServiceCamera") == 0))
		th_run_log(run, TH_LOG_INFO, "client '%s' has access %s to %s",
		           b[0], b[1],
		           service[11] == 'M' ? "the microphone"
		                              : "the camera");
	snprintf(desc, sizeof(desc), "Access to %s by %s %s", b[2], b[0], b[1]);
	th_run_event(run, th_rec_time(rec, "last_modified"), "AccessRequest",
	             desc);
}

static void tcc_check(struct th_run *run, const json_t *rec)
{
	const char *client = th_rec_str(rec, "client");
	const char *type = th_rec_str(rec, "client_type");
	int64_t t = th_rec_time(rec, "last_modified");

	if (th_run_check(run, TH_MATCH_PROCESS, client, TH_LEVEL_CRITICAL, t,
	                 rec))
		return;
	if (type && strcmp(type, "absolute_path") == 0)
		th_run_check(run, TH_MATCH_FILE_PATH, client, TH_LEVEL_CRITICAL,
		             t, rec);
	else
		th_run_check(run, TH_MATCH_APP_ID, client, TH_LEVEL_CRITICAL, t,
		             rec);
}

static const struct th_evdb_query tcc_query = {
        .sql = tcc_sql, .unix_secs = tcc_times, .events = tcc_events};

static enum th_status tcc_run(struct th_run *run)
{
	return th_evdb_each_records(run, tcc_artifacts, "TCC.db", &tcc_query,
	                            "TCC entries");
}

const struct th_module th_mod_tcc = {
        .slug = "tcc",
        .title = "privacy permissions granted to apps (TCC.db)",
        .sources = TH_SRC_IOS_BACKUP | TH_SRC_IOS_FS,
        .shape = TH_RECORDS_LIST,
        .run = tcc_run,
        .check = tcc_check,
        .artifacts = tcc_artifacts,
};
