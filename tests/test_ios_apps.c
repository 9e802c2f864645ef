/* applications, tcc and calendar through the public run API: exact
 * counts on the MVT fixture, the sideloaded app and QuaDream's calendar
 * event at their levels, no alert from a look-alike, and damaged
 * artifacts. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "sysapps_test.h"

static void test_fixture(void **state)
{
	char *dir, *out, before[65], after[65];
	struct th_run *run;
	json_t *tcc;

	(void)state;
	T_SHARED_OR_SKIP(dir, "fixtures/mvt/ios_backup");
	out = t_tmpdir();
	t_tree_hash(dir, before);
	run = run_on(dir, out, NULL);
	/* TCC.db: 11 access rows (iOS 14 schema); Calendar.sqlitedb: one
	 * item; Info.plist: no Applications. */
	assert_int_equal(result(run, "tcc")->records, 11);
	assert_int_equal(result(run, "calendar")->records, 1);
	assert_int_equal(result(run, "applications")->status, TH_OK);
	assert_int_equal(result(run, "applications")->records, 0);
	assert_int_equal(alerts(run, "tcc", -1, NULL), 0);
	assert_int_equal(alerts(run, "calendar", -1, NULL), 0);
	tcc = load_json(out, "tcc.json");
	assert_int_equal(json_array_size(tcc), 11);
	assert_non_null(
	        json_object_get(json_array_get(tcc, 0), "auth_reason_desc"));
	json_decref(tcc);
	th_run_free(run);
	t_tree_hash(dir, after);
	assert_string_equal(before, after);
	t_tmpdir_free(out);
	free(dir);
}

static void test_infected(void **state)
{
	char *tmp = t_tmpdir(), *dir, *out;
	struct th_iocs *iocs = demo_iocs();
	struct th_run *run;

	(void)state;
	dir = gen(tmp, 1);
	out = th_path_join(tmp, "out");
	run = run_on(dir, out, iocs);
	assert_int_equal(alerts(run, "applications", TH_LEVEL_MEDIUM,
	                        "'com.example.flashlightpro' was not installed "
	                        "from the App Store"),
	                 1);
	assert_int_equal(alerts(run, "applications", -1, NULL), 1);
	assert_int_equal(result(run, "applications")->records, 4);
	assert_int_equal(alerts(run, "calendar", TH_LEVEL_HIGH, "QuaDream"), 1);
	assert_int_equal(alerts(run, "calendar", -1, NULL), 1);
	assert_int_equal(result(run, "calendar")->records, 2);
	assert_int_equal(alerts(run, NULL, -1, "com.example.weather"), 0);
	assert_int_equal(alerts(run, NULL, -1, "com.example.notes"), 0);
	assert_int_equal(alerts(run, NULL, -1, "C-ORDINARY"), 0);
	th_run_free(run);
	th_iocs_free(iocs);
	free(out);
	free(dir);
	t_tmpdir_free(tmp);
}

static void test_clean(void **state)
{
	char *tmp = t_tmpdir(), *dir, *out;
	struct th_iocs *iocs = demo_iocs();
	struct th_run *run;
	json_t *apps, *tcc;

	(void)state;
	dir = gen(tmp, 0);
	out = th_path_join(tmp, "out");
	run = run_on(dir, out, iocs);
	assert_int_equal(alerts(run, "applications", -1, NULL), 0);
	assert_int_equal(alerts(run, "calendar", -1, NULL), 0);
	assert_int_equal(result(run, "applications")->records, 3);
	assert_int_equal(result(run, "calendar")->records, 1);
	/* TCC.db's iOS 12-13 schema: allowed and prompt_count. */
	assert_int_equal(result(run, "tcc")->records, 2);
	assert_int_equal(alerts(run, "tcc", -1, NULL), 0);
	tcc = load_json(out, "tcc.json");
	assert_string_equal(json_string_value(json_object_get(
	                            json_array_get(tcc, 0), "allowed_value")),
	                    "allowed");
	assert_string_equal(json_string_value(json_object_get(
	                            json_array_get(tcc, 0), "last_modified")),
	                    "2021-12-20 11:33:20.000000");
	assert_null(json_object_get(json_array_get(tcc, 0), "auth_value"));
	json_decref(tcc);
	apps = load_json(out, "applications.json");
	assert_string_equal(json_string_value(json_object_get(
	                            json_array_get(apps, 0), "isodate")),
	                    "2022-01-10 08:00:00.000000");
	assert_int_equal(strlen(json_string_value(json_object_get(
	                         json_array_get(apps, 0), "icon_sha256"))),
	                 64);
	json_decref(apps);
	th_run_free(run);
	th_iocs_free(iocs);
	free(out);
	free(dir);
	t_tmpdir_free(tmp);
}

static void test_damaged(void **state)
{
	char *tmp = t_tmpdir(), *dir, *out;
	struct th_run *run;

	(void)state;
	dir = gen(tmp, 1);
	out = th_path_join(tmp, "out");
	replace_db(dir, "HomeDomain", "Library/Calendar/Calendar.sqlitedb",
	           "CREATE TABLE Unrelated (x);");
	run = run_on(dir, out, NULL);
	assert_int_equal(result(run, "calendar")->status, TH_OK);
	assert_int_equal(result(run, "calendar")->records, 0);
	assert_int_equal(result(run, "applications")->records, 4);
	th_run_free(run);
	free(out);
	free(dir);
	t_tmpdir_free(tmp);
}

static const struct mvt_case cases[] = {
        {"calendar",
         "{\"summary\": \"Meeting\", \"description\": \"Notes\", \"uuid\": "
         "\"X\", \"participant_email\": null}",
         TH_LEVEL_HIGH},
        {"calendar",
         "{\"summary\": \"Meeting\", \"description\": \"Budget\", "
         "\"participant_email\": \"bergers.o79@gmail.com\"}",
         TH_LEVEL_CRITICAL},
        {"calendar", "{\"summary\": \"Meeting\", \"description\": null}", NONE},
        {"applications",
         "{\"name\": \"com.x\", \"softwareVersionBundleId\": \"com.x\", "
         "\"sourceApp\": \"com.apple.configurator\"}",
         TH_LEVEL_MEDIUM},
        {"applications",
         "{\"softwareVersionBundleId\": \"com.x\", \"sourceApp\": "
         "\"com.apple.AppStore.ProductPageExtension\"}",
         NONE},
        {"applications", "{\"softwareVersionBundleId\": \"com.x\"}", NONE},
        {"tcc",
         "{\"service\": \"kTCCServiceCamera\", \"client\": \"bh\", "
         "\"client_type\": \"absolute_path\"}",
         TH_LEVEL_CRITICAL},
        {"tcc", "{\"client\": 42}", NONE},
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
	        cmocka_unit_test(test_check_on_mvt_records),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
