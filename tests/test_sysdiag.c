/* The sysdiagnose source and modules on a generated sysdiagnose, as a
 * .tar.gz (one streamed pass) and as its extracted folder: every planted
 * trace alerts, no look-alike does, nothing is left in the private
 * TMPDIR, no member escapes, and the evidence is unchanged. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "support.h"
#include "fsdump_support.h"
#include "gen_fs.h"
#include "core/timeconv.h"
#include "formats/sysdiag_text.h"

struct env {
	char *base, *tmp, *target, *out, *old_tmpdir;
	struct th_iocs *iocs;
};

static void env_open(struct env *e, const char *name)
{
	struct th_gen_fs_opts opt = {.hostile = 1, .seed = 1};
	struct th_err err = {0};
	const char *old = getenv("TMPDIR");

	memset(e, 0, sizeof(*e));
	e->base = t_tmpdir();
	assert_non_null(e->base);
	e->old_tmpdir = old ? strdup(old) : NULL;
	e->tmp = th_path_join(e->base, "tmp");
	e->target = th_path_join(e->base, name);
	e->out = th_path_join(e->base, "out");
	assert_int_equal(th_mkdir_p(e->tmp, 1, &err), TH_OK);
	setenv("TMPDIR", e->tmp, 1);
	if (th_gen_sysdiagnose(e->target, &opt, &err) != TH_OK)
		fail_msg("th_gen_sysdiagnose: %s", err.msg);
	e->iocs = fsd_iocs(e->base);
}

static void env_close(struct env *e)
{
	if (e->old_tmpdir)
		setenv("TMPDIR", e->old_tmpdir, 1);
	else
		unsetenv("TMPDIR");
	th_iocs_free(e->iocs);
	t_tmpdir_free(e->base);
	free(e->tmp);
	free(e->target);
	free(e->out);
	free(e->old_tmpdir);
}

static void assert_sysdiag(const struct th_run *run)
{
	assert_string_equal(th_run_source_name(run), "sysdiagnose");
	/* bh's staging path: file path (critical) and staging (high);
	 * msgacntd behind its UUID component (critical) */
	assert_int_equal(fsd_alerts(run, "shutdown_log", TH_LEVEL_CRITICAL), 2);
	assert_int_equal(fsd_alerts(run, "shutdown_log", TH_LEVEL_HIGH), 1);
	assert_int_equal(fsd_alerts(run, "shutdown_log", TH_LEVEL_MEDIUM), 0);
	assert_true(fsd_alert_mentions(run, "'msgacntd'"));
	assert_int_equal(fsd_alerts(run, "sysdiagnose_processes", -1), 1);
	assert_int_equal(fsd_alerts(run, "sysdiagnose_crashes", -1), 1);
	assert_int_equal(fsd_alerts(run, "sysdiagnose_installs", -1), 2);
	assert_false(fsd_alert_mentions(run, "bhd"));
	assert_false(fsd_alert_mentions(run, "com.spy.agen'"));
	/* ps.txt 3 processes + ps_thread.txt 1 (thread lines skipped) */
	assert_int_equal(fsd_result(run, "sysdiagnose_processes")->records, 4);
	assert_int_equal(fsd_result(run, "sysdiagnose_crashes")->records, 2);
	assert_int_equal(fsd_result(run, "sysdiagnose_installs")->records, 3);
	assert_int_equal(fsd_result(run, "shutdown_log")->records, 3);
	assert_int_equal(fsd_result(run, "sysdiagnose_info")->records, 1);
}

static void assert_info(const char *out)
{
	char *path = th_path_join(out, "sysdiagnose_info.json");
	json_t *j = json_load_file(path, 0, NULL);

	assert_non_null(j);
	assert_string_equal(json_string_value(json_object_get(j, "build")),
	                    "19H12");
	assert_string_equal(
	        json_string_value(json_object_get(j, "product_type")),
	        "iPhone13,2");
	assert_string_equal(json_string_value(json_object_get(j, "os_version")),
	                    "15.7");
	json_decref(j);
	free(path);
}

static void test_archive(void **state)
{
	char before[65], after[65], *escape;
	struct th_run *run;
	struct env e;

	env_open(&e, TH_GEN_SYSDIAG_NAME ".tar.gz");
	t_tree_hash(e.target, before);
	run = fsd_run(e.target, NULL, e.out, e.iocs, 0);
	assert_sysdiag(run);
	assert_int_equal(fsd_count_dir(e.tmp), 1);
	th_run_free(run);
	assert_info(e.out);
	assert_int_equal(fsd_count_dir(e.tmp), 0);
	escape = th_path_join(e.base, "escape");
	assert_int_equal(access(escape, F_OK), -1);
	assert_int_equal(access("/tmp/th_gen_absolute_escape", F_OK), -1);
	free(escape);
	t_tree_hash(e.target, after);
	assert_string_equal(before, after);
	env_close(&e);
}

