/*
 * A synthetic iOS filesystem dump. Traces (must alert with the test
 * indicators: processes bh, roleaccountd, msgacntd; the Pegasus staging
 * folder; the domain free247downloads.com) and look-alikes (must not):
 *
 *   shutdown.log       staging path of bh (high + critical); 3 delays
 *                      (medium); /usr/libexec/bhd (look-alike)
 *   shutdown.0.log     msgacntd with a trailing UUID (critical + high)
 *   netusage.sqlite    bh without binary (critical + medium), a deleted
 *                      process (high), a Z_PK gap (low), roleaccountd
 *                      only in the -wal (critical); bhd and a 16-char
 *                      cut name whose binaries exist (look-alikes)
 *   WebKit folders     get1tn0w.free247downloads.com (critical each);
 *                      notfree247downloads.com (look-alike)
 *   staging folder     private/var/db/com.apple.xpc.roleaccountd.staging
 *                      (filesystem: high)
 *   msgacntd folder    private/var/tmp/msgacntd: a path component that
 *                      is a process name (filesystem: high, not --fast)
 *   Cache.db           the Pegasus URL (critical); notfree247downloads
 *   Favicons.db        a free247downloads.com page (critical); example.com
 *   keychain analytics an event naming msgacntd (critical); bhd (no);
 *                      builds 19G71 then 19H12 (analytics_ios_versions)
 *   Analytics-Journal  iOS 15.6.1 recorded (ios_version_history)
 *   escape_link        a symlink leaving the dump (refused)
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/fsutil.h"
#include "gen.h"
#include "gen_fs.h"

#define T0     TH_GEN_BACKUP_TIME
#define COCOA0 INT64_C(978307200)
#define APP                                                                    \
	"private/var/mobile/Containers/Data/Application/"                      \
	"5F1E2D3C-4B5A-6978-8796-A5B4C3D2E1F0/"
#define WEBDATA APP "Library/WebKit/WebsiteData/"
#define SVS                                                                    \
	APP "SystemData/com.apple.SafariViewService/Library/WebKit/"           \
	    "WebsiteData/"
#define STAGING "private/var/db/com.apple.xpc.roleaccountd.staging/"

static const char shutdown_log[] =
        "remaining client pid: 101 (/usr/libexec/locationd)\n"
        "remaining client pid: 102 (/usr/libexec/bhd)\n"
        "SIGTERM: [1664700000]\n"
        "After 1.02s, these clients are still here:\n"
        "remaining client pid: 203 (/" STAGING "bh)\n"
        "After 2.01s, these clients are still here:\n"
        "After 3.00s, these clients are still here:\n"
        "remaining client pid: 203 (/" STAGING "bh)\n"
        "SIGTERM: [1664780000]\n"
        "remaining client pid: 301 (/private/var/dbx/notstaged)\n";

static const char shutdown_rotated[] =
        "After 0.50s, these clients are still here:\n"
        "remaining client pid: 404 (/usr/sbin/msgacntd/"
        "8C3D7E0A-1B2C-4D5E-8F90-A1B2C3D4E5F6)\n"
        "SIGTERM: [1664600000]\n";

static const char netusage_sql[] =
        "CREATE TABLE ZPROCESS (Z_PK INTEGER PRIMARY KEY, ZFIRSTTIMESTAMP "
        "REAL, ZTIMESTAMP REAL, ZPROCNAME TEXT, ZBUNDLENAME TEXT);"
        "CREATE TABLE ZLIVEUSAGE (Z_PK INTEGER PRIMARY KEY, ZHASPROCESS "
        "INTEGER, ZTIMESTAMP REAL, ZWIFIIN REAL, ZWIFIOUT REAL, ZWWANIN "
        "REAL, ZWWANOUT REAL);"
        "INSERT INTO ZPROCESS VALUES (1, 686480000, 686480100, "
        "'com.apple.WebKit.Networking', 'com.apple.WebKit');"
        "INSERT INTO ZPROCESS VALUES (2, 686480200, 686480300, 'bh', NULL);"
        "INSERT INTO ZPROCESS VALUES (3, 686480400, 686480500, 'bhd', NULL);"
        "INSERT INTO ZPROCESS VALUES (5, 686480600, 686480700, "
        "'averylongprocess', NULL);"
        "INSERT INTO ZLIVEUSAGE VALUES (1, 1, 686480100, 10, 20, 0, 0);"
        "INSERT INTO ZLIVEUSAGE VALUES (2, 2, 686480300, 30, 40, 0, 0);"
        "INSERT INTO ZLIVEUSAGE VALUES (3, 3, 686480500, 50, 60, 0, 0);"
        "INSERT INTO ZLIVEUSAGE VALUES (4, 9, 686480550, 70, 80, 0, 0);";

/* Committed only in the -wal: a reader ignoring it misses it. */
static const char netusage_wal_sql[] =
        "INSERT INTO ZPROCESS VALUES (6, 686480800, 686480900, "
        "'roleaccountd', NULL);";

