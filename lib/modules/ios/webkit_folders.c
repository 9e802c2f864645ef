/* webkit_indexeddb, webkit_local_storage, webkit_safari_view_service:
 * WebKit names a site's storage folder after its origin
 * ("https_host_0"), and the folder outlives the browsing history. The
 * names come from the dump's index: no file is read. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/jsonutil.h"
#include "modules/ios/fsmod.h"
#include "modules/ios/ios_modules.h"

#define APP_ROOT "private/var/mobile/Containers/Data/Application/*"
#define URL_MAX  1024

struct webkit_kind {
	const char *glob;   /* what the folder holding the sites matches */
	const char *marker; /* the end of that folder's path */
	const char *event;
	const char *what;
};

static const struct webkit_kind indexeddb = {
        APP_ROOT "/Library/WebKit/WebsiteData/IndexedDB",
        "/Library/WebKit/WebsiteData/IndexedDB/", "webkit_indexeddb",
        "IndexedDB"};
static const struct webkit_kind local_storage = {
        APP_ROOT "/Library/WebKit/WebsiteData/LocalStorage",
        "/Library/WebKit/WebsiteData/LocalStorage/", "webkit_local_storage",
        "LocalStorage"};
static const struct webkit_kind safari_view = {
        APP_ROOT "/SystemData/com.apple.SafariViewService/Library/WebKit/"
                 "WebsiteData",
        "/SystemData/com.apple.SafariViewService/Library/WebKit/"
        "WebsiteData/",
        "webkit_safari_view_service", "SafariViewService WebsiteData"};

/* "https_host_0" -> "https://host"; 0 when the name is not an origin. */
static int origin_url(const char *name, size_t len, char *url, size_t cap)
{
	const char *scheme = NULL, *host;
	size_t hl;

	if (len > 6 && !strncmp(name, "https_", 6))
		scheme = "https://";
	else if (len > 5 && !strncmp(name, "http_", 5))
		scheme = "http://";
	if (!scheme)
		return 0;
	host = name + strlen(scheme) - 2;
	hl = strcspn(host, "_/");
	if (hl > (size_t)(name + len - host))
		hl = (size_t)(name + len - host);
	if (hl == 0 || strlen(scheme) + hl + 1 > cap)
		return 0;
	snprintf(url, cap, "%s%.*s", scheme, (int)hl, host);
	return 1;
}

/* For an entry under a site folder: the folder holding the sites, the
 * site folder's name and its length. */
static const char *site_of(const struct webkit_kind *k, const char *path,
                           size_t *folder_len, size_t *name_len)
{
	const char *m = strstr(path, k->marker), *name;

	if (!m)
		return NULL;
	*folder_len = (size_t)(m - path) + strlen(k->marker) - 1;
	name = path + *folder_len + 1;
	*name_len = strcspn(name, "/");
	return name;
}

static enum th_status emit(struct th_run *run, const struct webkit_kind *k,
                           const char *folder, const char *url, int64_t t)
{
	char desc[URL_MAX + 4200];
	json_t *rec = json_object();

	if (!rec)
		return TH_ERR_NOMEM;
	th_fsmod_set_str(rec, "folder", folder);
	th_fsmod_set_str(rec, "url", url);
	th_json_set_new(rec, "isodate", th_json_time(t));
	snprintf(desc, sizeof(desc), "%s folder %s containing file for URL %s",
	         k->what, folder, url);
	th_run_event(run, t, k->event, desc);
	return th_run_record(run, rec);
}

/* One site entry; `seen` keeps each (folder, url) once, since archives
 * list files inside the site folder without the folder itself. */
static enum th_status visit(struct th_run *run, const struct webkit_kind *k,
                            const struct th_tree *t, size_t i, json_t *seen)
{
	const char *path = th_tree_path(t, i), *name;
	char url[URL_MAX], key[URL_MAX + 4200], folder[4096];
	size_t flen, nlen;

	name = site_of(k, path, &flen, &nlen);
	if (!name || flen >= sizeof(folder) ||
	    !origin_url(name, nlen, url, sizeof(url)))
		return TH_OK;
	memcpy(folder, path, flen);
	folder[flen] = '\0';
	if (!th_tree_glob_match(k->glob, folder))
		return TH_OK;
	snprintf(key, sizeof(key), "%s\n%s", folder, url);
	if (json_object_get(seen, key))
		return TH_OK;
	th_json_set_new(seen, key, json_true());
	return emit(run, k, folder, url, t->e[i].mtime);
}

static enum th_status run_kind(struct th_run *run, const struct webkit_kind *k)
{
	struct th_tree *t = th_fsmod_tree(run);
	enum th_status st = TH_OK;
	json_t *seen;
	size_t i;

	if (!t)
		return th_run_fail(run, TH_ERR_NOTFOUND,
		                   "not a filesystem dump");
	seen = json_object();
	if (!seen)
		return TH_ERR_NOMEM;
	for (i = 0; i < t->n && st == TH_OK; i++)
		st = visit(run, k, t, i, seen);
	if (st == TH_OK && json_object_size(seen) == 0)
		st = th_run_fail(run, TH_ERR_NOTFOUND, "no WebKit %s folders",
		                 k->what);
	json_decref(seen);
	return st;
}

static void check_webkit(struct th_run *run, const json_t *rec)
{
	const char *iso = th_rec_str(rec, "isodate");

	th_run_check(run, TH_MATCH_URL, th_rec_str(rec, "url"),
	             TH_LEVEL_CRITICAL,
	             iso ? th_fsmod_parse_time(iso) : TH_TIME_NONE, rec);
}

static enum th_status run_indexeddb(struct th_run *run)
{
	return run_kind(run, &indexeddb);
}

static enum th_status run_local_storage(struct th_run *run)
{
	return run_kind(run, &local_storage);
}

static enum th_status run_safari_view(struct th_run *run)
{
	return run_kind(run, &safari_view);
}

const struct th_module th_mod_webkit_indexeddb = {
        .slug = "webkit_indexeddb",
        .title = "sites with WebKit IndexedDB storage (folder names)",
        .sources = TH_SRC_IOS_FS,
        .shape = TH_RECORDS_LIST,
        .run = run_indexeddb,
        .check = check_webkit,
};

const struct th_module th_mod_webkit_local_storage = {
        .slug = "webkit_local_storage",
        .title = "sites with WebKit LocalStorage (file names)",
        .sources = TH_SRC_IOS_FS,
        .shape = TH_RECORDS_LIST,
        .run = run_local_storage,
        .check = check_webkit,
};

const struct th_module th_mod_webkit_safari_view_service = {
        .slug = "webkit_safari_view_service",
        .title = "sites seen in SafariViewService WebsiteData",
        .sources = TH_SRC_IOS_FS,
        .shape = TH_RECORDS_LIST,
        .run = run_safari_view,
        .check = check_webkit,
};
