/* aqf_packages: androidqf's packages.json, one record per package as
 * androidqf wrote it (MVT's shape); package names, APK hashes and
 * signing certificates against indicators, and the heuristics of
 * shared reference/android.md 1. */
#include <stdlib.h>
#include <string.h>

#include "modules/android/android_modules.h"
#include "modules/android/android_util.h"
#include "modules/android/android_lists.h"

#define PACKAGES_MAX ((size_t)1 << 30)

static int in_list(const char *const *list, const char *s)
{
	size_t i;

	for (i = 0; s && list[i]; i++)
		if (strcmp(list[i], s) == 0)
			return 1;
	return 0;
}

static int is_true(const json_t *rec, const char *key)
{
	return json_is_true(json_object_get(rec, key));
}

static void check_files(struct th_run *run, const json_t *rec)
{
	static const char *const cert_keys[] = {"Md5", "Sha1", "Sha256"};
	json_t *files = json_object_get(rec, "files"), *f, *cert;
	size_t i, k;

	json_array_foreach(files, i, f)
	{
		th_run_check(run, TH_MATCH_HASH, th_jstr(f, "sha256"),
		             TH_LEVEL_CRITICAL, TH_TIME_NONE, rec);
		cert = json_object_get(f, "certificate");
		for (k = 0; k < 3; k++)
			th_run_check(run, TH_MATCH_CERT_HASH,
			             th_jstr(cert, cert_keys[k]),
			             TH_LEVEL_CRITICAL, TH_TIME_NONE, rec);
	}
}

/* Who installed it: a browser or the package installer (a sideload),
 * nobody (adb) for a non-system app, or an alternative store. */
static void check_installer(struct th_run *run, const json_t *rec,
                            const char *name)
{
	const json_t *iv = json_object_get(rec, "installer");
	const char *inst = json_string_value(iv);
	int none = !iv || json_is_null(iv) || (inst && !strcmp(inst, "null"));

	if (in_list(th_android_sideload_installers, inst))
		th_run_alert(run, TH_LEVEL_MEDIUM, TH_TIME_NONE, rec, NULL,
		             name,
		             "package '%s' was installed by '%s' (a browser or "
		             "the package installer: sideloaded)",
		             name, inst);
	else if (none && !is_true(rec, "system"))
		th_run_alert(run, TH_LEVEL_MEDIUM, TH_TIME_NONE, rec, NULL,
		             name,
		             "non-system package '%s' has no installer "
		             "(installed by adb or another method)",
		             name);
	else if (in_list(th_android_store_installers, inst))
		th_run_alert(run, TH_LEVEL_INFO, TH_TIME_NONE, rec, NULL, name,
		             "package '%s' was installed from a third-party "
		             "store ('%s')",
		             name, inst);
}

static void packages_check(struct th_run *run, const json_t *rec)
{
	const char *name = th_jstr(rec, "name");

	if (!name)
		name = th_jstr(rec, "package_name");
	if (!name)
		return;
	th_run_check(run, TH_MATCH_APP_ID, name, TH_LEVEL_CRITICAL,
	             TH_TIME_NONE, rec);
	check_files(run, rec);
	if (in_list(th_android_root_packages, name))
		th_run_alert(run, TH_LEVEL_MEDIUM, TH_TIME_NONE, rec, NULL,
		             name, "package '%s' is a rooting tool", name);
	if (is_true(rec, "disabled") &&
	    in_list(th_android_security_packages, name))
		th_run_alert(run, TH_LEVEL_MEDIUM, TH_TIME_NONE, rec, NULL,
		             name, "security package '%s' is disabled", name);
	if (is_true(rec, "disabled") &&
	    in_list(th_android_update_packages, name))
		th_run_alert(run, TH_LEVEL_MEDIUM, TH_TIME_NONE, rec, NULL,
		             name, "system update package '%s' is disabled",
		             name);
	check_installer(run, rec, name);
}

static enum th_status package_item(struct th_run *run, json_t *p)
{
	if (!json_is_object(p))
		return TH_OK;
	return th_run_record(run, json_incref(p));
}

static enum th_status packages_run(struct th_run *run)
{
	return th_android_json_array(run, "packages.json", PACKAGES_MAX, 1,
	                             package_item);
}

static const struct th_artifact packages_artifacts[] = {
        {.android_glob = "packages.json"},
        {0},
};

const struct th_module th_mod_aqf_packages = {
        .slug = "aqf_packages",
        .title = "installed packages (androidqf packages.json)",
        .sources = TH_SRC_ANDROIDQF,
        .shape = TH_RECORDS_LIST,
        .run = packages_run,
        .check = packages_check,
        .artifacts = packages_artifacts,
};
