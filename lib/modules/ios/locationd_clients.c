/* locationd_clients: the apps and binaries that asked for the location
 * (locationd's clients.plist); client names and bundle ids are checked
 * against process indicators, paths against file paths. */
#include <stdio.h>
#include <string.h>

#include "core/jsonutil.h"
#include "core/timeconv.h"
#include "modules/ios/ios_modules.h"
#include "modules/ios/evdb.h"

static const struct th_artifact locationd_artifacts[] = {
        {.backup_domain = "RootDomain",
         .backup_path = "Library/Caches/locationd/clients.plist",
         .fs_glob = "private/var/mobile/Library/Caches/locationd/"
                    "clients.plist"},
        {.fs_glob = "private/var/root/Library/Caches/locationd/clients.plist"},
        {0},
};

static const char *const locationd_times[] = {
        "ConsumptionPeriodBegin",
        "ReceivingLocationInformationTimeStopped",
        "VisitTimeStopped",
        "LocationTimeStopped",
        "BackgroundLocationTimeStopped",
        "SignificantTimeStopped",
        "NonPersistentSignificantTimeStopped",
        "FenceTimeStopped",
        "BeaconRegionTimeStopped",
        NULL,
};

struct clients {
	struct th_run *run;
	enum th_status st;
	size_t n;
};

static void convert_times(json_t *rec)
{
	const char *const *k;
	json_t *v;

	for (k = locationd_times; *k; k++) {
		v = json_object_get(rec, *k);
		if (json_is_number(v))
			th_json_set_new(rec, *k,
			                th_json_time(th_time_from_cocoa(
			                        json_number_value(v))));
	}
}

static void locationd_events(struct th_run *run, const json_t *rec)
{
	const char *const *k;
	char desc[1024], pkg[512];

	th_rec_show(rec, "package", pkg, sizeof(pkg));
	for (k = locationd_times; *k; k++) {
		snprintf(desc, sizeof(desc), "%s from %s", *k, pkg);
		th_run_event(run, th_rec_time(rec, *k), *k, desc);
	}
}

static int on_client(void *ctx, const char *key, plist_t client)
{
	struct clients *c = ctx;
	size_t n = strlen(key);
	json_t *rec;

	/* Migration counters and the like are not clients. */
	if (plist_get_node_type(client) != PLIST_DICT)
		return 0;
	rec = th_evplist_json(c->run, client, key);
	if (!rec)
		return 0;
	while (n > 0 && key[n - 1] == ':')
		n--;
	th_rec_set(rec, "package", th_json_stringn(key, n));
	convert_times(rec);
	locationd_events(c->run, rec);
	c->n++;
	c->st = th_run_record(c->run, rec);
	return c->st != TH_OK;
}

static enum th_status locationd_file(struct th_run *run,
                                     const struct th_file *f, void *ctx,
                                     struct th_err *err)
{
	struct clients c = {.run = run, .st = TH_OK};
	plist_t root = NULL;

	enum th_status st = th_evplist_read(f, &root, err);

	(void)ctx;
	if (st != TH_OK)
		return st;
	th_evplist_dict_each(root, on_client, &c);
	plist_free(root);
	th_run_log(run, TH_LOG_INFO, "%zu location clients in %s", c.n,
	           f->name);
	return c.st == TH_ERR_NOMEM ? c.st : TH_OK;
}

static enum th_status locationd_run(struct th_run *run)
{
	return th_evfile_each_err(run, locationd_artifacts, "clients.plist",
	                          locationd_file, NULL);
}

static int check_field(struct th_run *run, const json_t *rec, const char *key,
                       enum th_match_type type)
{
	return th_run_check(run, type, th_rec_str(rec, key), TH_LEVEL_HIGH,
	                    TH_TIME_NONE, rec) != NULL;
}

static void locationd_check(struct th_run *run, const json_t *rec)
{
	const char *pkg = th_rec_str(rec, "package"), *base;

	if (pkg) {
		base = strrchr(pkg, '/');
		if (th_run_check(run, TH_MATCH_PROCESS, base ? base + 1 : pkg,
		                 TH_LEVEL_HIGH, TH_TIME_NONE, rec))
			return;
	}
	if (check_field(run, rec, "BundleId", TH_MATCH_PROCESS) ||
	    check_field(run, rec, "BundlePath", TH_MATCH_FILE_PATH) ||
	    check_field(run, rec, "Executable", TH_MATCH_FILE_PATH))
		return;
	/* Registered is sometimes a boolean: th_rec_str gives NULL then. */
	check_field(run, rec, "Registered", TH_MATCH_FILE_PATH);
}

const struct th_module th_mod_locationd_clients = {
        .slug = "locationd_clients",
        .title = "apps and binaries that used the location (locationd)",
        .sources = TH_SRC_IOS_BACKUP | TH_SRC_IOS_FS,
        .shape = TH_RECORDS_LIST,
        .run = locationd_run,
        .check = locationd_check,
        .artifacts = locationd_artifacts,
};
