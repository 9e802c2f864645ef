/* The dumpsys_* and tombstones modules through the public run API, on
 * MVT's bugreport folder and androidqf acquisition, with a small
 * indicator bundle written here (hits and look-alikes); the evidence is
 * hashed before and after. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <tracehound/tracehound.h>
#include "support.h"
#include "core/fsutil.h"

#define IND(n, pattern)                                                        \
	"{\"type\": \"indicator\", \"id\": \"indicator--" n                    \
	"\", \"pattern\": \"[" pattern "]\"},"                                 \
	"{\"type\": \"relationship\", \"id\": \"relationship--" n              \
	"\", \"relationship_type\": \"indicates\", \"source_ref\": "           \
	"\"indicator--" n "\", \"target_ref\": \"malware--1\"},"

/* Hits: an app id in platform_compat, a crashing process, an app id in
 * appops. Look-alikes that must not match: a prefix of a real package,
 * a truncated process name. */
static const char bundle[] =
        "{\"type\": \"bundle\", \"id\": \"bundle--1\", \"objects\": [" IND(
                "1",
                "app:id = 'org.torproject.torbrowser'") IND("2",
                                                            "process:name = "
                                                            "'tzts_daemon'")
                IND("3", "app:id = 'org.mozilla.firefox'") IND(
                        "4",
                        "app:id = 'com.samsung.android.provider.filterprovide'")
                        IND("5",
                            "process:name = 'UsbFfs-worke'") "{\"type\": "
                                                             "\"malware\", "
                                                             "\"id\": "
                                                             "\"malware--1\", "
                                                             "\"name\": "
                                                             "\"Testware\"}]}";

static const char *const mine[] = {
        "dumpsys_accessibility",   "dumpsys_activities",
        "dumpsys_appops",          "dumpsys_battery_daily",
        "dumpsys_battery_history", "dumpsys_dbinfo",
        "dumpsys_get_prop",        "dumpsys_packages",
        "dumpsys_platform_compat", "dumpsys_receivers",
        "dumpsys_adb_state",       "tombstones",
};

#define NMINE (sizeof(mine) / sizeof(mine[0]))

static struct th_iocs *load_bundle(void)
{
	struct th_iocs *iocs = t_iocs_text("testware.stix2", bundle);

	assert_int_equal(th_iocs_total(iocs), 5);
	return iocs;
}

static struct th_run *run_on(const char *target, const char *source,
                             const char *out, const struct th_iocs *iocs)
{
	return t_run_modules(target, source, out, iocs, mine, NMINE);
}

static void assert_records(const struct th_run *run, const char *slug, size_t n)
{
	const struct th_module_result *r = t_result(run, slug);

	if (r->status != TH_OK || r->records != n)
		fail_msg("%s: status %d, %zu records (want %zu)", slug,
		         (int)r->status, r->records, n);
}

/* Alerts whose message has `needle` or whose matched value is it. */
static size_t count_alerts(const struct th_run *run, const char *module,
                           enum th_level level, const char *needle)
{
	return t_alerts_in(run, module, (int)level, needle, T_MESSAGE_OR_VALUE);
}

static void test_bugreport(void **state)
{
	struct t_ev ev;
	struct th_iocs *iocs = load_bundle();
	struct th_run *run;
	json_t *tombs;

	(void)state;
	t_ev_shared(&ev, "fixtures/mvt/android_data/bugreport");
	run = run_on(ev.dir, "bugreport", ev.out, iocs);
	assert_records(run, "dumpsys_appops", 12);
	assert_records(run, "dumpsys_packages", 2);
	assert_records(run, "dumpsys_platform_compat", 2);
	assert_records(run, "tombstones", 2);
	assert_int_equal(t_result(run, "dumpsys_accessibility")->status,
	                 TH_ERR_NOTFOUND);
	assert_int_equal(t_result(run, "dumpsys_get_prop")->status,
	                 TH_ERR_NOTFOUND);
	assert_int_equal(count_alerts(run, "dumpsys_platform_compat",
	                              TH_LEVEL_CRITICAL,
	                              "org.torproject.torbrowser"),
	                 1);
	/* An indicator hit replaces the heuristic for the same package. */
	assert_int_equal(count_alerts(run, "dumpsys_appops", TH_LEVEL_CRITICAL,
	                              "org.mozilla.firefox"),
	                 1);
	assert_int_equal(
	        count_alerts(run, "dumpsys_appops", TH_LEVEL_MEDIUM, NULL), 0);
	assert_int_equal(count_alerts(run, "tombstones", TH_LEVEL_CRITICAL,
	                              "tzts_daemon"),
	                 1);
	assert_int_equal(count_alerts(run, "tombstones", TH_LEVEL_MEDIUM,
	                              "UsbFfs-worker"),
	                 1);
	/* Look-alikes. */
	assert_int_equal(
	        count_alerts(run, "dumpsys_packages", TH_LEVEL_CRITICAL, NULL),
	        0);
	assert_int_equal(count_alerts(run, "tombstones", TH_LEVEL_CRITICAL,
	                              "UsbFfs-worker"),
	                 0);
	tombs = t_load_json(ev.out, "tombstones.json");
	assert_int_equal(json_array_size(tombs), 2);
	json_decref(tombs);
	th_run_free(run);
	th_iocs_free(iocs);
	t_ev_close(&ev);
}

