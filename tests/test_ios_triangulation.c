/* The triangulation module (a check MVT does not have): the planted
 * pattern of the generated infected backup and its look-alikes, the
 * published Triangulation indicators, and the 5-minute window with its
 * cancelling attachment on backups built row by row. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "sysapps_test.h"

static int has_path(const json_t *list, const char *path)
{
	size_t i;

	for (i = 0; i < json_array_size(list); i++)
		if (strcmp(json_string_value(json_object_get(
		                   json_array_get(list, i), "path")),
		           path) == 0)
			return 1;
	return 0;
}

static void check_triangulation(const char *out)
{
	json_t *tri = t_load_json(out, "triangulation.json"), *rec, *folders;

	assert_int_equal(json_array_size(tri), 1);
	rec = json_array_get(tri, 0);
	folders = json_object_get(rec, "attachment_folders");
	assert_int_equal(json_array_size(folders), 2);
	assert_true(has_path(folders, "Library/SMS/Attachments/f3/03"));
	assert_false(has_path(folders, "Library/SMS/Attachments/a7/05"));
	assert_false(has_path(folders, "Library/SMS/Attachments/c2/07"));
	assert_int_equal(
	        json_array_size(json_object_get(rec, "preference_files")), 2);
	assert_string_equal(t_str(rec, "isodate"),
	                    "2022-09-23 12:00:00.000000");
	json_decref(tri);
}

static void test_infected(void **state)
{
	struct t_gen g;
	struct th_run *run;

	(void)state;
	run = gen_run(&g, 1, 1);
	assert_int_equal(t_alerts(run, "triangulation", TH_LEVEL_MEDIUM,
	                          "Operation Triangulation pattern"),
	                 1);
	assert_int_equal(t_alerts(run, "triangulation", -1, NULL), 1);
	check_triangulation(g.out);
	t_gen_free(&g);
}

static void test_clean(void **state)
{
	struct t_gen g;
	struct th_run *run;

	(void)state;
	run = gen_run(&g, 0, 0);
	assert_int_equal(t_result(run, "triangulation")->status, TH_OK);
	assert_int_equal(t_result(run, "triangulation")->records, 0);
	assert_int_equal(t_alerts(run, "triangulation", -1, NULL), 0);
	t_gen_free(&g);
}

/* With the published Triangulation indicators, BackupAgent is itself an
 * indicator: the pattern is critical and names it. */
static void test_triangulation_iocs(void **state)
{
	char *tmp, *dir, *out, *path;
	struct th_iocs *iocs;
	struct th_run *run;
	size_t i;
	const struct th_alert *a;

	(void)state;
	T_SHARED_OR_SKIP(path, "iocs/mvtind_operation_triangulation.stix2");
	tmp = t_tmpdir();
	iocs = t_iocs_load(path);
	dir = gen(tmp, 1);
	out = th_path_join(tmp, "out");
	run = run_on(dir, out, iocs);
	assert_int_equal(t_alerts(run, "triangulation", TH_LEVEL_CRITICAL,
	                          "Operation Triangulation pattern"),
	                 1);
	for (i = 0; i < th_run_nalerts(run); i++) {
		a = th_run_alert_at(run, i);
		if (strcmp(a->module, "triangulation") == 0) {
			assert_non_null(a->ioc);
			assert_string_equal(a->ioc->value, "BackupAgent");
		}
	}
	assert_int_equal(t_alerts(run, "datausage", TH_LEVEL_CRITICAL,
	                          "process 'BackupAgent'"),
	                 1);
	assert_int_equal(t_alerts(run, NULL, -1, "BackupAgent2'"), 0);
	th_run_free(run);
	th_iocs_free(iocs);
	free(path);
	free(out);
	free(dir);
	t_tmpdir_free(tmp);
}

/* A backup built row by row: BackupAgent (or `agent`) in DataUsage at
 * T, then Manifest rows at T + offsets, for the Triangulation window. */
#define TRI_T INT64_C(1660000000) /* Unix seconds */

struct row {
	const char *path;
	int64_t flags, offset;
};

