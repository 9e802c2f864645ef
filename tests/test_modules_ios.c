/* The backup modules through the public run API: backup_info and
 * manifest on the real fixture and on generated backups, with a small
 * indicator bundle written here; result files are read back and checked,
 * and the evidence is hashed before and after. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <tracehound/tracehound.h>
#include "support.h"
#include "gen.h"
#include "core/fsutil.h"
#include "modules/module.h"

#define STAGING "/private/var/db/com.apple.xpc.roleaccountd.staging/"

static const char bundle[] =
        "{\"type\": \"bundle\", \"id\": \"bundle--1\", \"objects\": ["
        "{\"type\": \"malware\", \"id\": \"malware--1\", \"name\": "
        "\"Pegasus\"},"
        "{\"type\": \"indicator\", \"id\": \"indicator--1\", \"pattern\": "
        "\"[domain-name:value = 'free247downloads.com']\"},"
        "{\"type\": \"indicator\", \"id\": \"indicator--2\", \"pattern\": "
        "\"[file:path = '" STAGING "']\"},"
        "{\"type\": \"relationship\", \"id\": \"relationship--1\", "
        "\"relationship_type\": \"indicates\", \"source_ref\": "
        "\"indicator--1\", \"target_ref\": \"malware--1\"},"
        "{\"type\": \"relationship\", \"id\": \"relationship--2\", "
        "\"relationship_type\": \"indicates\", \"source_ref\": "
        "\"indicator--2\", \"target_ref\": \"malware--1\"}]}";

static struct th_iocs *load_bundle(void)
{
	char *dir = t_tmpdir(), *path;
	struct th_iocs *iocs = NULL;
	FILE *f;

	assert_non_null(dir);
	path = th_path_join(dir, "pegasus.stix2");
	f = fopen(path, "wb");
	assert_non_null(f);
	fputs(bundle, f);
	fclose(f);
	assert_int_equal(th_iocs_new(&iocs), TH_OK);
	assert_int_equal(th_iocs_load(iocs, path), TH_OK);
	assert_int_equal(th_iocs_total(iocs), 2);
	free(path);
	t_tmpdir_free(dir);
	return iocs;
}

static const char *const both[] = {"backup_info", "manifest"};

/* Runs both modules on target into out (a fresh folder). */
static struct th_run *run_on(const char *target, const char *out,
                             const struct th_iocs *iocs)
{
	struct th_run_options opt = {
	        .target = target,
	        .output_dir = out,
	        .modules = both,
	        .nmodules = 2,
	        .iocs = iocs,
	        .jobs = 1,
	};
	struct th_run *run = NULL;

	if (th_run_new(&run, &opt) != TH_OK)
		fail_msg("th_run_new: %s", run ? th_run_error(run) : "?");
	assert_int_equal(th_run_execute(run), TH_OK);
	return run;
}

static json_t *load_json(const char *dir, const char *name)
{
	char *p = th_path_join(dir, name);
	json_error_t e;
	json_t *j = json_load_file(p, 0, &e);

	if (!j)
		fail_msg("%s: %s", p, e.text);
	free(p);
	return j;
}

static const struct th_module_result *result(const struct th_run *run,
                                             const char *slug)
{
	size_t i;

	for (i = 0; i < th_run_nresults(run); i++)
		if (strcmp(th_run_result(run, i)->slug, slug) == 0)
			return th_run_result(run, i);
	fail_msg("no result for %s", slug);
	return NULL;
}

static size_t count_lines(const char *dir, const char *name)
{
	char *p = th_path_join(dir, name), *text = t_slurp(p, NULL), *c;
	size_t n = 0;

	assert_non_null(text);
	for (c = text; *c; c++)
		n += *c == '\n';
	free(text);
	free(p);
	return n;
}

/* Alerts of `module` at `level` whose message contains `needle`. */
static size_t count_alerts(const struct th_run *run, const char *module,
                           enum th_level level, const char *needle)
{
	const struct th_alert *a;
	size_t i, n = 0;

	for (i = 0; i < th_run_nalerts(run); i++) {
		a = th_run_alert_at(run, i);
		if (strcmp(a->module, module) == 0 && a->level == level &&
		    (!needle || t_contains(a->message, needle)))
			n++;
	}
	return n;
}

