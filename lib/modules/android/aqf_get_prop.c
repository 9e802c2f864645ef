/* aqf_get_prop: androidqf's getprop.txt as {name, value} records (MVT's
 * shape): property names vs indicators, and a security patch older than
 * six months. */
#include <stdlib.h>
#include <string.h>

#include "core/jsonutil.h"
#include "core/timeconv.h"
#include "formats/getprop.h"
#include "modules/android/android_modules.h"
#include "modules/android/android_util.h"

#define GETPROP_MAX ((size_t)64 << 20)
#define PATCH_PROP  "ro.build.version.security_patch"
#define SIX_MONTHS  ((int64_t)183 * 86400 * 1000000)

/* "2023-01-05" as µs UTC, or TH_TIME_NONE. */
static int64_t patch_date(const char *v)
{
	char buf[TH_TIME_STR_MAX];

	if (!v || strlen(v) != 10 || v[4] != '-' || v[7] != '-')
		return TH_TIME_NONE;
	snprintf(buf, sizeof(buf), "%s 00:00:00", v);
	return th_time_parse(buf);
}

static void getprop_check(struct th_run *run, const json_t *rec)
{
	const char *name = th_jstr(rec, "name"), *value = th_jstr(rec, "value");
	int64_t t;

	if (!name)
		return;
	th_run_check(run, TH_MATCH_PROPERTY, name, TH_LEVEL_HIGH, TH_TIME_NONE,
	             rec);
	if (strcmp(name, PATCH_PROP) != 0)
		return;
	t = patch_date(value);
	if (t != TH_TIME_NONE && th_time_now() - t > SIX_MONTHS)
		th_run_alert(run, TH_LEVEL_MEDIUM, TH_TIME_NONE, rec, NULL,
		             value,
		             "the security patch level is '%s', more than "
		             "six months old",
		             value);
}

struct prop_walk {
	struct th_run *run;
	enum th_status st;
};

static int on_prop(void *ctx, const char *name, size_t name_len,
                   const char *value, size_t value_len)
{
	struct prop_walk *w = ctx;
	json_t *rec = json_object();

	if (!rec) {
		w->st = TH_ERR_NOMEM;
		return 1;
	}
	th_jset(rec, "name", th_json_stringn(name, name_len));
	th_jset(rec, "value", th_json_stringn(value, value_len));
	w->st = th_run_record(w->run, rec);
	return w->st != TH_OK;
}

static enum th_status getprop_run(struct th_run *run)
{
	struct prop_walk w = {run, TH_OK};
	size_t len, skipped = 0;
	char *data, *name = NULL;
	enum th_status st;

	st = th_android_read(run, "getprop.txt", GETPROP_MAX, &data, &len,
	                     &name);
	if (st != TH_OK)
		return st;
	st = th_getprop_each(data, len, on_prop, &w, &skipped);
	if (skipped)
		th_run_log(run, TH_LOG_DEBUG,
		           "'%s': %zu lines are not "
		           "properties",
		           name, skipped);
	free(data);
	free(name);
	return st != TH_OK ? st : w.st;
}

static const struct th_artifact getprop_artifacts[] = {
        {.android_glob = "getprop.txt"},
        {0},
};

const struct th_module th_mod_aqf_get_prop = {
        .slug = "aqf_get_prop",
        .title = "system properties (androidqf getprop.txt)",
        .sources = TH_SRC_ANDROIDQF,
        .shape = TH_RECORDS_LIST,
        .run = getprop_run,
        .check = getprop_check,
        .artifacts = getprop_artifacts,
};
