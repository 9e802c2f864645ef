/*
 * A synthetic unencrypted iOS backup (shared reference/ios.md section 1):
 * the three plists, Manifest.db with the planted rows of gen_plant.c and
 * optional benign filler, and the planted rows' stored files.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gen.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/fsutil.h"

#define COCOA_EPOCH     INT64_C(978307200)
#define PRODUCT_VERSION "15.7"
#define BUILD_VERSION   "19H12"
#define PRODUCT_TYPE    "iPhone12,1"
#define DEVICE_NAME     "Demo iPhone"
#define SERIAL          "F2LZK0DEMO01"
#define DAY             INT64_C(86400)

static const char *const installed_apps[] = {
        "com.apple.mobilesafari", "com.google.chrome.ios",
        "net.whatsapp.WhatsApp",  "org.whispersystems.signal",
        "com.burbn.instagram",
};
#define NAPPS (sizeof(installed_apps) / sizeof(installed_apps[0]))

/* Filler paths: prefix <n> middle <row number> suffix. The row number
 * keeps every (domain, path) unique. */
struct filler {
	const char *domain;
	const char *prefix, *middle, *suffix;
	int64_t flags;
};

static const struct filler fillers[] = {
        {"CameraRollDomain", "Media/DCIM/", "APPLE/IMG_", ".HEIC", 1},
        {"CameraRollDomain", "Media/PhotoData/Thumbnails/V2/DCIM/",
         "APPLE/IMG_", ".HEIC/5005.JPG", 1},
        {"HomeDomain", "Library/Caches/com.apple.Maps/", "/tile-", ".dat", 1},
        {"HomeDomain", "Library/Mail/", "/Messages/", ".emlx", 1},
        {"HomeDomain", "Library/Caches/com.apple.Maps/", "/tiles-", "", 2},
        {"MediaDomain", "Media/Recordings/", "/", ".m4a", 1},
        {"AppDomain-com.google.chrome.ios", "Library/Caches/", "/", ".cache",
         1},
        {"AppDomainGroup-group.net.whatsapp.WhatsApp.shared", "Message/Media/",
         "/", ".jpg", 1},
        {"AppDomain-net.whatsapp.WhatsApp", "Documents/", "/", ".dat", 1},
        {"HealthDomain", "Health/", "/record-", ".hkd", 1},
};
#define NFILLERS (sizeof(fillers) / sizeof(fillers[0]))

/* Device identifiers vary with the seed, so two generated backups do not
 * look like the same phone. */
struct device {
	char udid[41];
	char udid_upper[41];
};

static void device_init(struct device *d, uint64_t seed)
{
	char s[32];
	size_t i;

	snprintf(s, sizeof(s), "%" PRIu64, seed);
	th_gen_file_id("tracehound-gen-device", s, d->udid);
	for (i = 0; i < sizeof(d->udid); i++)
		d->udid_upper[i] = (d->udid[i] >= 'a' && d->udid[i] <= 'f')
		                           ? (char)(d->udid[i] - 'a' + 'A')
		                           : d->udid[i];
}

static plist_t backup_date(void)
{
	return plist_new_date((int32_t)(TH_GEN_BACKUP_TIME - COCOA_EPOCH), 0);
}

static void dict_str(plist_t d, const char *key, const char *value)
{
	plist_dict_set_item(d, key, plist_new_string(value));
}

