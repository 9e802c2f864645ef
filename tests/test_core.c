/* Core helpers and result writers: times, buffers, JSON strings from
 * evidence, the timeline and alert files, the thread pool, hashing. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "support.h"
#include "core/buf.h"
#include "core/fsutil.h"
#include "core/jsonutil.h"
#include "core/pool.h"
#include "core/timeconv.h"
#include "formats/jsonseq.h"
#include "report/report.h"

static void test_time_format(void **state)
{
	char s[TH_TIME_STR_MAX];

	th_time_format(0, s);
	assert_string_equal(s, "1970-01-01 00:00:00.000000");
	th_time_format(th_time_from_unix(1626604800.25), s);
	assert_string_equal(s, "2021-07-18 10:40:00.250000");
	th_time_format(-1, s); /* one microsecond before the epoch */
	assert_string_equal(s, "1969-12-31 23:59:59.999999");
	th_time_format(th_time_from_unix(951782400), s); /* leap day 2000 */
	assert_string_equal(s, "2000-02-29 00:00:00.000000");
	th_time_format(TH_TIME_NONE, s);
	assert_string_equal(s, "");
}

static void test_time_epochs(void **state)
{
	char s[TH_TIME_STR_MAX];

	th_time_format(th_time_from_cocoa(0), s);
	assert_string_equal(s, "2001-01-01 00:00:00.000000");
	th_time_format(th_time_from_webkit(INT64_C(11644473600000000)), s);
	assert_string_equal(s, "1970-01-01 00:00:00.000000");
	th_time_format(th_time_from_android_ms(1000), s);
	assert_string_equal(s, "1970-01-01 00:00:01.000000");
	/* Garbage from evidence gives "no time", not a wrapped date. */
	assert_true(th_time_from_unix(1e300) == TH_TIME_NONE);
	assert_true(th_time_from_cocoa(0.0 / 0.0) == TH_TIME_NONE);
	assert_true(th_time_from_webkit(INT64_MAX) == TH_TIME_NONE);
	assert_true(th_time_from_android_ms(INT64_MIN) == TH_TIME_NONE);
}

static void test_time_parse_round_trip(void **state)
{
	char s[TH_TIME_STR_MAX];
	int64_t t = th_time_from_unix(1626604800.25);

	th_time_format(t, s);
	assert_true(th_time_parse(s) == t);
	assert_true(th_time_parse("2000-02-29 00:00:00") ==
	            th_time_from_unix(951782400));
	assert_true(th_time_parse("1969-12-31 23:59:59.5") == -INT64_C(500000));
	assert_true(th_time_parse("2021-13-01 00:00:00") == TH_TIME_NONE);
	assert_true(th_time_parse("2021-01-01") == TH_TIME_NONE);
	assert_true(th_time_parse("") == TH_TIME_NONE);
	assert_true(th_time_parse(NULL) == TH_TIME_NONE);
}

static void test_buf_limit(void **state)
{
	struct th_buf b;
	char *s;
	size_t len;

	th_buf_init(&b, 8);
	assert_int_equal(th_buf_adds(&b, "12345"), TH_OK);
	assert_int_equal(th_buf_printf(&b, "%d", 678), TH_OK);
	assert_string_equal(th_buf_str(&b), "12345678");
	assert_int_equal(th_buf_addc(&b, '9'), TH_ERR_LIMIT);
	assert_string_equal(th_buf_str(&b), "12345678");
	assert_int_equal(th_buf_printf(&b, "%s", "x"), TH_ERR_LIMIT);
	s = th_buf_take(&b, &len);
	assert_int_equal(len, 8);
	assert_string_equal(s, "12345678");
	assert_null(b.data);
	free(s);
	s = th_buf_take(&b, &len); /* empty buffer still gives a string */
	assert_non_null(s);
	assert_string_equal(s, "");
	free(s);
}

static void test_json_string_repairs_utf8(void **state)
{
	json_t *j = th_json_string("ok\xff\xfe-\xc3\xa9");

	assert_true(json_is_string(j));
	assert_string_equal(json_string_value(j),
	                    "ok\xef\xbf\xbd\xef\xbf\xbd-\xc3\xa9");
	json_decref(j);
	j = th_json_stringn("a\0b", 3);
	assert_true(json_is_string(j));
	assert_int_equal(json_string_length(j), 3);
	json_decref(j);
	j = th_json_string(NULL);
	assert_true(json_is_null(j));
}