static char *tri_backup(const char *tmp, const char *agent,
                        const struct row *rows, size_t n)
{
	char *dir = th_path_join(tmp, "tri"), *info, sql[1024];
	struct th_gen_manifest *m = NULL;
	struct th_gen_entry e;
	struct th_err err = {0};
	struct th_buf img;
	plist_t root = plist_new_dict();
	size_t i;

	assert_int_equal(th_mkdir_p(dir, 0, &err), TH_OK);
	info = th_path_join(dir, "Info.plist");
	plist_dict_set_item(root, "Product Version", plist_new_string("16.5"));
	assert_int_equal(th_gen_plist_write(info, root, 1, &err), TH_OK);
	plist_free(root);
	free(info);
	assert_int_equal(th_gen_manifest_open(dir, &m, &err), TH_OK);
	snprintf(sql, sizeof(sql),
	         "CREATE TABLE ZPROCESS (Z_PK INTEGER PRIMARY KEY, "
	         "ZFIRSTTIMESTAMP, ZTIMESTAMP, ZBUNDLENAME, ZPROCNAME);"
	         "CREATE TABLE ZLIVEUSAGE (Z_PK INTEGER PRIMARY KEY, "
	         "ZHASPROCESS, ZTIMESTAMP, ZWWANIN, ZWWANOUT);"
	         "INSERT INTO ZPROCESS VALUES (1, %lld, %lld, NULL, '%s');"
	         "INSERT INTO ZLIVEUSAGE VALUES (1, 1, %lld, 10, 20);",
	         (long long)(TRI_T - 978307200), (long long)(TRI_T - 978307200),
	         agent, (long long)(TRI_T - 978307200));
	th_buf_init(&img, 1 << 20);
	assert_int_equal(th_gen_sqlite_image(sql, &img, &err), TH_OK);
	memset(&e, 0, sizeof(e));
	e.domain = "WirelessDomain";
	e.relative_path = "Library/Databases/DataUsage.sqlite";
	e.flags = 1;
	e.birth = TRI_T - 86400;
	assert_int_equal(th_gen_manifest_add(m, &e, img.data, img.len, &err),
	                 TH_OK);
	th_buf_free(&img);
	for (i = 0; i < n; i++) {
		memset(&e, 0, sizeof(e));
		e.domain = "HomeDomain";
		e.relative_path = rows[i].path;
		e.flags = rows[i].flags;
		e.birth = TRI_T + rows[i].offset;
		assert_int_equal(th_gen_manifest_add(
		                         m, &e, rows[i].flags == 1 ? "x" : NULL,
		                         1, &err),
		                 TH_OK);
	}
	assert_int_equal(th_gen_manifest_close(m, &err), TH_OK);
	return dir;
}

#define ATT   "Library/SMS/Attachments/"
#define PREFS "Library/Preferences/"

/* Records of the triangulation module on a row-by-row backup. */
static json_t *tri_run(const char *agent, const struct row *rows, size_t n)
{
	char *tmp = t_tmpdir(), *dir = tri_backup(tmp, agent, rows, n);
	char *out = th_path_join(tmp, "out");
	static const char *const only[] = {"triangulation"};
	struct th_run *run = t_run_modules(dir, NULL, out, NULL, only, 1);
	json_t *recs = json_array();

	assert_int_equal(t_result(run, "triangulation")->status, TH_OK);
	if (t_result(run, "triangulation")->records) {
		json_decref(recs);
		recs = t_load_json(out, "triangulation.json");
	}
	th_run_free(run);
	free(out);
	free(dir);
	t_tmpdir_free(tmp);
	return recs;
}

/* The 5-minute window, both sides, and what cancels or is needed. */
static void test_triangulation_window(void **state)
{
	const struct row edge[] = {
	        {ATT "0a/01", 2, 300}, /* inside, at the edge */
	        {ATT "0b/02", 2, 301}, /* outside */
	        {ATT "0c", 2, 10},     /* one level: not a folder */
	        {PREFS "com.apple.ImageIO.plist", 1, -300},
	        {PREFS "com.apple.other.plist", 1, 0},
	};
	const struct row no_pref[] = {{ATT "0a/01", 2, 10}};
	const struct row cancelled[] = {
	        {ATT "0a/01/G", 2, 10},
	        {ATT "0a/01/G/deep/IMG_1.HEIC", 1, 5000},
	        {PREFS "com.apple.imservice.ids.FaceTime.plist", 1, 20},
	};
	const struct row uncancelled[] = {
	        {ATT "0a/01/G", 2, 10},
	        {PREFS "com.apple.imservice.ids.FaceTime.plist", 1, 20},
	};
	json_t *r, *folders;

	(void)state;
	r = tri_run("BackupAgent", edge, 5);
	assert_int_equal(json_array_size(r), 1);
	folders = json_object_get(json_array_get(r, 0), "attachment_folders");
	assert_int_equal(json_array_size(folders), 1);
	assert_true(has_path(folders, ATT "0a/01"));
	assert_int_equal(json_array_size(json_object_get(json_array_get(r, 0),
	                                                 "preference_files")),
	                 1);
	json_decref(r);
	r = tri_run("BackupAgent2", edge, 5);
	assert_int_equal(json_array_size(r), 0);
	json_decref(r);
	r = tri_run("BackupAgent", no_pref, 1);
	assert_int_equal(json_array_size(r), 0);
	json_decref(r);
	/* The attachment, born much later, still cancels its folder... */
	r = tri_run("BackupAgent", cancelled, 3);
	assert_int_equal(json_array_size(r), 0);
	json_decref(r);
	/* ... which alerts without it. */
	r = tri_run("BackupAgent", uncancelled, 2);
	assert_int_equal(json_array_size(r), 1);
	json_decref(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_infected),
	        cmocka_unit_test(test_clean),
	        cmocka_unit_test(test_triangulation_iocs),
	        cmocka_unit_test(test_triangulation_window),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
