/* applications: installed apps, from Info.plist's Applications (backups)
 * or each app's iTunesMetadata.plist (file-system dumps). Bundle ids are
 * checked against app and process indicators; an app whose sourceApp is
 * neither the App Store nor MDM was sideloaded (medium). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/evp.h>

#include "core/fsutil.h"
#include "core/limits.h"
#include "core/jsonutil.h"
#include "core/timeconv.h"
#include "formats/plist_util.h"
#include "modules/ios/ios_modules.h"
#include "modules/ios/evdb.h"
#include "sources/ios_backup.h"

static const struct th_artifact apps_artifacts[] = {
        {.fs_glob = "private/var/containers/Bundle/Application/*/"
                    "iTunesMetadata.plist"},
        {0},
};

static const char *const known_installers[] = {
        "com.apple.AppStore",
        "com.apple.AppStore.ProductPageExtension",
        "com.apple.dmd",
        "dmd",
        NULL,
};

/* purchaseDate is "YYYY-MM-DDTHH:MM:SSZ" (UTC). */
static void set_isodate(json_t *rec)
{
	const json_t *info =
	        json_object_get(rec, "com.apple.iTunesStore.downloadInfo");
	const char *s = th_rec_str(info, "purchaseDate");
	char buf[TH_TIME_STR_MAX];
	size_t n;
	int64_t t;

	if (!s || (n = strlen(s)) < 19 || n >= sizeof(buf) || s[10] != 'T')
		return;
	memcpy(buf, s, n + 1);
	buf[10] = ' ';
	if (buf[n - 1] == 'Z')
		buf[n - 1] = '\0';
	t = th_time_parse(buf);
	if (t != TH_TIME_NONE)
		th_json_set_new(rec, "isodate", th_json_time(t));
}

/* MVT writes an absent field as "" here (record.get(key, "")). */
static const char *field(const json_t *rec, const char *key, char *buf,
                         size_t size)
{
	if (!json_object_get(rec, key))
		return "";
	return th_rec_show(rec, key, buf, size);
}

static void app_event(struct th_run *run, const json_t *rec)
{
	char desc[2048], b[4][256];

	snprintf(desc, sizeof(desc),
	         "App %s version %s from %s installed from %s",
	         field(rec, "name", b[0], sizeof(b[0])),
	         field(rec, "bundleShortVersionString", b[1], sizeof(b[1])),
	         field(rec, "artistName", b[2], sizeof(b[2])),
	         field(rec, "sourceApp", b[3], sizeof(b[3])));
	th_run_event(run, th_rec_time(rec, "isodate"), "app_installed", desc);
}

static json_t *sha256_hex(const uint8_t *p, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char md[EVP_MAX_MD_SIZE];
	char out[2 * EVP_MAX_MD_SIZE + 1];
	unsigned int len = 0, i;

	if (!EVP_Digest(p, n, md, &len, EVP_sha256(), NULL))
		return NULL;
	for (i = 0; i < len; i++) {
		out[2 * i] = hex[md[i] >> 4];
		out[2 * i + 1] = hex[md[i] & 15];
	}
	out[2 * len] = '\0';
	return json_string(out);
}

/* The metadata plist's keys merged into `rec` (a bad one is logged). */
static void merge_metadata(struct th_run *run, json_t *rec, const uint8_t *p,
                           size_t n, const char *what)
{
	struct th_err err = {0};
	enum th_status st;
	plist_t meta = NULL;
	json_t *j;

	if (!p) {
		th_run_log(run, TH_LOG_DEBUG, "%s: no iTunesMetadata", what);
		return;
	}
	st = th_plist_parse(p, n, NULL, &meta, &err);
	if (st != TH_OK) {
		th_run_warn(run, st, "%s: bad iTunesMetadata: %s", what,
		            err.msg);
		return;
	}
	j = th_evplist_json(run, meta, what);
	if (json_is_object(j) && json_object_update(rec, j) != 0)
		th_json_nomem_note();
	json_decref(j);
	plist_free(meta);
}

struct apps {
	struct th_run *run;
	enum th_status st;
	size_t n;
};

