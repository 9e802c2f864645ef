/* The flat-object fast path (formats/flatjson.h) and aqf_files' use of
 * it. The parser is checked against jansson itself: whatever it accepts
 * must load in jansson and dump to the very bytes th_json_append writes
 * for jansson's tree; whatever leaves the subset is refused. aqf_files
 * on JSON lines (the fast path, batches parsed in the background) must
 * write what it writes for the same entries as a JSON array (jansson
 * only): the same aqf_files.json, timeline.csv and alerts, byte for
 * byte. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <tracehound/tracehound.h>
#include "support.h"
#include "core/buf.h"
#include "core/fsutil.h"
#include "core/pool.h"
#include "formats/flatjson.h"
#include "report/report.h"

/* Accepted: the dump equals th_json_append of jansson's tree. */
static void assert_same_as_jansson(const char *text)
{
	struct th_flatjson o;
	struct th_buf want;
	char out[4096];
	size_t len = 0;
	json_t *v;

	if (th_flatjson_parse(text, strlen(text), &o) != TH_OK)
		fail_msg("refused: %s", text);
	v = json_loadb(text, strlen(text), 0, NULL);
	if (!v)
		fail_msg("jansson refuses what flatjson accepts: %s", text);
	th_buf_init(&want, 1 << 20);
	assert_int_equal(th_json_append(&want, v), TH_OK);
	assert_int_equal(th_flatjson_dump(&o, out, sizeof(out), &len), TH_OK);
	assert_true(len <= th_flatjson_dump_max(strlen(text)));
	if (len != want.len || memcmp(out, want.data, len) != 0)
		fail_msg("differs from jansson: %s", text);
	th_buf_free(&want);
	json_decref(v);
}

