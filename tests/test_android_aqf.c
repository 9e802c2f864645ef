/* The Android modules through the run API: MVT's androidqf, backup and
 * bugreport fixtures with the records they hold (counted from the
 * files), generated infected and clean acquisitions with a demo
 * indicator bundle written here (planted traces alert, look-alikes do
 * not), the encrypted nested backup, and the CLI's check-* commands.
 * The evidence is hashed before and after every run. */
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
#include "gen_android.h"
#include "core/fsutil.h"
#include "modules/module.h"

static const char bundle[] =
        "{\"type\": \"bundle\", \"id\": \"bundle--1\", \"objects\": ["
        "{\"type\": \"malware\", \"id\": \"malware--1\", \"name\": "
        "\"DemoSpy\"},"
        "{\"type\": \"indicator\", \"id\": \"indicator--1\", \"pattern\": "
        "\"[app:id = '" TH_GEN_SPY_PACKAGE "']\"},"
        "{\"type\": \"indicator\", \"id\": \"indicator--2\", \"pattern\": "
        "\"[domain-name:value = '" TH_GEN_SPY_DOMAIN "']\"},"
        "{\"type\": \"indicator\", \"id\": \"indicator--3\", \"pattern\": "
        "\"[app:cert.sha256 = '" TH_GEN_SPY_CERT "']\"},"
        "{\"type\": \"indicator\", \"id\": \"indicator--4\", \"pattern\": "
        "\"[android-property:name = '" TH_GEN_SPY_PROPERTY "']\"},"
        "{\"type\": \"indicator\", \"id\": \"indicator--5\", \"pattern\": "
        "\"[file:hashes.sha256 = '" TH_GEN_SPY_FILE_HASH "']\"},"
        "{\"type\": \"indicator\", \"id\": \"indicator--6\", \"pattern\": "
        "\"[process:name = 'gatekeeperd']\"},"
        "{\"type\": \"indicator\", \"id\": \"indicator--7\", \"pattern\": "
        "\"[app:id = 'com.malware.blah']\"},"
        "{\"type\": \"indicator\", \"id\": \"indicator--8\", \"pattern\": "
        "\"[domain-name:value = 'google.com']\"}"
        "]}";

static struct th_iocs *load_bundle(void)
{
	return t_iocs_text("demo.stix2", bundle);
}

static const char *const mine[] = {
        "aqf_packages",
        "aqf_processes",
        "aqf_get_prop",
        "aqf_settings",
        "aqf_files",
        "aqf_log_timestamps",
        "root_binaries",
        "mounts",
        "bugreport_timestamps",
        "sms",
        "dns_event",
        "connect_event",
        "security_event",
};

struct run_opts {
	const char *source;
	const char *password;
	const struct th_iocs *iocs;
};

static struct th_run *run_on(const char *target, const char *out,
                             const struct run_opts *ro)
{
	struct th_run_options opt = {
	        .target = target,
	        .source = ro ? ro->source : NULL,
	        .output_dir = out,
	        .modules = mine,
	        .nmodules = sizeof(mine) / sizeof(mine[0]),
	        .iocs = ro ? ro->iocs : NULL,
	        .password = ro ? ro->password : NULL,
	        .jobs = 1,
	};

	return t_run_execute(&opt);
}

static size_t records(const struct th_run *run, const char *slug)
{
	const struct th_module_result *r = t_result_find(run, slug);

	if (!r)
		fail_msg("no result for %s", slug);
	if (r->status != TH_OK)
		fail_msg("%s: %s", slug, r->message ? r->message : "failed");
	return r->records;
}

static int skipped(const struct th_run *run, const char *slug)
{
	const struct th_module_result *r = t_result_find(run, slug);

	/* Absent artifact, or a module that does not run on this kind. */
	return !r || r->status == TH_ERR_NOTFOUND ||
	       r->status == TH_ERR_UNSUPPORTED;
}

/* MVT's androidqf sample: 7 packages, 15 processes (16 lines of ps.txt
 * less the header), 10 properties, 3 files, 4 root binaries, and the
 * 2 messages of its backup.ab (an SMS and an MMS). */
