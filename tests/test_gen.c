/* The fixture generator: what it writes is a valid, deterministic iOS
 * backup (Manifest.db rows, MBFile blobs, stored files, plists), and the
 * th-gen command around it behaves. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <plist/plist.h>
#include <sqlite3.h>

#include "support.h"
#include "gen.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/fsutil.h"
#include "formats/mbfile.h"

#define FILLER 500

static const char *const mbfile_keys[] = {
        "$class", "Birth",           "LastModified", "LastStatusChange",
        "Mode",   "UserID",          "GroupID",      "InodeNumber",
        "Size",   "ProtectionClass", "Flags",        "RelativePath",
};

static sqlite3 *open_manifest(const char *dir)
{
	char *path = th_path_join(dir, "Manifest.db");
	sqlite3 *db = NULL;

	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL),
	                 SQLITE_OK);
	free(path);
	return db;
}

static int64_t query_int(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *s = NULL;
	int64_t v = -1;

	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &s, NULL), SQLITE_OK);
	if (sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return v;
}

static plist_t load_plist(const char *dir, const char *name)
{
	char *path = th_path_join(dir, name), *data;
	plist_t root = NULL;
	size_t len = 0;

	data = t_slurp(path, &len);
	assert_non_null(data);
	plist_from_memory(data, (uint32_t)len, &root);
	assert_non_null(root);
	free(data);
	free(path);
	return root;
}

static const char *dict_string(plist_t dict, const char *key)
{
	plist_t item = plist_dict_get_item(dict, key);

	if (!item || plist_get_node_type(item) != PLIST_STRING)
		return NULL;
	return plist_get_string_ptr(item, NULL);
}

static void test_file_id(void **state)
{
	char id[41];

	/* The well-known fileID of the SMS database in every backup. */
	th_gen_file_id("HomeDomain", "Library/SMS/sms.db", id);
	assert_string_equal(id, "3d0d7e5fb2ce288813306e4d4636395e047a3d28");
	th_gen_file_id("HomeDomain", "", id);
	assert_int_equal(strlen(id), 40);
	assert_string_not_equal(id, "3d0d7e5fb2ce288813306e4d4636395e047a3d28");
}

/* The archive layout iOS writes; RelativePath must resolve to `path`. */
static void check_blob(const void *blob, int len, const char *path)
{
	plist_t root = NULL, objs, file, item;
	uint64_t uid = 0;
	size_t i;

	plist_from_bin(blob, (uint32_t)len, &root);
	assert_non_null(root);
	assert_string_equal(dict_string(root, "$archiver"), "NSKeyedArchiver");
	item = plist_dict_get_item(plist_dict_get_item(root, "$top"), "root");
	assert_int_equal(plist_get_node_type(item), PLIST_UID);
	objs = plist_dict_get_item(root, "$objects");
	assert_int_equal(plist_array_get_size(objs), 4);
	file = plist_array_get_item(objs, 1);
	for (i = 0; i < sizeof(mbfile_keys) / sizeof(mbfile_keys[0]); i++)
		if (!plist_dict_get_item(file, mbfile_keys[i]))
			fail_msg("MBFile of '%s' lacks %s", path,
			         mbfile_keys[i]);
	plist_get_uid_val(plist_dict_get_item(file, "RelativePath"), &uid);
	item = plist_array_get_item(objs, (uint32_t)uid);
	assert_string_equal(plist_get_string_ptr(item, NULL), path);
	item = plist_array_get_item(objs, 3);
	assert_string_equal(dict_string(item, "$classname"), "MBFile");
	plist_free(root);
}

/* The stored file of a row exists exactly when the table says it has
 * contents, with the size the MBFile records. */
