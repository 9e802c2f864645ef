/*
 * Limits a user can raise (--max-artifact-size: the message names the
 * limit, raising it lets the same input through) and SQLite evidence
 * opened defensively: its settings, no writes, the length and SQL
 * limits, an untrusted schema, and the private WAL copy gone after close
 * and after SIGTERM.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "support.h"
#include "core/fsutil.h"
#include "core/limits.h"
#include "formats/sqlite_ev.h"
#include "gen_fs.h"

/* --- sizes ---------------------------------------------------------- */

static uint64_t parsed(const char *s)
{
	uint64_t v = 12345;

	if (th_size_parse(s, &v) != TH_OK) {
		assert_int_equal(v, 0);
		return 0;
	}
	return v;
}

static void test_size_parse(void **state)
{
	(void)state;
	assert_true(parsed("64M") == (uint64_t)64 << 20);
	assert_true(parsed("2G") == (uint64_t)2 << 30);
	assert_true(parsed("512k") == (uint64_t)512 << 10);
	assert_true(parsed("1TiB") == (uint64_t)1 << 40);
	assert_true(parsed("3mb") == (uint64_t)3 << 20);
	assert_true(parsed("100") == 100);
	assert_true(parsed("15E") == (uint64_t)15 << 60);
	/* Zero, junk, signs, spaces, a unit alone, overflow. */
	assert_true(parsed("0") == 0);
	assert_true(parsed("") == 0);
	assert_true(parsed("M") == 0);
	assert_true(parsed("-1") == 0);
	assert_true(parsed("+1") == 0);
	assert_true(parsed("64 M") == 0);
	assert_true(parsed("64MiBx") == 0);
	assert_true(parsed("12X") == 0);
	assert_true(parsed("16E") == 0);
	assert_true(parsed("99999999999999999999") == 0);
	assert_true(parsed("18446744073709551615") == UINT64_MAX);
	assert_int_equal(th_size_parse(NULL, &(uint64_t){0}), TH_ERR_USAGE);
}

static void test_size_format(void **state)
{
	char b[TH_SIZE_TEXT_MAX];

	(void)state;
	assert_string_equal(th_size_format(0, b), "0 bytes");
	assert_string_equal(th_size_format(1023, b), "1023 bytes");
	assert_string_equal(th_size_format(1024, b), "1 KiB");
	assert_string_equal(th_size_format(1536, b), "1536 bytes");
	assert_string_equal(th_size_format(1536 << 10, b), "1536 KiB");
	assert_string_equal(th_size_format((uint64_t)512 << 20, b), "512 MiB");
	assert_string_equal(th_size_format((uint64_t)2 << 30, b), "2 GiB");
	assert_string_equal(th_size_format((uint64_t)15 << 60, b), "15 EiB");
	assert_string_equal(th_size_format(UINT64_MAX, b),
	                    "18446744073709551615 bytes");
	assert_int_equal(th_limit_artifact(0, 64), 64);
	assert_int_equal(th_limit_artifact(7, 64), 7);
	assert_int_equal(th_limit_artifact(100, 64), 100);
}

static char *write_file(const char *dir, const char *name, size_t n)
{
	char *path = th_path_join(dir, name);
	FILE *f = fopen(path, "wb");
	size_t i;

	assert_non_null(f);
	for (i = 0; i < n; i++)
		fputc('a' + (int)(i % 26), f);
	assert_int_equal(fclose(f), 0);
	return path;
}

/* A limit is hit, the message names it and the option; raising it lets
 * the same file through. */
static void test_read_artifact(void **state)
{
	char *dir = t_tmpdir(), *path, *data = NULL;
	struct th_err err = {0};
	size_t len = 99;

	(void)state;
	path = write_file(dir, "sms.db", 2000);
	assert_int_equal(
	        th_read_artifact(path, "sms.db", 1024, &data, &len, &err),
	        TH_ERR_LIMIT);
	assert_null(data);
	assert_int_equal(len, 0);
	assert_string_equal(err.msg, "'sms.db' is larger than the artifact "
	                             "limit of 1 KiB (--max-artifact-size)");
	/* No name: the path. */
	assert_int_equal(th_read_artifact(path, NULL, 1999, &data, &len, &err),
	                 TH_ERR_LIMIT);
	assert_true(t_contains(err.msg, path));
	assert_true(t_contains(err.msg, "1999 bytes (--max-artifact-size)"));
	assert_int_equal(
	        th_read_artifact(path, "sms.db", 2000, &data, &len, &err),
	        TH_OK);
	assert_int_equal(len, 2000);
	assert_int_equal(data[1999], 'a' + 1999 % 26);
	free(data);
	free(path);
	t_tmpdir_free(dir);
}