static void test_androidqf(void **state)
{
	struct t_ev ev;
	struct th_run *run;
	json_t *adb;

	(void)state;
	t_ev_shared(&ev, "fixtures/mvt/androidqf");
	run = run_on(ev.dir, "androidqf", ev.out, NULL);
	assert_records(run, "dumpsys_accessibility", 4);
	assert_records(run, "dumpsys_activities", 0);
	assert_records(run, "dumpsys_appops", 12);
	assert_records(run, "dumpsys_battery_daily", 3);
	assert_records(run, "dumpsys_battery_history", 6);
	assert_records(run, "dumpsys_dbinfo", 6);
	assert_records(run, "dumpsys_packages", 2);
	assert_records(run, "dumpsys_platform_compat", 2);
	assert_records(run, "dumpsys_receivers", 8);
	assert_records(run, "dumpsys_adb_state", 1);
	/* No nested bugreport: the module does not apply. */
	assert_int_not_equal(t_result(run, "tombstones")->status, TH_OK);
	/* No accessibility service is enabled; firefox may install apps. */
	assert_int_equal(count_alerts(run, "dumpsys_accessibility",
	                              TH_LEVEL_MEDIUM, NULL),
	                 0);
	assert_int_equal(count_alerts(run, "dumpsys_appops", TH_LEVEL_MEDIUM,
	                              "org.mozilla.firefox"),
	                 1);
	adb = t_load_json(ev.out, "dumpsys_adb_state.json");
	assert_string_equal(
	        json_string_value(json_object_get(
	                json_array_get(json_object_get(json_array_get(adb, 0),
	                                               "user_keys"),
	                               0),
	                "fingerprint")),
	        "F0:A1:3D:8C:B3:F4:7B:09:9F:EE:8B:D8:38:2E:BD:C6");
	json_decref(adb);
	th_run_free(run);
	t_ev_close(&ev);
}

/* The zip holds getprop.txt only: every dumpsys module is skipped. */
static void test_androidqf_zip(void **state)
{
	char *zip, *out = t_tmpdir();
	struct th_run *run;
	size_t i;

	(void)state;
	T_SHARED_OR_SKIP(zip, "fixtures/mvt/androidqf.zip");
	run = run_on(zip, "androidqf", out, NULL);
	for (i = 0; i < NMINE; i++) {
		assert_int_not_equal(t_result(run, mine[i])->status, TH_OK);
		assert_int_equal(t_result(run, mine[i])->records, 0);
	}
	assert_int_equal(th_run_nalerts(run), 0);
	th_run_free(run);
	t_tmpdir_free(out);
	free(zip);
}

/* --- a bugreport written here: the sections the MVT sample lacks --- */

static const char dumpstate[] =
        "== dumpstate: 2024-06-01 10:00:00\n"
        "------ SYSTEM PROPERTIES (getprop) ------\n"
        "[ro.build.version.security_patch]: [2019-01-05]\n"
        "[ro.product.model]: [Pixel]\n"
        "------ 0.01s was the duration of 'SYSTEM PROPERTIES' ------\n"
        "------ DUMPSYS (/system/bin/dumpsys) ------\n"
        "----------------------------------------------------------------"
        "---------------\n"
        "DUMP OF SERVICE accessibility:\n"
        "User state[\n"
        "     Enabled services:{{com.spy.a11y/com.spy.a11y.Svc}}\n"
        "--------- 0.004s was the duration of dumpsys accessibility\n"
        "----------------------------------------------------------------"
        "---------------\n"
        "DUMP OF SERVICE batterystats:\n"
        "  Daily from 2024-05-01-00-00-00 to 2024-05-02-00-00-00:\n"
        "      Update com.example.app vers=20\n"
        "      Update com.example.gone vers=3\n"
        "  Daily from 2024-05-02-00-00-00 to 2024-05-03-00-00-00:\n"
        "      Update com.example.app vers=19\n"
        "      Update com.example.gone vers=0\n"
        "----------------------------------------------------------------"
        "---------------\n"
        "DUMP OF SERVICE package:\n"
        "Packages:\n"
        "  Package [com.topjohnwu.magisk] (1):\n"
        "    userId=10200\n"
        "    timeStamp=2024-05-01 12:00:00\n"
        "\n";