static void check_stored(const char *dir, const char *id, const char *dom,
                         const char *path, const struct th_mbfile *mb)
{
	const struct th_gen_plant *p = NULL;
	char sub[3] = {id[0], id[1], '\0'}, *folder, *file;
	size_t i, len = 0;
	char *data;

	for (i = 0; i < th_gen_plant_count(); i++)
		if (!strcmp(th_gen_plant_at(i)->domain, dom) &&
		    !strcmp(th_gen_plant_at(i)->path, path))
			p = th_gen_plant_at(i);
	folder = th_path_join(dir, sub);
	file = th_path_join(folder, id);
	data = t_slurp(file, &len);
	if (p && (p->text || p->make)) {
		assert_non_null(data);
		assert_int_equal(len, mb->size);
		if (p->text)
			assert_memory_equal(data, p->text, len);
	} else {
		assert_null(data);
	}
	free(data);
	free(folder);
	free(file);
}

static void check_rows(const char *dir, sqlite3 *db)
{
	sqlite3_stmt *s = NULL;
	struct th_mbfile mb;
	struct th_err err = {0};
	const char *id, *dom, *path;
	char want[41];
	size_t n = 0;

	assert_int_equal(sqlite3_prepare_v2(db,
	                                    "SELECT fileID, domain, "
	                                    "relativePath, file FROM Files",
	                                    -1, &s, NULL),
	                 SQLITE_OK);
	while (sqlite3_step(s) == SQLITE_ROW) {
		id = (const char *)sqlite3_column_text(s, 0);
		dom = (const char *)sqlite3_column_text(s, 1);
		path = (const char *)sqlite3_column_text(s, 2);
		th_gen_file_id(dom, path, want);
		assert_string_equal(id, want);
		check_blob(sqlite3_column_blob(s, 3),
		           sqlite3_column_bytes(s, 3), path);
		/* The library's own decoder reads what we wrote. */
		if (th_mbfile_decode(sqlite3_column_blob(s, 3),
		                     (size_t)sqlite3_column_bytes(s, 3), &mb,
		                     &err) != TH_OK)
			fail_msg("th_mbfile_decode '%s': %s", path, err.msg);
		assert_string_equal(mb.relative_path, path);
		assert_int_equal(mb.user_id, 501);
		check_stored(dir, id, dom, path, &mb);
		n++;
	}
	sqlite3_finalize(s);
	assert_true(n > FILLER);
}

static void test_backup_valid(void **state)
{
	char *tmp = t_tmpdir(), *dir;
	sqlite3 *db;

	dir = t_gen_backup(tmp, "b", 1, FILLER, 3);
	db = open_manifest(dir);
	assert_int_equal(query_int(db, "SELECT count(*) FROM Files"),
	                 th_gen_backup_nplanted(1) + FILLER);
	assert_int_equal(query_int(db, "SELECT count(*) FROM sqlite_master "
	                               "WHERE type = 'index' AND name LIKE "
	                               "'Files%Idx'"),
	                 3);
	assert_int_equal(query_int(db, "SELECT count(*) FROM Properties"), 0);
	check_rows(dir, db);
	sqlite3_close(db);
	free(dir);
	t_tmpdir_free(tmp);
}

static void test_plists(void **state)
{
	char *tmp = t_tmpdir(), *dir = t_gen_backup(tmp, "b", 0, 0, 1);
	plist_t info = load_plist(dir, "Info.plist");
	plist_t man = load_plist(dir, "Manifest.plist");
	plist_t status = load_plist(dir, "Status.plist");
	uint8_t enc = 1;

	assert_string_equal(dict_string(info, "Product Type"), "iPhone12,1");
	assert_string_equal(dict_string(info, "Product Version"), "15.7");
	assert_int_equal(strlen(dict_string(info, "Unique Identifier")), 40);
	assert_int_equal(plist_get_node_type(
	                         plist_dict_get_item(info, "Last Backup Date")),
	                 PLIST_DATE);
	assert_int_equal(plist_get_node_type(plist_dict_get_item(
	                         info, "Installed Applications")),
	                 PLIST_ARRAY);
	plist_get_bool_val(plist_dict_get_item(man, "IsEncrypted"), &enc);
	assert_int_equal(enc, 0);
	assert_string_equal(dict_string(plist_dict_get_item(man, "Lockdown"),
	                                "ProductVersion"),
	                    "15.7");
	assert_string_equal(dict_string(status, "SnapshotState"), "finished");
	plist_free(info);
	plist_free(man);
	plist_free(status);
	free(dir);
	t_tmpdir_free(tmp);
}

