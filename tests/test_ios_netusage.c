/* datausage and os_analytics_ad_daily (issue 3 part B) through the
 * public run API: exact counts on the MVT fixture, every planted
 * network-usage trace at its level, no alert from a look-alike, old
 * schemas, damaged databases, a file-system dump, and a large
 * DataUsage. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "sysapps_test.h"

static void test_fixture(void **state)
{
	struct t_ev ev;
	struct th_run *run;
	json_t *du;

	(void)state;
	t_ev_shared(&ev, "fixtures/mvt/ios_backup");
	run = run_on(ev.dir, ev.out, NULL);
	/* Counted with sqlite3 -readonly 'file:...?immutable=1': 30
	 * ZLIVEUSAGE rows + 11 processes no usage row refers to. */
	assert_int_equal(t_result(run, "datausage")->records, 41);
	assert_int_equal(t_result(run, "os_analytics_ad_daily")->status,
	                 TH_ERR_NOTFOUND);
	assert_int_equal(t_result(run, "triangulation")->records, 0);
	/* ZPROCESS keys run 1-41 without 5; no BackupAgent. */
	assert_int_equal(
	        t_alerts(run, "datausage", TH_LEVEL_LOW, "missing process 5 "),
	        1);
	assert_int_equal(t_alerts(run, "datausage", -1, NULL), 1);
	assert_int_equal(t_alerts(run, "triangulation", -1, NULL), 0);
	du = t_load_json(ev.out, "datausage.json");
	assert_int_equal(json_array_size(du), 41);
	assert_string_equal(t_str_at(du, 0, "proc_name"),
	                    "CumulativeUsageTracker");
	assert_string_equal(t_str_at(du, 0, "live_isodate"),
	                    "2019-08-29 23:07:42.743243");
	json_decref(du);
	th_run_free(run);
	t_ev_close(&ev);
}

static void test_infected(void **state)
{
	struct t_gen g;
	struct th_run *run;

	(void)state;
	run = gen_run(&g, 1, 1);
	assert_int_equal(
	        t_alerts(run, "datausage", TH_LEVEL_CRITICAL, "process 'bh'"),
	        1);
	assert_int_equal(
	        t_alerts(run, "datausage", TH_LEVEL_HIGH,
	                 "process 7 whose ZPROCESS record was deleted"),
	        1);
	assert_int_equal(
	        t_alerts(run, "datausage", TH_LEVEL_LOW,
	                 "missing process 3 in DataUsage (after process "
	                 "2 'bh')"),
	        1);
	assert_int_equal(t_alerts(run, "datausage", TH_LEVEL_MEDIUM,
	                          "BackupAgent used the network"),
	                 1);
	assert_int_equal(t_alerts(run, "datausage", -1, NULL), 4);
	/* 7 usage rows (2 of the deleted process) + none unused. */
	assert_int_equal(t_result(run, "datausage")->records, 7);
	assert_int_equal(t_alerts(run, "os_analytics_ad_daily",
	                          TH_LEVEL_CRITICAL, "process 'bh'"),
	                 1);
	assert_int_equal(t_alerts(run, "os_analytics_ad_daily", -1, NULL), 1);
	assert_int_equal(t_result(run, "os_analytics_ad_daily")->records, 3);
	assert_int_equal(t_alerts(run, NULL, -1, "bhd"), 0);
	assert_int_equal(t_alerts(run, NULL, -1, "BackupAgent2'"), 0);
	t_gen_free(&g);
}

static void test_clean(void **state)
{
	struct t_gen g;
	struct th_run *run;

	(void)state;
	run = gen_run(&g, 0, 1);
	assert_int_equal(t_alerts(run, "datausage", -1, NULL), 0);
	assert_int_equal(t_alerts(run, "os_analytics_ad_daily", -1, NULL), 0);
	assert_int_equal(t_alerts(run, "triangulation", -1, NULL), 0);
	assert_int_equal(t_result(run, "datausage")->records, 3);
	assert_int_equal(t_result(run, "os_analytics_ad_daily")->records, 2);
	assert_int_equal(t_result(run, "triangulation")->records, 0);
	t_gen_free(&g);
}

