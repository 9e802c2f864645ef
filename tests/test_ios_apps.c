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
	struct t_ev ev;
	struct th_run *run;
	json_t *tcc;

	(void)state;
	t_ev_shared(&ev, "fixtures/mvt/ios_backup");
	run = run_on(ev.dir, ev.out, NULL);
	/* TCC.db: 11 access rows (iOS 14 schema); Calendar.sqlitedb: one
	 * item; Info.plist: no Applications. */
	assert_int_equal(t_result(run, "tcc")->records, 11);
	assert_int_equal(t_result(run, "calendar")->records, 1);
	assert_int_equal(t_result(run, "applications")->status, TH_OK);
	assert_int_equal(t_result(run, "applications")->records, 0);
	assert_int_equal(t_alerts(run, "tcc", -1, NULL), 0);
	assert_int_equal(t_alerts(run, "calendar", -1, NULL), 0);
	tcc = t_load_json(ev.out, "tcc.json");
	assert_int_equal(json_array_size(tcc), 11);
	assert_non_null(
	        json_object_get(json_array_get(tcc, 0), "auth_reason_desc"));
	json_decref(tcc);
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
	        t_alerts(run, "applications", TH_LEVEL_MEDIUM,
	                 "'com.example.flashlightpro' was not installed "
	                 "from the App Store"),
	        1);
	assert_int_equal(t_alerts(run, "applications", -1, NULL), 1);
	assert_int_equal(t_result(run, "applications")->records, 4);
	assert_int_equal(t_alerts(run, "calendar", TH_LEVEL_HIGH, "QuaDream"),
	                 1);
	assert_int_equal(t_alerts(run, "calendar", -1, NULL), 1);
	assert_int_equal(t_result(run, "calendar")->records, 2);
	assert_int_equal(t_alerts(run, NULL, -1, "com.example.weather"), 0);
	assert_int_equal(t_alerts(run, NULL, -1, "com.example.notes"), 0);
	assert_int_equal(t_alerts(run, NULL, -1, "C-ORDINARY"), 0);
	t_gen_free(&g);
}

static void test_clean(void **state)
{
	struct t_gen g;
	struct th_run *run;
	json_t *apps, *tcc;

	(void)state;
	run = gen_run(&g, 0, 1);
	assert_int_equal(t_alerts(run, "applications", -1, NULL), 0);
	assert_int_equal(t_alerts(run, "calendar", -1, NULL), 0);
	assert_int_equal(t_result(run, "applications")->records, 3);
	assert_int_equal(t_result(run, "calendar")->records, 1);
	/* TCC.db's iOS 12-13 schema: allowed and prompt_count. */
	assert_int_equal(t_result(run, "tcc")->records, 2);
	assert_int_equal(t_alerts(run, "tcc", -1, NULL), 0);
	tcc = t_load_json(g.out, "tcc.json");
	assert_string_equal(t_str_at(tcc, 0, "allowed_value"), "allowed");
	assert_string_equal(t_str_at(tcc, 0, "last_modified"),
	                    "2021-12-20 11:33:20.000000");
	assert_null(json_object_get(json_array_get(tcc, 0), "auth_value"));
	json_decref(tcc);
	apps = t_load_json(g.out, "applications.json");
	assert_string_equal(t_str_at(apps, 0, "isodate"),
	                    "2022-01-10 08:00:00.000000");
	assert_int_equal(strlen(t_str_at(apps, 0, "icon_sha256")), 64);
	json_decref(apps);
	t_gen_free(&g);
}

static void test_damaged(void **state)
{
	struct t_gen g;
	struct th_run *run;

	(void)state;
	gen_run_open(&g, 1, 0);
	replace_db(g.dir, "HomeDomain", "Library/Calendar/Calendar.sqlitedb",
	           "CREATE TABLE Unrelated (x);");
	run = t_gen_exec(&g);
	assert_int_equal(t_result(run, "calendar")->status, TH_OK);
	assert_int_equal(t_result(run, "calendar")->records, 0);
	assert_int_equal(t_result(run, "applications")->records, 4);
	t_gen_free(&g);
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