/* Through the binary: --max-artifact-size below getprop.txt's 377 bytes
 * names the file and the option; above it, the 10 properties are read. */
static void test_cli_max_artifact_size(void **state)
{
	char *ev, *out1, *out2, *rec;
	struct t_out r;

	(void)state;
	T_SHARED_OR_SKIP(ev, "fixtures/mvt/androidqf");
	out1 = t_tmpdir();
	out2 = t_tmpdir();
	r = t_th_on(ev, "check-androidqf", "--max-artifact-size", "376", "-m",
	            "aqf_get_prop", "-o", out1, ev, NULL);
	assert_true(t_contains(r.err, "'getprop.txt' is larger than the "
	                              "artifact limit of 376 bytes "
	                              "(--max-artifact-size)"));
	t_out_free(&r);
	rec = th_path_join(out1, "aqf_get_prop.json");
	assert_false(th_is_file(rec));
	free(rec);
	r = t_th_on(ev, "check-androidqf", "--max-artifact-size", "377", "-m",
	            "aqf_get_prop", "-o", out2, ev, NULL);
	assert_false(t_contains(r.err, "artifact limit"));
	assert_true(t_contains(r.out, "aqf_get_prop  10 records"));
	t_out_free(&r);
	r = t_th("check-androidqf", "--max-artifact-size", "4X", ev, NULL);
	assert_int_equal(r.rc, 2);
	assert_true(t_contains(r.err, "invalid --max-artifact-size '4X'"));
	t_out_free(&r);
	t_tmpdir_free(out1);
	t_tmpdir_free(out2);
	free(ev);
}

/* An Android backup: a member copied out of backup.ab over the limit is
 * named; raised, the module reads its 2 messages. */
static void test_cli_max_artifact_size_ab(void **state)
{
	char *ab, *out1, *out2;
	struct t_out r;

	(void)state;
	T_SHARED_OR_SKIP(ab, "fixtures/mvt/android_backup/backup.ab");
	out1 = t_tmpdir();
	out2 = t_tmpdir();
	r = t_th("check-android-backup", "--max-artifact-size", "100", "-m",
	         "sms", "-o", out1, ab, NULL);
	assert_true(t_contains(r.err, "000001_mms_backup' is larger than the "
	                              "artifact limit of 100 bytes "
	                              "(--max-artifact-size)"));
	t_out_free(&r);
	r = t_th("check-android-backup", "--max-artifact-size", "1M", "-m",
	         "sms", "-o", out2, ab, NULL);
	assert_false(t_contains(r.err, "artifact limit"));
	assert_true(t_contains(r.out, "sms     2 records"));
	t_out_free(&r);
	t_tmpdir_free(out1);
	t_tmpdir_free(out2);
	free(ab);
}

/* A filesystem dump (folder, then .tar.gz) whose shutdown.log is 2150
 * bytes (49 clients of one shutdown): over a 1 KiB limit the file (the
 * archive member) is named with the option; raised, it is read. */
static void fs_dump(const char *path)
{
	struct th_gen_sink *s = NULL;
	struct th_err err = {0};
	char log[4096];
	int n = 0;

	while (n < 2100)
		n += snprintf(log + n, sizeof(log) - (size_t)n,
		              "remaining client pid: %d (/usr/libexec/x)\n", n);
	n += snprintf(log + n, sizeof(log) - (size_t)n,
	              "SIGTERM: [1664700000]\n");
	assert_int_equal(th_gen_sink_open(path, &s, &err), TH_OK);
	assert_int_equal(th_gen_sink_file(s,
	                                  "private/var/db/diagnostics/"
	                                  "shutdown.log",
	                                  log, (size_t)n, 1664700000, &err),
	                 TH_OK);
	assert_int_equal(th_gen_sink_close(s, &err), TH_OK);
}

static void check_fs_limit(const char *dump, const char *out1, const char *out2)
{
	struct t_out r;

	/* The filesystem module reports the members an archive could not
	 * give. */
	r = t_th("check-fs", "--max-artifact-size", "1K", "-m", "shutdown_log",
	         "-m", "filesystem", "-o", out1, dump, NULL);
	if (!t_contains(r.err, "artifact limit"))
		print_message("%s", r.err);
	assert_true(t_contains(r.err, "shutdown.log' is larger than the "
	                              "artifact limit of 1 KiB "
	                              "(--max-artifact-size)"));
	t_out_free(&r);
	/* 15 EiB: past INT64_MAX, which archive extraction must clamp. */
	r = t_th("check-fs", "--max-artifact-size", "15E", "-m", "shutdown_log",
	         "-o", out2, dump, NULL);
	assert_false(t_contains(r.err, "artifact limit"));
	/* 49 clients of one shutdown (fs_dump). */
	assert_true(t_contains(r.out, "shutdown_log  49 records"));
	t_out_free(&r);
}