static void test_damaged(void **state)
{
	static const char junk[] = "this is not a database";
	char *tmp = t_tmpdir(), *dir, *out;
	struct th_run *run;

	(void)state;
	dir = gen(tmp, 1);
	out = th_path_join(tmp, "out");
	replace(dir, "WirelessDomain", "Library/Databases/DataUsage.sqlite",
	        junk, sizeof(junk));
	run = run_on(dir, out, NULL);
	assert_int_equal(t_result(run, "datausage")->records, 0);
	assert_int_equal(t_result(run, "datausage")->status, TH_ERR_FORMAT);
	assert_true(t_contains(t_result(run, "datausage")->message,
	                       "WirelessDomain/Library/Databases/"
	                       "DataUsage.sqlite: cannot open"));
	assert_true(t_contains(t_result(run, "datausage")->message,
	                       "not a SQLite database"));
	assert_int_equal(t_alerts(run, "datausage", -1, NULL), 0);
	/* Without DataUsage, BackupAgent is still in addaily. */
	assert_int_equal(t_result(run, "triangulation")->records, 1);
	th_run_free(run);
	replace_db(dir, "WirelessDomain", "Library/Databases/DataUsage.sqlite",
	           "CREATE TABLE ZPROCESS (Z_PK INTEGER PRIMARY KEY);");
	t_tmpdir_free(out);
	out = t_tmpdir();
	run = run_on(dir, out, NULL);
	assert_int_equal(t_result(run, "datausage")->status, TH_OK);
	assert_int_equal(t_result(run, "datausage")->records, 0);
	th_run_free(run);
	t_tmpdir_free(out);
	free(dir);
	t_tmpdir_free(tmp);
}

/* Hostile keys: a hole of 2^63 processes is capped, text keys and
 * a usage row pointing at a text key give no crash and no overflow. */
static void test_hostile_keys(void **state)
{
	struct t_gen g;
	struct th_run *run;

	(void)state;
	gen_run_open(&g, 0, 0);
	replace_db(g.dir, "WirelessDomain",
	           "Library/Databases/DataUsage.sqlite",
	           "CREATE TABLE ZPROCESS (Z_PK, ZFIRSTTIMESTAMP, ZTIMESTAMP, "
	           "ZBUNDLENAME, ZPROCNAME);"
	           "CREATE TABLE ZLIVEUSAGE (Z_PK, ZHASPROCESS, ZTIMESTAMP, "
	           "ZWWANIN, ZWWANOUT);"
	           "INSERT INTO ZPROCESS VALUES (-9223372036854775807, 1e300, "
	           "-1e300, NULL, 'a'), (1, NULL, NULL, NULL, NULL), "
	           "(9223372036854775807, 0, 0, NULL, 'b'), ('x', 'y', 'z', "
	           "NULL, 'c'), (2.5, 0, 0, NULL, 'd');"
	           "INSERT INTO ZLIVEUSAGE VALUES (1, 'x', 'now', 'a', NULL), "
	           "(2, 77, 1e308, 1, 1);");
	run = t_gen_exec(&g);
	assert_int_equal(t_result(run, "datausage")->status, TH_OK);
	/* 2 usage rows + 4 processes no usage row refers to. */
	assert_int_equal(t_result(run, "datausage")->records, 6);
	assert_int_equal(
	        t_alerts(run, "datausage", TH_LEVEL_LOW, "in DataUsage (after"),
	        1000);
	assert_int_equal(
	        t_alerts(run, "datausage", TH_LEVEL_LOW, "alerts stopped"), 1);
	assert_int_equal(
	        t_alerts(run, "datausage", TH_LEVEL_HIGH,
	                 "process 77 whose ZPROCESS record was deleted"),
	        1);
	t_gen_free(&g);
}