static const char root_tombstone[] =
        "*** *** *** *** *** *** *** *** *** *** *** *** *** *** *** ***\n"
        "Build fingerprint: 'x/y/z:14/A/1:user/release-keys'\n"
        "Timestamp: 2024-05-03 10:00:00+0000\n"
        "pid: 7, tid: 7, name: netd  >>> /system/bin/netd <<<\n"
        "uid: 0\n"
        "signal 11 (SIGSEGV), code 1 (SEGV_MAPERR), fault addr 0x0\n";

static char *make_bugreport(void)
{
	char *dir = t_tmpdir(), *p;
	static const char garbage[] = "\x12\x7f not a tombstone";

	assert_non_null(dir);
	free(t_write(dir, "main_entry.txt", "dumpstate.txt", 13));
	free(t_write(dir, "dumpstate.txt", dumpstate, sizeof(dumpstate) - 1));
	p = th_path_join(dir, "FS/data/tombstones");
	assert_int_equal(th_mkdir_p(p, 0, NULL), TH_OK);
	free(p);
	free(t_write(dir, "FS/data/tombstones/tombstone_00", root_tombstone,
	             sizeof(root_tombstone) - 1));
	free(t_write(dir, "FS/data/tombstones/tombstone_01", garbage,
	             sizeof(garbage) - 1));
	return dir;
}

struct logs {
	size_t warnings;
	int named; /* a warning named the bad tombstone */
};

static void on_log(void *ctx, enum th_log_level level, const char *module,
                   const char *message)
{
	struct logs *l = ctx;

	(void)module;
	if (level == TH_LOG_WARN) {
		l->warnings++;
		l->named |= t_contains(message, "tombstone_01");
	}
}

static void test_generated_bugreport(void **state)
{
	char *dir = make_bugreport(), *out = t_tmpdir();
	struct logs logs = {0};
	struct th_run_options opt = {
	        .target = dir,
	        .source = "bugreport",
	        .output_dir = out,
	        .modules = mine,
	        .nmodules = NMINE,
	        .jobs = 1,
	        .log = on_log,
	        .log_ctx = &logs,
	};
	struct th_run *run = NULL;

	(void)state;
	run = t_run_execute(&opt);
	assert_records(run, "dumpsys_get_prop", 2);
	assert_int_equal(count_alerts(run, "dumpsys_get_prop", TH_LEVEL_MEDIUM,
	                              "2019-01-05"),
	                 1);
	assert_records(run, "dumpsys_accessibility", 1);
	assert_int_equal(count_alerts(run, "dumpsys_accessibility",
	                              TH_LEVEL_MEDIUM, "com.spy.a11y"),
	                 1);
	assert_records(run, "dumpsys_battery_daily", 4);
	assert_int_equal(count_alerts(run, "dumpsys_battery_daily",
	                              TH_LEVEL_MEDIUM, "downgraded"),
	                 1);
	assert_int_equal(count_alerts(run, "dumpsys_battery_daily",
	                              TH_LEVEL_MEDIUM, "uninstalled"),
	                 1);
	assert_records(run, "dumpsys_packages", 1);
	assert_int_equal(count_alerts(run, "dumpsys_packages", TH_LEVEL_MEDIUM,
	                              "com.topjohnwu.magisk"),
	                 1);
	/* The garbage tombstone is one warning naming it; the other is read. */
	assert_records(run, "tombstones", 1);
	assert_int_equal(count_alerts(run, "tombstones", TH_LEVEL_MEDIUM,
	                              "uid 0 (root)"),
	                 1);
	assert_true(logs.named);
	th_run_free(run);

	/* check-iocs re-raises the per-record alerts from the results. */
	opt.target = out;
	opt.source = NULL;
	opt.output_dir = NULL;
	opt.recheck = 1;
	run = NULL;
	run = t_run_execute(&opt);
	assert_int_equal(count_alerts(run, "dumpsys_accessibility",
	                              TH_LEVEL_MEDIUM, "com.spy.a11y"),
	                 1);
	assert_int_equal(count_alerts(run, "dumpsys_battery_daily",
	                              TH_LEVEL_MEDIUM, NULL),
	                 2);
	assert_int_equal(count_alerts(run, "tombstones", TH_LEVEL_MEDIUM, NULL),
	                 1);
	assert_int_equal(
	        count_alerts(run, "dumpsys_get_prop", TH_LEVEL_MEDIUM, NULL),
	        1);
	th_run_free(run);
	t_tmpdir_free(out);
	t_tmpdir_free(dir);
}

