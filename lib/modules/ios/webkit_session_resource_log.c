/* webkit_session_resource_log: Safari's full browsing session resource
 * log (a plist of browsingStatistics), one object keyed by file as MVT
 * writes it; a redirect chain touching an indicator domain is high. */
#include <stdio.h>
#include <string.h>

#include "core/jsonutil.h"
#include "formats/plist_util.h"
#include "modules/ios/evdb.h"
#include "modules/ios/ios_modules.h"

#define LOG_NAME    "full_browsing_session_resourceLog.plist"
#define APPS        "private/var/mobile/Containers/Data/Application/*/"
#define ENTRIES_MAX 1000000

static const struct th_artifact artifacts[] = {
        {.backup_domain = "AppDomain-com.apple.mobilesafari",
         .backup_path =
                 "Library/WebKit/WebsiteData/ResourceLoadStatistics/" LOG_NAME,
         .fs_glob = APPS "Library/WebKit/WebsiteData/"
                         "ResourceLoadStatistics/" LOG_NAME},
        {.fs_glob = APPS "SystemData/com.apple.SafariViewService/Library/"
                         "WebKit/WebsiteData/" LOG_NAME},
        {.fs_glob = "private/var/mobile/Library/WebClips/*/Storage/" LOG_NAME},
        {0},
};

/* MVT's record keys and the plist keys they come from; the first five
 * default to "" as MVT's do, the others to null. */
static const char *const keys[][2] = {
        {"origin", "PrevalentResourceOrigin"},
        {"redirect_source", "topFrameUniqueRedirectsFrom"},
        {"redirect_destination", "topFrameUniqueRedirectsTo"},
        {"subframe_under_origin", "subframeUnderTopFrameOrigins"},
        {"subresource_under_origin", "subresourceUnderTopFrameOrigins"},
        {"user_interaction", "hadUserInteraction"},
        {"most_recent_interaction", "mostRecentUserInteraction"},
        {"last_seen", "lastSeen"},
};

#define NKEYS (sizeof(keys) / sizeof(keys[0]))

static json_t *entry_json(plist_t item)
{
	struct th_err err = {0};
	json_t *rec = json_object(), *v;
	plist_t node;
	size_t i;

	for (i = 0; rec && i < NKEYS; i++) {
		node = plist_dict_get_item(item, keys[i][1]);
		v = NULL;
		if (node && th_plist_to_json(node, 16, &v, &err) != TH_OK)
			v = NULL;
		if (!v)
			v = i < 5 ? json_string("") : json_null();
		th_json_set_new(rec, keys[i][0], v);
	}
	return rec;
}

static enum th_status read_log(struct th_run *run, const struct th_file *file,
                               void *arg)
{
	json_t *all = arg, *list = json_array();
	struct th_err err = {0};
	enum th_status st;
	plist_t root = NULL, stats, item;
	uint32_t i, n;

	if (!list)
		return TH_ERR_NOMEM;
	st = th_plist_read_file(file->local_path, &root, &err);
	if (st != TH_OK) {
		th_run_warn(run, st, "%s: %s", file->name, err.msg);
		json_decref(list);
		return st == TH_ERR_NOMEM ? st : TH_ERR_FORMAT;
	}
	stats = plist_dict_get_item(root, "browsingStatistics");
	n = plist_get_node_type(stats) == PLIST_ARRAY
	            ? plist_array_get_size(stats)
	            : 0;
	if (!stats)
		th_run_log(run, TH_LOG_DEBUG, "%s: no browsingStatistics",
		           file->name);
	for (i = 0; i < n && i < ENTRIES_MAX; i++) {
		item = plist_array_get_item(stats, i);
		if (plist_get_node_type(item) == PLIST_DICT)
			th_json_append_new(list, entry_json(item));
	}
	plist_free(root);
	th_json_set_new(all, file->name, list);
	return TH_OK;
}

static enum th_status session_log_run(struct th_run *run)
{
	json_t *all = json_object();
	enum th_status st;

	if (!all)
		return TH_ERR_NOMEM;
	st = th_evfile_each(run, artifacts, LOG_NAME, read_log, all);
	if (st == TH_OK)
		return th_run_record(run, all);
	json_decref(all);
	return st;
}

/* The origins of a redirect list: strings, or dicts with "origin" or
 * "domain" (the shapes WebKit versions and MVT's records use). */
static void add_domains(json_t *out, const json_t *list)
{
	const json_t *v;
	size_t i;

	if (json_is_string(list)) {
		if (*json_string_value(list))
			json_array_append(out, (json_t *)list);
		return;
	}
	json_array_foreach(list, i, v)
	{
		if (json_is_string(v))
			json_array_append(out, (json_t *)v);
		else if (json_is_object(v)) {
			add_domains(out, json_object_get(v, "origin"));
			add_domains(out, json_object_get(v, "domain"));
		}
	}
}

static void check_entry(struct th_run *run, const json_t *entry)
{
	json_t *domains = json_array();
	int64_t t = th_rec_time(entry, "last_seen");
	const json_t *d;
	size_t i;

	add_domains(domains, json_object_get(entry, "origin"));
	add_domains(domains, json_object_get(entry, "redirect_source"));
	add_domains(domains, json_object_get(entry, "redirect_destination"));
	json_array_foreach(domains, i, d)
	{
		if (th_run_check(run, TH_MATCH_DOMAIN, json_string_value(d),
		                 TH_LEVEL_HIGH, t, entry))
			break;
	}
	json_decref(domains);
}

static void session_log_check(struct th_run *run, const json_t *rec)
{
	const json_t *entries, *entry;
	const char *key;
	size_t i;

	if (!th_run_iocs(run))
		return;
	json_object_foreach((json_t *)rec, key, entries)
	{
		json_array_foreach(entries, i, entry)
		{
			if (json_is_object(entry))
				check_entry(run, entry);
		}
	}
}

const struct th_module th_mod_webkit_session_resource_log = {
        .slug = "webkit_session_resource_log",
        .title = "Safari's browsing session resource log",
        .sources = TH_SRC_IOS_BACKUP | TH_SRC_IOS_FS,
        .shape = TH_RECORDS_OBJECT,
        .run = session_log_run,
        .check = session_log_check,
        .artifacts = artifacts,
};