static void test_fixture(void **state)
{
	char *dir, *out = t_tmpdir(), before[65], after[65];
	json_t *manifest, *info, *first;
	struct th_run *run;

	T_SHARED_OR_SKIP(dir, "fixtures/mvt/ios_backup");
	t_tree_hash(dir, before);
	run = run_on(dir, out, NULL);
	assert_int_equal(result(run, "manifest")->status, TH_OK);
	assert_int_equal(result(run, "manifest")->records, 3721);
	assert_int_equal(result(run, "backup_info")->status, TH_OK);

	manifest = load_json(out, "manifest.json");
	assert_int_equal(json_array_size(manifest), 3721);
	first = json_array_get(manifest, 0);
	assert_string_equal(json_string_value(json_object_get(first, "mode")),
	                    "0o40755");
	assert_string_equal(
	        json_string_value(json_object_get(first, "created")),
	        "2021-01-15 01:37:49.000000");
	assert_int_equal(json_integer_value(json_object_get(first, "owner")),
	                 501);
	/* MVT's count for this fixture: one event per distinct time. */
	assert_int_equal(count_lines(out, "timeline.csv"), 1 + 5881);

	info = load_json(out, "backup_info.json");
	assert_string_equal(
	        json_string_value(json_object_get(info, "Product Type")),
	        "iPhone9,3");
	assert_string_equal(
	        json_string_value(json_object_get(info, "Product Version")),
	        "14.3");
	assert_string_equal(
	        json_string_value(json_object_get(info, "Last Backup Date")),
	        "2021-12-03 19:33:13.000000");
	assert_int_equal(json_array_size(json_object_get(
	                         info, "Installed Applications")),
	                 6);
	assert_null(json_object_get(info, "Phone Number")); /* absent */
	assert_int_equal(count_alerts(run, "backup_info", TH_LEVEL_LOW,
	                              "iOS 14.3 is out of date"),
	                 1);
	assert_true(th_run_max_level(run) < TH_LEVEL_HIGH);
	json_decref(info);
	json_decref(manifest);
	th_run_free(run);
	t_tree_hash(dir, after);
	assert_string_equal(before, after);
	t_tmpdir_free(out);
	free(dir);
}

static char *gen(const char *tmp, int infected)
{
	struct th_gen_backup_opts opt = {
	        .infected = infected, .rows = 200, .seed = 7};
	struct th_err err = {0};
	char *dir = th_path_join(tmp, "backup");

	assert_int_equal(th_gen_backup(dir, &opt, &err), TH_OK);
	return dir;
}

static void test_infected_backup(void **state)
{
	char *tmp = t_tmpdir(), *out, *dir, before[65], after[65];
	struct th_iocs *iocs = load_bundle();
	struct th_run *run;
	const struct th_alert *a;
	size_t i;

	dir = gen(tmp, 1);
	out = th_path_join(tmp, "out");
	t_tree_hash(dir, before);
	run = run_on(dir, out, iocs);
	assert_int_equal(count_alerts(run, "manifest", TH_LEVEL_HIGH,
	                              "crash reporting was tampered with: "
	                              "com.apple.CrashReporter.plist in "
	                              "RootDomain (a Pegasus trace)"),
	                 1);
	assert_int_equal(count_alerts(run, "manifest", TH_LEVEL_HIGH,
	                              "'bun54l2b67.get1tn0w.free247downloads."
	                              "com' matches indicator "
	                              "'free247downloads.com' (Pegasus)"),
	                 1);
	assert_int_equal(count_alerts(run, "manifest", TH_LEVEL_HIGH,
	                              "matches indicator '" STAGING "'"),
	                 1);
	/* Nothing else: the look-alikes (notfree247downloads.com, the
	 * CrashReporter plist in HomeDomain, the .staging.old sibling)
	 * stay quiet. */
	assert_int_equal(count_alerts(run, "manifest", TH_LEVEL_HIGH, NULL), 3);
	for (i = 0; i < th_run_nalerts(run); i++) {
		a = th_run_alert_at(run, i);
		assert_false(t_contains(a->message, "notfree247"));
		assert_false(t_contains(a->message, "HomeDomain"));
		assert_false(t_contains(a->message, ".staging.old"));
		if (a->level == TH_LEVEL_HIGH)
			assert_true(a->event_time != TH_TIME_NONE);
	}
	assert_int_equal(count_alerts(run, "backup_info", TH_LEVEL_LOW,
	                              "is out of date"),
	                 1);
	th_run_free(run);
	t_tree_hash(dir, after);
	assert_string_equal(before, after);
	th_iocs_free(iocs);
	free(out);
	free(dir);
	t_tmpdir_free(tmp);
}

