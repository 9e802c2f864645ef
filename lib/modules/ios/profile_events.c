/* profile_events: who installed or removed configuration profiles, and
 * when (MCProfileEvents.plist: ProfileEvents [{profile id: {timestamp,
 * operation, process}}]). Every event is worth a look (low); a process
 * or profile id that is an indicator is critical. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "core/jsonutil.h"
#include "modules/ios/ios_modules.h"
#include "modules/ios/evdb.h"

#define KEY_MAX 128

static const struct th_artifact events_artifacts[] = {
        {.backup_path = "Library/ConfigurationProfiles/MCProfileEvents.plist"},
        {0},
};

struct events {
	struct th_run *run;
	json_t *rec;
	size_t n;
	enum th_status st;
};

/* MVT lower-cases the keys of an event. */
static int on_field(void *ctx, const char *key, plist_t value)
{
	struct events *e = ctx;
	char lower[KEY_MAX];
	json_t *v;
	size_t i;

	for (i = 0; key[i] && i + 1 < sizeof(lower); i++)
		lower[i] = (char)tolower((unsigned char)key[i]);
	lower[i] = '\0';
	v = th_evplist_json(e->run, value, key);
	if (v)
		th_json_set_new(e->rec, lower, v);
	return 0;
}

static void event_timeline(struct th_run *run, const json_t *rec)
{
	char desc[2048], b[3][512];

	snprintf(desc, sizeof(desc),
	         "Process %s started operation %s of profile %s",
	         th_rec_show(rec, "process", b[0], sizeof(b[0])),
	         th_rec_show(rec, "operation", b[1], sizeof(b[1])),
	         th_rec_show(rec, "profile_id", b[2], sizeof(b[2])));
	th_run_event(run, th_rec_time(rec, "timestamp"), "profile_operation",
	             desc);
}

/* One event: a dictionary whose first key is the profile id. */
static int on_profile(void *ctx, const char *profile, plist_t fields)
{
	struct events *e = ctx;

	e->rec = json_object();
	if (!e->rec) {
		e->st = TH_ERR_NOMEM;
		return 1;
	}
	th_rec_set(e->rec, "profile_id", th_json_string(profile));
	th_rec_set(e->rec, "timestamp", json_string(""));
	th_rec_set(e->rec, "operation", json_string(""));
	th_rec_set(e->rec, "process", json_string(""));
	th_evplist_dict_each(fields, on_field, e);
	event_timeline(e->run, e->rec);
	e->n++;
	e->st = th_run_record(e->run, e->rec);
	return 1; /* only the first key, as MVT */
}

static enum th_status events_file(struct th_run *run, const struct th_file *f,
                                  void *ctx, struct th_err *err)
{
	struct events e = {.run = run, .st = TH_OK};
	plist_t root = NULL, list;
	uint32_t i, n;

	enum th_status st = th_evplist_read(f, &root, err);

	(void)ctx;
	if (st != TH_OK)
		return st;
	list = plist_get_node_type(root) == PLIST_DICT
	               ? plist_dict_get_item(root, "ProfileEvents")
	               : NULL;
	if (plist_get_node_type(list) != PLIST_ARRAY) {
		th_run_log(run, TH_LOG_DEBUG, "%s: no ProfileEvents: no data",
		           f->name);
		list = NULL;
	}
	n = list ? plist_array_get_size(list) : 0;
	for (i = 0; i < n && e.st == TH_OK; i++)
		th_evplist_dict_each(plist_array_get_item(list, i), on_profile,
		                     &e);
	plist_free(root);
	th_run_log(run, TH_LOG_INFO, "%zu profile events in %s", e.n, f->name);
	return e.st == TH_ERR_NOMEM ? e.st : TH_OK;
}

static enum th_status events_run(struct th_run *run)
{
	return th_evfile_each_err(run, events_artifacts,
	                          "MCProfileEvents.plist", events_file, NULL);
}

static void events_check(struct th_run *run, const json_t *rec)
{
	int64_t t = th_rec_time(rec, "timestamp");
	char b[4][512];

	th_run_alert(run, TH_LEVEL_LOW, t, rec, NULL, NULL,
	             "on %s process '%s' started operation '%s' of profile "
	             "'%s'",
	             th_rec_show(rec, "timestamp", b[0], sizeof(b[0])),
	             th_rec_show(rec, "process", b[1], sizeof(b[1])),
	             th_rec_show(rec, "operation", b[2], sizeof(b[2])),
	             th_rec_show(rec, "profile_id", b[3], sizeof(b[3])));
	if (th_run_check(run, TH_MATCH_PROCESS, th_rec_str(rec, "process"),
	                 TH_LEVEL_CRITICAL, t, rec))
		return;
	th_run_check(run, TH_MATCH_PROFILE_ID, th_rec_str(rec, "profile_id"),
	             TH_LEVEL_CRITICAL, t, rec);
}

const struct th_module th_mod_profile_events = {
        .slug = "profile_events",
        .title = "configuration profile installs and removals",
        .sources = TH_SRC_IOS_BACKUP,
        .shape = TH_RECORDS_LIST,
        .run = events_run,
        .check = events_check,
        .artifacts = events_artifacts,
};