static plist_t info_plist(const struct device *d)
{
	plist_t root = plist_new_dict(), apps = plist_new_array();
	size_t i;

	dict_str(root, "Build Version", BUILD_VERSION);
	dict_str(root, "Device Name", DEVICE_NAME);
	dict_str(root, "Display Name", DEVICE_NAME);
	dict_str(root, "GUID", "3C0E6A2F9B1D4E7A8C5F2B6D1E9A7C3F");
	dict_str(root, "ICCID", "89014103211118510720");
	dict_str(root, "IMEI", "490154203237518");
	for (i = 0; i < NAPPS; i++)
		plist_array_append_item(apps,
		                        plist_new_string(installed_apps[i]));
	plist_dict_set_item(root, "Installed Applications", apps);
	plist_dict_set_item(root, "Last Backup Date", backup_date());
	dict_str(root, "Phone Number", "+1 (555) 010-0199");
	dict_str(root, "Product Name", "iPhone 11");
	dict_str(root, "Product Type", PRODUCT_TYPE);
	dict_str(root, "Product Version", PRODUCT_VERSION);
	dict_str(root, "Serial Number", SERIAL);
	dict_str(root, "Target Identifier", d->udid);
	dict_str(root, "Target Type", "Device");
	dict_str(root, "Unique Identifier", d->udid_upper);
	dict_str(root, "iTunes Version", "12.12.4");
	return root;
}

static plist_t manifest_plist(const struct device *d)
{
	plist_t root = plist_new_dict(), lock = plist_new_dict();
	plist_t apps = plist_new_dict(), app;
	size_t i;

	for (i = 0; i < NAPPS; i++) {
		app = plist_new_dict();
		dict_str(app, "CFBundleIdentifier", installed_apps[i]);
		dict_str(app, "ContainerContentClass", "Data/Application");
		plist_dict_set_item(apps, installed_apps[i], app);
	}
	plist_dict_set_item(root, "Applications", apps);
	plist_dict_set_item(root, "Date", backup_date());
	plist_dict_set_item(root, "IsEncrypted", plist_new_bool(0));
	dict_str(lock, "BuildVersion", BUILD_VERSION);
	dict_str(lock, "DeviceName", DEVICE_NAME);
	dict_str(lock, "ProductType", PRODUCT_TYPE);
	dict_str(lock, "ProductVersion", PRODUCT_VERSION);
	dict_str(lock, "SerialNumber", SERIAL);
	dict_str(lock, "UniqueDeviceID", d->udid);
	plist_dict_set_item(root, "Lockdown", lock);
	dict_str(root, "SystemDomainsVersion", "24.0");
	dict_str(root, "Version", "10.0");
	plist_dict_set_item(root, "WasPasscodeSet", plist_new_bool(1));
	return root;
}

static plist_t status_plist(void)
{
	plist_t root = plist_new_dict();

	dict_str(root, "BackupState", "new");
	plist_dict_set_item(root, "Date", backup_date());
	plist_dict_set_item(root, "IsFullBackup", plist_new_bool(0));
	dict_str(root, "SnapshotState", "finished");
	dict_str(root, "UUID", "6F1D2C3B-4A59-4E68-9D7C-8B0A1F2E3D4C");
	dict_str(root, "Version", "3.3");
	return root;
}

static enum th_status write_plist(const char *dir, const char *name,
                                  plist_t root, int xml, struct th_err *err)
{
	char *path = th_path_join(dir, name);
	enum th_status st;

	if (!path)
		st = th_err_set(err, TH_ERR_NOMEM, "out of memory");
	else
		st = th_gen_plist_write(path, root, xml, err);
	plist_free(root);
	free(path);
	return st;
}

static enum th_status write_plists(const char *dir, uint64_t seed, int infected,
                                   struct th_err *err)
{
	struct device d;
	enum th_status st;
	plist_t info;

	device_init(&d, seed);
	info = info_plist(&d);
	th_gen_info_apps(info, infected);
	st = write_plist(dir, "Info.plist", info, 1, err);
	if (st == TH_OK)
		st = write_plist(dir, "Manifest.plist", manifest_plist(&d), 0,
		                 err);
	if (st == TH_OK)
		st = write_plist(dir, "Status.plist", status_plist(), 0, err);
	return st;
}

static enum th_status add_plant(struct th_gen_manifest *m,
                                const struct th_gen_plant *p, int64_t inode,
                                struct th_err *err)
{
	struct th_gen_entry e = {
	        .domain = p->domain,
	        .relative_path = p->path,
	        .flags = p->flags,
	        .birth = p->birth,
	        .inode = inode,
	};
	struct th_buf data;
	enum th_status st;