static void count_job(void *ctx, size_t i)
{
	atomic_size_t *sum = ctx;

	atomic_fetch_add(sum, i + 1);
}

static void test_pool_runs_every_job(void **state)
{
	atomic_size_t sum;

	atomic_init(&sum, 0);
	assert_int_equal(th_pool_for(4, 1000, count_job, &sum), TH_OK);
	assert_int_equal(atomic_load(&sum), 1000 * 1001 / 2);
	atomic_init(&sum, 0);
	assert_int_equal(th_pool_for(0, 0, count_job, &sum), TH_OK);
	assert_int_equal(atomic_load(&sum), 0);
}

static void test_timeline_sorted_and_quoted(void **state)
{
	struct th_timeline tl;
	char *dir = t_tmpdir(), *path, *csv;

	assert_non_null(dir);
	path = th_path_join(dir, "timeline.csv");
	th_timeline_init(&tl);
	assert_int_equal(
	        th_timeline_add(&tl, 2000000, "sms", "late", "say \"hi\""),
	        TH_OK);
	assert_int_equal(
	        th_timeline_add(&tl, 1000000, "manifest", "M---", "a, b"),
	        TH_OK);
	assert_int_equal(th_timeline_add(&tl, 2000000, "sms", "late2", ""),
	                 TH_OK);
	assert_int_equal(th_timeline_write(&tl, path, NULL), TH_OK);
	csv = t_slurp(path, NULL);
	assert_non_null(csv);
	assert_string_equal(
	        csv, "\"UTC Timestamp\",\"Plugin\",\"Event\",\"Description\"\n"
	             "\"1970-01-01 "
	             "00:00:01.000000\",\"manifest\",\"M---\",\"a, b\"\n"
	             "\"1970-01-01 00:00:02.000000\",\"sms\",\"late\","
	             "\"say \"\"hi\"\"\"\n"
	             "\"1970-01-01 00:00:02.000000\",\"sms\",\"late2\",\"\"\n");
	free(csv);
	th_timeline_free(&tl);
	free(path);
	t_tmpdir_free(dir);
}

/* Past its memory limit the timeline spills sorted runs and merges them:
 * the file must be identical to the one written from memory. */
static void test_timeline_spills_and_merges(void **state)
{
	struct th_timeline mem, disk;
	char *dir = t_tmpdir(), *p1, *p2, *a, *b, desc[64];
	uint64_t rng = 7;
	int i;

	p1 = th_path_join(dir, "mem.csv");
	p2 = th_path_join(dir, "disk.csv");
	th_timeline_init(&mem);
	th_timeline_init(&disk);
	th_timeline_set_limit(&disk, 4096);
	for (i = 0; i < 20000; i++) {
		rng = rng * 6364136223846793005u + 1442695040888963407u;
		snprintf(desc, sizeof(desc), "event %d", i);
		/* Few distinct times, so ties test the merge's stability. */
		assert_int_equal(th_timeline_add(&mem, (int64_t)(rng >> 54),
		                                 "m", "E", desc),
		                 TH_OK);
		assert_int_equal(th_timeline_add(&disk, (int64_t)(rng >> 54),
		                                 "m", "E", desc),
		                 TH_OK);
	}
	assert_true(disk.nruns > 10);
	assert_int_equal(mem.nruns, 0);
	assert_int_equal(th_timeline_write(&mem, p1, NULL), TH_OK);
	assert_int_equal(th_timeline_write(&disk, p2, NULL), TH_OK);
	a = t_slurp(p1, NULL);
	b = t_slurp(p2, NULL);
	assert_non_null(a);
	assert_non_null(b);
	assert_string_equal(a, b);
	free(a);
	free(b);
	th_timeline_free(&mem);
	th_timeline_free(&disk);
	free(p1);
	free(p2);
	t_tmpdir_free(dir);
}

static void test_records_stream(void **state)
{
	struct th_records_out o;
	char *dir = t_tmpdir(), *path, *text;
	json_t *rec, *back;
	json_error_t jerr;
	int i;

	th_records_init(&o, dir, "manifest", 0);
	for (i = 0; i < 3; i++) {
		rec = json_pack("{s:i}", "n", i);
		assert_int_equal(th_records_write(&o, rec, NULL), TH_OK);
		json_decref(rec);
	}
	assert_int_equal(th_records_close(&o, NULL), TH_OK);
	assert_int_equal(o.count, 3);
	path = th_path_join(dir, "manifest.json");
	back = json_load_file(path, 0, &jerr);
	assert_true(json_is_array(back));
	assert_int_equal(json_array_size(back), 3);
	assert_int_equal(json_integer_value(
	                         json_object_get(json_array_get(back, 2), "n")),
	                 2);
	json_decref(back);
	free(path);
	/* A module with no records leaves no file. */
	th_records_init(&o, dir, "empty", 0);
	assert_int_equal(th_records_close(&o, NULL), TH_OK);
	path = th_path_join(dir, "empty.json");
	text = t_slurp(path, NULL);
	assert_null(text);
	free(path);
	t_tmpdir_free(dir);
}

