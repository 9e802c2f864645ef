/*
 * The hostile-input corpus (issue 7), iOS backups and indicator files:
 * damaged and crafted SQLite databases, binary plists and NSKeyedArchiver
 * blobs where a real backup keeps them, and indicator files too large to
 * be honest. tests/hostile/harness.h runs each case and checks it.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "support.h"
#include "gen.h"
#include "hostile/harness.h"
#include "hostile/hostile.h"

/* --- building the cases ------------------------------------------------ */

#define SMS_ID "3d0d7e5fb2ce288813306e4d4636395e047a3d28"

static void gen_ok(enum th_status st, const struct th_err *err)
{
	if (st != TH_OK)
		fail_msg("cannot build the case: %s", err->msg);
}

/* A generated infected backup as the target; returns its sms.db. */
static char *backup(struct hcase *c)
{
	c->target = t_gen_backup(c->ev, "backup", 1, 0, 1);
	c->result = "manifest.json";
	return t_backup_file(c->target, "HomeDomain", "Library/SMS/sms.db");
}

static void replace(const char *path, const void *data, size_t len)
{
	struct th_err err = {0};

	assert_int_equal(unlink(path), 0);
	gen_ok(th_gen_file_write(path, data, len, &err), &err);
}

/* sms.db damaged by `how`: 0 a page of 0xff, 1 truncated. */
static void sqlite_damaged(const char *name, int how)
{
	unsigned char page[4096];
	struct hcase c;
	char *sms;
	int fd;

	case_open(&c, name);
	sms = backup(&c);
	c.line[0] = SMS_ID;
	c.line[1] = "malformed";
	if (how == 0) {
		memset(page, 0xff, sizeof(page));
		fd = open(sms, O_WRONLY);
		assert_int_equal(pwrite(fd, page, sizeof(page), 5 * 4096),
		                 (ssize_t)sizeof(page));
		close(fd);
	} else {
		assert_int_equal(truncate(sms, 10000), 0);
	}
	expect(&c);
	free(sms);
	case_free(&c);
}

static void test_sqlite_corrupt_page(void **state)
{
	sqlite_damaged("sqlite-corrupt-page", 0);
}

static void test_sqlite_truncated(void **state)
{
	sqlite_damaged("sqlite-truncated", 1);
}

/* sms.db's message is a view that never ends (a recursive CTE calling
 * functions), beside a trigger: before views were turned off, the sms
 * module hung on it. */
static void test_sqlite_view(void **state)
{
	static const char sql[] =
	        "CREATE TABLE handle (ROWID INTEGER PRIMARY KEY, id TEXT);"
	        "CREATE VIEW message AS WITH RECURSIVE n(x) AS (SELECT 1 "
	        "UNION ALL SELECT x + 1 FROM n) SELECT x AS ROWID, "
	        "printf('https://%d.example/', x) AS text, 0 AS handle_id, "
	        "x AS date, hex(randomblob(16)) AS guid FROM n;"
	        "CREATE TABLE log (a);"
	        "CREATE TRIGGER t AFTER INSERT ON log BEGIN "
	        "SELECT load_extension('/tmp/evil'); END;";
	struct th_err err = {0};
	struct th_buf img;
	struct hcase c;
	char *sms;

	case_open(&c, "sqlite-view");
	sms = backup(&c);
	c.line[0] = SMS_ID;
	c.line[1] = "sms";
	th_buf_init(&img, (size_t)1 << 20);
	gen_ok(th_gen_sqlite_image(sql, &img, &err), &err);
	replace(sms, img.data, img.len);
	th_buf_free(&img);
	expect(&c);
	free(sms);
	case_free(&c);
}

static void test_sqlite_big_row(void **state)
{
	struct th_err err = {0};
	struct th_buf img;
	struct hcase c;
	char *sms;

	case_open(&c, "sqlite-1gb-row");
	sms = backup(&c);
	c.line[0] = SMS_ID;
	c.line[1] = "sms";
	gen_ok(th_hostile_sqlite_bigrow(&img, &err), &err);
	replace(sms, img.data, img.len);
	th_buf_free(&img);
	expect(&c);
	free(sms);
	case_free(&c);
}

/* Manifest.db's Files table (page 2) overwritten: one line says so,
 * naming Manifest.db and what is lost (the manifest module's error; the
 * lookups of the other modules are debug lines); backup_info still
 * runs. */
static void test_manifest_corrupt_page(void **state)
{
	unsigned char page[4096];
	struct hcase c;
	char *mdb;
	int fd;

	case_open(&c, "manifest-corrupt-page");
	free(backup(&c));
	c.line[0] = "manifest: error: cannot read";
	c.line[1] = "Manifest.db': database disk image is malformed: the "
	            "files it lists on damaged pages cannot be found";
	c.result = "backup_info.json";
	c.said_of = "Manifest.db";
	c.said = 1;
	mdb = th_path_join(c.target, "Manifest.db");
	memset(page, 0xff, sizeof(page));
	fd = open(mdb, O_WRONLY);
	assert_int_equal(pwrite(fd, page, sizeof(page), 4096),
	                 (ssize_t)sizeof(page));
	close(fd);
	expect(&c);
	free(mdb);
	case_free(&c);
}

/* The same damage with the manifest module left out: the first module
 * that looks a file up gives the one warning. */
