/* ios_version_history: the iOS version recorded in each analytics
 * journal (Analytics-Journal-*.ips, first JSON line): the update
 * history, which dates a device's exposure to an exploit. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/jsonutil.h"
#include "formats/sysdiag_text.h"
#include "modules/ios/fsmod.h"
#include "modules/ios/ios_modules.h"

#define FILE_MAX ((size_t)64 << 20)

static const struct th_artifact artifacts[] = {
        {.fs_glob = "private/var/db/analyticsd/Analytics-Journal-*.ips"},
        {0},
};

static enum th_status read_file(struct th_run *run, const struct th_file *f,
                                void *ctx)
{
	char *text = NULL, desc[256];
	size_t len = 0;
	const char *ver;
	json_t *head, *rec;
	enum th_status st;
	int64_t t;

	(void)ctx;
	if (th_fsmod_read(run, f, FILE_MAX, &text, &len) != TH_OK)
		return TH_OK;
	st = th_ips_header_read(text, len, &head);
	free(text);
	ver = json_string_value(json_object_get(head, "os_version"));
	if (!ver) {
		th_run_warn(run, st == TH_ERR_NOMEM ? st : TH_ERR_FORMAT,
		            "cannot parse '%s': %s", f->name,
		            st == TH_ERR_NOMEM ? "out of memory"
		                               : "no os_version in the first "
		                                 "line");
		json_decref(head);
		return TH_OK;
	}
	t = th_fsmod_parse_time(
	        json_string_value(json_object_get(head, "timestamp")));
	rec = json_object();
	if (rec) {
		th_json_set_new(rec, "isodate", th_json_time(t));
		th_fsmod_set_str(rec, "os_version", ver);
		snprintf(desc, sizeof(desc), "Recorded iOS version %.200s",
		         ver);
		th_run_event(run, t, "ios_version", desc);
	}
	json_decref(head);
	return rec ? th_run_record(run, rec) : TH_ERR_NOMEM;
}

static enum th_status run_versions(struct th_run *run)
{
	return th_fsmod_each_until(run, artifacts, "Analytics-Journal-*.ips",
	                           read_file, NULL);
}

const struct th_module th_mod_ios_version_history = {
        .slug = "ios_version_history",
        .title = "iOS update history (analytics journals)",
        .sources = TH_SRC_IOS_FS,
        .shape = TH_RECORDS_LIST,
        .run = run_versions,
        .check = NULL,
        .artifacts = artifacts,
};
