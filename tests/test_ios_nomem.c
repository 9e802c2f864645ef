/*
 * Out of memory on the iOS side, where a unit test can make it happen
 * without interposing malloc: SQLite and jansson both take the
 * allocator we give them, so a switch makes every one of their
 * allocations fail. A module that then cannot look for its artifact,
 * prepare its query or build its record must end TH_ERR_NOMEM, never
 * "not found", "no data" or TH_OK with fewer records (the pass in
 * tests/nomem checks the same across every allocation).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <tracehound/tracehound.h>

#include "core/buf.h"
#include "core/jsonutil.h"
#include "formats/shutdown_log.h"
#include "formats/sqlite_ev.h"
#include "formats/sysdiag_text.h"
#include "gen.h"
#include "modules/ios/evdb.h"
#include "support.h"

/* --- allocators that fail on request --- */

static int sqlite_fail, json_fail, crypto_fail;

static void *sq_malloc(int n)
{
	size_t *p;

	if (sqlite_fail || n <= 0)
		return NULL;
	p = malloc(sizeof(size_t) * 2 + (size_t)n);
	if (!p)
		return NULL;
	p[0] = (size_t)n;
	return p + 2;
}

static void sq_free(void *p)
{
	if (p)
		free((size_t *)p - 2);
}

static int sq_size(void *p)
{
	return p ? (int)((size_t *)p - 2)[0] : 0;
}

static void *sq_realloc(void *p, int n)
{
	void *q;

	if (!p)
		return sq_malloc(n);
	if (sqlite_fail || n <= 0)
		return NULL;
	q = sq_malloc(n);
	if (!q)
		return NULL;
	memcpy(q, p, (size_t)(sq_size(p) < n ? sq_size(p) : n));
	sq_free(p);
	return q;
}

static int sq_roundup(int n)
{
	return (n + 7) & ~7;
}

static int sq_init(void *unused)
{
	(void)unused;
	return SQLITE_OK;
}

static void sq_shutdown(void *unused)
{
	(void)unused;
}

static const sqlite3_mem_methods sq_methods = {
        sq_malloc,  sq_free, sq_realloc,  sq_size,
        sq_roundup, sq_init, sq_shutdown, NULL};

static void *js_malloc(size_t n)
{
	return json_fail ? NULL : malloc(n);
}

static void *ossl_malloc(size_t n, const char *file, int line)
{
	(void)file;
	(void)line;
	return crypto_fail ? NULL : malloc(n);
}

static void *ossl_realloc(void *p, size_t n, const char *file, int line)
{
	(void)file;
	(void)line;
	return crypto_fail ? NULL : realloc(p, n);
}

static void ossl_free(void *p, const char *file, int line)
{
	(void)file;
	(void)line;
	free(p);
}

/* --- SQLite helpers --- */

static void test_sqlite_helpers(void **state)
{
	char *tmp = t_tmpdir(), *path;
	struct th_sqlite *db = NULL;
	struct th_err err = {0};
	struct th_buf sql;

	(void)state;
	t_put_sql(tmp, "a.db",
	          "CREATE TABLE t (a, b); INSERT INTO t VALUES (1, 2);");
	path = malloc(strlen(tmp) + 8);
	assert_non_null(path);
	snprintf(path, strlen(tmp) + 8, "%s/a.db", tmp);
	/* Opening needs memory: NOMEM, not "cannot open" (I/O). */
	sqlite_fail = 1;
	assert_int_equal(th_sqlite_open(path, &db, &err), TH_ERR_NOMEM);
	sqlite_fail = 0;
	assert_null(db);
	assert_int_equal(th_sqlite_open(path, &db, &err), TH_OK);
	assert_int_equal(th_sqlite_has_table(db->db, "t"), 1);
	assert_int_equal(th_sqlite_has_table(db->db, "u"), 0);
	assert_int_equal(th_sqlite_has_column(db->db, "t", "b"), 1);
	assert_int_equal(th_sqlite_has_column(db->db, "t", "c"), 0);
	assert_false(th_sqlite_nomem(db->db));
	th_buf_init(&sql, 4096);
	assert_int_equal(th_evdb_col(&sql, db->db, "t", "c", "c", 0), TH_OK);
	assert_string_equal(th_buf_str(&sql), "NULL AS \"c\"");
	sqlite_fail = 1;
	/* -1: could not tell, where 0 would read as "no such table". */
	assert_int_equal(th_sqlite_has_table(db->db, "t"), -1);
	assert_int_equal(th_sqlite_has_column(db->db, "t", "b"), -1);
	assert_true(th_sqlite_nomem(db->db));
	assert_int_equal(th_evdb_col(&sql, db->db, "t", "b", "b", 1),
	                 TH_ERR_NOMEM);
	sqlite_fail = 0;
	th_buf_free(&sql);
	th_sqlite_close(db);
	free(path);
	t_tmpdir_free(tmp);
}