static void test_androidqf_fixture(void **state)
{
	struct t_ev ev;
	struct run_opts ro = {.iocs = load_bundle()};
	json_t *settings, *pk;
	struct th_run *run;

	t_ev_shared(&ev, "fixtures/mvt/androidqf");
	run = run_on(ev.dir, ev.out, &ro);
	assert_string_equal(th_run_source_name(run), "androidqf");
	assert_int_equal(records(run, "aqf_packages"), 7);
	assert_int_equal(records(run, "aqf_processes"), 15);
	assert_int_equal(records(run, "aqf_get_prop"), 10);
	assert_int_equal(records(run, "aqf_settings"), 1);
	assert_int_equal(records(run, "aqf_files"), 3);
	assert_int_equal(records(run, "root_binaries"), 4);
	assert_int_equal(records(run, "sms"), 2);
	assert_true(skipped(run, "mounts"));
	assert_true(skipped(run, "aqf_log_timestamps"));
	assert_true(skipped(run, "dns_event"));
	/* Heuristics: 4 root binaries; whatsapp by adb; revanced, youtube
	 * and fdroid by the package installer; apollo from F-Droid;
	 * samsung_errorlog_agree=0. */
	assert_int_equal(t_alerts(run, "root_binaries", TH_LEVEL_HIGH, NULL),
	                 4);
	assert_int_equal(t_alerts(run, "aqf_packages", TH_LEVEL_MEDIUM, NULL),
	                 4);
	assert_int_equal(t_alerts(run, "aqf_packages", TH_LEVEL_MEDIUM,
	                          "'com.whatsapp' has no installer"),
	                 1);
	assert_int_equal(t_alerts(run, "aqf_packages", TH_LEVEL_INFO,
	                          "org.nuclearfog.apollo"),
	                 1);
	assert_int_equal(t_alerts(run, "aqf_settings", TH_LEVEL_MEDIUM,
	                          "samsung_errorlog_agree"),
	                 1);
	/* Indicators: com.malware.blah (a system app: no installer alert),
	 * and google.com in both messages. */
	assert_int_equal(t_alerts(run, "aqf_packages", TH_LEVEL_CRITICAL,
	                          "com.malware.blah"),
	                 1);
	assert_int_equal(t_alerts(run, "aqf_packages", TH_LEVEL_CRITICAL, NULL),
	                 1);
	assert_int_equal(t_alerts(run, "sms", TH_LEVEL_CRITICAL, NULL), 2);
	/* The serial number too big for 64 bits is kept, as digits. */
	pk = t_load_json(ev.out, "aqf_packages.json");
	assert_int_equal(json_array_size(pk), 7);
	json_decref(pk);
	settings = t_load_json(ev.out, "aqf_settings.json");
	assert_string_equal(json_string_value(json_object_get(
	                            json_object_get(settings, "random"),
	                            "package_verifier_enable")),
	                    "1");
	json_decref(settings);
	th_run_free(run);
	th_iocs_free((struct th_iocs *)ro.iocs);
	t_ev_close(&ev);
}

static void test_androidqf_zip(void **state)
{
	char *zip, *out = t_tmpdir();
	struct th_run *run;

	T_SHARED_OR_SKIP(zip, "fixtures/mvt/androidqf.zip");
	run = run_on(zip, out, NULL);
	assert_string_equal(th_run_source_name(run), "androidqf");
	assert_int_equal(records(run, "aqf_get_prop"), 10);
	assert_true(skipped(run, "aqf_packages"));
	assert_true(skipped(run, "aqf_processes"));
	th_run_free(run);
	t_tmpdir_free(out);
	free(zip);
}

/* Every sample holds the SMS "Hi this is a test message to
 * https://google.com/" (date_sent 0: received); backup.ab also the MMS
 * with http://google.com, sent. */
static void check_test_sms(const json_t *sms)
{
	const json_t *m, *links;
	size_t i, found = 0;
	const char *body;

	json_array_foreach(sms, i, m)
	{
		body = t_str(m, "body");
		assert_non_null(body);
		assert_null(json_object_get(m, "mms_body"));
		links = json_object_get(m, "links");
		assert_int_equal(json_array_size(links), 1);
		if (!t_contains(body, "test message"))
			continue;
		found++;
		assert_string_equal(t_str(m, "direction"), "received");
		assert_string_equal(json_string_value(json_array_get(links, 0)),
		                    "https://google.com/");
		assert_string_equal(t_str(m, "isodate"),
		                    "2022-02-22 15:29:41.956000");
	}
	assert_int_equal(found, 1);
}