static const char cache_sql[] =
        "CREATE TABLE cfurl_cache_response (entry_ID INTEGER PRIMARY KEY, "
        "version INTEGER, hash_value INTEGER, storage_policy INTEGER, "
        "request_key TEXT UNIQUE, time_stamp TEXT, partition TEXT);"
        "INSERT INTO cfurl_cache_response VALUES (1, 0, 11, 0, "
        "'https://bun54l2b67.get1tn0w.free247downloads.com:30495/szev4hz', "
        "'2022-10-03 08:00:00', NULL);"
        "INSERT INTO cfurl_cache_response VALUES (2, 0, 12, 0, "
        "'https://notfree247downloads.com/x', '2022-10-03 08:01:00', NULL);";

static const char favicons_sql[] =
        "CREATE TABLE page_url (uuid TEXT, url TEXT);"
        "CREATE TABLE icon_info (uuid TEXT, url TEXT, timestamp REAL, "
        "width INTEGER, height INTEGER, has_generated_representations "
        "INTEGER);"
        "CREATE TABLE rejected_resources (page_url TEXT, icon_url TEXT, "
        "timestamp REAL);"
        "INSERT INTO page_url VALUES ('u1', "
        "'https://free247downloads.com/a');"
        "INSERT INTO icon_info VALUES ('u1', "
        "'https://free247downloads.com/favicon.ico', 686480000, 16, 16, 0);"
        "INSERT INTO rejected_resources VALUES ('https://www.example.com/', "
        "'https://www.example.com/favicon.ico', 686480100);";

static const char journal[] =
        "{\"timestamp\":\"2022-09-01 10:00:00.00 +0200\",\"os_version\":"
        "\"iPhone OS 15.6.1 (19G82)\"}\n{\"events\":[]}\n";

struct gfile {
	const char *path;
	const char *text;
	int64_t mtime;
};

static const struct gfile files[] = {
        {"private/var/db/diagnostics/shutdown.log", shutdown_log, T0 - 7200},
        {"private/var/db/diagnostics/shutdown.0.log", shutdown_rotated,
         T0 - 86400},
        {STAGING "bh", "\xca\xfe\xba\xbe", T0 - 90000},
        {"private/var/tmp/msgacntd/state", "", T0 - 80000},
        {"usr/libexec/bhd", "\xca\xfe\xba\xbe", T0 - 900000},
        {"usr/libexec/locationd", "\xca\xfe\xba\xbe", T0 - 900000},
        {"usr/libexec/averylongprocessname", "\xca\xfe\xba\xbe", T0 - 900000},
        {"private/var/mobile/Library/bhd/notes.txt", "look-alike", T0 - 500},
        {WEBDATA "IndexedDB/https_bun54l2b67.get1tn0w.free247downloads.com_0/"
                 "IndexedDB.sqlite3",
         "", T0 - 3600},
        {WEBDATA "IndexedDB/https_notfree247downloads.com_0/"
                 "IndexedDB.sqlite3",
         "", T0 - 3600},
        {WEBDATA "LocalStorage/https_free247downloads.com_0.localstorage", "",
         T0 - 3500},
        {WEBDATA "LocalStorage/https_www.example.com_0.localstorage", "",
         T0 - 3500},
        {SVS "https_get1tn0w.free247downloads.com_0/data", "", T0 - 3400},
        {SVS "https_www.example.org_0/data", "", T0 - 3400},
        {"private/var/db/analyticsd/Analytics-Journal-0001.ips", journal,
         T0 - 2700000},
};