/* DataUsage without the Wi-Fi columns (recent iOS). */
static void test_old_schemas(void **state)
{
	struct t_gen g;
	struct th_run *run;
	json_t *du;

	(void)state;
	gen_run_open(&g, 0, 0);
	replace_db(g.dir, "WirelessDomain",
	           "Library/Databases/DataUsage.sqlite",
	           "CREATE TABLE ZPROCESS (Z_PK INTEGER PRIMARY KEY, "
	           "ZFIRSTTIMESTAMP, ZTIMESTAMP, ZBUNDLENAME, ZPROCNAME);"
	           "CREATE TABLE ZLIVEUSAGE (Z_PK INTEGER PRIMARY KEY, "
	           "ZHASPROCESS, ZTIMESTAMP, ZWWANIN, ZWWANOUT);"
	           "INSERT INTO ZPROCESS VALUES (1, 600000000, 600000001, "
	           "NULL, 'BackupAgent');"
	           "INSERT INTO ZLIVEUSAGE VALUES (1, 1, 600000002, 10, 20);");
	run = t_gen_exec(&g);
	assert_int_equal(t_result(run, "datausage")->records, 1);
	assert_int_equal(t_alerts(run, "datausage", TH_LEVEL_MEDIUM,
	                          "BackupAgent used the network"),
	                 1);
	du = t_load_json(g.out, "datausage.json");
	assert_true(json_is_null(
	        json_object_get(json_array_get(du, 0), "wifi_in")));
	assert_int_equal(json_number_value(json_object_get(
	                         json_array_get(du, 0), "wwan_out")),
	                 20);
	json_decref(du);
	t_gen_free(&g);
}

/* A database damaged in the middle: the rows before the damage are
 * kept, and the module says what happened, naming the file. */
static void test_malformed(void **state)
{
	char *tmp = t_tmpdir(), *dir, *out;
	struct th_buf b;
	struct th_err err = {0};
	struct th_run *run;
	size_t records;

	(void)state;
	dir = gen(tmp, 0);
	out = th_path_join(tmp, "out");
	th_buf_init(&b, (size_t)64 << 20);
	assert_int_equal(th_gen_datausage(2000, &b, &err), TH_OK);
	assert_true(b.len > 64 * 1024);
	/* Garbage over the last pages, where ZLIVEUSAGE rows live. */
	memset(b.data + b.len - 16 * 1024, 0xA5, 8 * 1024);
	replace(dir, "WirelessDomain", "Library/Databases/DataUsage.sqlite",
	        b.data, b.len);
	th_buf_free(&b);
	run = run_on(dir, out, NULL);
	records = t_result(run, "datausage")->records;
	assert_true(records > 0 && records < 4000);
	assert_int_equal(t_result(run, "datausage")->status, TH_ERR_FORMAT);
	assert_true(t_contains(t_result(run, "datausage")->message,
	                       "DataUsage.sqlite: "));
	assert_true(t_contains(t_result(run, "datausage")->message,
	                       "(rows read before it kept)"));
	th_run_free(run);
	free(out);
	free(dir);
	t_tmpdir_free(tmp);
}

/* The benchmark's DataUsage: 5,000 processes, 10,000 usage rows. */
static void test_large_datausage(void **state)
{
	char *tmp = t_tmpdir(), *dir, *out;
	struct th_buf b;
	struct th_err err = {0};
	struct th_run *run;

	(void)state;
	dir = gen(tmp, 0);
	out = th_path_join(tmp, "out");
	th_buf_init(&b, (size_t)64 << 20);
	assert_int_equal(th_gen_datausage(5000, &b, &err), TH_OK);
	replace(dir, "WirelessDomain", "Library/Databases/DataUsage.sqlite",
	        th_buf_str(&b), b.len);
	th_buf_free(&b);
	run = run_on(dir, out, NULL);
	assert_int_equal(t_result(run, "datausage")->records, 10000);
	assert_int_equal(t_alerts(run, "datausage", -1, NULL), 0);
	th_run_free(run);
	free(out);
	free(dir);
	t_tmpdir_free(tmp);
}

/* Copies a backup's stored file to <root>/<rel> (folders created). */
static void copy_out(const char *dir, const char *domain, const char *path,
                     const char *root, const char *rel)
{
	char *from = t_backup_file(dir, domain, path), *data;
	size_t len = 0;

	data = t_slurp(from, &len);
	assert_non_null(data);
	t_put(root, rel, data, len);
	free(data);
	free(from);
}

/* The same modules on a file-system dump (the ios-fs source): the
 * artifacts' fs globs. Triangulation needs a backup. */