static void test_backups(void **state)
{
	static const struct {
		const char *rel, *pw;
		size_t sms;
	} cases[] = {
	        {"fixtures/mvt/android_backup/backup.ab", NULL, 2},
	        {"fixtures/mvt/android_backup/backup2.ab", "123456", 1},
	        {"fixtures/mvt/android_backup/backup3.ab", NULL, 1},
	        {"fixtures/mvt/androidqf_encrypted/backup.ab", "123456", 1},
	        {"fixtures/mvt/android_backup", NULL, 2},
	};
	struct run_opts ro = {.source = "android-backup"};
	char *path, *out;
	json_t *sms;
	struct th_run *run;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		T_SHARED_OR_SKIP(path, cases[i].rel);
		out = t_tmpdir();
		ro.password = cases[i].pw;
		run = run_on(path, out, &ro);
		assert_int_equal(records(run, "sms"), cases[i].sms);
		sms = t_load_json(out, "sms.json");
		check_test_sms(sms);
		json_decref(sms);
		th_run_free(run);
		t_tmpdir_free(out);
		free(path);
	}
}

static void test_backup_wrong_password(void **state)
{
	struct th_run_options opt = {.password = "654321", .jobs = 1};
	struct th_run *run = NULL;
	char *path, want[1024];

	T_SHARED_OR_SKIP(path, "fixtures/mvt/android_backup/backup2.ab");
	opt.target = path;
	assert_int_equal(th_run_new(&run, &opt), TH_ERR_PASSWORD);
	snprintf(want, sizeof(want), "wrong backup password for '%s'", path);
	assert_non_null(run);
	assert_string_equal(th_run_error(run), want);
	th_run_free(run);
	free(path);
}

static void test_bugreport_fixture(void **state)
{
	struct t_ev ev;
	struct th_run *run;

	t_ev_shared(&ev, "fixtures/mvt/android_data/bugreport");
	run = run_on(ev.dir, ev.out, NULL);
	assert_string_equal(th_run_source_name(run), "bugreport");
	/* main_entry.txt, dumpstate.txt and two tombstones. */
	assert_int_equal(records(run, "bugreport_timestamps"), 4);
	th_run_free(run);
	t_ev_close(&ev);
}

static char *gen_aqf(const char *tmp, int infected)
{
	char *dir = th_path_join(tmp, infected ? "inf" : "clean");
	struct th_err err = {0};

	assert_int_equal(th_mkdir_p(dir, 0, &err), TH_OK);
	assert_int_equal(th_gen_androidqf(dir, infected, &err), TH_OK);
	return dir;
}

static void test_generated_infected(void **state)
{
	char *tmp = t_tmpdir(), *dir = gen_aqf(tmp, 1), *out, b[65], a[65];
	struct run_opts ro = {.iocs = load_bundle(),
	                      .password = TH_GEN_AB_PASSWORD};
	struct th_run *run;

	out = th_path_join(tmp, "out");
	t_tree_hash(dir, b);
	run = run_on(dir, out, &ro);
	assert_int_equal(records(run, "aqf_packages"), TH_GEN_AQF_PACKAGES);
	assert_int_equal(records(run, "aqf_processes"), TH_GEN_AQF_PROCESSES);
	assert_int_equal(records(run, "aqf_get_prop"), TH_GEN_AQF_PROPS);
	assert_int_equal(records(run, "aqf_files"), TH_GEN_AQF_FILES);
	assert_int_equal(records(run, "mounts"), TH_GEN_AQF_MOUNTS);
	assert_int_equal(records(run, "sms"), TH_GEN_AQF_SMS);
	assert_int_equal(records(run, "dns_event"), TH_GEN_AQF_DNS);
	assert_int_equal(records(run, "connect_event"), 1);
	assert_int_equal(records(run, "bugreport_timestamps"), 3);
	assert_int_equal(records(run, "aqf_log_timestamps"), 1);
	assert_int_equal(t_alerts(run, "aqf_packages", TH_LEVEL_CRITICAL,
	                          TH_GEN_SPY_PACKAGE),
	                 1);
	assert_int_equal(t_alerts(run, "aqf_packages", TH_LEVEL_CRITICAL,
	                          TH_GEN_SPY_CERT),
	                 1);
	assert_int_equal(
	        t_alerts(run, "aqf_packages", TH_LEVEL_MEDIUM, "rooting tool"),
	        1);
	assert_int_equal(
	        t_alerts(run, "aqf_packages", TH_LEVEL_MEDIUM, "sideloaded"),
	        1);
	assert_int_equal(t_alerts(run, "aqf_packages", TH_LEVEL_MEDIUM,
	                          "security package"),
	                 1);
	assert_int_equal(
	        t_alerts(run, "aqf_processes", TH_LEVEL_CRITICAL, NULL), 1);
	assert_int_equal(t_alerts(run, "aqf_get_prop", TH_LEVEL_HIGH,
	                          TH_GEN_SPY_PROPERTY),
	                 1);
	assert_int_equal(
	        t_alerts(run, "aqf_get_prop", TH_LEVEL_MEDIUM, "2019-01-05"),
	        1);
	assert_int_equal(t_alerts(run, "aqf_settings", TH_LEVEL_MEDIUM, NULL),
	                 3);
	assert_int_equal(t_alerts(run, "aqf_files", TH_LEVEL_HIGH,
	                          "executable file '/data/local/tmp/payload'"),
	                 1);
	assert_int_equal(t_alerts(run, "aqf_files", TH_LEVEL_CRITICAL, NULL),
	                 1);
	assert_int_equal(t_alerts(run, "root_binaries", TH_LEVEL_HIGH, NULL),
	                 1);
	assert_int_equal(t_alerts(run, "mounts", TH_LEVEL_HIGH, "'/system'"),
	                 1);
	assert_int_equal(t_alerts(run, "mounts", TH_LEVEL_HIGH, NULL), 1);
	assert_int_equal(t_alerts(run, "sms", TH_LEVEL_CRITICAL, NULL), 1);
	assert_int_equal(t_alerts(run, "dns_event", TH_LEVEL_CRITICAL, NULL),
	                 1);
	assert_int_equal(t_alerts(run, "security_event", TH_LEVEL_MEDIUM, NULL),
	                 1);
	th_run_free(run);
	t_tree_hash(dir, a);
	assert_string_equal(b, a);
	th_iocs_free((struct th_iocs *)ro.iocs);
	free(out);
	free(dir);
	t_tmpdir_free(tmp);
}