/* SQLite files made from a script. */
static const struct {
	const char *path;
	const char *sql;
} dbs[] = {
        {APP "Library/Caches/com.example.app/Cache.db", cache_sql},
        {"private/var/mobile/Library/Image Cache/Favicons/Favicons.db",
         favicons_sql},
};

/* The analytics rows: Cocoa time, and the data plist's keys. */
static const struct {
	int64_t t;
	const char *process;
	const char *build;
} analytics[] = {
        {684000000, NULL, "19G71"},
        {686400000, "msgacntd", "19H12"},
        {686450000, "bhd", "19H12"},
};

static enum th_status add_analytics(struct th_gen_sink *s, struct th_err *err)
{
	struct th_buf sql, img;
	enum th_status st = TH_OK;
	char *bin = NULL;
	uint32_t len = 0, j;
	plist_t d;
	size_t i;

	th_buf_init(&sql, 1 << 20);
	th_buf_init(&img, 64 << 20);
	th_buf_adds(&sql, "CREATE TABLE all_events (timestamp REAL, data BLOB);"
	                  "CREATE TABLE soft_failures (timestamp REAL, data "
	                  "BLOB);");
	for (i = 0; i < sizeof(analytics) / sizeof(analytics[0]); i++) {
		d = plist_new_dict();
		if (analytics[i].process)
			plist_dict_set_item(
			        d, "process",
			        plist_new_string(analytics[i].process));
		plist_dict_set_item(d, "build",
		                    plist_new_string(analytics[i].build));
		plist_to_bin(d, &bin, &len);
		plist_free(d);
		th_buf_printf(&sql, "INSERT INTO %s VALUES (%lld, X'",
		              i == 2 ? "soft_failures" : "all_events",
		              (long long)analytics[i].t);
		for (j = 0; bin && j < len; j++)
			th_buf_printf(&sql, "%02x", (unsigned char)bin[j]);
		th_buf_adds(&sql, "');");
		free(bin);
		bin = NULL;
	}
	st = th_gen_sqlite_image(th_buf_str(&sql), &img, err);
	if (st == TH_OK)
		st = th_gen_sink_file(s,
		                      "private/var/Keychains/Analytics/"
		                      "ckks_analytics.db",
		                      img.data, img.len, T0 - 1000, err);
	th_buf_free(&sql);
	th_buf_free(&img);
	return st;
}

static enum th_status add_dbs(struct th_gen_sink *s, struct th_err *err)
{
	struct th_buf img;
	enum th_status st = TH_OK;
	size_t i;

	th_buf_init(&img, 64 << 20);
	for (i = 0; st == TH_OK && i < sizeof(dbs) / sizeof(dbs[0]); i++) {
		st = th_gen_sqlite_image(dbs[i].sql, &img, err);
		if (st == TH_OK)
			st = th_gen_sink_file(s, dbs[i].path, img.data, img.len,
			                      T0 - 1200, err);
	}
	th_buf_free(&img);
	return st == TH_OK ? add_analytics(s, err) : st;
}

/* An SQLite database whose last transaction is only in its -wal: the
 * files are copied while the writer still holds them. */
static enum th_status wal_db(const char *base_sql, const char *wal_sql,
                             struct th_buf *db, struct th_buf *wal,
                             struct th_err *err)
{
	struct th_tmpdir tmp = {0};
	char *path = NULL, *walp = NULL, *data = NULL;
	sqlite3 *h = NULL;
	size_t len;
	enum th_status st = th_tmpdir_new(&tmp, err);