static void test_cli_max_artifact_size_fs(void **state)
{
	char *dir = t_tmpdir(), *folder, *tgz, *o[4];
	int i;

	(void)state;
	folder = th_path_join(dir, "dump");
	tgz = th_path_join(dir, "dump.tar.gz");
	for (i = 0; i < 4; i++)
		o[i] = t_tmpdir();
	fs_dump(folder);
	fs_dump(tgz);
	check_fs_limit(folder, o[0], o[1]);
	check_fs_limit(tgz, o[2], o[3]);
	for (i = 0; i < 4; i++)
		t_tmpdir_free(o[i]);
	free(folder);
	free(tgz);
	t_tmpdir_free(dir);
}

/* --- SQLite --------------------------------------------------------- */

static void exec_ok(sqlite3 *db, const char *sql)
{
	char *msg = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("%s: %s", sql, msg ? msg : "?");
}

/* A scratch database of ours (not evidence: a plain open is fine). */
static char *make_db(const char *dir, const char *name, const char *sql)
{
	char *path = th_path_join(dir, name);
	sqlite3 *db = NULL;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	exec_ok(db, sql);
	assert_int_equal(sqlite3_close(db), SQLITE_OK);
	return path;
}

/* The first error message of sql on the connection, or NULL. */
static const char *sql_error(sqlite3 *db, const char *sql, int *rc)
{
	*rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
	return *rc == SQLITE_OK ? NULL : sqlite3_errmsg(db);
}

static int pragma_int(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st = NULL;
	int v = -1;

	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return v;
}

static void assert_hardened(sqlite3 *db)
{
	int v = -1, rc;

	sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, -1, &v);
	assert_int_equal(v, 1);
	sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, -1, &v);
	assert_int_equal(v, 0);
	sqlite3_db_config(db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, -1, &v);
	assert_int_equal(v, 0);
	sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_TRIGGER, -1, &v);
	assert_int_equal(v, 0);
	assert_int_equal(pragma_int(db, "PRAGMA query_only"), 1);
	assert_int_equal(pragma_int(db, "PRAGMA trusted_schema"), 0);
	assert_int_equal(pragma_int(db, "PRAGMA busy_timeout"), 0);
	assert_int_equal(sqlite3_limit(db, SQLITE_LIMIT_LENGTH, -1),
	                 TH_SQLITE_VALUE_MAX);
	assert_int_equal(sqlite3_limit(db, SQLITE_LIMIT_ATTACHED, -1), 0);
	assert_true(sqlite3_limit(db, SQLITE_LIMIT_SQL_LENGTH, -1) <= 100000);
	assert_true(sqlite3_limit(db, SQLITE_LIMIT_EXPR_DEPTH, -1) <= 500);
	/* No writes, no schema changes, no attach, no extension. */
	assert_non_null(sql_error(db, "INSERT INTO t VALUES (9)", &rc));
	assert_true(rc == SQLITE_READONLY || rc == SQLITE_ERROR);
	assert_non_null(sql_error(db, "CREATE TABLE u (a)", &rc));
	assert_non_null(sql_error(db, "DELETE FROM t", &rc));
	assert_non_null(sql_error(db, "ATTACH ':memory:' AS x", &rc));
	assert_non_null(
	        sql_error(db, "SELECT load_extension('/nonexistent')", &rc));
	assert_non_null(sql_error(db,
	                          "PRAGMA writable_schema = 1; "
	                          "UPDATE sqlite_master SET sql = ''",
	                          &rc));
	/* Values past the length limit are refused, not allocated. */
	assert_non_null(sql_error(db, "SELECT zeroblob(268435457)", &rc));
	assert_int_equal(rc, SQLITE_TOOBIG);
	assert_null(sql_error(db, "SELECT length(zeroblob(1000))", &rc));
	assert_int_equal(pragma_int(db, "SELECT count(*) FROM t"), 3);
}

