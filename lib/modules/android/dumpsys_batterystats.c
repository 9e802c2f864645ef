/* Modules over dumpsys "batterystats": dumpsys_battery_daily (package
 * updates by day: uninstalls and downgrades) and dumpsys_battery_history
 * (jobs, wake alarms and foreground apps). */
#include <stdio.h>
#include <string.h>

#include "modules/android/android_modules.h"
#include "modules/android/android_util.h"
#include "modules/android/dumpsys_glue.h"

#define DUMPSYS_SOURCES (TH_SRC_BUGREPORT | TH_SRC_ANDROIDQF)

/* --- dumpsys_battery_daily --- */

static void daily_check(struct th_run *run, const json_t *rec)
{
	const char *pkg = th_jstr(rec, "package_name");
	const char *action = th_jstr(rec, "action");
	int64_t t = th_jtime(rec, "period_start");

	if (th_dsm_check_app(run, rec, "package_name", t) || !pkg || !action)
		return;
	if (strcmp(action, "uninstall") == 0)
		th_run_alert(run, TH_LEVEL_MEDIUM, t, rec, NULL, pkg,
		             "package '%s' was uninstalled (vers 0)", pkg);
	else if (strcmp(action, "downgrade") == 0)
		th_run_alert(
		        run, TH_LEVEL_MEDIUM, t, rec, NULL, pkg,
		        "package '%s' was downgraded from vers %lld to "
		        "vers %lld",
		        pkg,
		        (long long)th_jint(rec, "previous_version_code", 0),
		        (long long)th_jint(rec, "version_code", 0));
}

static void daily_event(struct th_run *run, const json_t *rec)
{
	const char *pkg = th_jstr(rec, "package_name");
	const char *action = th_jstr(rec, "action");
	long long vers = (long long)th_jint(rec, "version_code", -1);
	char desc[512];

	if (!pkg || !action)
		return;
	if (strcmp(action, "uninstall") == 0)
		snprintf(desc, sizeof(desc),
		         "Recorded uninstall of package %s (vers 0)", pkg);
	else if (strcmp(action, "downgrade") == 0)
		snprintf(desc, sizeof(desc),
		         "Recorded downgrade of package %s from vers %lld to "
		         "vers %lld",
		         pkg,
		         (long long)th_jint(rec, "previous_version_code", 0),
		         vers);
	else
		snprintf(desc, sizeof(desc),
		         "Recorded update of package %s with vers %lld", pkg,
		         vers);
	th_run_event(run, th_jtime(rec, "period_start"), "battery_daily", desc);
}

static enum th_status daily_run(struct th_run *run)
{
	return th_dsm_run(run, "batterystats", th_dumpsys_battery_daily_each,
	                  daily_event);
}

const struct th_module th_mod_dumpsys_battery_daily = {
        .slug = "dumpsys_battery_daily",
        .title = "package updates by day (dumpsys batterystats)",
        .sources = DUMPSYS_SOURCES,
        .shape = TH_RECORDS_LIST,
        .run = daily_run,
        .check = daily_check,
};

/* --- dumpsys_battery_history --- */

static void history_check(struct th_run *run, const json_t *rec)
{
	th_dsm_check_app(run, rec, "package_name", TH_TIME_NONE);
}

static enum th_status history_run(struct th_run *run)
{
	return th_dsm_run(run, "batterystats", th_dumpsys_battery_history_each,
	                  NULL);
}

const struct th_module th_mod_dumpsys_battery_history = {
        .slug = "dumpsys_battery_history",
        .title = "app jobs, alarms and foreground use (dumpsys "
                 "batterystats history)",
        .sources = DUMPSYS_SOURCES,
        .shape = TH_RECORDS_LIST,
        .run = history_run,
        .check = history_check,
};
