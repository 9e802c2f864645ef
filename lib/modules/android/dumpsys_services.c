/* Modules over single dumpsys services: dumpsys_accessibility,
 * dumpsys_appops, dumpsys_dbinfo, dumpsys_platform_compat and
 * dumpsys_get_prop (the dumpstate's SYSTEM PROPERTIES block). */
#include <stdio.h>
#include <string.h>

#include "core/jsonutil.h"
#include "core/timeconv.h"
#include "formats/getprop.h"
#include "modules/android/android_modules.h"
#include "modules/android/android_util.h"
#include "modules/android/dumpsys_glue.h"

#define DUMPSYS_SOURCES (TH_SRC_BUGREPORT | TH_SRC_ANDROIDQF)

static void app_check(struct th_run *run, const json_t *rec)
{
	th_dsm_check_app(run, rec, "package_name", TH_TIME_NONE);
}

/* --- dumpsys_accessibility --- */

static void accessibility_check(struct th_run *run, const json_t *rec)
{
	const char *pkg = th_jstr(rec, "package_name");

	if (th_dsm_check_app(run, rec, "package_name", TH_TIME_NONE))
		return;
	if (!json_is_true(json_object_get(rec, "enabled")))
		return;
	th_run_alert(run, TH_LEVEL_MEDIUM, TH_TIME_NONE, rec, NULL, pkg,
	             "accessibility service '%s/%s' is enabled: it can read "
	             "the screen and act for the user",
	             pkg ? pkg : "",
	             th_jstr(rec, "service") ? th_jstr(rec, "service") : "");
}

static enum th_status accessibility_run(struct th_run *run)
{
	return th_dsm_run(run, "accessibility", th_dumpsys_accessibility_each,
	                  NULL);
}

const struct th_module th_mod_dumpsys_accessibility = {
        .slug = "dumpsys_accessibility",
        .title = "accessibility services (dumpsys accessibility)",
        .sources = DUMPSYS_SOURCES,
        .shape = TH_RECORDS_LIST,
        .run = accessibility_run,
        .check = accessibility_check,
};

/* --- dumpsys_appops --- */

#define RISKY_PERMISSION "REQUEST_INSTALL_PACKAGES"
#define RISKY_PACKAGE    "com.android.shell"

/* The latest entry time of a permission, or of every one (perm NULL). */
static int64_t ops_latest(const json_t *rec, const json_t *perm)
{
	const json_t *perms = json_object_get(rec, "permissions"), *p, *e;
	int64_t best = TH_TIME_NONE, t;
	size_t i, j;

	json_array_foreach(perms, i, p)
	{
		if (perm && p != perm)
			continue;
		json_array_foreach(json_object_get(p, "entries"), j, e)
		{
			t = th_jtime(e, "timestamp");
			if (t != TH_TIME_NONE &&
			    (best == TH_TIME_NONE || t > best))
				best = t;
		}
	}
	return best;
}

static void appops_check(struct th_run *run, const json_t *rec)
{
	const char *pkg = th_jstr(rec, "package_name"), *name, *access;
	const json_t *p;
	size_t i;

	if (th_dsm_check_app(run, rec, "package_name", ops_latest(rec, NULL)))
		return;
	json_array_foreach(json_object_get(rec, "permissions"), i, p)
	{
		name = th_jstr(p, "name");
		access = th_jstr(p, "access");
		if (!name)
			continue;
		if (strcmp(name, RISKY_PERMISSION) == 0)
			th_run_alert(
			        run, TH_LEVEL_MEDIUM, ops_latest(rec, p), rec,
			        NULL, pkg,
			        "package '%s' had the risky permission '%s' "
			        "(%s): it can install other apps",
			        pkg ? pkg : "", name, access ? access : "?");
		else if (pkg && strcmp(pkg, RISKY_PACKAGE) == 0)
			th_run_alert(
			        run, TH_LEVEL_MEDIUM, ops_latest(rec, p), rec,
			        NULL, pkg,
			        "the adb shell package '%s' used '%s' (%s)",
			        pkg, name, access ? access : "?");
	}
}

