/* The iOS backup source and SQLite evidence opening: bidding, rows,
 * finding files, inputs, and hostile backups. Evidence is hashed before
 * and after to prove nothing was written into it. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "support.h"
#include "gen.h"
#include "core/fsutil.h"
#include "formats/plist_util.h"
#include "formats/sqlite_ev.h"
#include "sources/ios_backup.h"

static char *join(const char *a, const char *b)
{
	char *p = th_path_join(a, b);

	assert_non_null(p);
	return p;
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void exec_sql(const char *db_path, const char *sql)
{
	sqlite3 *db;

	assert_int_equal(sqlite3_open(db_path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
}

/* A generated clean backup in a fresh temp folder: <tmp>/b. */
static char *gen_backup(char **tmp)
{
	struct th_gen_backup_opts opt = {.infected = 0, .rows = 50, .seed = 1};
	struct th_err err = {0};
	char *dir;

	*tmp = t_tmpdir();
	assert_non_null(*tmp);
	dir = join(*tmp, "b");
	assert_int_equal(th_gen_backup(dir, &opt, &err), TH_OK);
	return dir;
}

static enum th_status open_src(const char *path, struct th_source **src,
                               struct th_err *err)
{
	return th_source_open(&th_source_ios_backup, path, NULL, src, err);
}

/* --- the real fixture ----------------------------------------------- */

struct rows {
	size_t n, ok;
	int saw_known;
};

static int count_row(void *ctx, const struct th_manifest_row *row)
{
	struct rows *r = ctx;

	r->n++;
	r->ok += row->meta_ok;
	if (strcmp(row->file_id, "865e565f7ee3b2842ce05bf30d5cbc3d68352edd") ==
	    0) {
		assert_string_equal(row->domain, "AppDomainPlugin-com.apple."
		                                 "mobilemail."
		                                 "MailQuickLookExtension");
		assert_string_equal(row->relative_path, "");
		assert_int_equal(row->flags, 2);
		assert_int_equal(row->meta.mode, 040755);
		assert_int_equal(row->meta.user_id, 501);
		r->saw_known = 1;
	}
	return 0;
}

struct found {
	size_t n;
	char names[8][256];
};

static int on_file(void *ctx, const struct th_file *f)
{
	struct found *fd = ctx;

	assert_true(th_is_file(f->local_path));
	assert_non_null(strstr(f->name, f->relative_path));
	if (fd->n < 8)
		snprintf(fd->names[fd->n], sizeof(fd->names[0]), "%s", f->name);
	fd->n++;
	return 0;
}

static size_t find(struct th_source *src, const char *domain, const char *path,
                   struct found *fd)
{
	struct th_artifact art = {.backup_domain = domain, .backup_path = path};
	struct th_err err = {0};

	memset(fd, 0, sizeof(*fd));
	assert_int_equal(th_source_find(src, &art, on_file, fd, &err), TH_OK);
	return fd->n;
}

static int count_input(void *ctx, const char *path)
{
	(*(size_t *)ctx)++;
	assert_true(th_is_file(path));
	return 0;
}

static void test_fixture_bid(void **state)
{
	char *dir, *parent, *db;

	T_SHARED_OR_SKIP(dir, "fixtures/mvt/ios_backup");
	parent = t_shared("fixtures/mvt");
	db = join(dir, "Manifest.db");
	assert_int_equal(th_source_ios_backup.bid(dir), 90);
	/* The parent holds exactly one backup folder. */
	assert_int_equal(th_source_ios_backup.bid(parent), 80);
	assert_int_equal(th_source_ios_backup.bid(db), 0);
	assert_int_equal(th_source_ios_backup.bid("/nonexistent/x"), 0);
	assert_ptr_equal(th_sources_bid(dir, NULL), &th_source_ios_backup);
	free(db);
	free(parent);
	free(dir);
}