	if (p->text)
		return th_gen_manifest_add(m, &e, p->text, strlen(p->text),
		                           err);
	if (!p->make)
		return th_gen_manifest_add(m, &e, NULL, 0, err);
	th_buf_init(&data, (size_t)1 << 30);
	st = p->make(&data, err);
	if (st == TH_OK)
		st = th_gen_manifest_add(m, &e, data.data ? data.data : "",
		                         data.len, err);
	th_buf_free(&data);
	return st;
}

static enum th_status add_plants(struct th_gen_manifest *m, int infected,
                                 struct th_err *err)
{
	unsigned want = infected ? TH_GEN_INFECTED : TH_GEN_CLEAN;
	enum th_status st = TH_OK;
	size_t i;

	for (i = 0; i < th_gen_plant_count() && st == TH_OK; i++)
		if (th_gen_plant_at(i)->when & want)
			st = add_plant(m, th_gen_plant_at(i),
			               (int64_t)(1000 + i), err);
	return st;
}

size_t th_gen_backup_nplanted(int infected)
{
	unsigned want = infected ? TH_GEN_INFECTED : TH_GEN_CLEAN;
	size_t i, n = 0;

	for (i = 0; i < th_gen_plant_count(); i++)
		if (th_gen_plant_at(i)->when & want)
			n++;
	return n;
}

/* One benign row: a path from the filler table, times within the two
 * years before the backup, a plausible size. No stored file. */
static enum th_status add_filler(struct th_gen_manifest *m, size_t i,
                                 uint64_t *rng, struct th_err *err)
{
	const struct filler *f = &fillers[th_gen_rand(rng) % NFILLERS];
	uint64_t age = th_gen_rand(rng) % (730 * DAY);
	uint64_t touched = th_gen_rand(rng) % (30 * DAY);
	struct th_gen_entry e = {.domain = f->domain, .flags = f->flags};
	char path[256];

	if (touched > age)
		touched = age;
	snprintf(path, sizeof(path), "%s%zu%s%07zu%s", f->prefix,
	         100 + (i / 1000) % 900, f->middle, i, f->suffix);
	e.relative_path = path;
	e.birth = TH_GEN_BACKUP_TIME - (int64_t)age;
	e.modified = e.birth + (int64_t)touched;
	e.inode = (int64_t)(100000 + i);
	e.size = f->flags == 1 ? (int64_t)(th_gen_rand(rng) % 4000000) : 0;
	return th_gen_manifest_add(m, &e, NULL, 0, err);
}

static enum th_status write_manifest(const struct th_gen_backup_opts *opt,
                                     struct th_gen_manifest *m,
                                     struct th_err *err)
{
	uint64_t rng = opt->seed;
	enum th_status st;
	size_t i;

	st = add_plants(m, opt->infected, err);
	for (i = 0; i < opt->rows && st == TH_OK; i++)
		st = add_filler(m, i, &rng, err);
	return st;
}

enum th_status th_gen_backup(const char *dir,
                             const struct th_gen_backup_opts *opt,
                             struct th_err *err)
{
	struct th_gen_manifest *m = NULL;
	enum th_status st;

	if (opt->rows > TH_GEN_ROWS_MAX)
		return th_err_set(err, TH_ERR_USAGE,
		                  "cannot generate %zu rows: at most %zu",
		                  opt->rows, TH_GEN_ROWS_MAX);
	st = th_mkdir_p(dir, 0, err);
	if (st == TH_OK)
		st = th_gen_manifest_open(dir, &m, err);
	if (st == TH_OK)
		st = write_plists(dir, opt->seed, opt->infected, err);
	if (st == TH_OK)
		st = write_manifest(opt, m, err);
	if (st == TH_OK) {
		st = th_gen_manifest_close(m, err);
		m = NULL;
	}
	th_gen_manifest_free(m);
	return st;
}