/* An androidqf acquisition written here: adb trusts the acquiring
 * host's key and another one; only the other one is worth a look. */
static void test_adb_foreign_key(void **state)
{
	static const char dumpsys[] = "DUMP OF SERVICE adb:\n"
	                              "ADB MANAGER STATE (dumpsys adb):\n"
	                              "{\n"
	                              "  debugging_manager={\n"
	                              "    connected_to_adb=true\n"
	                              "    user_keys=QAAAAGhvc3Q= analyst@lab\n"
	                              "QAAAAG90aGVy stranger@elsewhere\n"
	                              "\n"
	                              "  }\n"
	                              "}\n";
	static const char acq[] = "{\"uuid\": \"1\", \"adb_public_key\": "
	                          "\"QAAAAGhvc3Q= analyst@lab\"}";
	static const char *const adb_only[] = {"dumpsys_adb_state"};
	char *dir = t_tmpdir(), *out = t_tmpdir();
	struct th_run *run;

	(void)state;
	free(t_write(dir, "dumpsys.txt", dumpsys, sizeof(dumpsys) - 1));
	free(t_write(dir, "getprop.txt", "[a]: [b]\n", 9));
	free(t_write(dir, "acquisition.json", acq, sizeof(acq) - 1));
	run = t_run_modules(dir, "androidqf", out, NULL, adb_only, 1);
	assert_records(run, "dumpsys_adb_state", 1);
	assert_int_equal(count_alerts(run, "dumpsys_adb_state", TH_LEVEL_LOW,
	                              "stranger@elsewhere"),
	                 1);
	assert_int_equal(
	        count_alerts(run, "dumpsys_adb_state", TH_LEVEL_LOW, NULL), 1);
	th_run_free(run);
	t_tmpdir_free(out);
	t_tmpdir_free(dir);
}

/* check-iocs on MVT's own dumpsys_receivers.json: one object mapping
 * each intent to its receivers. */
static void test_recheck_mvt_receivers(void **state)
{
	static const char mvt[] =
	        "{\"android.intent.action.PHONE_STATE\": [{\"package_name\": "
	        "\"org.torproject.torbrowser\", \"receiver\": "
	        "\"org.torproject.torbrowser/.R\"}, {\"package_name\": "
	        "\"org.torproject.torbrowse\", \"receiver\": "
	        "\"org.torproject.torbrowse/.R\"}]}\n";
	static const char *const recv[] = {"dumpsys_receivers"};
	struct th_iocs *iocs = load_bundle();
	char *dir = t_tmpdir();
	struct th_run_options opt = {
	        .modules = recv,
	        .nmodules = 1,
	        .jobs = 1,
	        .recheck = 1,
	};
	struct th_run *run = NULL;

	(void)state;
	free(t_write(dir, "dumpsys_receivers.json", mvt, sizeof(mvt) - 1));
	opt.target = dir;
	opt.iocs = iocs;
	run = t_run_execute(&opt);
	assert_int_equal(
	        count_alerts(run, "dumpsys_receivers", TH_LEVEL_CRITICAL, NULL),
	        1);
	assert_int_equal(count_alerts(run, "dumpsys_receivers",
	                              TH_LEVEL_CRITICAL,
	                              "org.torproject.torbrowser"),
	                 1);
	th_run_free(run);
	th_iocs_free(iocs);
	t_tmpdir_free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_bugreport),
	        cmocka_unit_test(test_androidqf),
	        cmocka_unit_test(test_androidqf_zip),
	        cmocka_unit_test(test_generated_bugreport),
	        cmocka_unit_test(test_adb_foreign_key),
	        cmocka_unit_test(test_recheck_mvt_receivers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