static void test_accepts_like_jansson(void **state)
{
	static const char *const ok[] = {
	        "{}",
	        " \t{ }\r\n",
	        "{\"path\": \"/sdcard/a.jpg\", \"size\": 0}",
	        "{\"path\":\"/x\",\"size\":-12,\"t\":true,\"f\":false,"
	        "\"n\":null}\n",
	        "{ \"a\" : \"\" , \"b\" : 999999999999999999 , \"\": 0 }",
	        "{\"path\": \"/sdcard/bench/0/file0.bin\", \"size\": 0, "
	        "\"mode\": \"-rw-rw----\", \"user_id\": 10000, \"group_id\": "
	        "1015, \"changed_time\": 1600000000, \"modified_time\": "
	        "1600000000, \"access_time\": 1600000000, \"sha256\": \"\", "
	        "\"md5\": \"\"}\n",
	        "{\"path\":\"/sdcard/.profig.os\",\"size\":36,\"mode\":\"-rw-"
	        "rw----\",\"user_id\":0,\"user_name\":\"\",\"group_id\":1015,"
	        "\"context\":\"u:object_r:sdcardfs:s0\",\"sha1\":\"\"}",
	        "{\"del\": \"a\x7f b/c\", \"slash\": \"a/b\"}",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		assert_same_as_jansson(ok[i]);
}

/* What jansson would decode, refuse or write differently. */
static void test_refuses_outside_subset(void **state)
{
	static const char *const no[] = {
	        "",
	        "   ",
	        "[]",
	        "{",
	        "{\"a\"",
	        "{\"a\":",
	        "{\"a\":1",
	        "{\"a\":1,}",
	        "{,}",
	        "{\"a\" 1}",
	        "{\"a\":1}x",
	        "{\"a\":1}{}",
	        "{\"a\":\"b\\\"c\"}",
	        "{\"a\":\"\\u00e9\"}",
	        "{\"a\":\"caf\xc3\xa9\"}",
	        "{\"a\":\"tab\there\"}",
	        "{\"a\":\"unterminated}",
	        "{\"a\":-0}",
	        "{\"a\":01}",
	        "{\"a\":-}",
	        "{\"a\":1.5}",
	        "{\"a\":1e3}",
	        "{\"a\":1234567890123456789}",
	        "{\"a\":tru}",
	        "{\"a\":truex}",
	        "{\"a\":nul}",
	        "{\"a\":{}}",
	        "{\"a\":[1]}",
	        "{\"a\":1,\"a\":2}",
	        "{'a':1}",
	        "\xef\xbb\xbf{}",
	        "{\"a\":1}\f",
	};
	struct th_flatjson o;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		if (th_flatjson_parse(no[i], strlen(no[i]), &o) == TH_OK)
			fail_msg("accepted: %s", no[i]);
	/* A NUL inside is outside the subset too. */
	assert_int_equal(th_flatjson_parse("{\"a\":\"x\0y\"}", 11, &o),
	                 TH_ERR_FORMAT);
	/* Only the given length is read. */
	assert_int_equal(th_flatjson_parse("{\"a\":1}garbage", 7, &o), TH_OK);
}

static void test_limits(void **state)
{
	struct th_buf b;
	struct th_flatjson o;
	char out[8];
	size_t i, len;
	char *big;

	(void)state;
	th_buf_init(&b, 1 << 20);
	assert_int_equal(th_buf_addc(&b, '{'), TH_OK);
	for (i = 0; i < TH_FLATJSON_FIELDS_MAX; i++)
		assert_int_equal(
		        th_buf_printf(&b, "%s\"k%zu\":%zu", i ? "," : "", i, i),
		        TH_OK);
	assert_int_equal(th_buf_addc(&b, '}'), TH_OK);
	assert_same_as_jansson(th_buf_str(&b));
	/* One field more: refused as a limit, not read past the table. */
	b.len--;
	assert_int_equal(th_buf_adds(&b, ",\"one_more\":1}"), TH_OK);
	assert_int_equal(th_flatjson_parse(b.data, b.len, &o), TH_ERR_LIMIT);
	/* The smallest pairs grow the most: still within dump_max. */
	th_buf_reset(&b);
	assert_int_equal(th_buf_adds(&b, "{\"a\":0,\"b\":1,\"c\":2}"), TH_OK);
	assert_same_as_jansson(b.data);
	/* Too small a buffer: a limit, never an overflow. */
	assert_int_equal(th_flatjson_parse(b.data, b.len, &o), TH_OK);
	assert_int_equal(th_flatjson_dump(&o, out, sizeof(out), &len),
	                 TH_ERR_LIMIT);
	th_buf_free(&b);
	/* A long string is fine as long as it stays in the subset. */
	big = malloc(100010);
	assert_non_null(big);
	memcpy(big, "{\"p\":\"", 6);
	memset(big + 6, 'x', 100000);
	memcpy(big + 100006, "\"}", 3);
	assert_int_equal(th_flatjson_parse(big, strlen(big), &o), TH_OK);
	assert_int_equal(o.f[0].val_len, 100000);
	free(big);
}

static void test_fields(void **state)
{
	static const char text[] =
	        "{\"path\": \"/a\", \"n\": -42, \"m\": 999999999999999999, "
	        "\"z\": null}";
	struct th_flatjson o;
	int64_t v = 7;

	(void)state;
	assert_int_equal(th_flatjson_parse(text, strlen(text), &o), TH_OK);
	assert_int_equal(o.n, 4);
	assert_int_equal(th_flatjson_get(&o, "path")->type, TH_FLATJSON_STRING);
	assert_int_equal(th_flatjson_get(&o, "path")->val_len, 2);
	assert_null(th_flatjson_get(&o, "pat"));
	assert_int_equal(th_flatjson_int(th_flatjson_get(&o, "n"), &v), TH_OK);
	assert_int_equal(v, -42);
	assert_int_equal(th_flatjson_int(th_flatjson_get(&o, "m"), &v), TH_OK);
	assert_int_equal(v, 999999999999999999LL);
	v = 7;
	assert_int_equal(th_flatjson_int(th_flatjson_get(&o, "z"), &v),
	                 TH_ERR_FORMAT);
	assert_int_equal(th_flatjson_int(NULL, &v), TH_ERR_FORMAT);
	assert_int_equal(v, 7);
}

static void add_up(void *ctx)
{
	size_t *sum = ctx;
	size_t i;

	for (i = 1; i <= 1000; i++)
		*sum += i;
}

static void test_pool_background(void **state)
{
	struct th_pool_task task = {0};
	size_t sum = 0;

	(void)state;
	th_pool_start(&task, add_up, &sum);
	th_pool_wait(&task);
	assert_int_equal(sum, 1000 * 1001 / 2);
	th_pool_wait(&task); /* a second wait does nothing */
	th_pool_start(&task, add_up, &sum);
	th_pool_wait(&task);
	assert_int_equal(sum, 1000 * 1001);
}

/* --- aqf_files: JSON lines (fast path) against a JSON array --- */

#define EVIL_SHA256                                                            \
	"9f1d2c3b4a5968778695a4b3c2d1e0f00f1e2d3c4b5a69788796a5b4c3d2e1f9"
#define EVIL_MD5 "0123456789abcdef0123456789abcdef"
#define EVIL_SHA256_UPPER                                                      \
	"9F1D2C3B4A5968778695A4B3C2D1E0F00F1E2D3C4B5A69788796A5B4C3D2E1F9"
#define EVIL_MD5_COLONS "01:23:45:67:89:AB:CD:EF:01:23:45:67:89:ab:cd:ef"

static const char bundle[] =
        "{\"type\": \"bundle\", \"id\": \"bundle--1\", \"objects\": ["
        "{\"type\": \"malware\", \"id\": \"malware--1\", \"name\": "
        "\"FlatSpy\"},"
        "{\"type\": \"indicator\", \"id\": \"indicator--1\", \"pattern\": "
        "\"[file:hashes.sha256 = '" EVIL_SHA256 "']\"},"
        "{\"type\": \"indicator\", \"id\": \"indicator--2\", \"pattern\": "
        "\"[file:hashes.md5 = '" EVIL_MD5 "']\"},"
        "{\"type\": \"indicator\", \"id\": \"indicator--3\", \"pattern\": "
        "\"[file:path = '/sdcard/evil.bin']\"},"
        "{\"type\": \"indicator\", \"id\": \"indicator--4\", \"pattern\": "
        "\"[file:name = 'implant.so']\"}"
        "]}";

/* Entries each path must handle, fast ones and the ones left to
 * jansson (escapes, UTF-8, reals, nesting, string times, alerts). */
static const char *const entries[] = {
        "{\"path\": \"/sdcard/a.jpg\", \"size\": 3, \"mode\": "
        "\"-rw-rw----\", \"modified_time\": 1600000000, \"sha256\": \"\"}",
        "{\"path\":\"/sdcard/b\",\"t\":true,\"f\":false,\"n\":null,"
        "\"modified_time\":null}",
        "{\"path\": \"/sdcard/no-time\", \"size\": -1}",
        "{\"path\": \"/sdcard/old\", \"modified_time\": -5}",
        "{\"path\": \"\", \"modified_time\": 1600000001}",
        "{\"path\": \"/sdcard/q\\\"uote\", \"modified_time\": 1600000002}",
        "{\"path\": \"/sdcard/caf\xc3\xa9\", \"modified_time\": 1600000003}",
        "{\"path\": \"/sdcard/esc\\u00e9\", \"modified_time\": 1600000004}",
        "{\"path\": \"/sdcard/real\", \"size\": 1.5, \"modified_time\": 2}",
        "{\"path\": \"/sdcard/str-time\", \"modified_time\": \"1600000005\"}",
        "{\"path\": \"/sdcard/nested\", \"x\": {\"y\": [1, 2]}}",
        "{\"path\": \"/sdcard/dup\", \"a\": 1, \"a\": 2}",
        "{\"path\": \"/sdcard/minus-zero\", \"size\": -0}",
        "{\"path\": \"/data/local/tmp/x\", \"mode\": \"-rwxr-x---\", "
        "\"modified_time\": 1600000006}",
        "{\"path\": \"/data/local/tmp/y\", \"mode\": \"-rw-------\"}",
        "{\"path\": \"/data/local/tmpfile\", \"mode\": \"-rwxr-x---\"}",
        "{\"path\": \"/sdcard/x.apk\", \"sha256\": \"" EVIL_SHA256
        "\", \"modified_time\": 1600000007}",
        "{\"path\": \"/sdcard/y.apk\", \"sha256\": \"" EVIL_SHA256
        "0\", \"md5\": \"" EVIL_MD5 "\"}",
        "{\"path\": \"/sdcard/evil.bin\", \"modified_time\": 1600000008}",
        "{\"path\": \"/sdcard/evil.bin2\", \"modified_time\": 1600000008}",
        "{\"path\": \"/sdcard/lib/implant.so\", \"modified_time\": 9}",
        "{\"path\": \"/sdcard/lib/implant.sox\", \"modified_time\": 9}",
        /* Hashes as the indicator engine normalises them. */
        "{\"path\": \"/sdcard/upper\", \"sha1\": \"" EVIL_SHA256_UPPER "\"}",
        "{\"path\": \"/sdcard/colons\", \"md5\": \"" EVIL_MD5_COLONS "\"}",
        "{\t\"path\":\t\"/sdcard/tabs\"\t,\"modified_time\":3}\r",
        "{\"path\": 5}",
        "{\"name\": \"no path\"}",
};

#define NENTRIES    (sizeof(entries) / sizeof(entries[0]))
#define BAD_ENTRIES 2 /* no string path */

/* Entries at the fast path's limits: a path longer than it looks up
 * itself, 64 fields (the most it reads) and 65. */
static void add_edges(struct th_buf *b, int lines)
{
	size_t i, k;

	for (k = 0; k < 3; k++) {
		assert_int_equal(th_buf_adds(b, lines ? "" : ","), TH_OK);
		assert_int_equal(th_buf_adds(b, "{\"path\": \"/sdcard/"),
		                 TH_OK);
		for (i = 0; k == 0 && i < 5000; i++)
			assert_int_equal(th_buf_addc(b, 'L'), TH_OK);
		assert_int_equal(th_buf_printf(b, "edge%zu\"", k), TH_OK);
		for (i = 0; k > 0 && i < (k == 1 ? 62u : 63u); i++)
			assert_int_equal(
			        th_buf_printf(b, ", \"k%zu\": %zu", i, i),
			        TH_OK);
		assert_int_equal(th_buf_adds(b, ", \"modified_time\": 7}\n"),
		                 TH_OK);
	}
}

/* Writes files.json as JSON lines (`copies` rounds of the entries plus
 * blank, garbage and filler lines) or as one JSON array of the same
 * entries. Returns the number of good entries. */
static size_t write_files(const char *dir, int lines, size_t copies)
{
	struct th_buf b;
	size_t i, k, good = 0;

	th_buf_init(&b, (size_t)1 << 30);
	assert_int_equal(th_buf_adds(&b, lines ? "" : "["), TH_OK);
	for (k = 0; k < copies; k++) {
		for (i = 0; i < NENTRIES; i++) {
			if (!lines && (i || k))
				assert_int_equal(th_buf_addc(&b, ','), TH_OK);
			assert_int_equal(th_buf_printf(&b, "%s\n", entries[i]),
			                 TH_OK);
			good += i < NENTRIES - BAD_ENTRIES;
		}
		add_edges(&b, lines);
		good += 3;
		/* Filler so that the lines span several batches. */
		for (i = 0; lines && i < 1000; i++)
			assert_int_equal(
			        th_buf_printf(
			                &b,
			                "{\"path\": \"/sdcard/f/%zu-%zu\", "
			                "\"modified_time\": %zu}\n",
			                k, i, 1500000000 + i * 7 % 13),
			        TH_OK);
		for (i = 0; !lines && i < 1000; i++)
			assert_int_equal(
			        th_buf_printf(
			                &b,
			                ",{\"path\": \"/sdcard/f/%zu-%zu\", "
			                "\"modified_time\": %zu}\n",
			                k, i, 1500000000 + i * 7 % 13),
			        TH_OK);
		good += 1000;
		if (lines)
			assert_int_equal(th_buf_adds(&b, "\n  \r\nnot json\n"),
			                 TH_OK);
	}
	assert_int_equal(th_buf_adds(&b, lines ? "" : "]\n"), TH_OK);
	free(t_write(dir, "files.json", b.data, b.len));
	th_buf_free(&b);
	return good;
}

static struct th_run *run_files(const char *dir, const char *out,
                                const struct th_iocs *iocs)
{
	static const char *const mods[] = {"aqf_files"};

	return t_run_modules(dir, "androidqf", out, iocs, mods, 1);
}

static void assert_same_file(const char *a, const char *b, const char *name)
{
	char *pa = th_path_join(a, name), *pb = th_path_join(b, name);
	size_t la = 0, lb = 0;
	char *da = t_slurp(pa, &la), *db = t_slurp(pb, &lb);

	if (!da || !db)
		fail_msg("no %s", name);
	if (la != lb || memcmp(da, db, la) != 0)
		fail_msg("%s differs between JSON lines and a JSON array",
		         name);
	free(da);
	free(db);
	free(pa);
	free(pb);
}

static void test_aqf_lines_as_array(void **state)
{
	char *tmp = t_tmpdir(), *dl = th_path_join(tmp, "lines"),
	     *da = th_path_join(tmp, "array"), *ol = th_path_join(tmp, "ol"),
	     *oa = th_path_join(tmp, "oa");
	struct th_iocs *iocs = t_iocs_text("flat.stix2", bundle);
	struct th_run *rl, *ra;
	struct th_err err = {0};
	size_t good, copies = 20; /* 20,440 lines: several batches */

	(void)state;
	assert_int_equal(th_mkdir_p(dl, 0, &err), TH_OK);
	assert_int_equal(th_mkdir_p(da, 0, &err), TH_OK);
	good = write_files(dl, 1, copies);
	assert_int_equal(write_files(da, 0, copies), good);
	rl = run_files(dl, ol, iocs);
	ra = run_files(da, oa, iocs);
	assert_int_equal(t_result(rl, "aqf_files")->records, good);
	assert_int_equal(t_result(ra, "aqf_files")->records, good);
	/* Per round: /data/local/tmp/x (executable) and /y; four hash hits
	 * (x.apk, the md5 of y.apk, upper case, colons); the path and the
	 * file name. */
	assert_int_equal(t_alerts(rl, "aqf_files", TH_LEVEL_HIGH,
	                          "executable file '/data/local/tmp/x'"),
	                 copies);
	assert_int_equal(t_alerts(rl, "aqf_files", TH_LEVEL_HIGH,
	                          "file '/data/local/tmp/y'"),
	                 copies);
	assert_int_equal(t_alerts(rl, "aqf_files", TH_LEVEL_CRITICAL, NULL),
	                 4 * copies);
	assert_int_equal(t_alerts(rl, "aqf_files", TH_LEVEL_HIGH, NULL),
	                 4 * copies);
	assert_int_equal(th_run_nalerts(rl), th_run_nalerts(ra));
	assert_same_file(ol, oa, "aqf_files.json");
	assert_same_file(ol, oa, "aqf_files_detected.json");
	assert_same_file(ol, oa, "timeline.csv");
	assert_same_file(ol, oa, "alerts_timeline.csv");
	th_run_free(rl);
	th_run_free(ra);
	th_iocs_free(iocs);
	free(dl);
	free(da);
	free(ol);
	free(oa);
	t_tmpdir_free(tmp);
}

/* A slow record first, then fast ones: stdio's "[" and separators and
 * the direct writes keep their order. */
static void test_aqf_slow_first(void **state)
{
	static const char lines[] =
	        "{\"path\": \"/sdcard/\\u00e9\"}\n"
	        "{\"path\": \"/sdcard/a\", \"modified_time\": 1}\n"
	        "{\"path\": \"/sdcard/b\", \"modified_time\": 2}\n"
	        "{\"path\": \"/sdcard/c\\\"\"}\n"
	        "{\"path\": \"/sdcard/d\", \"modified_time\": 3}\n";
	static const char array[] =
	        "[{\"path\": \"/sdcard/\\u00e9\"},\n"
	        "{\"path\": \"/sdcard/a\", \"modified_time\": 1},\n"
	        "{\"path\": \"/sdcard/b\", \"modified_time\": 2},\n"
	        "{\"path\": \"/sdcard/c\\\"\"},\n"
	        "{\"path\": \"/sdcard/d\", \"modified_time\": 3}]\n";
	char *tmp = t_tmpdir(), *dl = th_path_join(tmp, "lines"),
	     *da = th_path_join(tmp, "array"), *ol = th_path_join(tmp, "ol"),
	     *oa = th_path_join(tmp, "oa");
	struct th_err err = {0};
	struct th_run *rl, *ra;

	(void)state;
	assert_int_equal(th_mkdir_p(dl, 0, &err), TH_OK);
	assert_int_equal(th_mkdir_p(da, 0, &err), TH_OK);
	free(t_write_text(dl, "files.json", lines));
	free(t_write_text(da, "files.json", array));
	rl = run_files(dl, ol, NULL);
	ra = run_files(da, oa, NULL);
	assert_int_equal(t_result(rl, "aqf_files")->records, 5);
	assert_same_file(ol, oa, "aqf_files.json");
	assert_same_file(ol, oa, "timeline.csv");
	th_run_free(rl);
	th_run_free(ra);
	free(dl);
	free(da);
	free(ol);
	free(oa);
	t_tmpdir_free(tmp);
}

/* Lines up to the 1 MB limit take the fast path whole; a longer one is
 * dropped and counted, and the lines after it still come. */
static void test_aqf_long_lines(void **state)
{
	const size_t mb = (size_t)1 << 20;
	char *tmp = t_tmpdir(), *dir = th_path_join(tmp, "aqf"),
	     *out = th_path_join(tmp, "out"), *p, *text;
	struct th_err err = {0};
	struct th_run *run;
	struct th_buf b;
	size_t len = 0;

	(void)state;
	assert_int_equal(th_mkdir_p(dir, 0, &err), TH_OK);
	th_buf_init(&b, 4 * mb);
	assert_int_equal(th_buf_adds(&b, "{\"path\": \"/sdcard/"), TH_OK);
	while (b.len < mb - 100)
		assert_int_equal(th_buf_addc(&b, 'A'), TH_OK);
	assert_int_equal(th_buf_adds(&b, "\"}\n{\"path\": \"/x\", \"pad\": \""),
	                 TH_OK);
	while (b.len < 2 * mb + 100)
		assert_int_equal(th_buf_addc(&b, 'B'), TH_OK);
	assert_int_equal(th_buf_adds(&b, "\"}\n{\"path\": \"/y\"}\n"), TH_OK);
	free(t_write(dir, "files.json", b.data, b.len));
	th_buf_free(&b);
	run = run_files(dir, out, NULL);
	assert_int_equal(t_result(run, "aqf_files")->records, 2);
	p = th_path_join(out, "aqf_files.json");
	text = t_slurp(p, &len);
	assert_non_null(text);
	assert_true(len > mb - 100 && len < mb + 100);
	assert_true(t_contains(text, "\"path\": \"/y\""));
	assert_false(t_contains(text, "BBBB"));
	free(text);
	free(p);
	th_run_free(run); /* closes command.log */
	p = th_path_join(out, "command.log");
	text = t_slurp(p, &len);
	assert_non_null(text);
	assert_true(
	        t_contains(text, "files.json: 1 entries are not file objects"));
	free(text);
	free(p);
	free(dir);
	free(out);
	t_tmpdir_free(tmp);
}

/* Without indicators or an output folder the fast path still counts
 * every record and flags /data/local/tmp/. */
static void test_aqf_lines_no_iocs(void **state)
{
	char *tmp = t_tmpdir(), *dir = th_path_join(tmp, "aqf");
	struct th_err err = {0};
	struct th_run *run;
	size_t good;

	(void)state;
	assert_int_equal(th_mkdir_p(dir, 0, &err), TH_OK);
	good = write_files(dir, 1, 1);
	run = run_files(dir, NULL, NULL);
	assert_int_equal(t_result(run, "aqf_files")->records, good);
	assert_int_equal(th_run_nalerts(run), 2);
	assert_int_equal(
	        t_alerts(run, "aqf_files", TH_LEVEL_HIGH, "/data/local/tmp/"),
	        2);
	th_run_free(run);
	free(dir);
	t_tmpdir_free(tmp);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_accepts_like_jansson),
	        cmocka_unit_test(test_refuses_outside_subset),
	        cmocka_unit_test(test_limits),
	        cmocka_unit_test(test_fields),
	        cmocka_unit_test(test_pool_background),
	        cmocka_unit_test(test_aqf_lines_as_array),
	        cmocka_unit_test(test_aqf_slow_first),
	        cmocka_unit_test(test_aqf_long_lines),
	        cmocka_unit_test(test_aqf_lines_no_iocs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