static void test_clean_backup(void **state)
{
	char *tmp = t_tmpdir(), *out, *dir;
	struct th_iocs *iocs = load_bundle();
	struct th_run *run;

	dir = gen(tmp, 0);
	out = th_path_join(tmp, "out");
	run = run_on(dir, out, iocs);
	assert_int_equal(count_alerts(run, "manifest", TH_LEVEL_HIGH, NULL), 0);
	assert_true(result(run, "manifest")->records > 200);
	th_run_free(run);
	th_iocs_free(iocs);
	free(out);
	free(dir);
	t_tmpdir_free(tmp);
}

/* check() on records alone, in MVT's manifest.json shape, as check-iocs
 * re-reads them: no evidence behind them. */
static void test_check_on_mvt_records(void **state)
{
	const struct th_module *m = th_modules_find("manifest");
	char *tmp = t_tmpdir(), *dir = gen(tmp, 0);
	struct th_iocs *iocs = load_bundle();
	struct th_run_options opt = {.target = dir, .iocs = iocs};
	struct th_run *run = NULL;
	json_t *rec;
	char when[32];

	assert_non_null(m);
	assert_int_equal(th_run_new(&run, &opt), TH_OK);
	rec = json_pack("{s:s, s:s, s:s, s:i, s:s, s:s, s:s, s:s, s:i, s:i}",
	                "file_id", "0123", "domain", "RootDomain",
	                "relative_path",
	                "Library/Preferences/com.apple.CrashReporter.plist",
	                "flags", 1, "created", "2021-07-14 07:31:02.000000",
	                "modified", "2021-07-14 07:31:02.500000",
	                "status_changed", "2021-07-14 07:31:02.500000", "mode",
	                "0o100644", "owner", 501, "size", 221);
	m->check(run, rec);
	assert_int_equal(th_run_nalerts(run), 1);
	assert_int_equal(th_run_alert_at(run, 0)->level, TH_LEVEL_HIGH);
	/* 2021-07-14 07:31:02.5 UTC */
	snprintf(when, sizeof(when), "%lld",
	         (long long)th_run_alert_at(run, 0)->event_time);
	assert_string_equal(when, "1626247862500000");

	json_object_set_new(rec, "domain", json_string("HomeDomain"));
	m->check(run, rec);
	assert_int_equal(th_run_nalerts(run), 1);

	json_object_set_new(
	        rec, "relative_path",
	        json_string("Library/WebKit/WebsiteData/"
	                    "LocalStorage/https_bun54l2b67.get1tn0w."
	                    "notfree247downloads.com_0.localstorage"));
	m->check(run, rec);
	assert_int_equal(th_run_nalerts(run), 1);
	json_object_set_new(
	        rec, "relative_path",
	        json_string("Library/WebKit/WebsiteData/"
	                    "LocalStorage/https_bun54l2b67.get1tn0w."
	                    "free247downloads.com_0.localstorage"));
	m->check(run, rec);
	assert_int_equal(th_run_nalerts(run), 2);
	assert_string_equal(th_run_alert_at(run, 1)->ioc->value,
	                    "free247downloads.com");
	json_decref(rec);
	th_run_free(run);
	th_iocs_free(iocs);
	free(dir);
	t_tmpdir_free(tmp);
}

static void test_missing_or_bad_info_plist(void **state)
{
	char *tmp = t_tmpdir(), *dir = gen(tmp, 0), *out, *info;
	struct th_run *run;
	FILE *f;

	info = th_path_join(dir, "Info.plist");
	out = th_path_join(tmp, "out1");
	assert_int_equal(unlink(info), 0);
	run = run_on(dir, out, NULL);
	assert_int_equal(result(run, "backup_info")->status, TH_ERR_NOTFOUND);
	assert_int_equal(result(run, "manifest")->status, TH_OK);
	th_run_free(run);
	free(out);

	f = fopen(info, "wb");
	assert_non_null(f);
	fputs("<plist><dict><key>x</key>", f);
	fclose(f);
	out = th_path_join(tmp, "out2");
	run = run_on(dir, out, NULL);
	assert_int_equal(result(run, "backup_info")->status, TH_ERR_FORMAT);
	assert_int_equal(result(run, "manifest")->status, TH_OK);
	th_run_free(run);
	free(out);
	free(info);
	free(dir);
	t_tmpdir_free(tmp);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_fixture),
	        cmocka_unit_test(test_infected_backup),
	        cmocka_unit_test(test_clean_backup),
	        cmocka_unit_test(test_check_on_mvt_records),
	        cmocka_unit_test(test_missing_or_bad_info_plist),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
