/*
 * The pieces the malloc-failure pass (tests/nomem) relies on for the
 * Android sources, that a unit test can reach without failing malloc:
 * the JSON builders that count lost values, the dumper that does not
 * drop a failed key, how a failed libarchive call is told apart from a
 * damaged archive, and bids that pass "could not look" on.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <archive.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/err.h"
#include "core/fsutil.h"
#include "core/jsonutil.h"
#include "formats/ab.h"
#include "formats/archive.h"
#include "formats/ndjson.h"
#include "gen_android.h"
#include "sources/android_fs.h"
#include "sources/android_sources.h"
#include "sources/bugreport.h"
#include "support.h"

static void test_json_set_counts(void **state)
{
	json_t *o = json_object(), *a = json_array();
	unsigned long before = th_json_nomem_count();

	assert_non_null(o);
	assert_non_null(a);
	assert_int_equal(th_json_set_new(o, "k", json_integer(1)), 0);
	assert_int_equal(th_json_append_new(a, json_string("v")), 0);
	assert_int_equal(th_json_nomem_count(), before);
	/* A builder that returned NULL: lost, and counted. */
	assert_int_equal(th_json_set_new(o, "lost", NULL), -1);
	assert_int_equal(th_json_append_new(a, NULL), -1);
	assert_int_equal(th_json_nomem_count(), before + 2);
	/* A set that jansson refused: the value is freed (ASan would see a
	 * leak), and counted. */
	assert_int_equal(th_json_set_new(a, "k", json_integer(2)), -1);
	assert_int_equal(th_json_nomem_count(), before + 3);
	/* A key from evidence that is not UTF-8: refused, not memory. */
	assert_int_equal(th_json_set_new(o, "bad\xff", json_integer(3)), -1);
	assert_int_equal(th_json_nomem_count(), before + 3);
	th_json_nomem_note();
	assert_int_equal(th_json_nomem_count(), before + 4);
	assert_int_equal(json_object_size(o), 1);
	assert_null(json_object_get(o, "lost"));
	assert_int_equal(json_array_size(a), 1);
	json_decref(o);
	json_decref(a);
}

static void test_json_dumps_matches(void **state)
{
	json_t *v =
	        json_pack("{s:{s:i,s:[s,s]},s:s,s:n}", "zeta", "b", 2, "list",
	                  "x\"y", "\xc3\xa9", "alpha", "tab\t", "mid");
	size_t flags[] = {JSON_SORT_KEYS | JSON_COMPACT,
	                  JSON_COMPACT | JSON_PRESERVE_ORDER, JSON_INDENT(4)};
	char *ours, *theirs;
	size_t i;

	assert_non_null(v);
	for (i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
		ours = th_json_dumps(v, flags[i]);
		theirs = json_dumps(v, flags[i]);
		assert_non_null(ours);
		assert_string_equal(ours, theirs);
		free(ours);
		free(theirs);
	}
	ours = th_json_dumps(v, JSON_SORT_KEYS | JSON_COMPACT);
	assert_string_equal(ours, "{\"alpha\":\"tab\\t\",\"mid\":null,"
	                          "\"zeta\":{\"b\":2,\"list\":[\"x\\\"y\","
	                          "\"\xc3\xa9\"]}}");
	free(ours);
	json_decref(v);
}

static void test_archive_failed(void **state)
{
	struct archive *a = archive_read_new();

	assert_non_null(a);
	errno = 0;
	assert_int_equal(th_archive_failed(a, TH_ERR_FORMAT), TH_ERR_FORMAT);
	assert_int_equal(th_archive_failed(NULL, TH_ERR_IO), TH_ERR_IO);
	/* zlib's failed inflateInit2 reaches us as a generic libarchive
	 * error, with errno left at ENOMEM by malloc. */
	errno = ENOMEM;
	assert_int_equal(th_archive_failed(a, TH_ERR_FORMAT), TH_ERR_NOMEM);
	errno = 0;
	archive_set_error(a, ENOMEM, "%s", "no memory");
	assert_int_equal(th_archive_failed(a, TH_ERR_FORMAT), TH_ERR_NOMEM);
	archive_set_error(a, EIO, "%s", "damaged");
	assert_int_equal(th_archive_failed(a, TH_ERR_FORMAT), TH_ERR_FORMAT);
	archive_read_free(a);
}

static int score_nomem(struct th_afs *a)
{
	return TH_BID_NOMEM;
}

static int score_br(struct th_afs *a)
{
	return th_br_score(a);
}

