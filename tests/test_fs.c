/* The ios-fs source and the filesystem-dump modules on generated dumps
 * (folder and .tar.gz): every planted trace alerts, no look-alike does,
 * the evidence is unchanged, nothing is left in the private TMPDIR and
 * no archive member escapes. Also the archive path rules, the index's
 * glob matcher and the shutdown.log parser. */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "support.h"
#include "fsdump_support.h"
#include "gen_fs.h"
#include "core/timeconv.h"
#include "formats/archive.h"
#include "modules/ios/fsmod.h"
#include "formats/shutdown_log.h"
#include "sources/fs_tree.h"

static void env_open_in(struct fsd_env *e, const char *dump_name, int hostile,
                        const char *prefix)
{
	struct th_gen_fs_opts opt = {
	        .hostile = hostile, .seed = 1, .prefix = prefix};
	struct th_err err = {0};

	fsd_env_open(e, dump_name);
	if (th_gen_fs(e->target, &opt, &err) != TH_OK)
		fail_msg("th_gen_fs: %s", err.msg);
}

static void env_open(struct fsd_env *e, const char *dump_name, int hostile)
{
	env_open_in(e, dump_name, hostile, NULL);
}

static void assert_no_lookalike(const struct th_run *run)
{
	static const char *const lookalikes[] = {"bhd'",
	                                         "bhd/",
	                                         "notfree247downloads",
	                                         "averylongprocess",
	                                         "www.example",
	                                         "/private/var/dbx",
	                                         "locationd"};
	size_t i;

	for (i = 0; i < sizeof(lookalikes) / sizeof(lookalikes[0]); i++)
		if (fsd_alert_mentions(run, lookalikes[i]))
			fail_msg("a look-alike alerted: %s", lookalikes[i]);
}

/* Traces common to folders and archives. */
static void assert_traces(const struct th_run *run)
{
	assert_int_equal(t_alerts(run, "shutdown_log", TH_LEVEL_MEDIUM, NULL),
	                 1);
	assert_int_equal(t_alerts(run, "shutdown_log", TH_LEVEL_HIGH, NULL), 2);
	assert_int_equal(t_alerts(run, "shutdown_log", TH_LEVEL_CRITICAL, NULL),
	                 3);
	assert_true(fsd_alert_mentions(run, "'msgacntd'"));
	/* bh, and roleaccountd whose row is only in the -wal */
	assert_int_equal(t_alerts(run, "netusage", TH_LEVEL_CRITICAL, NULL), 2);
	assert_true(fsd_alert_mentions(run, "'roleaccountd' matches"));
	assert_int_equal(t_alerts(run, "netusage", TH_LEVEL_HIGH, NULL), 1);
	assert_int_equal(t_alerts(run, "netusage", TH_LEVEL_LOW, NULL), 1);
	assert_int_equal(t_alerts(run, "netusage", TH_LEVEL_MEDIUM, NULL), 1);
	assert_int_equal(t_alerts(run, "webkit_indexeddb", -1, NULL), 1);
	assert_int_equal(t_alerts(run, "webkit_local_storage", -1, NULL), 1);
	assert_int_equal(t_alerts(run, "webkit_safari_view_service", -1, NULL),
	                 1);
	assert_int_equal(t_result(run, "netusage")->records, 6);
	assert_int_equal(t_result(run, "shutdown_log")->records, 5);
	assert_int_equal(t_result(run, "webkit_indexeddb")->records, 2);
	assert_int_equal(t_alerts(run, "cache_files", TH_LEVEL_CRITICAL, NULL),
	                 1);
	assert_int_equal(t_result(run, "cache_files")->records, 2);
	assert_int_equal(
	        t_alerts(run, "safari_favicon", TH_LEVEL_CRITICAL, NULL), 1);
	assert_int_equal(t_result(run, "safari_favicon")->records, 2);
	assert_int_equal(t_alerts(run, "analytics", TH_LEVEL_CRITICAL, NULL),
	                 1);
	assert_int_equal(t_result(run, "analytics")->records, 3);
	assert_int_equal(t_result(run, "analytics_ios_versions")->records, 2);
	assert_int_equal(t_result(run, "ios_version_history")->records, 1);
	assert_no_lookalike(run);
}

