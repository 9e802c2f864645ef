/* The system modules (configuration_profiles, profile_events, calls,
 * contacts, id_status_cache, interaction_c, locationd_clients,
 * global_preferences) through the public run API: exact counts on the
 * MVT fixture, every planted trace at its level, no alert from a
 * look-alike, damaged artifacts that give a message, not a crash. */
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
	json_t *ic;

	(void)state;
	t_ev_shared(&ev, "fixtures/mvt/ios_backup");
	run = run_on(ev.dir, ev.out, NULL);
	/* interactionC.db: 3 ZINTERACTIONS, at most one recipient each;
	 * .GlobalPreferences.plist: 16 keys, LDMGlobalEnabled true. The
	 * other artifacts are listed in Manifest.db but not stored. */
	assert_int_equal(t_result(run, "interaction_c")->records, 3);
	assert_int_equal(t_result(run, "global_preferences")->records, 16);
	assert_int_equal(t_alerts(run, "global_preferences", TH_LEVEL_INFO,
	                          "Lockdown Mode is enabled"),
	                 1);
	assert_int_equal(t_alerts(run, "global_preferences", -1, NULL), 1);
	assert_int_equal(t_result(run, "calls")->status, TH_ERR_NOTFOUND);
	assert_int_equal(t_result(run, "contacts")->status, TH_ERR_NOTFOUND);
	assert_int_equal(t_result(run, "id_status_cache")->status,
	                 TH_ERR_NOTFOUND);
	assert_int_equal(t_result(run, "locationd_clients")->status,
	                 TH_ERR_NOTFOUND);
	assert_int_equal(t_result(run, "configuration_profiles")->status,
	                 TH_ERR_NOTFOUND);
	assert_int_equal(alerts_from(run, TH_LEVEL_MEDIUM), 0);
	ic = t_load_json(ev.out, "interaction_c.json");
	assert_string_equal(t_str_at(ic, 0, "bundle_id"),
	                    "net.whatsapp.WhatsApp");
	assert_string_equal(t_str_at(ic, 0, "start_date"),
	                    "2025-09-08 04:53:20.000000");
	json_decref(ic);
	th_run_free(run);
	t_ev_close(&ev);
}

static void test_infected(void **state)
{
	struct t_gen g;
	struct th_run *run;

	(void)state;
	run = gen_run(&g, 1, 1);
	assert_int_equal(t_alerts(run, "id_status_cache", TH_LEVEL_CRITICAL,
	                          "bergers.o79@gmail.com"),
	                 1);
	assert_int_equal(t_alerts(run, "id_status_cache", -1, NULL), 1);
	assert_int_equal(t_result(run, "id_status_cache")->records, 3);
	assert_int_equal(t_alerts(run, "configuration_profiles",
	                          TH_LEVEL_MEDIUM, "'Carrier Settings'"),
	                 1);
	assert_int_equal(t_alerts(run, "configuration_profiles",
	                          TH_LEVEL_CRITICAL,
	                          "'E7A1C3B5-2D4F-4A6B-8C9D-0E1F2A3B4C5D'"),
	                 1);
	assert_int_equal(t_alerts(run, "configuration_profiles", -1, NULL), 2);
	assert_int_equal(t_result(run, "configuration_profiles")->records, 3);
	assert_int_equal(t_alerts(run, "profile_events", TH_LEVEL_LOW,
	                          "process 'profiled' started operation "
	                          "'install'"),
	                 2);
	assert_int_equal(t_alerts(run, "profile_events", TH_LEVEL_CRITICAL,
	                          "'E7A1C3B5-2D4F-4A6B-8C9D-0E1F2A3B4C5D'"),
	                 1);
	assert_int_equal(t_alerts(run, "profile_events", -1, NULL), 3);
	assert_int_equal(t_alerts(run, "global_preferences", TH_LEVEL_LOW,
	                          "Lockdown Mode is disabled"),
	                 1);
	assert_int_equal(t_alerts(run, "locationd_clients", TH_LEVEL_HIGH,
	                          "process 'bh'"),
	                 1);
	assert_int_equal(t_alerts(run, "locationd_clients", -1, NULL), 1);
	assert_int_equal(t_result(run, "locationd_clients")->records, 3);
	assert_int_equal(t_result(run, "calls")->records, 2);
	assert_int_equal(t_result(run, "contacts")->records, 3);
	assert_int_equal(t_result(run, "interaction_c")->records, 2);
	/* Look-alikes: never named by an alert. */
	assert_int_equal(t_alerts(run, NULL, -1, "bhd"), 0);
	assert_int_equal(t_alerts(run, NULL, -1, "o78"), 0);
	assert_int_equal(t_alerts(run, NULL, -1, "Office Wi-Fi"), 0);
	t_gen_free(&g);
}