/* --- whole modules on a generated backup --- */

/* Every module that reads SQLite (Manifest.db to find its file, then
 * its own database) with SQLite out of memory from the first query on:
 * each says TH_ERR_NOMEM, none "not found" or TH_OK. */
static void test_backup_modules_sqlite_nomem(void **state)
{
	static const char *const sqlite_modules[] = {"manifest",
	                                             "sms",
	                                             "calls",
	                                             "safari_history",
	                                             "contacts",
	                                             "tcc",
	                                             "datausage",
	                                             "interaction_c",
	                                             "global_preferences",
	                                             "configuration_profiles",
	                                             "profile_events"};
	char *tmp = t_tmpdir();
	char *dir = t_gen_backup(tmp, "backup", 1, 0, 1);
	struct th_run_options opt = {.target = dir, .jobs = 1};
	const struct th_module_result *r;
	struct th_run *run = NULL;
	size_t i;

	(void)state;
	assert_int_equal(th_run_new(&run, &opt), TH_OK);
	sqlite_fail = 1;
	th_run_execute(run);
	sqlite_fail = 0;
	for (i = 0; i < sizeof(sqlite_modules) / sizeof(*sqlite_modules); i++) {
		r = t_result(run, sqlite_modules[i]);
		if (r->status != TH_ERR_NOMEM)
			fail_msg("%s: status %d (%s), records %zu: expected "
			         "out of memory",
			         sqlite_modules[i], (int)r->status,
			         r->message ? r->message : "", r->records);
	}
	/* Info.plist was read when the source opened: no SQLite. */
	r = t_result(run, "backup_info");
	assert_int_equal(r->status, TH_OK);
	assert_int_equal(r->records, 1);
	th_run_free(run);
	free(dir);
	t_tmpdir_free(tmp);
}

/* The same run with jansson out of memory: a record that cannot be
 * built fails its module; none passes for complete. */
static void test_backup_modules_json_nomem(void **state)
{
	char *tmp = t_tmpdir();
	char *dir = t_gen_backup(tmp, "backup", 1, 0, 1);
	struct th_run_options opt = {.target = dir, .jobs = 1};
	const struct th_module_result *r;
	struct th_run *run = NULL, *clean;
	size_t i;

	(void)state;
	clean = t_run_execute(&opt);
	/* The fixture holds what the check below relies on. */
	assert_true(t_result(clean, "sms")->records > 0);
	assert_true(t_result(clean, "manifest")->records > 0);
	assert_true(th_run_nresults(clean) > 20);
	assert_int_equal(th_run_new(&run, &opt), TH_OK);
	json_fail = 1;
	th_run_execute(run);
	json_fail = 0;
	for (i = 0; i < th_run_nresults(clean); i++) {
		const struct th_module_result *c = th_run_result(clean, i);

		r = t_result(run, c->slug);
		if (c->records > 0 && r->status != TH_ERR_NOMEM)
			fail_msg("%s: status %d, %zu records (clean: %zu): "
			         "expected out of memory",
			         c->slug, (int)r->status, r->records,
			         c->records);
	}
	th_run_free(clean);
	th_run_free(run);
	free(dir);
	t_tmpdir_free(tmp);
}

/* An encrypted backup with OpenSSL out of memory once it is open: a
 * file whose key cannot be unwrapped for want of memory is no "key
 * fails its integrity check" (damage), and its module says so. */