static int on_app(void *ctx, const char *bundle, plist_t app)
{
	struct apps *a = ctx;
	const uint8_t *p;
	size_t n = 0;
	json_t *rec = json_object();

	if (!rec) {
		a->st = TH_ERR_NOMEM;
		return 1;
	}
	th_rec_set(rec, "name", th_json_string(bundle));
	p = th_plist_dict_data(app, "iTunesMetadata", &n);
	merge_metadata(a->run, rec, p, n, bundle);
	set_isodate(rec);
	p = th_plist_dict_data(app, "PlaceholderIcon", &n);
	if (p)
		th_rec_set(rec, "icon_sha256", sha256_hex(p, n));
	app_event(a->run, rec);
	a->n++;
	a->st = th_run_record(a->run, rec);
	return a->st != TH_OK;
}

static enum th_status apps_backup(struct th_run *run, struct th_backup *b)
{
	struct apps a = {.run = run, .st = TH_OK};
	plist_t info = th_backup_info_plist(b), apps;

	if (!info)
		return th_run_fail(run, TH_ERR_NOTFOUND, "%s",
		                   th_backup_info_error(b)
		                           ? th_backup_info_error(b)
		                           : "the backup has no Info.plist");
	apps = plist_dict_get_item(info, "Applications");
	if (plist_get_node_type(apps) != PLIST_DICT)
		th_run_log(run, TH_LOG_DEBUG, "%s",
		           "Info.plist has no Applications: no data");
	th_evplist_dict_each(apps, on_app, &a);
	th_run_log(run, TH_LOG_INFO, "%zu applications in Info.plist", a.n);
	return a.st;
}

static enum th_status metadata_file(struct th_run *run, const struct th_file *f,
                                    void *ctx, struct th_err *err)
{
	size_t len = 0;
	char *data = NULL;
	json_t *rec;

	(void)ctx;
	/* th_read_artifact names the file in its message. */
	if (th_read_artifact(f->local_path, f->name,
	                     th_run_artifact_max(run, (uint64_t)64 << 20),
	                     &data, &len, err) != TH_OK)
		return err->status;
	rec = json_object();
	if (rec)
		merge_metadata(run, rec, (const uint8_t *)data, len, f->name);
	free(data);
	if (!rec)
		return TH_ERR_NOMEM;
	/* MVT keeps an app whose metadata it cannot parse: so do we. */
	th_rec_set(rec, "file_path", th_json_string(f->name));
	set_isodate(rec);
	app_event(run, rec);
	return th_run_record(run, rec) == TH_ERR_NOMEM ? TH_ERR_NOMEM : TH_OK;
}

static enum th_status apps_run(struct th_run *run)
{
	struct th_backup *b = th_backup_of(th_run_source(run));

	if (b)
		return apps_backup(run, b);
	return th_evfile_each_err(run, apps_artifacts, "iTunesMetadata.plist",
	                          metadata_file, NULL);
}

static void apps_check(struct th_run *run, const json_t *rec)
{
	const char *id = th_rec_str(rec, "softwareVersionBundleId");
	const char *src = th_rec_str(rec, "sourceApp");
	size_t i;

	if (th_run_iocs(run) && !id) {
		th_run_alert(run, TH_LEVEL_HIGH, TH_TIME_NONE, rec, NULL, NULL,
		             "%s",
		             "application without softwareVersionBundleId");
		return;
	}
	if (th_run_check(run, TH_MATCH_APP_ID, id, TH_LEVEL_CRITICAL,
	                 TH_TIME_NONE, rec) ||
	    th_run_check(run, TH_MATCH_PROCESS, id, TH_LEVEL_CRITICAL,
	                 TH_TIME_NONE, rec))
		return;
	/* No sourceApp: installed by the App Store, as MVT assumes. */
	if (!src)
		return;
	for (i = 0; known_installers[i]; i++)
		if (strcmp(src, known_installers[i]) == 0)
			return;
	th_run_alert(run, TH_LEVEL_MEDIUM, th_rec_time(rec, "isodate"), rec,
	             NULL, src,
	             "app '%s' was not installed from the App Store or MDM "
	             "(sourceApp '%s'): sideloaded",
	             id ? id : "?", src);
}

const struct th_module th_mod_applications = {
        .slug = "applications",
        .title = "installed apps and where they came from",
        .sources = TH_SRC_IOS_BACKUP | TH_SRC_IOS_FS,
        .shape = TH_RECORDS_LIST,
        .run = apps_run,
        .check = apps_check,
        .artifacts = apps_artifacts,
};