/* Our record writer must give jansson's bytes exactly. */
static void same_as_jansson(const json_t *v)
{
	char *want = json_dumps(v, JSON_INDENT(4) | JSON_PRESERVE_ORDER |
	                                   JSON_ENCODE_ANY);
	struct th_buf got;

	th_buf_init(&got, 1 << 20);
	assert_int_equal(th_json_append(&got, v), TH_OK);
	assert_non_null(want);
	assert_string_equal(th_buf_str(&got), want);
	free(want);
	th_buf_free(&got);
}

static void test_json_append_matches_jansson(void **state)
{
	json_t *v = json_pack(
	        "{s:s, s:I, s:f, s:b, s:n, s:[], s:{}, s:[i, s, {s:[f, o]}],"
	        " s:s}",
	        "text", "quote \" back\\ slash/ \x01\x1f\t\n\r\b\f \xc3\xa9",
	        "big", (json_int_t)-9007199254740993LL, "real", 0.1, "yes", 1,
	        "nothing", "empty list", "empty object", "nested", 7, "x",
	        "deeper", 1e300, json_false(), "zeta", "last");

	assert_non_null(v);
	same_as_jansson(v);
	same_as_jansson(json_object_get(v, "nested"));
	json_object_set_new(v, "nul", json_stringn("a\0b", 3));
	same_as_jansson(v);
	json_decref(v);
	v = json_string("plain");
	same_as_jansson(v);
	json_decref(v);
}

static void test_alert_json_shape(void **state)
{
	json_t *rec = json_pack("{s:s}", "domain", "RootDomain"), *j;
	struct th_alert a = {
	        .level = TH_LEVEL_HIGH,
	        .module = "manifest",
	        .message = "something",
	        .event_time = 0,
	        .record = rec,
	};

	j = th_alert_to_json(&a);
	assert_string_equal(json_string_value(json_object_get(j, "level")),
	                    "high");
	assert_string_equal(json_string_value(json_object_get(j, "module")),
	                    "manifest");
	assert_string_equal(json_string_value(json_object_get(j, "event_time")),
	                    "1970-01-01 00:00:00.000000");
	assert_true(json_is_null(json_object_get(j, "matched_indicator")));
	assert_string_equal(json_string_value(json_object_get(
	                            json_object_get(j, "event"), "domain")),
	                    "RootDomain");
	json_decref(j);
	json_decref(rec);
}

static void test_sha256_file(void **state)
{
	char *dir = t_tmpdir(), *path, hex[65];
	FILE *f;

	path = th_path_join(dir, "abc");
	f = fopen(path, "w");
	fputs("abc", f);
	fclose(f);
	assert_int_equal(th_sha256_file(path, hex), TH_OK);
	assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223"
	                         "b00361a396177a9cb410ff61f20015ad");
	free(path);
	path = th_path_join(dir, "missing");
	assert_int_equal(th_sha256_file(path, hex), TH_ERR_IO);
	free(path);
	t_tmpdir_free(dir);
}

static void test_path_inside(void **state)
{
	char *dir = t_tmpdir(), *sub, *other;

	sub = th_path_join(dir, "a/b/not-yet");
	assert_true(th_path_inside(sub, dir));
	assert_true(th_path_inside(dir, dir));
	other = th_path_join(dir, "../elsewhere");
	assert_false(th_path_inside(other, dir));
	free(sub);
	free(other);
	t_tmpdir_free(dir);
}

/* Removal reads folders without allocating; many entries (more than one
 * getdents buffer), nesting, and a link that must not be followed. */