static int nentries;

static int count_entry(const char *p, const struct stat *st, int flag,
                       struct FTW *f)
{
	nentries += f->level > 0;
	return 0;
}

static void test_dump_folder(void **state)
{
	char before[65], after[65];
	struct th_run *run;
	struct fsd_env e;

	env_open(&e, "dump", 1);
	t_tree_hash(e.target, before);
	run = fsd_run(e.target, NULL, e.out, e.iocs, 0);
	assert_string_equal(th_run_source_name(run), "ios-fs");
	assert_traces(run);
	/* the staging folder and the file in it; the msgacntd folder and
	 * the file in it */
	assert_int_equal(t_alerts(run, "filesystem", TH_LEVEL_HIGH, NULL), 4);
	nentries = 0;
	nftw(e.target, count_entry, 16, FTW_PHYS);
	/* every entry but the link leaving the dump */
	assert_int_equal(t_result(run, "filesystem")->records, nentries - 1);
	th_run_free(run);
	t_tree_hash(e.target, after);
	assert_string_equal(before, after);
	assert_int_equal(fsd_count_dir(e.tmp), 0);
	fsd_assert_no_escape(&e, 0);
	fsd_env_close(&e);
}

static void test_dump_archive(void **state)
{
	char before[65], after[65];
	struct th_run *run;
	struct fsd_env e;

	env_open(&e, "dump.tar.gz", 1);
	t_tree_hash(e.target, before);
	run = fsd_run(e.target, NULL, e.out, e.iocs, 0);
	assert_string_equal(th_run_source_name(run), "ios-fs");
	assert_traces(run);
	/* The archive lists no folder members, but the folders its files
	 * imply are indexed: the same four alerts as the folder. */
	assert_int_equal(t_alerts(run, "filesystem", TH_LEVEL_HIGH, NULL), 4);
	/* 15 files, netusage and its -wal, 3 more databases, the link
	 * inside the dump (the escaping link, ../../escape and the absolute
	 * member refused), and the 38 folders they imply: the folder dump's 59
	 * entries */
	assert_int_equal(t_result(run, "filesystem")->records, 21 + 38);
	/* the private copies exist only while the run is open */
	assert_int_equal(fsd_count_dir(e.tmp), 1);
	th_run_free(run);
	assert_int_equal(fsd_count_dir(e.tmp), 0);
	fsd_assert_no_escape(&e, 1);
	t_tree_hash(e.target, after);
	assert_string_equal(before, after);
	fsd_env_close(&e);
}

/* A zip whose dump sits in a folder ("fs1/private/var/..."): found by
 * the bid's scan, and paths are relative to that folder. */
static void test_dump_zip_prefixed(void **state)
{
	char before[65], after[65];
	struct th_run *run;
	struct fsd_env e;

	env_open_in(&e, "dump.zip", 1, "fs1");
	t_tree_hash(e.target, before);
	run = fsd_run(e.target, NULL, e.out, e.iocs, 0);
	assert_string_equal(th_run_source_name(run), "ios-fs");
	assert_traces(run);
	assert_int_equal(t_result(run, "filesystem")->records, 21 + 38);
	th_run_free(run);
	assert_int_equal(fsd_count_dir(e.tmp), 0);
	t_tree_hash(e.target, after);
	assert_string_equal(before, after);
	fsd_env_close(&e);
}

/* A truncated archive: what came before the damage is still checked,
 * with one warning naming the archive; nothing is left behind. */