static void test_sqlite_hardened(void **state)
{
	char *dir = t_tmpdir(), *path, before[65], after[65];
	struct th_sqlite *s = NULL;
	struct th_err err = {0};

	(void)state;
	path = make_db(dir, "plain.db",
	               "CREATE TABLE t (a); INSERT INTO t VALUES (1), (2), "
	               "(3);");
	t_tree_hash(dir, before);
	assert_int_equal(th_sqlite_open(path, &s, &err), TH_OK);
	assert_null(s->tmp.path); /* immutable: no copy */
	assert_hardened(s->db);
	th_sqlite_close(s);
	t_tree_hash(dir, after);
	assert_string_equal(before, after);
	free(path);
	t_tmpdir_free(dir);
}

static void copy_to(const char *from, const char *to)
{
	size_t len = 0;
	char *data = t_slurp(from, &len);
	FILE *f = fopen(to, "wb");

	assert_non_null(data);
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
	free(data);
}

/* A WAL database whose rows are only in its -wal: `rows` rows of
 * `blob` bytes each, copied into dir/name and dir/name-wal while the
 * writer still holds them uncheckpointed. */
static char *make_wal_db(const char *dir, const char *name, int rows, int blob)
{
	char *scratch = t_tmpdir(), *src = th_path_join(scratch, "w.db");
	char *path = th_path_join(dir, name), sql[256], *a, *b;
	sqlite3 *db = NULL;

	assert_int_equal(sqlite3_open(src, &db), SQLITE_OK);
	exec_ok(db, "PRAGMA journal_mode = WAL; PRAGMA wal_autocheckpoint = 0;"
	            "CREATE TABLE t (a, b);");
	snprintf(sql, sizeof(sql),
	         "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 "
	         "FROM n WHERE i < %d) INSERT INTO t SELECT i, "
	         "randomblob(%d) FROM n",
	         rows, blob);
	exec_ok(db, sql);
	a = th_path_join(scratch, "w.db-wal");
	b = malloc(strlen(path) + 5);
	assert_non_null(b);
	snprintf(b, strlen(path) + 5, "%s-wal", path);
	copy_to(src, path);
	copy_to(a, b);
	sqlite3_close(db);
	free(a);
	free(b);
	free(src);
	t_tmpdir_free(scratch);
	return path;
}

/* A -wal sidecar: the private copy sees its rows, is hardened the same
 * way, refuses writes, and is gone after close; nothing is written next
 * to the evidence. */
static void test_sqlite_wal_copy(void **state)
{
	char *dir = t_tmpdir(), *path, *copy, before[65], after[65];
	struct th_sqlite *s = NULL;
	struct th_err err = {0};

	(void)state;
	path = make_wal_db(dir, "sms.db", 3, 16);
	t_tree_hash(dir, before);
	assert_int_equal(th_sqlite_open(path, &s, &err), TH_OK);
	assert_non_null(s->tmp.path);
	assert_true(th_is_dir(s->tmp.path));
	copy = strdup(s->tmp.path);
	assert_hardened(s->db);
	th_sqlite_close(s);
	assert_false(th_is_dir(copy));
	t_tree_hash(dir, after);
	assert_string_equal(before, after);
	free(copy);
	free(path);
	t_tmpdir_free(dir);
}

/* A view that calls a function: reading it fails cleanly (untrusted
 * schema), and the tables stay readable. */
static void test_sqlite_view_function(void **state)
{
	char *dir = t_tmpdir(), *path;
	struct th_sqlite *s = NULL;
	struct th_err err = {0};
	const char *msg;
	int rc;

	(void)state;
	path = make_db(dir, "views.db",
	               "CREATE TABLE t (a); INSERT INTO t VALUES (1);"
	               "CREATE VIEW ext AS SELECT "
	               "load_extension('/nonexistent') AS y FROM t;");
	assert_int_equal(th_sqlite_open(path, &s, &err), TH_OK);
	msg = sql_error(s->db, "SELECT y FROM ext", &rc);
	assert_non_null(msg);
	/* Untrusted schema; views may also be off altogether. */
	assert_true(t_contains(msg, "unsafe use of load_extension") ||
	            t_contains(msg, "prohibited"));
	assert_null(sql_error(s->db, "SELECT a FROM t", &rc));
	th_sqlite_close(s);
	free(path);
	t_tmpdir_free(dir);
}

/* A schema whose view nests past our expression limit (1+1+...: 600
 * deep, within SQLite's default, so our scratch file can be written):
 * the open fails with one line naming the file. */