/* The clean acquisition's look-alikes raise nothing at high or above,
 * and nothing at all but what clean devices show. */
static void test_generated_clean(void **state)
{
	char *tmp = t_tmpdir(), *dir = gen_aqf(tmp, 0), *out;
	struct run_opts ro = {.iocs = load_bundle(),
	                      .password = TH_GEN_AB_PASSWORD};
	struct th_run *run;
	size_t i;

	out = th_path_join(tmp, "out");
	run = run_on(dir, out, &ro);
	assert_int_equal(records(run, "sms"), TH_GEN_AQF_SMS);
	assert_int_equal(records(run, "dns_event"), TH_GEN_AQF_DNS);
	assert_int_equal(records(run, "root_binaries"), 0);
	for (i = 0; i < th_run_nalerts(run); i++)
		fail_msg("clean acquisition alerted: %s: %s",
		         th_run_alert_at(run, i)->module,
		         th_run_alert_at(run, i)->message);
	th_run_free(run);
	th_iocs_free((struct th_iocs *)ro.iocs);
	free(out);
	free(dir);
	t_tmpdir_free(tmp);
}

/* Without the password, the nested backup only fails the sms module. */
static void test_nested_backup_no_password(void **state)
{
	char *tmp = t_tmpdir(), *dir = gen_aqf(tmp, 1), *out;
	const struct th_module_result *r;
	struct th_run *run;

	out = th_path_join(tmp, "out");
	run = run_on(dir, out, NULL);
	r = t_result_find(run, "sms");
	assert_non_null(r);
	assert_int_equal(r->status, TH_ERR_PASSWORD);
	assert_true(t_contains(r->message, "password is needed"));
	assert_int_equal(records(run, "aqf_packages"), TH_GEN_AQF_PACKAGES);
	th_run_free(run);
	free(out);
	free(dir);
	t_tmpdir_free(tmp);
}