static void test_truncated_archive(void **state)
{
	char *data, *cut;
	struct th_run *run;
	size_t len = 0;
	struct fsd_env e;

	env_open(&e, "dump.tar.gz", 1);
	data = t_slurp(e.target, &len);
	assert_non_null(data);
	assert_true(len > 1000);
	cut = t_write(e.base, "cut.tar.gz", data, len * 9 / 10);
	run = fsd_run(cut, "ios-fs", NULL, e.iocs, 0);
	assert_true(t_result(run, "filesystem")->records > 0);
	assert_true(t_result(run, "filesystem")->records < 21 + 38);
	th_run_free(run);
	assert_int_equal(fsd_count_dir(e.tmp), 0);
	free(data);
	free(cut);
	fsd_env_close(&e);
}

/* --fast skips the dump-wide binary search and the path components. */
static void test_fast(void **state)
{
	struct th_run *run;
	struct fsd_env e;

	env_open(&e, "dump", 0);
	run = fsd_run(e.target, "ios-fs", NULL, e.iocs, 1);
	assert_int_equal(t_alerts(run, "netusage", TH_LEVEL_MEDIUM, NULL), 0);
	assert_int_equal(t_alerts(run, "netusage", TH_LEVEL_CRITICAL, NULL), 2);
	/* the staging folder and its file only */
	assert_int_equal(t_alerts(run, "filesystem", TH_LEVEL_HIGH, NULL), 2);
	th_run_free(run);
	fsd_env_close(&e);
}

static void test_archive_paths(void **state)
{
	char out[64];

	assert_int_equal(th_archive_path_clean("./a//b/./c/", out, 64), 0);
	assert_string_equal(out, "a/b/c");
	assert_int_equal(th_archive_path_clean("../../escape", out, 64), -1);
	assert_int_equal(th_archive_path_clean("a/../../b", out, 64), -1);
	assert_int_equal(th_archive_path_clean("a/..", out, 64), -1);
	assert_int_equal(th_archive_path_clean("/etc/passwd", out, 64), -1);
	assert_int_equal(th_archive_path_clean("./", out, 64), -1);
	assert_int_equal(th_archive_path_clean("", out, 64), -1);
	assert_int_equal(th_archive_path_clean("a/..b", out, 64), 0);
	assert_int_equal(th_archive_path_clean("aaaaaaaaaa", out, 8), -1);
	assert_true(th_archive_link_inside("a/b/l", "../c"));
	assert_true(th_archive_link_inside("a/b/l", "../../c"));
	assert_false(th_archive_link_inside("a/b/l", "../../../c"));
	assert_false(th_archive_link_inside("a/l", "x/../../../c"));
	assert_false(th_archive_link_inside("a/l", "/etc/passwd"));
	assert_false(th_archive_link_inside("a/l", ""));
	assert_true(th_archive_name_ok("x.TAR.GZ"));
	assert_false(th_archive_name_ok("x.gz"));
}

static void test_glob(void **state)
{
	assert_true(th_tree_glob_match("private/var/a.db", "private/var/a.db"));
	assert_false(
	        th_tree_glob_match("private/var/a.db", "private/var/a.dbx"));
	assert_true(th_tree_glob_match("*/Cache.db", "x/y/Cache.db"));
	assert_false(th_tree_glob_match("*/Cache.db", "x/y/NotCache.db"));
	assert_true(th_tree_glob_match("a/*/b/[0-9]*.log", "a/x/y/b/1.log"));
	assert_false(th_tree_glob_match("a/*/b/[0-9]*.log", "a/x/y/b/x.log"));
	assert_true(
	        th_tree_glob_match("shutdown.[0-9]*.log", "shutdown.0.log"));
}

struct blocks {
	int n, clients;
	int64_t last;
	char first_path[TH_SHUTDOWN_PATH_MAX];
	int max_delays;
};

static int on_block(void *ctx, const struct th_shutdown_block *b)
{
	struct blocks *bl = ctx;

	if (bl->n++ == 0 && b->nclients)
		snprintf(bl->first_path, sizeof(bl->first_path), "%s",
		         b->clients[0].path);
	bl->clients += (int)b->nclients;
	bl->last = b->time;
	if (b->delays > bl->max_delays)
		bl->max_delays = b->delays;
	return 0;
}

