/* The modules over dumpsys "package": dumpsys_activities (activity
 * resolver table), dumpsys_receivers (broadcast receivers, with the ones
 * that listen to SMS and calls noted) and dumpsys_packages (installed
 * packages, rooting tools). */
#include <stdio.h>
#include <string.h>

#include "core/timeconv.h"

#include "modules/android/android_lists.h"
#include "modules/android/android_modules.h"
#include "modules/android/android_util.h"
#include "modules/android/dumpsys_glue.h"

#define DUMPSYS_SOURCES (TH_SRC_BUGREPORT | TH_SRC_ANDROIDQF)

/* --- dumpsys_activities --- */

static void activities_check(struct th_run *run, const json_t *rec)
{
	th_dsm_check_app(run, rec, "package_name", TH_TIME_NONE);
}

static enum th_status activities_run(struct th_run *run)
{
	return th_dsm_run(run, "package", th_dumpsys_activities_each, NULL);
}

const struct th_module th_mod_dumpsys_activities = {
        .slug = "dumpsys_activities",
        .title = "activities by intent (dumpsys package)",
        .sources = DUMPSYS_SOURCES,
        .shape = TH_RECORDS_LIST,
        .run = activities_run,
        .check = activities_check,
};

/* --- dumpsys_receivers --- */

static const struct {
	const char *intent;
	const char *what;
} watched_intents[] = {
        {"android.provider.Telephony.NEW_OUTGOING_SMS",
         "intercepts outgoing SMS messages"},
        {"android.provider.Telephony.SMS_RECEIVED",
         "intercepts incoming SMS messages"},
        {"android.intent.action.DATA_SMS_RECEIVED",
         "intercepts incoming data SMS messages"},
        {"android.intent.action.PHONE_STATE",
         "monitors the telephony state and incoming calls"},
        {"android.intent.action.NEW_OUTGOING_CALL", "monitors outgoing calls"},
};

static void receiver_one(struct th_run *run, const char *intent,
                         const json_t *rec)
{
	const char *recv = th_jstr(rec, "receiver");
	size_t i;

	for (i = 0; intent && recv &&
	            i < sizeof(watched_intents) / sizeof(watched_intents[0]);
	     i++)
		if (strcmp(intent, watched_intents[i].intent) == 0)
			th_run_log(run, TH_LOG_INFO, "receiver '%s' %s", recv,
			           watched_intents[i].what);
	th_dsm_check_app(run, rec, "package_name", TH_TIME_NONE);
}

/* Our records are {intent, package_name, receiver}; MVT writes one
 * object {intent: [{package_name, receiver}]}: both are checked. */
static void receivers_check(struct th_run *run, const json_t *rec)
{
	const char *intent;
	json_t *list, *r;
	size_t i;

	if (json_object_get(rec, "package_name")) {
		receiver_one(run, th_jstr(rec, "intent"), rec);
		return;
	}
	json_object_foreach((json_t *)rec, intent, list)
	{
		if (!json_is_array(list))
			continue;
		json_array_foreach(list, i, r) receiver_one(run, intent, r);
	}
}

static enum th_status receivers_run(struct th_run *run)
{
	return th_dsm_run(run, "package", th_dumpsys_receivers_each, NULL);
}

const struct th_module th_mod_dumpsys_receivers = {
        .slug = "dumpsys_receivers",
        .title = "broadcast receivers by intent (dumpsys package)",
        .sources = DUMPSYS_SOURCES,
        .shape = TH_RECORDS_LIST,
        .run = receivers_run,
        .check = receivers_check,
};

/* --- dumpsys_packages --- */

/* "2022-03-29 18:37:30" (device time; no zone in the dump). */
static int64_t pkg_time(const json_t *rec, const char *key)
{
	const char *v = th_jstr(rec, key);

	return v && *v ? th_time_parse(v) : TH_TIME_NONE;
}

static void packages_event(struct th_run *run, const json_t *rec)
{
	static const struct {
		const char *key, *event;
	} times[] = {
	        {"timestamp", "package_install"},
	        {"first_install_time", "package_first_install"},
	        {"last_update_time", "package_last_update"},
	};
	char desc[512];
	size_t i;

	snprintf(desc, sizeof(desc), "Install or update of package %s",
	         th_jstr(rec, "package_name") ? th_jstr(rec, "package_name")
	                                      : "");
	for (i = 0; i < sizeof(times) / sizeof(times[0]); i++)
		th_run_event(run, pkg_time(rec, times[i].key), times[i].event,
		             desc);
}

static void packages_check(struct th_run *run, const json_t *rec)
{
	const char *name = th_jstr(rec, "package_name");
	int64_t t = pkg_time(rec, "timestamp");

	if (th_dsm_in_list(th_android_root_packages, name)) {
		th_run_alert(run, TH_LEVEL_MEDIUM, t, rec, NULL, name,
		             "found an installed package related to "
		             "rooting: '%s'",
		             name);
		return;
	}
	th_dsm_check_app(run, rec, "package_name", t);
}

static enum th_status packages_run(struct th_run *run)
{
	return th_dsm_run(run, "package", th_dumpsys_packages_each,
	                  packages_event);
}

const struct th_module th_mod_dumpsys_packages = {
        .slug = "dumpsys_packages",
        .title = "installed packages (dumpsys package)",
        .sources = DUMPSYS_SOURCES,
        .shape = TH_RECORDS_LIST,
        .run = packages_run,
        .check = packages_check,
};