/* SHA-256 of every row in table order. */
static void rows_hash(const char *dir, char out[65])
{
	sqlite3 *db = open_manifest(dir);
	sqlite3_stmt *s = NULL;
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	unsigned char h[32];
	unsigned int hl = 0, i, c;

	EVP_DigestInit_ex(md, EVP_sha256(), NULL);
	sqlite3_prepare_v2(db, "SELECT * FROM Files ORDER BY rowid", -1, &s,
	                   NULL);
	while (sqlite3_step(s) == SQLITE_ROW)
		for (c = 0; c < 5; c++)
			EVP_DigestUpdate(
			        md, sqlite3_column_blob(s, (int)c),
			        (size_t)sqlite3_column_bytes(s, (int)c));
	sqlite3_finalize(s);
	sqlite3_close(db);
	EVP_DigestFinal_ex(md, h, &hl);
	EVP_MD_CTX_free(md);
	for (i = 0; i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", h[i]);
}

static void test_deterministic(void **state)
{
	char *tmp = t_tmpdir(), *a, *b, *c;
	char ha[65], hb[65], hc[65], ta[65], tb[65];

	a = t_gen_backup(tmp, "a", 1, 300, 5);
	b = t_gen_backup(tmp, "b", 1, 300, 5);
	c = t_gen_backup(tmp, "c", 1, 300, 6);
	rows_hash(a, ha);
	rows_hash(b, hb);
	rows_hash(c, hc);
	assert_string_equal(ha, hb);
	assert_string_not_equal(ha, hc);
	/* Every file, byte for byte: plists, stored files, Manifest.db. */
	th_remove_tree(a);
	th_remove_tree(b);
	free(t_gen_backup(tmp, "a", 1, 0, 5));
	free(t_gen_backup(tmp, "b", 1, 0, 5));
	t_tree_hash(a, ta);
	t_tree_hash(b, tb);
	assert_string_equal(ta, tb);
	free(a);
	free(b);
	free(c);
	t_tmpdir_free(tmp);
}

static int has_row(sqlite3 *db, const char *domain, const char *path)
{
	sqlite3_stmt *s = NULL;
	int found;

	sqlite3_prepare_v2(db,
	                   "SELECT 1 FROM Files WHERE domain = ?1 AND "
	                   "relativePath = ?2",
	                   -1, &s, NULL);
	sqlite3_bind_text(s, 1, domain, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, path, -1, SQLITE_STATIC);
	found = sqlite3_step(s) == SQLITE_ROW;
	sqlite3_finalize(s);
	return found;
}

static void test_clean_and_infected(void **state)
{
	static const char crash[] =
	        "Library/Preferences/com.apple.CrashReporter.plist";
	char *tmp = t_tmpdir(), *cdir, *idir;
	sqlite3 *clean, *inf;

	cdir = t_gen_backup(tmp, "clean", 0, 0, 1);
	idir = t_gen_backup(tmp, "infected", 1, 0, 1);
	clean = open_manifest(cdir);
	inf = open_manifest(idir);
	assert_false(has_row(clean, "RootDomain", crash));
	assert_true(has_row(inf, "RootDomain", crash));
	/* Look-alikes are in both. */
	assert_true(has_row(clean, "HomeDomain", crash));
	assert_true(has_row(inf, "HomeDomain", crash));
	assert_true(has_row(clean, "HomeDomain", "Library/Caches/bhd"));
	assert_int_equal(query_int(clean, "SELECT count(*) FROM Files WHERE "
	                                  "relativePath LIKE "
	                                  "'%.free247downloads.com%'"),
	                 0);
	assert_int_equal(query_int(inf, "SELECT count(*) FROM Files WHERE "
	                                "relativePath LIKE "
	                                "'%.free247downloads.com%'"),
	                 1);
	assert_true(th_gen_backup_nplanted(1) > th_gen_backup_nplanted(0));
	sqlite3_close(clean);
	sqlite3_close(inf);
	free(cdir);
	free(idir);
	t_tmpdir_free(tmp);
}

static void test_refuses_existing(void **state)
{
	struct th_gen_backup_opts opt = {0, 0, 1};
	struct th_err err = {0};
	char *tmp = t_tmpdir(), *dir = t_gen_backup(tmp, "b", 0, 0, 1);

	assert_int_equal(th_gen_backup(dir, &opt, &err), TH_ERR_USAGE);
	assert_true(t_contains(err.msg, "already exists"));
	opt.rows = TH_GEN_ROWS_MAX + 1;
	assert_int_equal(th_gen_backup(tmp, &opt, &err), TH_ERR_USAGE);
	free(dir);
	t_tmpdir_free(tmp);
}

static void test_sqlite_image(void **state)
{
	struct th_buf b;
	struct th_err err = {0};

	th_buf_init(&b, (size_t)1 << 24);
	assert_int_equal(th_gen_sqlite_image("CREATE TABLE t (x); "
	                                     "INSERT INTO t VALUES (1);",
	                                     &b, &err),
	                 TH_OK);
	assert_true(b.len >= 512);
	assert_memory_equal(b.data, "SQLite format 3", 16);
	assert_int_equal(th_gen_sqlite_image("NOT SQL", &b, &err),
	                 TH_ERR_INTERNAL);
	assert_true(t_contains(err.msg, "syntax error"));
	th_buf_free(&b);
}

static int count_lines(const char *s)
{
	int n = 0;

	for (; s && *s; s++)
		n += *s == '\n';
	return n;
}

static int gen(char *a1, char *a2, char *a3, char *a4, char **err)
{
	char *argv[] = {TH_GEN_BINARY, a1, a2, a3, a4, NULL};

	return t_run(argv, NULL, err);
}

static void test_cli(void **state)
{
	char *tmp = t_tmpdir(), *dir = th_path_join(tmp, "b"), *err = NULL;
	char *db = th_path_join(dir, "Manifest.db");

	assert_int_equal(gen("help", NULL, NULL, NULL, NULL), 0);
	assert_int_equal(gen("backup", dir, "--rows", "x", &err), 2);
	assert_true(t_contains(err, "--rows needs a number"));
	assert_int_equal(count_lines(err), 1);
	free(err);
	assert_int_equal(gen("backup", dir, "--bogus", NULL, &err), 2);
	assert_true(t_contains(err, "unknown option '--bogus'"));
	free(err);
	assert_int_equal(gen("frobnicate", NULL, NULL, NULL, NULL), 2);
	assert_false(th_is_file(db));
	assert_int_equal(gen("backup", dir, "--infected", NULL, NULL), 0);
	assert_true(th_is_file(db));
	assert_int_equal(gen("backup", dir, NULL, NULL, &err), 2);
	assert_true(t_contains(err, "already exists"));
	free(err);
	free(db);
	free(dir);
	t_tmpdir_free(tmp);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_file_id),
	        cmocka_unit_test(test_backup_valid),
	        cmocka_unit_test(test_plists),
	        cmocka_unit_test(test_deterministic),
	        cmocka_unit_test(test_clean_and_infected),
	        cmocka_unit_test(test_refuses_existing),
	        cmocka_unit_test(test_sqlite_image),
	        cmocka_unit_test(test_cli),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