static void test_shutdown_parser(void **state)
{
	static const char log[] =
	        "  remaining client pid: 7 (/a (b)/c)\r\n"
	        "After 1.5s, these clients are still here:\n"
	        "remaining client pid: x (no close\n"
	        "After 9.9e999s, these clients are still here:\n"
	        "After s, these clients are still here:\n"
	        "SIGTERM: [1664700000]\n"
	        "remaining client pid: 8 (/never/terminated)\n";
	struct blocks bl = {0};
	char name[64];

	assert_int_equal(th_shutdown_parse(log, strlen(log), on_block, &bl), 1);
	assert_int_equal(bl.n, 1);
	assert_int_equal(bl.clients, 2);
	assert_string_equal(bl.first_path, "/a (b)/c");
	assert_int_equal(bl.max_delays, 3);
	assert_true(bl.last == INT64_C(1664700000) * 1000000);
	bl = (struct blocks){0};
	assert_int_equal(th_shutdown_parse("SIGTERM: [bad]\nSIGTERM:", 23,
	                                   on_block, &bl),
	                 2);
	assert_true(bl.last == TH_TIME_NONE);
	th_shutdown_process("/x/msgacntd/8C3D7E0A-1B2C-4D5E-8F90-A1B2C3D4E5F6",
	                    name, sizeof(name));
	assert_string_equal(name, "msgacntd");
	th_shutdown_process("/usr/libexec/bhd", name, sizeof(name));
	assert_string_equal(name, "bhd");
	th_shutdown_process("8C3D7E0A-1B2C-4D5E-8F90-A1B2C3D4E5F6", name, 4);
	assert_string_equal(name, "8C3");
}

static void test_parse_time(void **state)
{
	char buf[TH_TIME_STR_MAX];

	th_time_format(th_fsmod_parse_time("2022-10-02 10:00:00.25 +0200"),
	               buf);
	assert_string_equal(buf, "2022-10-02 08:00:00.250000");
	th_time_format(th_fsmod_parse_time("2022-10-02 10:00:00 -0130"), buf);
	assert_string_equal(buf, "2022-10-02 11:30:00.000000");
	th_time_format(th_fsmod_parse_time("2000-02-29 00:00:00"), buf);
	assert_string_equal(buf, "2000-02-29 00:00:00.000000");
	assert_true(th_fsmod_parse_time("2022-13-02 10:00:00") == TH_TIME_NONE);
	assert_true(th_fsmod_parse_time("yesterday") == TH_TIME_NONE);
	assert_true(th_fsmod_parse_time(NULL) == TH_TIME_NONE);
}

/* The binary: check-fs --fast on the archive, results written. */
static void test_cli(void **state)
{
	char *ioc, *res;
	struct fsd_env e;
	struct t_out r;

	env_open(&e, "dump.tar.gz", 1);
	ioc = th_path_join(e.base, "pegasus.stix2");
	r = t_th("check-fs", "--fast", "-q", "-i", ioc, "-o", e.out, e.target,
	         NULL);
	assert_int_equal(r.rc, 1);
	res = th_path_join(e.out, "netusage.json");
	assert_true(th_is_file(res));
	free(res);
	assert_true(t_contains(r.out, "netusage"));
	assert_int_equal(fsd_count_dir(e.tmp), 0);
	t_out_free(&r);
	free(ioc);
	fsd_env_close(&e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_dump_folder),
	        cmocka_unit_test(test_dump_archive),
	        cmocka_unit_test(test_dump_zip_prefixed),
	        cmocka_unit_test(test_truncated_archive),
	        cmocka_unit_test(test_fast),
	        cmocka_unit_test(test_archive_paths),
	        cmocka_unit_test(test_glob),
	        cmocka_unit_test(test_shutdown_parser),
	        cmocka_unit_test(test_parse_time),
	        cmocka_unit_test(test_cli),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
