/* backup_info: the device facts of a backup's Info.plist (as MVT keeps
 * them), and a warning when the iOS version is out of date. */
#include <stdlib.h>
#include <string.h>

#include "core/jsonutil.h"
#include "core/fsutil.h"
#include "formats/plist_util.h"
#include "modules/ios/ios_modules.h"
#include "sources/ios_backup.h"

/*
 * The newest iOS major version we know of, and its latest release at the
 * time of writing (2026-11). MUST be updated when Apple ships a new major
 * version, or old devices stop being flagged.
 */
#define IOS_LATEST_MAJOR   26
#define IOS_LATEST_RELEASE "26.1"

/* The Info.plist keys MVT's BackupInfo keeps, in its order. */
static const char *const info_keys[] = {
        "Build Version",
        "Device Name",
        "Display Name",
        "GUID",
        "ICCID",
        "IMEI",
        "MEID",
        "Installed Applications",
        "Last Backup Date",
        "Phone Number",
        "Product Name",
        "Product Type",
        "Product Version",
        "Serial Number",
        "Target Identifier",
        "Target Type",
        "Unique Identifier",
        "iTunes Version",
};

#define NKEYS (sizeof(info_keys) / sizeof(info_keys[0]))

static enum th_status build_record(struct th_run *run, plist_t info,
                                   json_t **out)
{
	struct th_err e = {0};
	json_t *rec = json_object(), *v;
	enum th_status st;
	plist_t node;
	size_t i;

	*out = NULL;
	if (!rec)
		return TH_ERR_NOMEM;
	for (i = 0; i < NKEYS; i++) {
		node = plist_dict_get_item(info, info_keys[i]);
		if (!node)
			continue;
		st = th_plist_to_json(node, 0, &v, &e);
		if (st != TH_OK) {
			th_run_warn(run, st, "Info.plist '%s': %s",
			            info_keys[i], e.msg);
			continue;
		}
		th_json_set_new(rec, info_keys[i], v);
	}
	*out = rec;
	return TH_OK;
}

/* Logs the string facts, one line each, as MVT does. */
static void log_facts(struct th_run *run, const json_t *rec)
{
	const json_t *apps = json_object_get(rec, "Installed Applications");
	size_t i;
	const char *s;

	for (i = 0; i < NKEYS; i++) {
		s = json_string_value(json_object_get(rec, info_keys[i]));
		if (s)
			th_run_log(run, TH_LOG_INFO, "%s: %s", info_keys[i], s);
	}
	if (json_is_array(apps))
		th_run_log(run, TH_LOG_INFO, "Installed Applications: %zu",
		           json_array_size(apps));
}

/* The major version of "14.3" or "14", or -1. */
static long major_of(const char *version)
{
	char *end = NULL;
	long major;

	if (!version || !*version)
		return -1;
	major = strtol(version, &end, 10);
	if (end == version || (*end && *end != '.') || major < 1 ||
	    major > 1000)
		return -1;
	return major;
}

/* Works on the record alone, so check-iocs can re-run it on a
 * backup_info.json written by us or by MVT. */
static void backup_info_check(struct th_run *run, const json_t *rec)
{
	const char *version;
	long major;

	version = json_string_value(json_object_get(rec, "Product Version"));
	major = major_of(version);
	if (major < 0) {
		th_run_log(run, TH_LOG_WARN, "%s",
		           "cannot tell the iOS version from Info.plist");
		return;
	}
	if (major >= IOS_LATEST_MAJOR)
		return;
	th_run_alert(run, TH_LEVEL_LOW, TH_TIME_NONE, rec, NULL, version,
	             "iOS %s is out of date (the newest is iOS %s): an old "
	             "version lacks the fixes for exploits spyware uses",
	             version, IOS_LATEST_RELEASE);
}

/* Why there is no Info.plist to read: absent, or unreadable. */
static enum th_status no_info(struct th_run *run, struct th_backup *b)
{
	const char *why = th_backup_info_error(b);
	char *p = th_path_join(th_backup_dir(b), "Info.plist");
	int exists = p && th_is_file(p);

	free(p);
	return th_run_fail(run, exists ? TH_ERR_FORMAT : TH_ERR_NOTFOUND, "%s",
	                   why ? why : "the backup has no Info.plist");
}

static enum th_status backup_info_run(struct th_run *run)
{
	struct th_backup *b = th_backup_of(th_run_source(run));
	enum th_status st;
	json_t *rec = NULL;
	plist_t info;

	if (!b)
		return TH_ERR_NOTFOUND;
	info = th_backup_info_plist(b);
	if (!info)
		return no_info(run, b);
	st = build_record(run, info, &rec);
	if (st != TH_OK)
		return st;
	log_facts(run, rec);
	return th_run_record(run, rec);
}

const struct th_module th_mod_backup_info = {
        .slug = "backup_info",
        .title = "device facts from the backup's Info.plist",
        .sources = TH_SRC_IOS_BACKUP,
        .shape = TH_RECORDS_OBJECT,
        .run = backup_info_run,
        .check = backup_info_check,
};