/* The same acquisition as a zip, read in place. */
static void test_generated_zip(void **state)
{
	char *tmp = t_tmpdir(), *dir = gen_aqf(tmp, 1), *zip, *out;
	char *argv[] = {"/usr/bin/env", "sh", "-c", NULL, NULL};
	char cmd[4096];
	struct run_opts ro = {.password = TH_GEN_AB_PASSWORD};
	struct th_run *run;

	zip = th_path_join(tmp, "aqf.zip");
	out = th_path_join(tmp, "out");
	snprintf(cmd, sizeof(cmd),
	         "cd '%s' && python3 -c \"import shutil; "
	         "shutil.make_archive('%s'[:-4], 'zip', '.', 'inf')\"",
	         tmp, zip);
	argv[3] = cmd;
	if (t_run(argv, NULL, NULL) != 0)
		skip();
	run = run_on(zip, out, &ro);
	assert_string_equal(th_run_source_name(run), "androidqf");
	assert_int_equal(records(run, "aqf_packages"), TH_GEN_AQF_PACKAGES);
	assert_int_equal(records(run, "sms"), TH_GEN_AQF_SMS);
	assert_int_equal(records(run, "dns_event"), TH_GEN_AQF_DNS);
	assert_int_equal(records(run, "bugreport_timestamps"), 3);
	th_run_free(run);
	free(zip);
	free(out);
	free(dir);
	t_tmpdir_free(tmp);
}

/* processes.json instead of ps.txt; gatekeeperd never alerts. */
static void test_processes_json(void **state)
{
	char *tmp = t_tmpdir(), *dir = th_path_join(tmp, "aqf"), *out;
	struct run_opts ro = {.iocs = load_bundle()};
	struct th_err err = {0};
	struct th_run *run;

	assert_int_equal(th_mkdir_p(dir, 0, &err), TH_OK);
	free(t_write_text(dir, "acquisition.json", "{}"));
	free(t_write_text(dir, "processes.json",
	                  "[{\"pid\": 1, \"name\": \"init\"},"
	                  "{\"pid\": 900, \"name\": \"gatekeeperd\"},"
	                  "{\"pid\": 901, \"name\": \"" TH_GEN_SPY_PROCESS
	                  "\"}, 7]"));
	out = th_path_join(tmp, "out");
	run = run_on(dir, out, &ro);
	assert_int_equal(records(run, "aqf_processes"), 3);
	assert_int_equal(t_alerts(run, "aqf_processes", TH_LEVEL_CRITICAL,
	                          TH_GEN_SPY_PROCESS),
	                 1);
	assert_int_equal(
	        t_alerts(run, "aqf_processes", TH_LEVEL_CRITICAL, NULL), 1);
	th_run_free(run);
	th_iocs_free((struct th_iocs *)ro.iocs);
	free(out);
	free(dir);
	t_tmpdir_free(tmp);
}

/* A malformed artifact fails its module with one line; the others go on. */
static void test_malformed_artifacts(void **state)
{
	char *tmp = t_tmpdir(), *dir = th_path_join(tmp, "aqf"), *out;
	const struct th_module_result *r;
	struct th_err err = {0};
	struct th_run *run;

	assert_int_equal(th_mkdir_p(dir, 0, &err), TH_OK);
	free(t_write_text(dir, "packages.json", "{\"not\": \"a list\""));
	free(t_write_text(dir, "root_binaries.json", "[1, 2, \"/sbin/su\"]"));
	free(t_write_text(dir, "mounts.json",
	                  "[\"garbage\", \"a on /b type c\"]"));
	free(t_write_text(dir, "files.json",
	                  "[{\"path\": 5}, 3, {\"path\": \"/x\"}]"));
	free(t_write_text(dir, "getprop.txt", "junk\n[a]: [b]\n[c"));
	out = th_path_join(tmp, "out");
	run = run_on(dir, out, NULL);
	r = t_result_find(run, "aqf_packages");
	assert_int_equal(r->status, TH_ERR_FORMAT);
	assert_true(t_contains(r->message, "packages.json"));
	assert_int_equal(records(run, "root_binaries"), 1);
	assert_int_equal(records(run, "mounts"), 1);
	assert_int_equal(records(run, "aqf_files"), 1);
	assert_int_equal(records(run, "aqf_get_prop"), 1);
	th_run_free(run);
	free(out);
	free(dir);
	t_tmpdir_free(tmp);
}

static void test_generated_bugreport(void **state)
{
	char *tmp = t_tmpdir(), *zip = th_path_join(tmp, "bugreport.zip");
	char *out = th_path_join(tmp, "out");
	struct th_err err = {0};
	struct th_run *run;

	assert_int_equal(th_gen_bugreport_zip(zip, 1, &err), TH_OK);
	run = run_on(zip, out, NULL);
	assert_string_equal(th_run_source_name(run), "bugreport");
	assert_int_equal(records(run, "bugreport_timestamps"), 3);
	th_run_free(run);
	free(zip);
	free(out);
	t_tmpdir_free(tmp);
}