static void appops_event(struct th_run *run, const json_t *rec)
{
	const json_t *p, *e;
	char desc[512];
	size_t i, j;

	json_array_foreach(json_object_get(rec, "permissions"), i, p)
	{
		json_array_foreach(json_object_get(p, "entries"), j, e)
		{
			snprintf(desc, sizeof(desc), "%s access to %s: %s",
			         th_jstr(rec, "package_name"),
			         th_jstr(p, "name"), th_jstr(e, "access"));
			th_run_event(run, th_jtime(e, "timestamp"),
			             th_jstr(e, "access"), desc);
		}
	}
}

static enum th_status appops_run(struct th_run *run)
{
	return th_dsm_run(run, "appops", th_dumpsys_appops_each, appops_event);
}

const struct th_module th_mod_dumpsys_appops = {
        .slug = "dumpsys_appops",
        .title = "app operations and their last uses (dumpsys appops)",
        .sources = DUMPSYS_SOURCES,
        .shape = TH_RECORDS_LIST,
        .run = appops_run,
        .check = appops_check,
};

/* --- dumpsys_dbinfo --- */

/* Every part of the database path ("/data/user/0/<pkg>/databases/x.db")
 * vs app ids. */
static void dbinfo_check(struct th_run *run, const json_t *rec)
{
	const char *path = th_jstr(rec, "path"), *p, *slash;
	char part[256];
	size_t n;

	for (p = path; p && *p; p = slash ? slash + 1 : p + n) {
		slash = strchr(p, '/');
		n = slash ? (size_t)(slash - p) : strlen(p);
		if (!n || n >= sizeof(part) || !strchr(p, '.'))
			continue;
		memcpy(part, p, n);
		part[n] = '\0';
		if (th_run_check(run, TH_MATCH_APP_ID, part, TH_LEVEL_CRITICAL,
		                 TH_TIME_NONE, rec))
			return;
	}
}

static enum th_status dbinfo_run(struct th_run *run)
{
	return th_dsm_run(run, "dbinfo", th_dumpsys_dbinfo_each, NULL);
}

const struct th_module th_mod_dumpsys_dbinfo = {
        .slug = "dumpsys_dbinfo",
        .title = "recent database operations (dumpsys dbinfo)",
        .sources = DUMPSYS_SOURCES,
        .shape = TH_RECORDS_LIST,
        .run = dbinfo_run,
        .check = dbinfo_check,
};

/* --- dumpsys_platform_compat --- */

static enum th_status platform_compat_run(struct th_run *run)
{
	return th_dsm_run(run, "platform_compat",
	                  th_dumpsys_platform_compat_each, NULL);
}

const struct th_module th_mod_dumpsys_platform_compat = {
        .slug = "dumpsys_platform_compat",
        .title = "packages that were installed (dumpsys platform_compat)",
        .sources = DUMPSYS_SOURCES,
        .shape = TH_RECORDS_LIST,
        .run = platform_compat_run,
        .check = app_check,
};

/* --- dumpsys_get_prop --- */

struct prop_fwd {
	th_record_fn fn;
	void *ctx;
};

static int on_prop(void *ctx, const char *name, size_t name_len,
                   const char *value, size_t value_len)
{
	struct prop_fwd *w = ctx;
	json_t *rec = json_object();

	if (!rec)
		return w->fn(w->ctx, NULL); /* fails the run with NOMEM */
	th_jset(rec, "name", th_json_stringn(name, name_len));
	th_jset(rec, "value", th_json_stringn(value, value_len));
	return w->fn(w->ctx, rec);
}

static enum th_status getprop_parse(const char *text, size_t len,
                                    th_record_fn fn, void *ctx)
{
	struct prop_fwd w = {fn, ctx};

	return th_getprop_each(text, len, on_prop, &w, NULL);
}

/* The same checks as aqf_get_prop (indicators, old security patch). */
static void getprop_check(struct th_run *run, const json_t *rec)
{
	th_mod_aqf_get_prop.check(run, rec);
}

static enum th_status getprop_run(struct th_run *run)
{
	return th_dsm_run(run, "SYSTEM PROPERTIES", getprop_parse, NULL);
}

const struct th_module th_mod_dumpsys_get_prop = {
        .slug = "dumpsys_get_prop",
        .title = "system properties (dumpstate SYSTEM PROPERTIES)",
        .sources = DUMPSYS_SOURCES,
        .shape = TH_RECORDS_LIST,
        .run = getprop_run,
        .check = getprop_check,
};
