/*
 * The plist readers of the system modules (configuration profiles,
 * MCProfileEvents, locationd's clients.plist, idstatuscache, addaily,
 * .GlobalPreferences, Info.plist Applications' iTunesMetadata is not
 * reached): the input becomes every one of those files in a minimal
 * backup built once in a private temporary folder, and the modules run
 * on it through the public run API. Any input must give records or a
 * message, never a crash, a hang or a leak.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>
#include <openssl/evp.h>

#include <tracehound/tracehound.h>

struct art {
	const char *domain, *path;
};

static const struct art arts[] = {
        {"SysSharedContainerDomain-systemgroup.com.apple.configurationprofiles",
         "Library/ConfigurationProfiles/profile-0123.stub"},
        {"SysSharedContainerDomain-systemgroup.com.apple.configurationprofiles",
         "Library/ConfigurationProfiles/MCProfileEvents.plist"},
        {"RootDomain", "Library/Caches/locationd/clients.plist"},
        {"HomeDomain", "Library/Preferences/"
                       "com.apple.identityservices.idstatuscache.plist"},
        {"HomeDomain",
         "Library/Preferences/com.apple.osanalytics.addaily.plist"},
        {"HomeDomain", "Library/Preferences/.GlobalPreferences.plist"},
};

#define NARTS (sizeof(arts) / sizeof(arts[0]))

static const char *const mods[] = {
        "configuration_profiles", "profile_events",        "locationd_clients",
        "id_status_cache",        "os_analytics_ad_daily", "global_preferences",
};

static char dir[64];
static char stored[NARTS][160];

static void file_id(const struct art *a, char out[41])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0, i;
	char buf[512];
	int len = snprintf(buf, sizeof(buf), "%s-%s", a->domain, a->path);

	EVP_Digest(buf, (size_t)len, md, &n, EVP_sha1(), NULL);
	for (i = 0; i < 20; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
}

static void write_file(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	if (!f)
		abort();
	if (len)
		fwrite(data, 1, len, f);
	fclose(f);
}

/* Removes the backup when the fuzzer exits. */
static void remove_backup(void)
{
	char path[256];
	size_t i;

	for (i = 0; i < NARTS; i++) {
		remove(stored[i]);
		snprintf(path, sizeof(path), "%.*s",
		         (int)(strrchr(stored[i], '/') - stored[i]), stored[i]);
		rmdir(path);
	}
	snprintf(path, sizeof(path), "%s/Info.plist", dir);
	remove(path);
	snprintf(path, sizeof(path), "%s/Manifest.db", dir);
	remove(path);
	rmdir(dir);
}

/* Info.plist, and Manifest.db with one Files row per artifact. */
static void build_backup(void)
{
	static const char info[] =
	        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><plist "
	        "version=\"1.0\"><dict><key>Product Version</key>"
	        "<string>26.1</string></dict></plist>";
	char path[256], id[41], *sql;
	sqlite3 *db;
	size_t i;

	snprintf(dir, sizeof(dir), "/tmp/th-fuzz-sys-XXXXXX");
	if (!mkdtemp(dir))
		abort();
	snprintf(path, sizeof(path), "%s/Info.plist", dir);
	write_file(path, info, sizeof(info) - 1);
	snprintf(path, sizeof(path), "%s/Manifest.db", dir);
	if (sqlite3_open(path, &db) != SQLITE_OK ||
	    sqlite3_exec(db,
	                 "CREATE TABLE Files (fileID TEXT PRIMARY KEY, domain "
	                 "TEXT, relativePath TEXT, flags INTEGER, file BLOB);"
	                 "CREATE TABLE Properties (key TEXT PRIMARY KEY, value "
	                 "BLOB);",
	                 NULL, NULL, NULL) != SQLITE_OK)
		abort();
	for (i = 0; i < NARTS; i++) {
		file_id(&arts[i], id);
		sql = sqlite3_mprintf(
		        "INSERT INTO Files VALUES (%Q, %Q, %Q, 1, "
		        "NULL)",
		        id, arts[i].domain, arts[i].path);
		sqlite3_exec(db, sql, NULL, NULL, NULL);
		sqlite3_free(sql);
		snprintf(path, sizeof(path), "%s/%.2s", dir, id);
		mkdir(path, 0700);
		snprintf(stored[i], sizeof(stored[i]), "%s/%.2s/%s", dir, id,
		         id);
	}
	sqlite3_close(db);
	atexit(remove_backup);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct th_run_options opt = {
	        .modules = mods,
	        .nmodules = sizeof(mods) / sizeof(mods[0]),
	        .jobs = 1,
	};
	struct th_run *run = NULL;
	size_t i;

	if (!dir[0])
		build_backup();
	for (i = 0; i < NARTS; i++)
		write_file(stored[i], data, size);
	opt.target = dir;
	if (th_run_new(&run, &opt) == TH_OK)
		th_run_execute(run);
	th_run_free(run);
	return 0;
}