/* Device-local times in intrusion logs are read with --timezone. */
static void test_timezone(void **state)
{
	char *tmp = t_tmpdir(), *dir = th_path_join(tmp, "logs"), *out;
	struct th_run_options opt = {.modules = mine,
	                             .nmodules = sizeof(mine) / sizeof(mine[0]),
	                             .timezone = "+02:00",
	                             .jobs = 1};
	struct th_err err = {0};
	struct th_run *run = NULL;
	json_t *ev;

	assert_int_equal(th_mkdir_p(dir, 0, &err), TH_OK);
	free(t_write_text(dir, "a.txt",
	                  "{\"security_event\": {\"tag\": \"wipe_failure\", "
	                  "\"event_time\": \"2025-06-01 12:00:00\"}}\n"));
	out = th_path_join(tmp, "out");
	opt.target = dir;
	opt.output_dir = out;
	run = t_run_execute(&opt);
	assert_string_equal(th_run_source_name(run), "intrusion-logs");
	assert_int_equal(t_alerts(run, "security_event", TH_LEVEL_MEDIUM,
	                          "a wipe failed"),
	                 1);
	ev = t_load_json(out, "security_event.json");
	assert_string_equal(t_str_at(ev, 0, "timestamp"),
	                    "2025-06-01 10:00:00.000000");
	json_decref(ev);
	th_run_free(run);
	/* A time zone we cannot read is refused, naming it. */
	opt.timezone = "Mars/Olympus";
	assert_int_equal(th_run_new(&run, &opt), TH_ERR_USAGE);
	assert_true(t_contains(th_run_error(run), "Mars/Olympus"));
	th_run_free(run);
	free(out);
	free(dir);
	t_tmpdir_free(tmp);
}

static void test_cli(void **state)
{
	char *tmp = t_tmpdir(), *dir = gen_aqf(tmp, 1), *path;
	char *ilogs = th_path_join(dir, "intrusion_logs");
	struct t_out r;

	r = t_th("check-androidqf", dir, NULL);
	assert_int_equal(r.rc, 1); /* high alerts */
	assert_true(t_contains(r.out, "aqf_packages"));
	t_out_free(&r);
	r = t_th("check-intrusion-logs", ilogs, NULL);
	assert_int_equal(r.rc, 0);
	assert_true(t_contains(r.out, "dns_event"));
	assert_true(t_contains(r.out, "3 records"));
	t_out_free(&r);
	/* not a bugreport: one clear line, exit 2 */
	r = t_th("check-bugreport", dir, NULL);
	assert_int_equal(r.rc, 2);
	t_out_free(&r);
	/* The nested backup with the password: the SMS are read. */
	r = t_th("check-androidqf", "-p", TH_GEN_AB_PASSWORD, dir, NULL);
	assert_int_equal(r.rc, 1);
	assert_true(t_contains(r.out, "sms "));
	assert_true(t_contains(r.out, "3 records"));
	t_out_free(&r);
	T_SHARED_OR_SKIP(path, "fixtures/mvt/android_backup/backup.ab");
	r = t_th("check-android-backup", path, NULL);
	assert_int_equal(r.rc, 0);
	assert_true(t_contains(r.out, "sms"));
	t_out_free(&r);
	free(path);
	/* A wrong password: one clear line naming the file, exit 2. */
	T_SHARED_OR_SKIP(path, "fixtures/mvt/android_backup/backup2.ab");
	r = t_th("check-android-backup", "-p", "654321", path, NULL);
	assert_int_equal(r.rc, 2);
	assert_true(t_contains(r.err, "wrong backup password for '"));
	assert_true(t_contains(r.err, "backup2.ab'"));
	assert_false(t_contains(r.err, "654321"));
	t_out_free(&r);
	free(path);
	free(ilogs);
	free(dir);
	t_tmpdir_free(tmp);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_androidqf_fixture),
	        cmocka_unit_test(test_androidqf_zip),
	        cmocka_unit_test(test_backups),
	        cmocka_unit_test(test_backup_wrong_password),
	        cmocka_unit_test(test_bugreport_fixture),
	        cmocka_unit_test(test_generated_infected),
	        cmocka_unit_test(test_generated_clean),
	        cmocka_unit_test(test_nested_backup_no_password),
	        cmocka_unit_test(test_generated_zip),
	        cmocka_unit_test(test_processes_json),
	        cmocka_unit_test(test_malformed_artifacts),
	        cmocka_unit_test(test_generated_bugreport),
	        cmocka_unit_test(test_timezone),
	        cmocka_unit_test(test_cli),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