	if (st != TH_OK)
		return st;
	path = th_path_join(tmp.path, "n.sqlite");
	walp = th_path_join(tmp.path, "n.sqlite-wal");
	if (!path || !walp || sqlite3_open(path, &h) != SQLITE_OK ||
	    sqlite3_exec(h, "PRAGMA journal_mode=WAL;", 0, 0, 0) ||
	    sqlite3_exec(h, base_sql, 0, 0, 0) ||
	    sqlite3_exec(h,
	                 "PRAGMA wal_checkpoint(TRUNCATE);"
	                 "PRAGMA wal_autocheckpoint=0;",
	                 0, 0, 0) ||
	    sqlite3_exec(h, wal_sql, 0, 0, 0)) {
		st = th_err_set(err, TH_ERR_INTERNAL, "cannot build a WAL db");
		goto out;
	}
	st = th_read_file(path, 64 << 20, &data, &len, err);
	if (st == TH_OK)
		st = th_buf_add(db, data, len);
	free(data);
	data = NULL;
	if (st == TH_OK)
		st = th_read_file(walp, 64 << 20, &data, &len, err);
	if (st == TH_OK)
		st = th_buf_add(wal, data, len);
out:
	free(data);
	sqlite3_close(h);
	free(path);
	free(walp);
	th_tmpdir_free(&tmp);
	return st;
}

static enum th_status add_netusage(struct th_gen_sink *s, struct th_err *err)
{
	struct th_buf db, wal;
	enum th_status st;

	th_buf_init(&db, 64 << 20);
	th_buf_init(&wal, 64 << 20);
	st = wal_db(netusage_sql, netusage_wal_sql, &db, &wal, err);
	if (st == TH_OK)
		st = th_gen_sink_file(s, "private/var/networkd/netusage.sqlite",
		                      db.data, db.len, T0 - 600, err);
	if (st == TH_OK)
		st = th_gen_sink_file(
		        s, "private/var/networkd/netusage.sqlite-wal", wal.data,
		        wal.len, T0 - 600, err);
	th_buf_free(&db);
	th_buf_free(&wal);
	return st;
}

static enum th_status add_hostile(struct th_gen_sink *s, struct th_err *err)
{
	enum th_status st;

	st = th_gen_sink_link(s, "private/var/mobile/escape_link",
	                      "../../../../../../../../etc/passwd", err);
	if (st == TH_OK)
		st = th_gen_sink_link(s,
		                      "private/var/mobile/Library/inside_link",
		                      "bhd/notes.txt", err);
	if (st == TH_OK)
		st = th_gen_sink_raw(s, "../../escape", "escaped\n", err);
	if (st == TH_OK)
		st = th_gen_sink_raw(s, "/tmp/th_gen_absolute_escape",
		                     "escaped\n", err);
	return st;
}

static enum th_status add_filler(struct th_gen_sink *s, size_t n, uint64_t seed,
                                 struct th_err *err)
{
	char path[128], body[64];
	uint64_t r = seed;
	enum th_status st = TH_OK;
	size_t i;

	for (i = 0; i < n && st == TH_OK; i++) {
		uint64_t v = th_gen_rand(&r);

		snprintf(path, sizeof(path),
		         "private/var/mobile/Library/Caches/filler/%02u/%03u/"
		         "f%zu.dat",
		         (unsigned)(v % 64), (unsigned)((v >> 8) % 512), i);
		snprintf(body, sizeof(body), "%016llx\n",
		         (unsigned long long)v);
		st = th_gen_sink_file(s, path, body, strlen(body),
		                      T0 - (int64_t)(v % 10000000), err);
	}
	return st;
}

enum th_status th_gen_fs(const char *path, const struct th_gen_fs_opts *opt,
                         struct th_err *err)
{
	struct th_gen_sink *s = NULL;
	enum th_status st;
	size_t i;

	st = th_gen_sink_open(path, &s, err);
	if (st == TH_OK)
		th_gen_sink_prefix(s, opt->prefix);
	for (i = 0; st == TH_OK && i < sizeof(files) / sizeof(files[0]); i++)
		st = th_gen_sink_file(s, files[i].path, files[i].text,
		                      strlen(files[i].text), files[i].mtime,
		                      err);
	if (st == TH_OK)
		st = add_netusage(s, err);
	if (st == TH_OK)
		st = add_dbs(s, err);
	if (st == TH_OK && opt->hostile)
		st = add_hostile(s, err);
	if (st == TH_OK && opt->files)
		st = add_filler(s, opt->files, opt->seed, err);
	if (st != TH_OK) {
		th_gen_sink_close(s, NULL);
		return st;
	}
	return th_gen_sink_close(s, err);
}