static void test_folder(void **state)
{
	char before[65], after[65];
	struct th_run *run;
	struct env e;

	env_open(&e, "extracted");
	t_tree_hash(e.target, before);
	run = fsd_run(e.target, NULL, e.out, e.iocs, 0);
	assert_sysdiag(run);
	th_run_free(run);
	assert_info(e.out);
	t_tree_hash(e.target, after);
	assert_string_equal(before, after);
	assert_int_equal(fsd_count_dir(e.tmp), 0);
	env_close(&e);
}

/* A damaged archive: one clear error naming it, no crash, no leftovers. */
static void test_damaged(void **state)
{
	struct th_run_options opt = {.source = "sysdiagnose", .jobs = 1};
	struct th_run *run = NULL;
	struct th_err err = {0};
	struct env e;
	char *bad;
	FILE *f;

	env_open(&e, TH_GEN_SYSDIAG_NAME ".tar.gz");
	bad = th_path_join(e.base, "sysdiagnose_bad.tar.gz");
	f = fopen(bad, "wb");
	assert_non_null(f);
	fputs("\x1f\x8b\x08\x00garbage that is not gzip", f);
	fclose(f);
	opt.target = bad;
	assert_int_not_equal(th_run_new(&run, &opt), TH_OK);
	assert_true(t_contains(th_run_error(run), "sysdiagnose_bad.tar.gz"));
	th_run_free(run);
	assert_int_equal(fsd_count_dir(e.tmp), 0);
	(void)err;
	free(bad);
	env_close(&e);
}

static void test_cli(void **state)
{
	char *out = NULL, *err = NULL, *ioc;
	struct env e;
	int rc;

	env_open(&e, TH_GEN_SYSDIAG_NAME ".tar.gz");
	ioc = th_path_join(e.base, "pegasus.stix2");
	{
		char *argv[] = {TH_BINARY, "check-sysdiagnose",
		                "-i",      ioc,
		                "-o",      e.out,
		                e.target,  NULL};

		rc = t_run(argv, &out, &err);
	}
	assert_int_equal(rc, 1);
	assert_true(t_contains(out, "sysdiagnose_installs"));
	assert_true(t_contains(err, "entries refused"));
	assert_int_equal(fsd_count_dir(e.tmp), 0);
	free(out);
	free(err);
	free(ioc);
	env_close(&e);
}

static int keep_row(void *ctx, json_t *row)
{
	json_array_append_new(ctx, row);
	return 0;
}

static void test_ps_table(void **state)
{
	static const char ps[] = "USER PID PPID COMMAND\n"
	                         "root 1 0 /sbin/launchd\n"
	                         "mobile 42 1 /usr/libexec/foo --flag x\r\n"
	                         "   0.0 S\n"
	                         "short 7\n";
	json_t *rows = json_array(), *r;

	assert_int_equal(th_ps_table_each(ps, strlen(ps), keep_row, rows), 2);
	r = json_array_get(rows, 1);
	assert_string_equal(json_string_value(json_object_get(r, "pid")), "42");
	assert_string_equal(json_string_value(json_object_get(r, "process")),
	                    "foo");
	assert_string_equal(json_string_value(json_object_get(r, "command")),
	                    "/usr/libexec/foo --flag x");
	json_decref(rows);
	rows = json_array();
	assert_int_equal(th_ps_table_each("USER PID", 8, keep_row, rows), 0);
	assert_int_equal(th_ps_table_each("", 0, keep_row, rows), 0);
	json_decref(rows);
}

static void test_install_lines(void **state)
{
	char id[TH_BUNDLE_ID_MAX], when[TH_TIME_STR_MAX], longl[600];
	const char *event = NULL;
	int64_t t = 0;

	assert_true(th_install_line("Mon Jan  9 10:11:12 2023 [1] <notice> "
	                            "Installing <MIInstallableBundle "
	                            "ID=com.a.b; Version=1>",
	                            &event, id, &t));
	assert_string_equal(event, "installing");
	assert_string_equal(id, "com.a.b");
	th_time_format(t, when);
	assert_string_equal(when, "2023-01-09 10:11:12.000000");
	assert_true(th_install_line("x: Uninstall requested by y (pid 1) for "
	                            "identifier com.x.y with options",
	                            &event, id, &t));
	assert_string_equal(event, "uninstall_requested");
	assert_string_equal(id, "com.x.y");
	assert_true(t == TH_TIME_NONE);
	assert_false(th_install_line("nothing to see", &event, id, &t));
	assert_false(
	        th_install_line("Install Successful for ()", &event, id, &t));
	memset(longl, 'a', sizeof(longl) - 1);
	longl[sizeof(longl) - 1] = '\0';
	memcpy(longl, "Uninstalling identifier ", 24);
	assert_false(th_install_line(longl, &event, id, &t));
	assert_null(th_ips_header("[1,2]\n", 6));
	assert_null(th_ips_header("{\"a\":1,\"a\":2}\n", 14));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_archive),
	        cmocka_unit_test(test_folder),
	        cmocka_unit_test(test_damaged),
	        cmocka_unit_test(test_cli),
	        cmocka_unit_test(test_ps_table),
	        cmocka_unit_test(test_install_lines),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