static void test_fixture_rows_and_files(void **state)
{
	struct th_source *src = NULL;
	struct th_err err = {0};
	struct rows r = {0};
	struct found fd;
	struct th_backup *b;
	char before[65], after[65], *dir;
	size_t inputs = 0;
	int64_t count = 0;

	T_SHARED_OR_SKIP(dir, "fixtures/mvt/ios_backup");
	t_tree_hash(dir, before);
	assert_int_equal(open_src(dir, &src, &err), TH_OK);
	b = th_backup_of(src);
	assert_non_null(b);
	assert_string_equal(
	        th_plist_dict_str(th_backup_info_plist(b), "Product Type"),
	        "iPhone9,3");
	assert_null(th_backup_info_error(b));
	assert_int_equal(th_backup_row_count(b, &count, &err), TH_OK);
	assert_int_equal(count, 3721);
	assert_int_equal(th_backup_each_row(b, count_row, &r, &err), TH_OK);
	assert_int_equal(r.n, 3721);
	assert_int_equal(r.ok, 3721);
	assert_true(r.saw_known);

	assert_int_equal(find(src, "HomeDomain", "Library/SMS/sms.db", &fd), 1);
	assert_string_equal(fd.names[0], "HomeDomain/Library/SMS/sms.db");
	assert_int_equal(find(src, NULL, "Library/SMS/sms.db", &fd), 1);
	assert_int_equal(find(src, "AppDomainGroup-*", "*.sqlite", &fd), 2);
	assert_int_equal(find(src, "HomeDomain", "Library/*/*.db", &fd), 4);
	/* Rows without a stored file are not handed out. */
	assert_int_equal(find(src, "HomeDomain", "Library", &fd), 0);
	assert_int_equal(find(src, "NoSuchDomain", "Library/SMS/sms.db", &fd),
	                 0);

	/* Info.plist, Manifest.db and the 11 stored files (LID.sqlite has
	 * no Manifest row but is an input all the same). */
	assert_int_equal(th_source_ios_backup.each_input(
	                         src->state, count_input, &inputs, &err),
	                 TH_OK);
	assert_int_equal(inputs, 13);
	th_source_free(src);
	t_tree_hash(dir, after);
	assert_string_equal(before, after);
	free(dir);
}

static void test_fixture_through_parent(void **state)
{
	struct th_source *src = NULL;
	struct th_err err = {0};
	char *parent;

	T_SHARED_OR_SKIP(parent, "fixtures/mvt");
	assert_int_equal(open_src(parent, &src, &err), TH_OK);
	assert_string_equal(th_path_base(th_backup_dir(th_backup_of(src))),
	                    "ios_backup");
	th_source_free(src);
	free(parent);
}

static void test_find_without_backup_location(void **state)
{
	struct th_artifact art = {.fs_glob = "private/var/mobile/*"};
	struct th_source *src = NULL;
	struct th_err err = {0};
	struct found fd = {0};
	char *dir;

	T_SHARED_OR_SKIP(dir, "fixtures/mvt/ios_backup");
	assert_int_equal(open_src(dir, &src, &err), TH_OK);
	assert_int_equal(th_source_find(src, &art, on_file, &fd, &err),
	                 TH_ERR_NOTFOUND);
	assert_int_equal(fd.n, 0);
	th_source_free(src);
	free(dir);
}

/* --- SQLite evidence ------------------------------------------------ */

