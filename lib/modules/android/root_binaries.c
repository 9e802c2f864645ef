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

static enum th_status root_run(struct th_run *run)
{
	enum th_status st;
	json_t *root, *v;
	char *data, *name = NULL;
	size_t len, i;

	st = th_android_read(run, "root_binaries.json", ROOT_MAX, &data, &len,
	                     &name);
	if (st != TH_OK)
		return st;
	root = json_loadb(data, len, 0, NULL);
	free(data);
	if (!json_is_array(root)) {
		json_decref(root);
		st = th_run_fail(run, TH_ERR_FORMAT,
		                 "cannot read '%s': not a JSON array", name);
		free(name);
		return st;
	}
	free(name);
	json_array_foreach(root, i, v)
	{
		if (!json_is_string(v))
			continue;
		st = th_run_record(run, json_pack("{sO}", "path", v));
		if (st != TH_OK)
			break;
	}
	json_decref(root);
	return st;
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
