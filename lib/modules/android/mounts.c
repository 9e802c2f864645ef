/* mounts: androidqf's mounts.json, lines of `mount` output ("dev on
 * /system type ext4 (rw,seclabel)"). A system partition mounted
 * read-write is high; mount points are checked against file-path
 * indicators. */
#include <stdlib.h>
#include <string.h>

#include "core/jsonutil.h"
#include "modules/android/android_modules.h"
#include "modules/android/android_util.h"

#define MOUNTS_MAX ((size_t)16 << 20)

static const char *const system_mounts[] = {"/system", "/vendor", "/product",
                                            "/system_ext"};

/* "dev on point type fs (opts)" into an object; NULL when not so. */
static json_t *parse_mount(const char *line)
{
	const char *on = strstr(line, " on "), *type, *open, *close, *end;
	json_t *rec;

	if (!on || !(type = strstr(on + 4, " type ")))
		return NULL;
	open = strchr(type + 6, '(');
	close = open ? strrchr(open, ')') : NULL;
	end = open ? open : type + 6 + strlen(type + 6);
	while (end > type + 6 && end[-1] == ' ')
		end--;
	rec = json_object();
	th_jset(rec, "device", th_json_stringn(line, (size_t)(on - line)));
	th_jset(rec, "mount_point",
	        th_json_stringn(on + 4, (size_t)(type - (on + 4))));
	th_jset(rec, "filesystem_type",
	        th_json_stringn(type + 6, (size_t)(end - (type + 6))));
	th_jset(rec, "mount_options",
	        close ? th_json_stringn(open + 1, (size_t)(close - open - 1))
	              : json_string(""));
	return rec;
}

/* Whether the comma-separated options hold "rw". */
static int has_rw(const char *opts)
{
	size_t n;

	while (opts && *opts) {
		n = strcspn(opts, ",");
		if (n == 2 && opts[0] == 'r' && opts[1] == 'w')
			return 1;
		opts += n + (opts[n] == ',');
	}
	return 0;
}

static void mounts_check(struct th_run *run, const json_t *rec)
{
	const char *point = th_jstr(rec, "mount_point");
	size_t i;

	if (!point)
		return;
	th_run_check(run, TH_MATCH_FILE_PATH, point, TH_LEVEL_HIGH,
	             TH_TIME_NONE, rec);
	for (i = 0; i < sizeof(system_mounts) / sizeof(system_mounts[0]); i++)
		if (!strcmp(point, system_mounts[i]) &&
		    has_rw(th_jstr(rec, "mount_options")))
			th_run_alert(run, TH_LEVEL_HIGH, TH_TIME_NONE, rec,
			             NULL, point,
			             "system partition '%s' is mounted "
			             "read-write",
			             point);
}

static enum th_status mount_item(struct th_run *run, json_t *v)
{
	json_t *rec;

	if (!json_is_string(v) || !(rec = parse_mount(json_string_value(v))))
		return TH_OK;
	return th_run_record(run, rec);
}

static enum th_status mounts_run(struct th_run *run)
{
	return th_android_json_array(run, "mounts.json", MOUNTS_MAX, 0,
	                             mount_item);
}

static const struct th_artifact mounts_artifacts[] = {
        {.android_glob = "mounts.json"},
        {0},
};

const struct th_module th_mod_mounts = {
        .slug = "mounts",
        .title = "mounted file systems (androidqf mounts.json)",
        .sources = TH_SRC_ANDROIDQF,
        .shape = TH_RECORDS_LIST,
        .run = mounts_run,
        .check = mounts_check,
        .artifacts = mounts_artifacts,
};