static int64_t count_rows(struct th_sqlite *s, const char *table)
{
	sqlite3_stmt *stmt;
	char sql[128];
	int64_t n = -1;

	snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s", table);
	if (sqlite3_prepare_v2(s->db, sql, -1, &stmt, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(stmt) == SQLITE_ROW)
		n = sqlite3_column_int64(stmt, 0);
	sqlite3_finalize(stmt);
	return n;
}

static void test_sqlite_not_a_database(void **state)
{
	struct th_sqlite *s = NULL;
	struct th_err err = {0};
	char *tmp = t_tmpdir(), *p = join(tmp, "x.db"), *q;

	write_file(p, "this is not a database at all, not even close\n");
	assert_int_equal(th_sqlite_open(p, &s, &err), TH_ERR_FORMAT);
	assert_null(s);
	assert_true(t_contains(err.msg, "not a SQLite database"));
	assert_true(t_contains(err.msg, p));
	write_file(p, "");
	assert_int_equal(th_sqlite_open(p, &s, &err), TH_ERR_FORMAT);
	q = join(tmp, "missing.db");
	assert_int_equal(th_sqlite_open(q, &s, &err), TH_ERR_IO);
	assert_true(t_contains(err.msg, "cannot open"));
	free(q);
	free(p);
	t_tmpdir_free(tmp);
}

/* A path with the characters a URI would read as syntax. */
static void test_sqlite_uri_escaping(void **state)
{
	struct th_sqlite *s = NULL;
	struct th_err err = {0};
	char *tmp = t_tmpdir(), *dir = join(tmp, "a?b#c%25d 'e"), *p;
	char before[65], after[65];

	assert_int_equal(mkdir(dir, 0755), 0);
	p = join(dir, "t.db");
	exec_sql(p, "CREATE TABLE t (a, b); INSERT INTO t VALUES (1, 2);");
	t_tree_hash(dir, before);
	assert_int_equal(th_sqlite_open(p, &s, &err), TH_OK);
	assert_int_equal(count_rows(s, "t"), 1);
	assert_true(th_sqlite_has_table(s->db, "t"));
	assert_false(th_sqlite_has_table(s->db, "u"));
	assert_true(th_sqlite_has_column(s->db, "t", "b"));
	assert_false(th_sqlite_has_column(s->db, "t", "c"));
	assert_false(th_sqlite_has_column(s->db, "u", "a"));
	/* Defensive and read-only: writes fail. */
	assert_int_not_equal(sqlite3_exec(s->db, "INSERT INTO t VALUES (3, 4)",
	                                  NULL, NULL, NULL),
	                     SQLITE_OK);
	th_sqlite_close(s);
	t_tree_hash(dir, after);
	assert_string_equal(before, after);
	free(p);
	free(dir);
	t_tmpdir_free(tmp);
}

/* Rows committed to a -wal but not checkpointed are seen, through a
 * private copy; the evidence folder is untouched and the copy removed. */
static void test_sqlite_wal_copy(void **state)
{
	struct th_sqlite *s = NULL;
	struct th_err err = {0};
	char *tmp = t_tmpdir(), *p = join(tmp, "w.db"), *wal, *copy;
	char before[65], after[65];
	sqlite3 *db;
	int on = 1;

	assert_int_equal(sqlite3_open(p, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db,
	                              "PRAGMA journal_mode = WAL; "
	                              "CREATE TABLE t (a); "
	                              "INSERT INTO t VALUES (1), (2), (3);",
	                              NULL, NULL, NULL),
	                 SQLITE_OK);
	sqlite3_file_control(db, "main", SQLITE_FCNTL_PERSIST_WAL, &on);
	sqlite3_db_config(db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, NULL);
	sqlite3_close(db);
	wal = join(tmp, "w.db-wal");
	assert_true(th_is_file(wal));
	t_tree_hash(tmp, before);
	assert_int_equal(th_sqlite_open(p, &s, &err), TH_OK);
	assert_int_equal(count_rows(s, "t"), 3);
	assert_non_null(s->tmp.path);
	copy = strdup(s->tmp.path);
	th_sqlite_close(s);
	assert_false(th_is_dir(copy));
	t_tree_hash(tmp, after);
	assert_string_equal(before, after);
	free(copy);
	free(wal);
	free(p);
	t_tmpdir_free(tmp);
}

static void test_sqlite_truncated(void **state)
{
	struct th_sqlite *s = NULL;
	struct th_err err = {0};
	char *tmp = t_tmpdir(), *p = join(tmp, "t.db");
	sqlite3_stmt *stmt;
	struct stat st;
	int rc;

	exec_sql(p, "CREATE TABLE t (a); WITH RECURSIVE n(i) AS (SELECT 1 "
	            "UNION ALL SELECT i + 1 FROM n WHERE i < 20000) "
	            "INSERT INTO t SELECT printf('%0100d', i) FROM n;");
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(truncate(p, st.st_size / 2), 0);
	/* SQLite may notice at open (the header's page count) or while
	 * reading: either way the message names the file and the damage. */
	if (th_sqlite_open(p, &s, &err) == TH_OK) {
		assert_int_equal(sqlite3_prepare_v2(s->db, "SELECT a FROM t",
		                                    -1, &stmt, NULL),
		                 SQLITE_OK);
		while ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
			;
		sqlite3_finalize(stmt);
		assert_int_not_equal(rc, SQLITE_DONE);
		assert_int_equal(th_sqlite_error(s, &err), TH_ERR_FORMAT);
	}
	assert_int_equal(err.status, TH_ERR_FORMAT);
	assert_true(t_contains(err.msg, "malformed"));
	assert_true(t_contains(err.msg, "t.db"));
	th_sqlite_close(s);
	free(p);
	t_tmpdir_free(tmp);
}

/* --- generated and hostile backups ---------------------------------- */

static void test_generated_bids(void **state)
{
	char *tmp, *dir = gen_backup(&tmp), *info, *other;
	struct th_gen_backup_opts opt = {.rows = 0, .seed = 2};
	struct th_err err = {0};

	assert_int_equal(th_source_ios_backup.bid(dir), 90);
	assert_int_equal(th_source_ios_backup.bid(tmp), 80);
	info = join(dir, "Info.plist");
	assert_int_equal(unlink(info), 0);
	assert_int_equal(th_source_ios_backup.bid(dir), 70);
	/* Two backups side by side: the parent is not one backup. */
	other = join(tmp, "c");
	assert_int_equal(th_gen_backup(other, &opt, &err), TH_OK);
	assert_int_equal(th_source_ios_backup.bid(tmp), 0);
	free(other);
	free(info);
	free(dir);
	t_tmpdir_free(tmp);
}

static void test_encrypted_backup(void **state)
{
	char *tmp, *dir = gen_backup(&tmp), *mp = join(dir, "Manifest.plist");
	struct th_source *src = NULL;
	struct th_err err = {0};

	char *db = join(dir, "Manifest.db");

	/* A backup decrypted by MVT keeps its Manifest.plist: with a plain
	 * SQLite Manifest.db it is read as a plain backup. */
	write_file(mp, "<plist version=\"1.0\"><dict><key>IsEncrypted</key>"
	               "<true/></dict></plist>");
	assert_int_equal(open_src(dir, &src, &err), TH_OK);
	th_source_free(src);
	src = NULL;
	assert_int_equal(th_source_ios_backup.bid(dir), 90);
	/* Really encrypted (test_encrypted.c has the rest): it needs a
	 * password, and bids above any plain reading. */
	unlink(db);
	write_file(db, "\x8f\x12 not SQLite, ciphertext");
	assert_int_equal(th_source_ios_backup.bid(dir), 95);
	assert_int_equal(open_src(dir, &src, &err), TH_ERR_FORMAT);
	assert_null(src);
	assert_true(t_contains(err.msg, "no BackupKeyBag"));
	free(db);
	free(mp);
	free(dir);
	t_tmpdir_free(tmp);
}

static int count_only(void *ctx, const struct th_manifest_row *row);

/* A damaged Manifest.db next to a good Info.plist: the source opens (so
 * backup_info can run) and reading Manifest rows gives the error. */
static void expect_open_error(const char *dir, enum th_status want,
                              const char *msg)
{
	struct th_source *src = NULL;
	struct th_err err = {0};
	size_t n = 0;

	assert_int_equal(open_src(dir, &src, &err), TH_OK);
	assert_non_null(src);
	assert_non_null(th_backup_info_plist(th_backup_of(src)));
	assert_int_equal(
	        th_backup_each_row(th_backup_of(src), count_only, &n, &err),
	        want);
	assert_int_equal(n, 0);
	if (!t_contains(err.msg, msg))
		fail_msg("message '%s' lacks '%s'", err.msg, msg);
	th_source_free(src);
}

static void test_bad_manifest_db(void **state)
{
	char *tmp, *dir = gen_backup(&tmp), *db = join(dir, "Manifest.db");

	write_file(db, "SQLite format 2\n not really");
	expect_open_error(dir, TH_ERR_FORMAT, "not a SQLite database");
	assert_int_equal(unlink(db), 0);
	exec_sql(db, "CREATE TABLE Properties (key TEXT, value BLOB);");
	expect_open_error(dir, TH_ERR_FORMAT, "no Files table");
	assert_int_equal(unlink(db), 0);
	exec_sql(db, "CREATE TABLE Files (fileID TEXT, domain TEXT);");
	expect_open_error(dir, TH_ERR_FORMAT, "no column 'relativePath'");
	free(db);
	free(dir);
	t_tmpdir_free(tmp);
}

static int count_only(void *ctx, const struct th_manifest_row *row)
{
	(*(size_t *)ctx)++;
	return 0;
}

static void test_truncated_manifest_db(void **state)
{
	char *tmp, *dir, *db;
	struct th_gen_backup_opts opt = {.rows = 5000, .seed = 3};
	struct th_source *src = NULL;
	struct th_err err = {0};
	enum th_status st;
	struct stat sb;
	size_t n = 0;

	tmp = t_tmpdir();
	dir = join(tmp, "b");
	assert_int_equal(th_gen_backup(dir, &opt, &err), TH_OK);
	db = join(dir, "Manifest.db");
	assert_int_equal(stat(db, &sb), 0);
	assert_int_equal(truncate(db, sb.st_size / 3), 0);
	st = open_src(dir, &src, &err);
	if (st == TH_OK)
		st = th_backup_each_row(th_backup_of(src), count_only, &n,
		                        &err);
	assert_int_equal(st, TH_ERR_FORMAT);
	assert_true(t_contains(err.msg, "malformed"));
	assert_true(t_contains(err.msg, "Manifest.db"));
	th_source_free(src);
	free(db);
	free(dir);
	t_tmpdir_free(tmp);
}

static void test_bad_info_plist(void **state)
{
	char *tmp, *dir = gen_backup(&tmp), *info = join(dir, "Info.plist");
	struct th_source *src = NULL;
	struct th_err err = {0};
	struct th_backup *b;

	write_file(info, "bplist00 and then nothing useful at all, truncated");
	assert_int_equal(open_src(dir, &src, &err), TH_OK);
	b = th_backup_of(src);
	assert_null(th_backup_info_plist(b));
	assert_non_null(th_backup_info_error(b));
	assert_true(t_contains(th_backup_info_error(b), "cannot parse"));
	assert_true(t_contains(th_backup_info_error(b), "Info.plist"));
	th_source_free(src);
	free(info);
	free(dir);
	t_tmpdir_free(tmp);
}

struct bad_rows {
	size_t n, bad;
	char first_error[256];
};

static int note_bad(void *ctx, const struct th_manifest_row *row)
{
	struct bad_rows *r = ctx;

	r->n++;
	if (!row->meta_ok && r->bad++ == 0)
		snprintf(r->first_error, sizeof(r->first_error), "%s",
		         row->meta_error);
	return 0;
}

/* Rows a compromised phone could write: a garbage blob, a file ID that
 * is a path, a stored "file" that is a symlink out of the evidence. */
static void test_hostile_rows(void **state)
{
	char *tmp, *dir = gen_backup(&tmp), *db = join(dir, "Manifest.db");
	char *shard = join(dir, "ab"), *link;
	struct th_source *src = NULL;
	struct th_err err = {0};
	struct bad_rows r = {0};
	struct found fd;
	char before[65], after[65];
	int64_t total = 0;

	exec_sql(db, "INSERT INTO Files VALUES ('../../../../../etc/passwd', "
	             "'HomeDomain', 'evil/x', 1, X'00');"
	             "INSERT INTO Files VALUES ('abababababababababababababab"
	             "ababababababab', 'HomeDomain', 'evil/y', 1, "
	             "X'62706c697374303000');"
	             "INSERT INTO Files VALUES ('cdcdcdcdcdcdcdcdcdcdcdcdcdcd"
	             "cdcdcdcdcdcdcd', 'HomeDomain', 'evil/z', 1, NULL);");
	mkdir(shard, 0755);
	link = join(shard, "abababababababababababababababababababab");
	assert_int_equal(symlink("/etc/hostname", link), 0);
	t_tree_hash(dir, before);
	assert_int_equal(open_src(dir, &src, &err), TH_OK);
	assert_int_equal(th_backup_row_count(th_backup_of(src), &total, &err),
	                 TH_OK);
	assert_int_equal(
	        th_backup_each_row(th_backup_of(src), note_bad, &r, &err),
	        TH_OK);
	assert_int_equal(r.n, (size_t)total);
	assert_int_equal(r.bad, 3);
	assert_true(t_contains(r.first_error, "bad MBFile"));
	assert_int_equal(find(src, "HomeDomain", "evil/*", &fd), 0);
	th_source_free(src);
	t_tree_hash(dir, after);
	assert_string_equal(before, after);
	free(link);
	free(shard);
	free(db);
	free(dir);
	t_tmpdir_free(tmp);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_fixture_bid),
	        cmocka_unit_test(test_fixture_rows_and_files),
	        cmocka_unit_test(test_fixture_through_parent),
	        cmocka_unit_test(test_find_without_backup_location),
	        cmocka_unit_test(test_sqlite_not_a_database),
	        cmocka_unit_test(test_sqlite_uri_escaping),
	        cmocka_unit_test(test_sqlite_wal_copy),
	        cmocka_unit_test(test_sqlite_truncated),
	        cmocka_unit_test(test_generated_bids),
	        cmocka_unit_test(test_encrypted_backup),
	        cmocka_unit_test(test_bad_manifest_db),
	        cmocka_unit_test(test_truncated_manifest_db),
	        cmocka_unit_test(test_bad_info_plist),
	        cmocka_unit_test(test_hostile_rows),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
