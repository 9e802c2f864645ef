/*
 * --max-extract and --max-artifact-size through the binary: the option,
 * the nested archives of an androidqf (bugreport.zip, backup.ab) and of
 * intrusion logs (a zip inside) holding both limits, and the hostile
 * case of many honest members: a dump of 200 crash reports of 1 MiB
 * under --max-extract 50M, checked by tests/hostile/harness.h.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"
#include "core/fsutil.h"
#include "extract_fixture.h"
#include "hostile/harness.h"

/* --- through the binary --------------------------------------------- */

static void test_cli_option(void **state)
{
	struct t_out r;

	(void)state;
	r = t_th("check", "--max-extract", "4X", "/nonexistent", NULL);
	assert_int_equal(r.rc, 2);
	assert_true(t_contains(r.err, "invalid --max-extract '4X'"));
	t_out_free(&r);
	r = t_th("check", "--max-extract", "0", "/nonexistent", NULL);
	assert_int_equal(r.rc, 2);
	t_out_free(&r);
	r = t_th("help", "check", NULL);
	assert_true(t_contains(r.out, "--max-extract SIZE"));
	t_out_free(&r);
}

/* An androidqf folder: its nested bugreport.zip keeps the user's
 * --max-artifact-size (the dumpstate inside it, 285 bytes, is over 200),
 * and the tar members of its nested backup.ab are charged to
 * --max-extract; raised, the same SMS are read. The other modules run. */
static void test_cli_aqf_nested(void **state)
{
	char *dir = t_tmpdir(), *aqf = th_path_join(dir, "aqf");
	struct th_err err = {0};
	struct t_out r;

	(void)state;
	assert_int_equal(th_gen_androidqf(aqf, 1, &err), TH_OK);
	r = t_th_on(aqf, "check-androidqf", "--max-artifact-size", "200", "-m",
	            "dumpsys_packages", "-m", "aqf_get_prop", aqf, NULL);
	assert_true(t_contains(r.err, "'dumpstate-2023.txt' is larger than "
	                              "the artifact limit of 200 bytes "
	                              "(--max-artifact-size)"));
	assert_true(t_contains(r.out, "4 records"));
	t_out_free(&r);
	r = t_th_on(aqf, "check-androidqf", "--max-extract", "100", "-p",
	            TH_GEN_AB_PASSWORD, "-m", "sms", "-m", "aqf_get_prop", aqf,
	            NULL);
	assert_true(t_contains(r.err, "sms: error: cannot extract "
	                              "'apps/com.android.providers.telephony/"
	                              "d_f/000000_sms_backup'"));
	assert_true(t_contains(r.err, "extraction limit of 100 bytes "
	                              "(--max-extract)"));
	assert_true(t_contains(r.out, "4 records"));
	t_out_free(&r);
	r = t_th_on(aqf, "check-androidqf", "--max-extract", "1M", "-p",
	            TH_GEN_AB_PASSWORD, "-m", "sms", aqf, NULL);
	assert_false(t_contains(r.err, "--max-extract"));
	assert_true(t_contains(r.out, "3 records"));
	t_out_free(&r);
	free(aqf);
	t_tmpdir_free(dir);
}

/* An androidqf zip whose bugreport.zip is over --max-extract: the run
 * goes on (it used to stop at the open), the bugreport's module says
 * why, the acquisition's modules run. */
static void test_cli_aqf_zip_nested(void **state)
{
	char *dir = t_tmpdir(), *zip = aqf_zip(dir);
	struct t_out r;

	(void)state;
	r = t_th_on(zip, "check-androidqf", "--max-extract", "5000", "-m",
	            "tombstones", "-m", "aqf_packages", zip, NULL);
	assert_true(r.rc == 0 || r.rc == 1);
	assert_true(t_contains(r.out, "cannot extract 'bugreport.zip'"));
	assert_true(t_contains(r.out, "6 records"));
	/* One summary line for the run. */
	assert_true(t_contains(r.err, "tracehound: warning: cannot extract "
	                              "'bugreport.zip'"));
	t_out_free(&r);
	free(zip);
	t_tmpdir_free(dir);
}

/* Intrusion logs with a nested zip: its member (411 bytes) is held to
 * --max-artifact-size and charged to --max-extract. */
