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
	struct th_iocs *iocs = t_iocs_text("pegasus.stix2", bundle);

	assert_int_equal(th_iocs_total(iocs), 2);
	return iocs;
}

static const char *const both[] = {"backup_info", "manifest"};

/* Runs both modules on target into out (a fresh folder). */
static struct th_run *run_on(const char *target, const char *out,
                             const struct th_iocs *iocs)
{
	return t_run_modules(target, NULL, out, iocs, both, 2);
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

static void test_fixture(void **state)
{
	struct t_ev ev;
	json_t *manifest, *info, *first;
	struct th_run *run;

	t_ev_shared(&ev, "fixtures/mvt/ios_backup");
	run = run_on(ev.dir, ev.out, NULL);
	assert_int_equal(t_result(run, "manifest")->status, TH_OK);
	assert_int_equal(t_result(run, "manifest")->records, 3721);
	assert_int_equal(t_result(run, "backup_info")->status, TH_OK);

	manifest = t_load_json(ev.out, "manifest.json");
	assert_int_equal(json_array_size(manifest), 3721);
	first = json_array_get(manifest, 0);
	assert_string_equal(t_str(first, "mode"), "0o40755");
	assert_string_equal(t_str(first, "created"),
	                    "2021-01-15 01:37:49.000000");
	assert_int_equal(json_integer_value(json_object_get(first, "owner")),
	                 501);
	/* MVT's count for this fixture: one event per distinct time. */
	assert_int_equal(count_lines(ev.out, "timeline.csv"), 1 + 5881);

	info = t_load_json(ev.out, "backup_info.json");
	assert_string_equal(t_str(info, "Product Type"), "iPhone9,3");
	assert_string_equal(t_str(info, "Product Version"), "14.3");
	assert_string_equal(t_str(info, "Last Backup Date"),
	                    "2021-12-03 19:33:13.000000");
	assert_int_equal(json_array_size(json_object_get(
	                         info, "Installed Applications")),
	                 6);
	assert_null(json_object_get(info, "Phone Number")); /* absent */
	assert_int_equal(t_alerts(run, "backup_info", TH_LEVEL_LOW,
	                          "iOS 14.3 is out of date"),
	                 1);
	assert_true(th_run_max_level(run) < TH_LEVEL_HIGH);
	json_decref(info);
	json_decref(manifest);
	th_run_free(run);
	t_ev_close(&ev);
}

static char *gen(const char *tmp, int infected)
{
	return t_gen_backup(tmp, "backup", infected, 200, 7);
}

/* Both modules on a generated backup, with the bundle. */
static void gen_open(struct t_gen *g, int infected)
{
	*g = (struct t_gen){.modules = both,
	                    .nmodules = 2,
	                    .rows = 200,
	                    .seed = 7,
	                    .iocs = load_bundle()};
	t_gen_open(g, infected);
}

static void test_infected_backup(void **state)
{
	char before[65], after[65];
	struct t_gen g;
	struct th_run *run;
	const struct th_alert *a;
	size_t i;

	gen_open(&g, 1);
	t_tree_hash(g.dir, before);
	run = t_gen_exec(&g);
	assert_int_equal(t_alerts(run, "manifest", TH_LEVEL_HIGH,
	                          "crash reporting was tampered with: "
	                          "com.apple.CrashReporter.plist in "
	                          "RootDomain (a Pegasus trace)"),
	                 1);
	assert_int_equal(t_alerts(run, "manifest", TH_LEVEL_HIGH,
	                          "'bun54l2b67.get1tn0w.free247downloads."
	                          "com' matches indicator "
	                          "'free247downloads.com' (Pegasus)"),
	                 1);
	assert_int_equal(t_alerts(run, "manifest", TH_LEVEL_HIGH,
	                          "matches indicator '" STAGING "'"),
	                 1);
	/* Nothing else: the look-alikes (notfree247downloads.com, the
	 * CrashReporter plist in HomeDomain, the .staging.old sibling)
	 * stay quiet. */
	assert_int_equal(t_alerts(run, "manifest", TH_LEVEL_HIGH, NULL), 3);
	for (i = 0; i < th_run_nalerts(run); i++) {
		a = th_run_alert_at(run, i);
		assert_false(t_contains(a->message, "notfree247"));
		assert_false(t_contains(a->message, "HomeDomain"));
		assert_false(t_contains(a->message, ".staging.old"));
		if (a->level == TH_LEVEL_HIGH)
			assert_true(a->event_time != TH_TIME_NONE);
	}
	assert_int_equal(
	        t_alerts(run, "backup_info", TH_LEVEL_LOW, "is out of date"),
	        1);
	th_run_free(run);
	g.run = NULL;
	t_tree_hash(g.dir, after);
	assert_string_equal(before, after);
	t_gen_free(&g);
}

static void test_clean_backup(void **state)
{
	struct t_gen g;
	struct th_run *run;

	gen_open(&g, 0);
	run = t_gen_exec(&g);
	assert_int_equal(t_alerts(run, "manifest", TH_LEVEL_HIGH, NULL), 0);
	assert_true(t_result(run, "manifest")->records > 200);
	t_gen_free(&g);
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
	assert_int_equal(t_result(run, "backup_info")->status, TH_ERR_NOTFOUND);
	assert_int_equal(t_result(run, "manifest")->status, TH_OK);
	th_run_free(run);
	free(out);

	f = fopen(info, "wb");
	assert_non_null(f);
	fputs("<plist><dict><key>x</key>", f);
	fclose(f);
	out = th_path_join(tmp, "out2");
	run = run_on(dir, out, NULL);
	assert_int_equal(t_result(run, "backup_info")->status, TH_ERR_FORMAT);
	assert_int_equal(t_result(run, "manifest")->status, TH_OK);
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