static void test_score_zip(void **state)
{
	char *dir = t_tmpdir(), *zip = th_path_join(dir, "bugreport.zip");
	char *txt = th_path_join(dir, "notes.txt");
	char *missing = th_path_join(dir, "missing.zip");
	struct th_err err;
	FILE *f;

	assert_int_equal(th_gen_bugreport_zip(zip, 1, &err), TH_OK);
	assert_int_equal(th_afs_score_zip(zip, score_br), 90);
	/* A score that could not look is passed on, not taken for "no". */
	assert_int_equal(th_afs_score_zip(zip, score_nomem), TH_BID_NOMEM);
	assert_int_equal(th_afs_is_zip_file(zip), 1);
	f = fopen(txt, "w");
	assert_non_null(f);
	fputs("PK but not a zip\n", f);
	fclose(f);
	assert_int_equal(th_afs_is_zip_file(txt), 0);
	assert_int_equal(th_afs_score_zip(txt, score_nomem), TH_BID_NONE);
	assert_int_equal(th_afs_is_zip_file(missing), 0);
	assert_int_equal(th_afs_score_zip(missing, score_br), TH_BID_NONE);
	free(zip);
	free(txt);
	free(missing);
	t_tmpdir_free(dir);
}

static void test_ab_probe(void **state)
{
	char *dir = t_tmpdir(), *ab = th_path_join(dir, "backup.ab");
	char *other = th_path_join(dir, "other.ab");
	struct th_err err;
	FILE *f;

	assert_int_equal(th_gen_ab(ab, TH_GEN_AB_PASSWORD, 0, &err), TH_OK);
	assert_int_equal(th_ab_probe(ab), 1);
	assert_int_equal(th_ab_is_backup(ab), 1);
	f = fopen(other, "w");
	assert_non_null(f);
	fputs("ANDROID BACKUX\n5\n", f);
	fclose(f);
	assert_int_equal(th_ab_probe(other), 0);
	unlink(other);
	/* Absent is "no", not "could not look". */
	assert_int_equal(th_ab_probe(other), 0);
	assert_ptr_equal(th_sources_bid(ab, NULL), &th_source_android_backup);
	free(ab);
	free(other);
	t_tmpdir_free(dir);
}

/* The shapes th-nomem's Android cases check are detected as such, with
 * no source short of memory. */
static void test_bids_without_nomem(void **state)
{
	char *dir = t_tmpdir(), *aqf = th_path_join(dir, "aqf");
	char *il = th_path_join(aqf, "intrusion_logs");
	char *br = th_path_join(aqf, "bugreport.zip");
	struct th_err err;
	int nomem = -1;

	assert_int_equal(th_gen_androidqf(aqf, 1, &err), TH_OK);
	assert_ptr_equal(th_sources_bid(aqf, &nomem), &th_source_androidqf);
	assert_int_equal(nomem, 0);
	nomem = -1;
	assert_ptr_equal(th_sources_bid(il, &nomem), &th_source_intrusion_logs);
	assert_int_equal(nomem, 0);
	nomem = -1;
	assert_ptr_equal(th_sources_bid(br, &nomem), &th_source_bugreport);
	assert_int_equal(nomem, 0);
	free(aqf);
	free(il);
	free(br);
	t_tmpdir_free(dir);
}

static void test_ndjson_lines(void **state)
{
	static const char text[] = "{\"a\":1}\n"
	                           "0123456789012345678901234567890123456789\n"
	                           "last";
	FILE *f = fmemopen((void *)text, sizeof(text) - 1, "r");
	struct th_buf line;
	int too_long = -1;

	assert_non_null(f);
	th_buf_init(&line, 1024);
	assert_int_equal(th_ndjson_getline(f, &line, 16, &too_long), 1);
	assert_int_equal(too_long, 0);
	assert_string_equal(th_buf_str(&line), "{\"a\":1}\n");
	/* Too long: consumed, left empty, said; still a line (1), never -1,
	 * which is kept for a buffer that could not grow. */
	assert_int_equal(th_ndjson_getline(f, &line, 16, &too_long), 1);
	assert_int_equal(too_long, 1);
	assert_int_equal(line.len, 0);
	assert_int_equal(th_ndjson_getline(f, &line, 16, &too_long), 1);
	assert_int_equal(too_long, 0);
	assert_string_equal(th_buf_str(&line), "last");
	assert_int_equal(th_ndjson_getline(f, &line, 16, &too_long), 0);
	th_buf_free(&line);
	fclose(f);
}

static void test_err_errno(void **state)
{
	struct th_err e;

	assert_int_equal(th_err_errno(&e, ENOMEM, "cannot open '%s'", "x"),
	                 TH_ERR_NOMEM);
	assert_int_equal(e.status, TH_ERR_NOMEM);
	assert_true(t_contains(e.msg, "cannot open 'x': "));
	assert_int_equal(th_err_errno(&e, EACCES, "cannot open '%s'", "x"),
	                 TH_ERR_IO);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_json_set_counts),
	        cmocka_unit_test(test_json_dumps_matches),
	        cmocka_unit_test(test_archive_failed),
	        cmocka_unit_test(test_score_zip),
	        cmocka_unit_test(test_ab_probe),
	        cmocka_unit_test(test_bids_without_nomem),
	        cmocka_unit_test(test_ndjson_lines),
	        cmocka_unit_test(test_err_errno),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
