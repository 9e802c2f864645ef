/* global_preferences: every key of .GlobalPreferences.plist, one record
 * each, and whether Lockdown Mode is on (info) or off (low). */
#include <string.h>

#include "modules/ios/ios_modules.h"
#include "modules/ios/evdb.h"

#define LOCKDOWN_KEY "LDMGlobalEnabled"

static const struct th_artifact global_preferences_artifacts[] = {
        {.backup_domain = "HomeDomain",
         .backup_path = "Library/Preferences/.GlobalPreferences.plist",
         .fs_glob = "private/var/mobile/Library/Preferences/"
                    ".GlobalPreferences.plist"},
        {0},
};

struct prefs {
	struct th_run *run;
	enum th_status st;
	size_t n;
};

static int on_key(void *ctx, const char *key, plist_t value)
{
	struct prefs *p = ctx;
	json_t *rec = json_object(), *v = th_evplist_json(p->run, value, key);

	if (!rec || !v) {
		json_decref(rec);
		json_decref(v);
		p->st = rec ? TH_OK : TH_ERR_NOMEM;
		return !rec;
	}
	th_rec_set(rec, "entry", json_string(key));
	th_rec_set(rec, "value", v);
	p->n++;
	p->st = th_run_record(p->run, rec);
	return p->st != TH_OK;
}

static enum th_status global_preferences_file(struct th_run *run,
                                              const struct th_file *f,
                                              void *ctx, struct th_err *err)
{
	struct prefs p = {.run = run, .st = TH_OK};
	plist_t root = NULL;

	(void)ctx;
	enum th_status st = th_evplist_read(f, &root, err);

	if (st != TH_OK)
		return st;
	if (plist_get_node_type(root) != PLIST_DICT)
		th_run_log(run, TH_LOG_WARN, "%s: not a dictionary", f->name);
	th_evplist_dict_each(root, on_key, &p);
	plist_free(root);
	th_run_log(run, TH_LOG_INFO, "%zu global preferences in %s", p.n,
	           f->name);
	return p.st == TH_ERR_NOMEM ? p.st : TH_OK;
}

static enum th_status global_preferences_run(struct th_run *run)
{
	return th_evfile_each_err(run, global_preferences_artifacts,
	                          ".GlobalPreferences.plist",
	                          global_preferences_file, NULL);
}

static void global_preferences_check(struct th_run *run, const json_t *rec)
{
	const char *entry = th_rec_str(rec, "entry");
	const json_t *v = json_object_get(rec, "value");
	int on;

	if (!entry || strcmp(entry, LOCKDOWN_KEY) != 0)
		return;
	on = json_is_true(v) || (json_is_integer(v) && json_integer_value(v));
	if (on)
		th_run_alert(run, TH_LEVEL_INFO, TH_TIME_NONE, rec, NULL, entry,
		             "%s", "Lockdown Mode is enabled");
	else
		th_run_alert(run, TH_LEVEL_LOW, TH_TIME_NONE, rec, NULL, entry,
		             "%s", "Lockdown Mode is disabled");
}

const struct th_module th_mod_global_preferences = {
        .slug = "global_preferences",
        .title = "global preferences, and whether Lockdown Mode is on",
        .sources = TH_SRC_IOS_BACKUP | TH_SRC_IOS_FS,
        .shape = TH_RECORDS_LIST,
        .run = global_preferences_run,
        .check = global_preferences_check,
        .artifacts = global_preferences_artifacts,
};