static void test_sqlite_deep_schema(void **state)
{
	char *dir = t_tmpdir(), *path, *sql, *p;
	struct th_sqlite *s = NULL;
	struct th_err err = {0};
	int i;

	(void)state;
	sql = malloc(16384);
	assert_non_null(sql);
	p = sql + snprintf(sql, 16384,
	                   "CREATE TABLE t (a); CREATE VIEW deep "
	                   "AS SELECT 1");
	for (i = 0; i < 600; i++) {
		memcpy(p, "+1", 2);
		p += 2;
	}
	snprintf(p, 64, " AS x;");
	path = make_db(dir, "deep.db", sql);
	free(sql);
	assert_int_not_equal(th_sqlite_open(path, &s, &err), TH_OK);
	assert_null(s);
	assert_true(t_contains(err.msg, path));
	free(path);
	t_tmpdir_free(dir);
}

/* Our own SQL stays under the SQL length limit; a longer text fails. */
static void test_sqlite_sql_length(void **state)
{
	char *dir = t_tmpdir(), *path, *sql;
	struct th_sqlite *s = NULL;
	struct th_err err = {0};
	int rc;

	(void)state;
	path = make_db(dir, "a.db", "CREATE TABLE t (a);");
	assert_int_equal(th_sqlite_open(path, &s, &err), TH_OK);
	sql = malloc(200001);
	memset(sql, ' ', 200000);
	memcpy(sql, "SELECT 1", 8);
	sql[200000] = '\0';
	assert_non_null(sql_error(s->db, sql, &rc));
	assert_int_equal(rc, SQLITE_TOOBIG);
	free(sql);
	th_sqlite_close(s);
	free(path);
	t_tmpdir_free(dir);
}

/* The tracehound-* folders in dir. */
static int count_tmp(const char *dir)
{
	struct dirent *de;
	DIR *d = opendir(dir);
	int n = 0;

	while (d && (de = readdir(d)) != NULL)
		n += !strncmp(de->d_name, "tracehound-", 11);
	if (d)
		closedir(d);
	return n;
}

static pid_t spawn_check(const char *tmp, const char *dump)
{
	pid_t pid = fork();

	if (pid == 0) {
		int nul = open("/dev/null", O_RDWR);

		dup2(nul, 0);
		dup2(nul, 1);
		dup2(nul, 2);
		setenv("TMPDIR", tmp, 1);
		execl(TH_BINARY, TH_BINARY, "check-fs", "-m", "sms", dump,
		      (char *)NULL);
		_exit(127);
	}
	return pid;
}

/* SIGTERM while the WAL copy of sms.db exists: the copy goes with the
 * program. The copy is 24 MB, so the run is caught holding it. */
static void test_sqlite_wal_copy_sigterm(void **state)
{
	char *dir = t_tmpdir(), *tmp, *sms, *path, before[65], after[65];
	struct th_err err = {0};
	int status, i, caught = 0, tries;
	pid_t pid;

	(void)state;
	tmp = th_path_join(dir, "tmp");
	sms = th_path_join(dir, "dump/private/var/mobile/Library/SMS");
	assert_int_equal(th_mkdir_p(tmp, 1, &err), TH_OK);
	assert_int_equal(th_mkdir_p(sms, 0, &err), TH_OK);
	path = make_wal_db(sms, "sms.db", 24, 1 << 20);
	free(path);
	path = th_path_join(dir, "dump");
	t_tree_hash(path, before);
	for (tries = 0; tries < 5 && !caught; tries++) {
		pid = spawn_check(tmp, path);
		for (i = 0; i < 200000 && !count_tmp(tmp); i++)
			usleep(50);
		caught = count_tmp(tmp) > 0;
		kill(pid, SIGTERM);
		assert_int_equal(waitpid(pid, &status, 0), pid);
		caught = caught && WIFSIGNALED(status);
		assert_int_equal(count_tmp(tmp), 0);
	}
	print_message("%d run(s) caught holding the copy of sms.db\n", caught);
	t_tree_hash(path, after);
	assert_string_equal(before, after);
	free(path);
	free(sms);
	free(tmp);
	t_tmpdir_free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_size_parse),
	        cmocka_unit_test(test_size_format),
	        cmocka_unit_test(test_read_artifact),
	        cmocka_unit_test(test_cli_max_artifact_size),
	        cmocka_unit_test(test_cli_max_artifact_size_ab),
	        cmocka_unit_test(test_cli_max_artifact_size_fs),
	        cmocka_unit_test(test_sqlite_hardened),
	        cmocka_unit_test(test_sqlite_wal_copy),
	        cmocka_unit_test(test_sqlite_view_function),
	        cmocka_unit_test(test_sqlite_deep_schema),
	        cmocka_unit_test(test_sqlite_sql_length),
	        cmocka_unit_test(test_sqlite_wal_copy_sigterm),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