static void test_manifest_corrupt_page_lookups(void **state)
{
	unsigned char page[4096];
	struct hcase c;
	char *mdb;
	int fd;

	case_open(&c, "manifest-corrupt-lookups");
	free(backup(&c));
	c.args[0] = "-m";
	c.args[1] = "sms";
	c.args[2] = "-m";
	c.args[3] = "calls";
	c.line[0] = "sms: warning: cannot read";
	c.line[1] = "Manifest.db': database disk image is malformed: the "
	            "files it lists on damaged pages cannot be found";
	c.result = "info.json";
	c.said_of = "Manifest.db";
	c.said = 1;
	mdb = th_path_join(c.target, "Manifest.db");
	memset(page, 0xff, sizeof(page));
	fd = open(mdb, O_WRONLY);
	assert_int_equal(pwrite(fd, page, sizeof(page), 4096),
	                 (ssize_t)sizeof(page));
	close(fd);
	expect(&c);
	free(mdb);
	case_free(&c);
}

/* Info.plist replaced by a crafted binary plist. */
static void bplist_case(const char *name, enum th_hostile_bplist kind)
{
	struct th_err err = {0};
	struct hcase c;
	char *info;

	case_open(&c, name);
	free(backup(&c));
	info = th_path_join(c.target, "Info.plist");
	assert_int_equal(unlink(info), 0);
	gen_ok(th_hostile_bplist(info, kind, 1000000, &err), &err);
	c.line[0] = "Info.plist";
	c.line[1] = "backup_info";
	expect(&c);
	free(info);
	case_free(&c);
}

static void test_bplist_deep(void **state)
{
	bplist_case("bplist-1m-deep", TH_HOSTILE_BPLIST_DEEP);
}

static void test_bplist_cycle(void **state)
{
	bplist_case("bplist-cycle", TH_HOSTILE_BPLIST_CYCLE);
}

static void test_bplist_offset_table(void **state)
{
	bplist_case("bplist-offset-table", TH_HOSTILE_BPLIST_OFFTABLE);
}

/* The sms.db row of Manifest.db gets an MBFile whose UIDs loop. */
static void test_nskeyed_loop(void **state)
{
	struct th_err err = {0};
	struct th_buf blob;
	sqlite3_stmt *stmt;
	struct hcase c;
	sqlite3 *db;
	char *mdb;

	case_open(&c, "nskeyed-uid-loop");
	free(backup(&c));
	c.result = "sms.json";
	c.line[0] = SMS_ID;
	c.line[1] = "MBFile";
	gen_ok(th_hostile_nskeyed_loop(&blob, &err), &err);
	/* Our own generated file, not evidence from ../shared. */
	mdb = th_path_join(c.target, "Manifest.db");
	assert_int_equal(sqlite3_open(mdb, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db,
	                                    "UPDATE Files SET file = ?1 WHERE "
	                                    "fileID = '" SMS_ID "'",
	                                    -1, &stmt, NULL),
	                 SQLITE_OK);
	sqlite3_bind_blob(stmt, 1, blob.data, (int)blob.len, SQLITE_STATIC);
	assert_int_equal(sqlite3_step(stmt), SQLITE_DONE);
	sqlite3_finalize(stmt);
	assert_int_equal(sqlite3_changes(db), 1);
	sqlite3_close(db);
	th_buf_free(&blob);
	expect(&c);
	free(mdb);
	case_free(&c);
}

/* --- indicator files ----------------------------------------------------- */

/* A valid bundle beside the bad one: the run must go on with it. */
static const char good_stix[] =
        "{\"type\":\"bundle\",\"objects\":[{\"type\":\"malware\","
        "\"id\":\"malware--1\",\"name\":\"Good\"},{\"type\":"
        "\"indicator\",\"pattern\":\"[domain-name:value='good.ex']\"}]}";

/* mib 0: a million indicators (loaded); else one string of mib MiB. */
static void stix_case(const char *name, size_t mib)
{
	struct th_err err = {0};
	struct hcase c;

	case_open(&c, name);
	free(backup(&c));
	c.iocs = th_path_join(c.ev, mib ? "long.stix2" : "many.stix2");
	if (!mib) {
		gen_ok(th_hostile_stix_many(c.iocs, 1000000, &err), &err);
		c.line[0] = "1000001";
	} else {
		gen_ok(th_hostile_stix_long(c.iocs, mib, &err), &err);
		c.line[0] = "long.stix2";
	}
	free(t_write_text(c.ev, "good.stix2", good_stix));
	c.iocs2 = th_path_join(c.ev, "good.stix2");
	c.wall = mib ? 10 : 30;
	c.mem_mib = mib ? 512 : 2048;
	c.result = "sms.json";
	expect(&c);
	case_free(&c);
}

static void test_stix_million(void **state)
{
	stix_case("stix-1m-indicators", 0);
}

static void test_stix_string_100mb(void **state)
{
	stix_case("stix-100mb-string", 100);
}

/* Under the file size limit, over the string limit. */
static void test_stix_string_60mb(void **state)
{
	stix_case("stix-60mb-string", 60);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_sqlite_corrupt_page),
	        cmocka_unit_test(test_sqlite_truncated),
	        cmocka_unit_test(test_sqlite_view),
	        cmocka_unit_test(test_sqlite_big_row),
	        cmocka_unit_test(test_manifest_corrupt_page),
	        cmocka_unit_test(test_manifest_corrupt_page_lookups),
	        cmocka_unit_test(test_bplist_deep),
	        cmocka_unit_test(test_bplist_cycle),
	        cmocka_unit_test(test_bplist_offset_table),
	        cmocka_unit_test(test_nskeyed_loop),
	        cmocka_unit_test(test_stix_million),
	        cmocka_unit_test(test_stix_string_100mb),
	        cmocka_unit_test(test_stix_string_60mb),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