static void test_fs_dump(void **state)
{
	char *tmp = t_tmpdir(), *dir, *root, *out;
	struct th_iocs *iocs = t_iocs_load(IOCS);
	struct th_run *run;

	(void)state;
	dir = gen(tmp, 1);
	root = th_path_join(tmp, "fs");
	out = th_path_join(tmp, "out");
	copy_out(dir, "WirelessDomain", "Library/Databases/DataUsage.sqlite",
	         root,
	         "private/var/wireless/Library/Databases/DataUsage.sqlite");
	copy_out(dir, "HomeDomain",
	         "Library/Preferences/com.apple.osanalytics.addaily.plist",
	         root,
	         "private/var/mobile/Library/Preferences/"
	         "com.apple.osanalytics.addaily.plist");
	/* Binaries of two processes: the others have none in the dump. */
	copy_out(dir, "WirelessDomain", "Library/Databases/DataUsage.sqlite",
	         root, "usr/libexec/bhd");
	copy_out(dir, "WirelessDomain", "Library/Databases/DataUsage.sqlite",
	         root,
	         "System/Library/PrivateFrameworks/MobileBackup.framework/"
	         "BackupAgent2");
	run = t_run_modules(root, "ios-fs", out, iocs, mods, NMODS);
	assert_int_equal(t_result(run, "datausage")->records, 7);
	assert_int_equal(t_alerts(run, "datausage", TH_LEVEL_MEDIUM,
	                          "no binary of that name"),
	                 2);
	assert_int_equal(t_alerts(run, "datausage", TH_LEVEL_MEDIUM,
	                          "process 'bh' has no bundle id"),
	                 1);
	assert_int_equal(t_alerts(run, "datausage", TH_LEVEL_MEDIUM,
	                          "process 'BackupAgent' has no bundle id"),
	                 1);
	assert_int_equal(t_alerts(run, "datausage", -1, NULL), 6);
	assert_int_equal(t_alerts(run, NULL, -1, "bhd"), 0);
	assert_int_equal(t_alerts(run, "os_analytics_ad_daily",
	                          TH_LEVEL_CRITICAL, "process 'bh'"),
	                 1);
	assert_int_equal(t_result(run, "triangulation")->records, 0);
	th_run_free(run);
	th_iocs_free(iocs);
	free(out);
	free(root);
	free(dir);
	t_tmpdir_free(tmp);
}

static const struct mvt_case cases[] = {
        {"datausage",
         "{\"first_isodate\": \"2021-07-14 07:31:02.000000\", \"isodate\": "
         "\"2021-07-14 07:31:05.000000\", \"proc_name\": \"bh\", "
         "\"bundle_id\": null, \"proc_id\": 12, \"wifi_in\": 0.0, "
         "\"wifi_out\": 0.0, \"wwan_in\": 1.0, \"wwan_out\": 2.0, "
         "\"live_id\": 4, \"live_proc_id\": 12, \"live_isodate\": "
         "\"2021-07-14 07:31:02.000000\"}",
         TH_LEVEL_CRITICAL},
        {"datausage",
         "{\"proc_name\": \"MANIPULATED [process record deleted]\", "
         "\"proc_id\": null, \"live_proc_id\": 7}",
         NONE},
        {"datausage",
         "{\"proc_name\": \"BackupAgent\", \"proc_id\": 3, \"wwan_in\": "
         "10.0, \"wwan_out\": 0.0, \"wifi_in\": null, \"wifi_out\": null}",
         TH_LEVEL_MEDIUM},
        {"datausage",
         "{\"proc_name\": \"BackupAgent2\", \"proc_id\": 3, \"wwan_in\": "
         "10.0}",
         NONE},
        {"datausage", "{\"proc_name\": \"bhd\", \"proc_id\": 4}", NONE},
        {"os_analytics_ad_daily", "{\"package\": \"bh\", \"ts\": null}",
         TH_LEVEL_CRITICAL},
};

static void test_check_on_mvt_records(void **state)
{
	(void)state;
	check_mvt_records(cases, sizeof(cases) / sizeof(cases[0]));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_fixture),
	        cmocka_unit_test(test_infected),
	        cmocka_unit_test(test_clean),
	        cmocka_unit_test(test_damaged),
	        cmocka_unit_test(test_old_schemas),
	        cmocka_unit_test(test_hostile_keys),
	        cmocka_unit_test(test_large_datausage),
	        cmocka_unit_test(test_malformed),
	        cmocka_unit_test(test_fs_dump),
	        cmocka_unit_test(test_check_on_mvt_records),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
