/* sysdiagnose_crashes: crash and spin reports (*.ips). The first line of
 * each is a JSON header naming the app, its bundle id and the time;
 * a crashing spyware process leaves its name there. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/jsonutil.h"
#include "formats/sysdiag_text.h"
#include "modules/ios/fsmod.h"
#include "modules/ios/ios_modules.h"

#define IPS_MAX ((size_t)64 << 20)

static const struct th_artifact artifacts[] = {
        {.sysdiag_glob = "crashes_and_spins/*.ips"},
        {.fs_glob = "private/var/mobile/Library/Logs/CrashReporter/*.ips"},
        {0},
};

static const char *const keys[][2] = {
        {"app_name", "app_name"},
        {"bundleID", "bundle_id"},
        {"name", "name"},
        {"bug_type", "bug_type"},
        {"os_version", "os_version"},
        {"incident_id", "incident_id"},
        {"app_version", "app_version"},
};

static json_t *make_record(const json_t *head, const char *file)
{
	json_t *rec = json_object(), *v;
	const char *ts = json_string_value(json_object_get(head, "timestamp"));
	size_t i;

	if (!rec)
		return NULL;
	th_fsmod_set_str(rec, "file", file);
	th_json_set_new(rec, "timestamp",
	                th_json_time(th_fsmod_parse_time(ts)));
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		v = json_object_get(head, keys[i][0]);
		if (json_is_string(v))
			th_fsmod_set_str(rec, keys[i][1], json_string_value(v));
		else if (json_is_integer(v) || json_is_real(v))
			json_object_set(rec, keys[i][1], v);
	}
	return rec;
}

static enum th_status read_file(struct th_run *run, const struct th_file *f,
                                void *ctx)
{
	char *text = NULL, desc[512];
	size_t len = 0;
	json_t *head, *rec;
	const char *app;
	enum th_status st;

	(void)ctx;
	if (th_fsmod_read(run, f, IPS_MAX, &text, &len) != TH_OK)
		return TH_OK;
	st = th_ips_header_read(text, len, &head);
	free(text);
	if (!head) {
		th_run_warn(run, st, "cannot parse '%s': %s", f->name,
		            st == TH_ERR_NOMEM ? "out of memory"
		                               : "no JSON header line");
		return TH_OK;
	}
	rec = make_record(head, f->name);
	json_decref(head);
	if (!rec)
		return TH_ERR_NOMEM;
	app = th_rec_str(rec, "app_name");
	snprintf(desc, sizeof(desc), "crash or spin report of '%s' (%s)",
	         app ? app : "?", f->name);
	th_run_event(run, th_fsmod_parse_time(th_rec_str(rec, "timestamp")),
	             "crash", desc);
	return th_run_record(run, rec);
}

static enum th_status run_crashes(struct th_run *run)
{
	return th_fsmod_each_until(run, artifacts, "crash report (*.ips)",
	                           read_file, NULL);
}

static void check_crashes(struct th_run *run, const json_t *rec)
{
	int64_t t = th_fsmod_parse_time(th_rec_str(rec, "timestamp"));

	if (th_run_check(run, TH_MATCH_PROCESS, th_rec_str(rec, "app_name"),
	                 TH_LEVEL_CRITICAL, t, rec))
		return;
	if (th_run_check(run, TH_MATCH_PROCESS, th_rec_str(rec, "name"),
	                 TH_LEVEL_CRITICAL, t, rec))
		return;
	th_run_check(run, TH_MATCH_APP_ID, th_rec_str(rec, "bundle_id"),
	             TH_LEVEL_CRITICAL, t, rec);
}

const struct th_module th_mod_sysdiagnose_crashes = {
        .slug = "sysdiagnose_crashes",
        .title = "crash and spin reports (*.ips headers)",
        .sources = TH_SRC_SYSDIAGNOSE | TH_SRC_IOS_FS,
        .shape = TH_RECORDS_LIST,
        .run = run_crashes,
        .check = check_crashes,
        .artifacts = artifacts,
};
