/* root_binaries: androidqf's root_binaries.json, the paths of su,
 * busybox, magisk and the like found on the device. Every one is a sign
 * of a rooted device: high. Records are {"path": ...} (MVT writes the
 * bare strings; check() reads both). */
#include <stdlib.h>

#include "modules/android/android_modules.h"
#include "modules/android/android_util.h"

#define ROOT_MAX ((size_t)16 << 20)

static void root_check(struct th_run *run, const json_t *rec)
{
	const char *path = json_is_string(rec) ? json_string_value(rec)
	                                       : th_jstr(rec, "path");

	if (!path)
		return;
	th_run_alert(run, TH_LEVEL_HIGH, TH_TIME_NONE, rec, NULL, path,
	             "root binary '%s' found on the device", path);
}

static enum th_status root_item(struct th_run *run, json_t *v)
{
	if (!json_is_string(v))
		return TH_OK;
	return th_run_record(run, json_pack("{sO}", "path", v));
}

static enum th_status root_run(struct th_run *run)
{
	return th_android_json_array(run, "root_binaries.json", ROOT_MAX, 0,
	                             root_item);
}

static const struct th_artifact root_artifacts[] = {
        {.android_glob = "root_binaries.json"},
        {0},
};

const struct th_module th_mod_root_binaries = {
        .slug = "root_binaries",
        .title = "root binaries found on the device (androidqf)",
        .sources = TH_SRC_ANDROIDQF,
        .shape = TH_RECORDS_LIST,
        .run = root_run,
        .check = root_check,
        .artifacts = root_artifacts,
};