static void test_cli_ilogs_nested(void **state)
{
	char *dir = t_tmpdir(), *aqf = th_path_join(dir, "aqf");
	char *il = th_path_join(dir, "il"), *p, *text, *zip;
	struct th_hostile_zip *z = NULL;
	struct th_err err = {0};
	struct t_out r;
	size_t len;

	(void)state;
	assert_int_equal(th_gen_androidqf(aqf, 1, &err), TH_OK);
	assert_int_equal(th_mkdir_p(il, 0, &err), TH_OK);
	p = th_path_join(aqf, "intrusion_logs/20231115.txt");
	text = t_slurp(p, &len);
	free(t_write(il, "20231115.txt", text, len));
	free(text);
	free(p);
	p = th_path_join(aqf, "intrusion_logs/20231114.txt");
	text = t_slurp(p, &len);
	free(p);
	assert_int_equal(len, 411);
	zip = th_path_join(il, "nested.zip");
	assert_int_equal(th_hostile_zip_open(zip, &z, &err), TH_OK);
	assert_int_equal(th_hostile_zip_add(z, "20231114.txt", text, len, &err),
	                 TH_OK);
	assert_int_equal(th_hostile_zip_close(z, &err), TH_OK);
	r = t_th_on(il, "check-intrusion-logs", "--max-artifact-size", "300",
	            il, NULL);
	assert_true(t_contains(r.err, "'20231114.txt' is larger than the "
	                              "artifact limit of 300 bytes"));
	t_out_free(&r);
	r = t_th_on(il, "check-intrusion-logs", "--max-extract", "300", il,
	            NULL);
	assert_true(t_contains(r.err, "cannot extract '20231114.txt': its 411 "
	                              "bytes are more than the run's "
	                              "extraction limit of 300 bytes "
	                              "(--max-extract)"));
	t_out_free(&r);
	/* Each of the three modules copies it out again: the budget counts
	 * what was written, not what is still on disk. */
	r = t_th_on(il, "check-intrusion-logs", "--max-extract", "1233", il,
	            NULL);
	assert_false(t_contains(r.err, "--max-extract"));
	t_out_free(&r);
	free(text);
	free(zip);
	free(il);
	free(aqf);
	t_tmpdir_free(dir);
}

/* --- many honest members -------------------------------------------- */

static size_t lines_with(const char *text, const char *needle)
{
	const char *p = text, *e;
	size_t n = 0;
	char *line;

	while (*p) {
		e = strchr(p, '\n');
		if (!e)
			e = p + strlen(p);
		line = strndup(p, (size_t)(e - p));
		n += strstr(line, needle) != NULL;
		free(line);
		p = *e ? e + 1 : e;
	}
	return n;
}

/* A dump zip of 200 crash reports of 1 MiB each (honest sizes, each far
 * under --max-artifact-size) with --max-extract 50M: 50 are extracted
 * and read, the other 150 are refused without a line each, the other
 * modules run, the temp folder is empty at the end. */
static void test_many_honest_members(void **state)
{
	struct hcase c;
	char *out;
	json_t *recs;

	(void)state;
	case_open(&c, "many-honest-members");
	c.target = th_path_join(c.ev, "dump.zip");
	crash_dump(c.target, 200, MB);
	c.cmd = "check-fs";
	c.args[0] = "--max-extract";
	c.args[1] = "50M";
	c.line[0] = "limit of 50 MiB (--max-extract); and 149 more refusals";
	c.line[1] = "tracehound: warning: cannot extract '" CRASHES
	            "crash_050.ips'";
	c.result = "filesystem.json";
	expect(&c);
	out = th_path_join(c.root, "out");
	recs = t_load_json(out, "sysdiagnose_crashes.json");
	assert_int_equal(json_array_size(recs), 50);
	assert_string_equal(t_str_at(recs, 49, "file"),
	                    CRASHES "crash_049.ips");
	json_decref(recs);
	free(out);
	case_free(&c);
}

/* The run's output for the case above, for the count of lines. */
static void test_many_honest_lines(void **state)
{
	char *dir = t_tmpdir(), *zip = th_path_join(dir, "dump.zip");
	struct t_out r;

	(void)state;
	crash_dump(zip, 200, MB);
	r = t_th_on(zip, "check-fs", "--max-extract", "50M", zip, NULL);
	/* The summary, the crash module's own line, the filesystem
	 * module's warning about the archive: never one per member. */
	assert_int_equal(lines_with(r.err, "--max-extract"), 3);
	assert_int_equal(lines_with(r.err, "crash_1"), 0);
	assert_true(t_contains(r.err, "sysdiagnose_crashes: warning: '" CRASHES
	                              "crash_050.ips' was not extracted: the "
	                              "run reached its extraction limit "
	                              "(--max-extract); and 149 more"));
	t_out_free(&r);
	free(zip);
	t_tmpdir_free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_cli_option),
	        cmocka_unit_test(test_cli_aqf_nested),
	        cmocka_unit_test(test_cli_aqf_zip_nested),
	        cmocka_unit_test(test_cli_ilogs_nested),
	        cmocka_unit_test(test_many_honest_members),
	        cmocka_unit_test(test_many_honest_lines),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
