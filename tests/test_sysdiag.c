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

static void env_open(struct fsd_env *e, const char *name)
{
	struct th_gen_fs_opts opt = {.hostile = 1, .seed = 1};
	struct th_err err = {0};

	fsd_env_open(e, name);
	if (th_gen_sysdiagnose(e->target, &opt, &err) != TH_OK)
		fail_msg("th_gen_sysdiagnose: %s", err.msg);
}

static void assert_sysdiag(const struct th_run *run)
{
	assert_string_equal(th_run_source_name(run), "sysdiagnose");
	/* bh's staging path: file path (critical) and staging (high);
	 * msgacntd behind its UUID component (critical) */
	assert_int_equal(t_alerts(run, "shutdown_log", TH_LEVEL_CRITICAL, NULL),
	                 2);
	assert_int_equal(t_alerts(run, "shutdown_log", TH_LEVEL_HIGH, NULL), 1);
	assert_int_equal(t_alerts(run, "shutdown_log", TH_LEVEL_MEDIUM, NULL),
	                 0);
	assert_true(fsd_alert_mentions(run, "'msgacntd'"));
	assert_int_equal(t_alerts(run, "sysdiagnose_processes", -1, NULL), 1);
	assert_int_equal(t_alerts(run, "sysdiagnose_crashes", -1, NULL), 1);
	assert_int_equal(t_alerts(run, "sysdiagnose_installs", -1, NULL), 2);
	assert_false(fsd_alert_mentions(run, "bhd"));
	assert_false(fsd_alert_mentions(run, "com.spy.agen'"));
	/* ps.txt 3 processes + ps_thread.txt 1 (thread lines skipped) */
	assert_int_equal(t_result(run, "sysdiagnose_processes")->records, 4);
	assert_int_equal(t_result(run, "sysdiagnose_crashes")->records, 2);
	assert_int_equal(t_result(run, "sysdiagnose_installs")->records, 3);
	assert_int_equal(t_result(run, "shutdown_log")->records, 3);
	assert_int_equal(t_result(run, "sysdiagnose_info")->records, 1);
}

static void assert_info(const char *out)
{
	char *path = th_path_join(out, "sysdiagnose_info.json");
	json_t *j = json_load_file(path, 0, NULL);

	assert_non_null(j);
	assert_string_equal(t_str(j, "build"), "19H12");
	assert_string_equal(t_str(j, "product_type"), "iPhone13,2");
	assert_string_equal(t_str(j, "os_version"), "15.7");
	json_decref(j);
	free(path);
}

static void test_archive(void **state)
{
	char before[65], after[65];
	struct th_run *run;
	struct fsd_env e;

	env_open(&e, TH_GEN_SYSDIAG_NAME ".tar.gz");
	t_tree_hash(e.target, before);
	run = fsd_run(e.target, NULL, e.out, e.iocs, 0);
	assert_sysdiag(run);
	assert_int_equal(fsd_count_dir(e.tmp), 1);
	th_run_free(run);
	assert_info(e.out);
	assert_int_equal(fsd_count_dir(e.tmp), 0);
	fsd_assert_no_escape(&e, 1);
	t_tree_hash(e.target, after);
	assert_string_equal(before, after);
	fsd_env_close(&e);
}

static void test_folder(void **state)
{
	char before[65], after[65];
	struct th_run *run;
	struct fsd_env e;

	env_open(&e, "extracted");
	t_tree_hash(e.target, before);
	run = fsd_run(e.target, NULL, e.out, e.iocs, 0);
	assert_sysdiag(run);
	th_run_free(run);
	assert_info(e.out);
	t_tree_hash(e.target, after);
	assert_string_equal(before, after);
	assert_int_equal(fsd_count_dir(e.tmp), 0);
	fsd_env_close(&e);
}

/* A damaged archive: one clear error naming it, no crash, no leftovers. */
static void test_damaged(void **state)
{
	struct th_run_options opt = {.source = "sysdiagnose", .jobs = 1};
	struct th_run *run = NULL;
	struct th_err err = {0};
	struct fsd_env e;
	char *bad;

	env_open(&e, TH_GEN_SYSDIAG_NAME ".tar.gz");
	bad = t_write_text(e.base, "sysdiagnose_bad.tar.gz",
	                   "\x1f\x8b\x08\x00garbage that is not gzip");
	opt.target = bad;
	assert_int_not_equal(th_run_new(&run, &opt), TH_OK);
	assert_true(t_contains(th_run_error(run), "sysdiagnose_bad.tar.gz"));
	th_run_free(run);
	assert_int_equal(fsd_count_dir(e.tmp), 0);
	(void)err;
	free(bad);
	fsd_env_close(&e);
}

static void test_cli(void **state)
{
	char *ioc;
	struct fsd_env e;
	struct t_out r;

	env_open(&e, TH_GEN_SYSDIAG_NAME ".tar.gz");
	ioc = th_path_join(e.base, "pegasus.stix2");
	r = t_th("check-sysdiagnose", "-i", ioc, "-o", e.out, e.target, NULL);
	assert_int_equal(r.rc, 1);
	assert_true(t_contains(r.out, "sysdiagnose_installs"));
	assert_true(t_contains(r.err, "entries refused"));
	assert_int_equal(fsd_count_dir(e.tmp), 0);
	t_out_free(&r);
	free(ioc);
	fsd_env_close(&e);
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
	assert_string_equal(t_str(r, "pid"), "42");
	assert_string_equal(t_str(r, "process"), "foo");
	assert_string_equal(t_str(r, "command"), "/usr/libexec/foo --flag x");
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