static void test_encrypted_modules_crypto_nomem(void **state)
{
	struct th_gen_backup_opts g = {.infected = 1, .seed = 1};
	struct th_gen_encrypt_opts e = {.password = "pw", .iter = 1, .seed = 1};
	char *tmp = t_tmpdir(), plain[4096], enc[4096];
	struct th_run_options opt = {
	        .target = enc, .jobs = 1, .password = "pw"};
	const struct th_module_result *r;
	struct th_run *run = NULL;
	struct th_err err = {0};

	(void)state;
	snprintf(plain, sizeof(plain), "%s/plain", tmp);
	snprintf(enc, sizeof(enc), "%s/enc", tmp);
	assert_int_equal(th_gen_backup(plain, &g, &err), TH_OK);
	assert_int_equal(th_gen_backup_encrypt(plain, enc, &e, &err), TH_OK);
	assert_int_equal(th_run_new(&run, &opt), TH_OK);
	crypto_fail = 1;
	th_run_execute(run);
	crypto_fail = 0;
	r = t_result(run, "sms");
	if (r->status != TH_ERR_NOMEM)
		fail_msg("sms: status %d (%s): expected out of memory",
		         (int)r->status, r->message ? r->message : "");
	r = t_result(run, "configuration_profiles");
	assert_int_equal(r->status, TH_ERR_NOMEM);
	th_run_free(run);
	t_tmpdir_free(tmp);
}

/* --- parsers that build JSON --- */

static int count_row(void *ctx, json_t *row)
{
	(*(int *)ctx)++;
	json_decref(row);
	return 0;
}

static void test_ps_table_nomem(void **state)
{
	static const char ps[] = "USER PID COMMAND\n"
	                         "root 1 /sbin/launchd\n"
	                         "mobile 42 /usr/libexec/bh -x\n";
	int n = 0;

	(void)state;
	assert_int_equal(th_ps_table_each(ps, strlen(ps), count_row, &n), 2);
	assert_int_equal(n, 2);
	/* A row that cannot be built is no thread line to skip. */
	n = 0;
	json_fail = 1;
	assert_int_equal(th_ps_table_each(ps, strlen(ps), count_row, &n), -1);
	json_fail = 0;
	assert_int_equal(n, 0);
}

static void test_rec_set_counts(void **state)
{
	json_t *rec = json_object();
	unsigned long before = th_json_nomem_count();

	(void)state;
	assert_non_null(rec);
	th_rec_set(rec, "kept", json_integer(1));
	assert_int_equal(th_json_nomem_count(), before);
	/* A builder that failed: counted, so the module fails at its end. */
	th_rec_set(rec, "lost", NULL);
	assert_int_equal(th_json_nomem_count(), before + 1);
	assert_int_equal(json_object_size(rec), 1);
	json_decref(rec);
}

static int count_block(void *ctx, const struct th_shutdown_block *b)
{
	(*(size_t *)ctx) += b->nclients;
	return 0;
}

/* Clients past the cap are "dropped" and the count stays a count; the
 * parse's -1 is kept for memory (lib/modules/ios/shutdown_log.c). */
static void test_shutdown_cap_not_nomem(void **state)
{
	struct th_buf b;
	size_t clients = 0;
	int i;

	(void)state;
	th_buf_init(&b, 1 << 24);
	for (i = 0; i < TH_SHUTDOWN_CLIENTS_MAX + 5; i++)
		assert_int_equal(th_buf_printf(&b,
		                               "remaining client pid: %d "
		                               "(/usr/bin/x)\n",
		                               i),
		                 TH_OK);
	assert_int_equal(th_buf_adds(&b, "SIGTERM: [1700000000]\n"), TH_OK);
	assert_int_equal(
	        th_shutdown_parse(th_buf_str(&b), b.len, count_block, &clients),
	        1);
	assert_int_equal(clients, TH_SHUTDOWN_CLIENTS_MAX);
	th_buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_sqlite_helpers),
	        cmocka_unit_test(test_backup_modules_sqlite_nomem),
	        cmocka_unit_test(test_backup_modules_json_nomem),
	        cmocka_unit_test(test_encrypted_modules_crypto_nomem),
	        cmocka_unit_test(test_ps_table_nomem),
	        cmocka_unit_test(test_rec_set_counts),
	        cmocka_unit_test(test_shutdown_cap_not_nomem),
	};

	/* Before SQLite, jansson or OpenSSL allocate anything. */
	if (sqlite3_config(SQLITE_CONFIG_MALLOC, &sq_methods) != SQLITE_OK ||
	    !CRYPTO_set_mem_functions(ossl_malloc, ossl_realloc, ossl_free))
		return 1;
	json_set_alloc_funcs(js_malloc, free);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