static void test_clean(void **state)
{
	struct t_gen g;
	struct th_run *run;
	json_t *ic;

	(void)state;
	run = gen_run(&g, 0, 1);
	assert_int_equal(alerts_from(run, TH_LEVEL_LOW), 0);
	assert_int_equal(t_alerts(run, "global_preferences", TH_LEVEL_INFO,
	                          "Lockdown Mode is enabled"),
	                 1);
	assert_int_equal(t_result(run, "configuration_profiles")->records, 1);
	assert_int_equal(t_result(run, "id_status_cache")->records, 2);
	assert_int_equal(t_result(run, "locationd_clients")->records, 2);
	assert_int_equal(t_result(run, "profile_events")->status,
	                 TH_ERR_NOTFOUND);
	/* interactionC.db's older generation: ZMECHANISM, no attachments. */
	ic = t_load_json(g.out, "interaction_c.json");
	assert_int_equal(json_array_size(ic), 2);
	assert_int_equal(json_integer_value(json_object_get(
	                         json_array_get(ic, 0), "mechanism")),
	                 4);
	assert_string_equal(t_str_at(ic, 0, "sender_identifier"),
	                    "+41791234567");
	assert_null(json_object_get(json_array_get(ic, 0), "content"));
	json_decref(ic);
	t_gen_free(&g);
}

static void test_damaged(void **state)
{
	static const char junk[] = "this is not a plist";
	static const char array[] =
	        "<plist><array><string>x</string></array></plist>";
	struct t_gen g;
	struct th_run *run;

	(void)state;
	gen_run_open(&g, 1, 0);
	replace(g.dir, "HomeDomain",
	        "Library/Preferences/.GlobalPreferences.plist", junk,
	        sizeof(junk));
	replace(g.dir, "HomeDomain",
	        "Library/Preferences/"
	        "com.apple.identityservices.idstatuscache.plist",
	        array, sizeof(array) - 1);
	replace(g.dir, "RootDomain", "Library/Caches/locationd/clients.plist",
	        array, sizeof(array) - 1);
	replace_db(g.dir, "HomeDomain",
	           "Library/CallHistoryDB/CallHistory.storedata",
	           "CREATE TABLE ZCALLRECORD (Z_PK INTEGER PRIMARY KEY);");
	run = t_gen_exec(&g);
	assert_int_equal(t_result(run, "global_preferences")->records, 0);
	assert_int_equal(t_result(run, "global_preferences")->status,
	                 TH_ERR_FORMAT);
	assert_true(t_contains(t_result(run, "global_preferences")->message,
	                       ".GlobalPreferences.plist: cannot parse"));
	assert_int_equal(t_result(run, "id_status_cache")->status, TH_OK);
	assert_int_equal(t_result(run, "id_status_cache")->records, 0);
	assert_int_equal(t_result(run, "locationd_clients")->records, 0);
	assert_int_equal(t_result(run, "calls")->records, 0);
	assert_int_equal(t_result(run, "calls")->status, TH_OK);
	/* The other modules still ran. */
	assert_int_equal(t_result(run, "contacts")->records, 3);
	t_gen_free(&g);
}

static const struct mvt_case cases[] = {
        {"id_status_cache",
         "{\"package\": \"com.apple.madrid\", \"user\": "
         "\"mailto:bergers.o79@gmail.com\", \"isodate\": \"2021-07-14 "
         "07:31:02.000000\", \"idstatus\": 1, \"occurrences\": 1}",
         TH_LEVEL_CRITICAL},
        {"id_status_cache", "{\"user\": \"mailto:bergers.o78@gmail.com\"}",
         NONE},
        {"id_status_cache", "{\"user\": \"tel:+1\\\\x00\\\\x00\"}",
         TH_LEVEL_HIGH},
        {"global_preferences",
         "{\"entry\": \"LDMGlobalEnabled\", \"value\": false}", TH_LEVEL_LOW},
        {"global_preferences",
         "{\"entry\": \"LDMGlobalEnabled\", \"value\": "
         "true}",
         TH_LEVEL_INFO},
        {"global_preferences",
         "{\"entry\": \"AppleLocale\", \"value\": "
         "\"en\"}",
         NONE},
        {"configuration_profiles",
         "{\"install_date\": null, \"plist\": {\"PayloadUUID\": \"U\", "
         "\"PayloadDisplayName\": \"P\", \"PayloadContent\": "
         "[{\"PayloadType\": \"com.apple.notificationsettings\"}]}}",
         TH_LEVEL_MEDIUM},
        {"configuration_profiles",
         "{\"plist\": {\"PayloadUUID\": \"U\", \"PayloadContent\": []}}", NONE},
        {"configuration_profiles", "{\"plist\": \"not a dict\"}", NONE},
        {"profile_events",
         "{\"profile_id\": \"U\", \"timestamp\": \"\", \"operation\": "
         "\"install\", \"process\": \"profiled\"}",
         TH_LEVEL_LOW},
        {"locationd_clients", "{\"package\": \"/usr/libexec/bh\"}",
         TH_LEVEL_HIGH},
        {"locationd_clients",
         "{\"package\": \"x\", \"Registered\": true, \"BundleId\": "
         "\"bhd\"}",
         NONE},
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