static void test_remove_tree(void **state)
{
	char *dir = t_tmpdir(), *sub, *path, *outside, name[64];
	struct stat st;
	FILE *f;
	int i;

	outside = t_tmpdir();
	sub = th_path_join(dir, "a/b/c");
	assert_int_equal(th_mkdir_p(sub, 0, NULL), TH_OK);
	for (i = 0; i < 400; i++) {
		snprintf(name, sizeof(name), "a/a-file-with-a-long-name-%d", i);
		path = th_path_join(dir, name);
		f = fopen(path, "w");
		assert_non_null(f);
		fclose(f);
		free(path);
	}
	path = th_path_join(outside, "keep");
	f = fopen(path, "w");
	fclose(f);
	free(path);
	path = th_path_join(dir, "a/b/link");
	assert_int_equal(symlink(outside, path), 0);
	free(path);
	th_remove_tree(dir);
	assert_int_not_equal(stat(dir, &st), 0);
	path = th_path_join(outside, "keep");
	assert_int_equal(stat(path, &st), 0);
	free(path);
	free(sub);
	t_tmpdir_free(dir);
	t_tmpdir_free(outside);
}

static void test_read_file_limit(void **state)
{
	char *dir = t_tmpdir(), *path, *data;
	struct th_err err = {0};
	size_t len;
	FILE *f;

	path = th_path_join(dir, "big");
	f = fopen(path, "w");
	fputs("0123456789", f);
	fclose(f);
	assert_int_equal(th_read_file(path, 9, &data, &len, &err),
	                 TH_ERR_LIMIT);
	assert_true(t_contains(err.msg, "big"));
	assert_int_equal(th_read_file(path, 10, &data, &len, &err), TH_OK);
	assert_int_equal(len, 10);
	free(data);
	assert_int_equal(th_read_file(dir, 10, &data, &len, &err), TH_ERR_IO);
	free(path);
	t_tmpdir_free(dir);
}

static int collect(void *ctx, const json_t *rec)
{
	json_array_append(ctx, (json_t *)rec);
	return 0;
}

static enum th_status seq_of(const char *text, json_t *out, struct th_err *err)
{
	char *dir = t_tmpdir(), *path = th_path_join(dir, "x.json");
	FILE *f = fopen(path, "w");
	enum th_status st;

	fputs(text, f);
	fclose(f);
	st = th_jsonseq_each(path, collect, out, err);
	free(path);
	t_tmpdir_free(dir);
	return st;
}

static void test_jsonseq_reads_records_back(void **state)
{
	json_t *got = json_array();
	struct th_err err = {0};

	assert_int_equal(seq_of("[\n {\"a\": \"x,]}\\\"\"},\n [1, {\"b\": 2}],"
	                        " 3\n]\n",
	                        got, &err),
	                 TH_OK);
	assert_int_equal(json_array_size(got), 3);
	assert_string_equal(
	        json_string_value(json_object_get(json_array_get(got, 0), "a")),
	        "x,]}\"");
	assert_true(json_is_array(json_array_get(got, 1)));
	assert_int_equal(json_integer_value(json_array_get(got, 2)), 3);
	json_array_clear(got);
	/* One object (backup_info.json) is one record. */
	assert_int_equal(seq_of("{\"k\": [1, 2]}", got, &err), TH_OK);
	assert_int_equal(json_array_size(got), 1);
	json_array_clear(got);
	assert_int_equal(seq_of(" [ ] ", got, &err), TH_OK);
	assert_int_equal(json_array_size(got), 0);
	assert_int_equal(seq_of("[{\"a\": 1}, {\"b\"", got, &err),
	                 TH_ERR_FORMAT);
	assert_true(t_contains(err.msg, "truncated"));
	assert_int_equal(seq_of("nonsense", got, &err), TH_ERR_FORMAT);
	assert_int_equal(seq_of("[{\"a\": tru}]", got, &err), TH_ERR_FORMAT);
	assert_true(t_contains(err.msg, "record 1"));
	json_decref(got);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_time_format),
	        cmocka_unit_test(test_time_epochs),
	        cmocka_unit_test(test_time_parse_round_trip),
	        cmocka_unit_test(test_buf_limit),
	        cmocka_unit_test(test_json_string_repairs_utf8),
	        cmocka_unit_test(test_pool_runs_every_job),
	        cmocka_unit_test(test_timeline_sorted_and_quoted),
	        cmocka_unit_test(test_timeline_spills_and_merges),
	        cmocka_unit_test(test_records_stream),
	        cmocka_unit_test(test_json_append_matches_jansson),
	        cmocka_unit_test(test_alert_json_shape),
	        cmocka_unit_test(test_sha256_file),
	        cmocka_unit_test(test_path_inside),
	        cmocka_unit_test(test_remove_tree),
	        cmocka_unit_test(test_read_file_limit),
	        cmocka_unit_test(test_jsonseq_reads_records_back),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
