/* os_analytics_ad_daily: network use per process from the daily
 * analytics preferences (netUsageBaseline {process: [date, wifi in,
 * wifi out, wwan in, wwan out]}); processes are checked against
 * indicators. The key is missing on many devices: no data. */
#include <stdio.h>

#include "formats/plist_util.h"
#include "modules/ios/ios_modules.h"
#include "modules/ios/evdb.h"

static const struct th_artifact addaily_artifacts[] = {
        {.backup_domain = "HomeDomain",
         .backup_path =
                 "Library/Preferences/com.apple.osanalytics.addaily.plist",
         .fs_glob = "private/var/mobile/Library/Preferences/"
                    "com.apple.osanalytics.addaily.plist"},
        {0},
};

static const char *const usage_keys[] = {"wifi_in", "wifi_out", "wwan_in",
                                         "wwan_out"};

struct addaily {
	struct th_run *run;
	enum th_status st;
	size_t n;
};

static json_t *usage_value(plist_t arr, uint32_t i)
{
	plist_t v = plist_array_get_item(arr, i);
	double d;
	int ok;

	d = th_evplist_num(v, &ok);
	if (!ok)
		return json_null();
	if (plist_get_node_type(v) == PLIST_UINT)
		return json_integer((json_int_t)d);
	return json_real(d);
}

static void addaily_events(struct th_run *run, const json_t *rec)
{
	char desc[1024], b[5][256];

	snprintf(desc, sizeof(desc),
	         "%s WIFI IN: %s, WIFI OUT: %s - WWAN IN: %s, WWAN OUT: %s",
	         th_rec_show(rec, "package", b[0], sizeof(b[0])),
	         th_rec_show(rec, "wifi_in", b[1], sizeof(b[1])),
	         th_rec_show(rec, "wifi_out", b[2], sizeof(b[2])),
	         th_rec_show(rec, "wwan_in", b[3], sizeof(b[3])),
	         th_rec_show(rec, "wwan_out", b[4], sizeof(b[4])));
	th_run_event(run, th_rec_time(rec, "ts"), "osanalytics_addaily", desc);
}

static int on_process(void *ctx, const char *name, plist_t values)
{
	struct addaily *a = ctx;
	json_t *rec;
	uint32_t i;

	if (plist_get_node_type(values) != PLIST_ARRAY)
		return 0;
	rec = json_object();
	if (!rec) {
		a->st = TH_ERR_NOMEM;
		return 1;
	}
	th_rec_set(rec, "package", json_string(name));
	th_rec_set(rec, "ts",
	           th_json_time(th_plist_date_time(
	                   plist_array_get_item(values, 0))));
	for (i = 0; i < 4; i++)
		th_rec_set(rec, usage_keys[i], usage_value(values, i + 1));
	addaily_events(a->run, rec);
	a->n++;
	a->st = th_run_record(a->run, rec);
	return a->st != TH_OK;
}

static void addaily_check(struct th_run *run, const json_t *rec)
{
	th_run_check(run, TH_MATCH_PROCESS, th_rec_str(rec, "package"),
	             TH_LEVEL_CRITICAL, th_rec_time(rec, "ts"), rec);
}

static enum th_status addaily_file(struct th_run *run, const struct th_file *f,
                                   void *ctx, struct th_err *err)
{
	struct addaily a = {.run = run, .st = TH_OK};
	plist_t root = NULL, base;

	enum th_status st = th_evplist_read(f, &root, err);

	(void)ctx;
	if (st != TH_OK)
		return st;
	base = plist_get_node_type(root) == PLIST_DICT
	               ? plist_dict_get_item(root, "netUsageBaseline")
	               : NULL;
	if (!base)
		th_run_log(run, TH_LOG_DEBUG,
		           "%s: no netUsageBaseline: no data", f->name);
	th_evplist_dict_each(base, on_process, &a);
	plist_free(root);
	th_run_log(run, TH_LOG_INFO, "%zu processes in %s", a.n, f->name);
	return a.st == TH_ERR_NOMEM ? a.st : TH_OK;
}

static enum th_status addaily_run(struct th_run *run)
{
	return th_evfile_each_err(run, addaily_artifacts,
	                          "com.apple.osanalytics.addaily.plist",
	                          addaily_file, NULL);
}

const struct th_module th_mod_os_analytics_ad_daily = {
        .slug = "os_analytics_ad_daily",
        .title = "network use per process from daily analytics",
        .sources = TH_SRC_IOS_BACKUP | TH_SRC_IOS_FS,
        .shape = TH_RECORDS_LIST,
        .run = addaily_run,
        .check = addaily_check,
        .artifacts = addaily_artifacts,
};
