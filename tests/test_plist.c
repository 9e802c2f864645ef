/* Plists from evidence: the binary reader and pre-scan, XML limits, the
 * typed getters, JSON conversion, the NSKeyedArchiver resolver and the
 * MBFile fast path (checked against the slow path on the real fixture). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"
#include "core/buf.h"
#include "core/timeconv.h"
#include "formats/bplist.h"
#include "formats/mbfile.h"
#include "formats/nskeyed.h"
#include "formats/plist_util.h"
#include "formats/sqlite_ev.h"

/* --- a tiny binary plist writer, for inputs libplist would not write */

struct bpw {
	struct th_buf out;
	uint32_t offs[20000];
	size_t n;
};

static void bpw_init(struct bpw *w)
{
	th_buf_init(&w->out, (size_t)64 << 20);
	th_buf_add(&w->out, "bplist00", 8);
	w->n = 0;
}

static void be(struct th_buf *b, uint64_t v, unsigned size)
{
	while (size--)
		th_buf_addc(b, (char)(v >> (8 * size)));
}

/* Adds an object from raw bytes; returns its index. */
static uint32_t bpw_raw(struct bpw *w, const void *bytes, size_t len)
{
	assert_true(w->n < sizeof(w->offs) / sizeof(w->offs[0]));
	w->offs[w->n] = (uint32_t)w->out.len;
	th_buf_add(&w->out, bytes, len);
	return (uint32_t)w->n++;
}

/* Containers with 4-byte references: marker 0xa0 (array), 0xd0 (dict:
 * refs holds n keys then n values, `n` counts pairs). */
static uint32_t bpw_container(struct bpw *w, uint8_t marker,
                              const uint32_t *refs, size_t n)
{
	size_t i, total = marker == 0xd0 ? 2 * n : n;

	w->offs[w->n] = (uint32_t)w->out.len;
	th_buf_addc(&w->out, (char)(marker | 0x0f));
	th_buf_addc(&w->out, 0x12);
	be(&w->out, n, 4);
	for (i = 0; i < total; i++)
		be(&w->out, refs[i], 4);
	return (uint32_t)w->n++;
}

static uint32_t bpw_str(struct bpw *w, const char *s)
{
	uint8_t m = (uint8_t)(0x50 | strlen(s));

	assert_true(strlen(s) < 15);
	w->offs[w->n] = (uint32_t)w->out.len;
	th_buf_addc(&w->out, (char)m);
	th_buf_adds(&w->out, s);
	return (uint32_t)w->n++;
}

static void bpw_finish(struct bpw *w, uint32_t top)
{
	uint64_t table = w->out.len;
	size_t i;

	for (i = 0; i < w->n; i++)
		be(&w->out, w->offs[i], 4);
	th_buf_add(&w->out, "\0\0\0\0\0\0", 6);
	th_buf_addc(&w->out, 4);
	th_buf_addc(&w->out, 4);
	be(&w->out, w->n, 8);
	be(&w->out, top, 8);
	be(&w->out, table, 8);
}

static enum th_status parse(const struct th_buf *b, struct th_err *err)
{
	plist_t p = NULL;
	enum th_status st;

	st = th_plist_parse(b->data, b->len, NULL, &p, err);
	if (p)
		plist_free(p);
	return st;
}

/* --- binary plists -------------------------------------------------- */

static plist_t sample_tree(void)
{
	plist_t root = plist_new_dict(), arr = plist_new_array();

	plist_dict_set_item(root, "ascii", plist_new_string("hello"));
	plist_dict_set_item(root, "utf16",
	                    plist_new_string("\xc3\x9cn\xc3\xaf"
	                                     "c\xc3\xb6"
	                                     "d\xc3\xa9 \xf0\x9f\x98\x80"));
	plist_dict_set_item(root, "neg", plist_new_uint((uint64_t)-42));
	plist_dict_set_item(root, "big", plist_new_uint(1ull << 40));
	plist_dict_set_item(root, "real", plist_new_real(2.5));
	plist_dict_set_item(root, "yes", plist_new_bool(1));
	/* 2021-07-18 10:40:00.25 UTC in Cocoa seconds. */
	plist_dict_set_item(root, "date", plist_new_date(648297600, 250000));
	plist_dict_set_item(root, "data", plist_new_data("\x00\x01\xfe", 3));
	plist_dict_set_item(root, "uid", plist_new_uid(7));
	plist_array_append_item(arr, plist_new_string("a"));
	plist_array_append_item(arr, plist_new_dict());
	plist_dict_set_item(root, "arr", arr);
	return root;
}

static void test_binary_round_trip(void **state)
{
	plist_t src = sample_tree(), p = NULL;
	struct th_err err = {0};
	char *bin = NULL, *s;
	uint32_t len = 0;
	json_t *j;

	plist_to_bin(src, &bin, &len);
	assert_int_equal(th_plist_parse(bin, len, NULL, &p, &err), TH_OK);
	assert_int_equal(th_plist_to_json(p, 0, &j, &err), TH_OK);
	s = json_dumps(j, JSON_SORT_KEYS | JSON_COMPACT);
	assert_string_equal(
	        s,
	        "{\"arr\":[\"a\",{}],\"ascii\":\"hello\",\"big\":1099511627776,"
	        "\"data\":\"AAH+\",\"date\":\"2021-07-18 10:40:00.250000\","
	        "\"neg\":-42,\"real\":2.5,\"uid\":7,\"utf16\":"
	        "\"\xc3\x9cn\xc3\xaf"
	        "c\xc3\xb6"
	        "d\xc3\xa9 \xf0\x9f\x98\x80\",\"yes\":true}");
	free(s);
	json_decref(j);
	plist_free(p);
	plist_free(src);
	free(bin);
}

static void test_getters_absent_not_crash(void **state)
{
	plist_t d = sample_tree();
	int64_t i = 0, t = 0;
	int b = 0;
	size_t len = 9;
	char when[TH_TIME_STR_MAX];

	assert_string_equal(th_plist_dict_str(d, "ascii"), "hello");
	assert_null(th_plist_dict_str(d, "neg")); /* wrong type */
	assert_null(th_plist_dict_str(d, "nope"));
	assert_null(th_plist_dict_str(NULL, "ascii"));
	assert_null(th_plist_dict_str(plist_dict_get_item(d, "arr"), "a"));
	assert_true(th_plist_dict_int(d, "neg", &i));
	assert_int_equal(i, -42);
	assert_false(th_plist_dict_int(d, "ascii", &i));
	assert_true(th_plist_dict_bool(d, "yes", &b));
	assert_int_equal(b, 1);
	assert_false(th_plist_dict_bool(d, "real", &b));
	assert_true(th_plist_dict_date(d, "date", &t));
	th_time_format(t, when);
	assert_string_equal(when, "2021-07-18 10:40:00.250000");
	assert_non_null(th_plist_dict_data(d, "data", &len));
	assert_int_equal(len, 3);
	assert_null(th_plist_dict_data(d, "ascii", &len));
	assert_int_equal(len, 0);
	plist_free(d);
}

static void test_binary_cycle(void **state)
{
	struct th_err err = {0};
	struct bpw w;
	uint32_t ref = 0;

	bpw_init(&w);
	bpw_container(&w, 0xa0, &ref, 1); /* object 0 holds itself */
	bpw_finish(&w, 0);
	assert_int_equal(parse(&w.out, &err), TH_ERR_FORMAT);
	assert_true(t_contains(err.msg, "contains itself"));
	th_buf_free(&w.out);
}

static void test_binary_deep_nesting(void **state)
{
	struct th_err err = {0};
	struct bpw w;
	uint32_t i, ref;

	bpw_init(&w);
	for (i = 0; i < 10000; i++) {
		ref = i + 1;
		bpw_container(&w, 0xa0, &ref, 1);
	}
	bpw_str(&w, "leaf");
	bpw_finish(&w, 0);
	assert_int_equal(parse(&w.out, &err), TH_ERR_LIMIT);
	assert_true(t_contains(err.msg, "nested deeper than 64"));
	th_buf_free(&w.out);
}

/* 40 levels of arrays that hold the next level twice: 2^40 nodes once
 * expanded, from a file of a few hundred bytes. */
static void test_binary_bomb(void **state)
{
	struct th_err err = {0};
	struct bpw w;
	uint32_t i, refs[2];

	bpw_init(&w);
	for (i = 0; i < 40; i++) {
		refs[0] = refs[1] = i + 1;
		bpw_container(&w, 0xa0, refs, 2);
	}
	bpw_str(&w, "boom");
	bpw_finish(&w, 0);
	assert_true(w.out.len < 1024);
	assert_int_equal(parse(&w.out, &err), TH_ERR_LIMIT);
	assert_true(t_contains(err.msg, "expands to more than"));
	th_buf_free(&w.out);
}

static void test_binary_bad_refs_and_offsets(void **state)
{
	struct th_err err = {0};
	struct bpw w;
	uint32_t refs[2] = {0, 0};

	/* A reference past the object table. */
	bpw_init(&w);
	refs[0] = 5;
	bpw_container(&w, 0xa0, refs, 1);
	bpw_finish(&w, 0);
	assert_int_equal(parse(&w.out, &err), TH_ERR_FORMAT);
	assert_true(t_contains(err.msg, "refers outside"));
	th_buf_free(&w.out);

	/* A dictionary whose key is an integer. */
	bpw_init(&w);
	refs[0] = bpw_raw(&w, "\x10\x01", 2);
	refs[1] = bpw_str(&w, "v");
	bpw_container(&w, 0xd0, refs, 1);
	bpw_finish(&w, 2);
	assert_int_equal(parse(&w.out, &err), TH_ERR_FORMAT);
	assert_true(t_contains(err.msg, "key that is not a string"));
	th_buf_free(&w.out);

	/* An object offset pointing into the trailer. */
	bpw_init(&w);
	bpw_str(&w, "x");
	w.offs[0] = 0xffff;
	bpw_finish(&w, 0);
	assert_int_equal(parse(&w.out, &err), TH_ERR_FORMAT);
	assert_true(t_contains(err.msg, "outside the file"));
	th_buf_free(&w.out);
}

/* Strings libplist would mishandle (it asserts that a key's length is
 * its strlen and aborts): found by fuzz_plist, refused by the pre-scan. */
static void test_binary_bad_strings(void **state)
{
	static const char *const raw[] = {
	        "\x54"
	        "ab\x89"
	        "c", /* a high byte in ASCII */
	        "\x53"
	        "a\0b", /* a NUL in ASCII */
	        "\x62\x00"
	        "a\x00\x00", /* U+0000 in UTF-16 */
	};
	static const size_t lens[] = {5, 4, 5};
	struct th_err err = {0};
	struct bpw w;
	uint32_t kv[2];
	size_t i;

	for (i = 0; i < 3; i++) {
		bpw_init(&w);
		kv[0] = bpw_raw(&w, raw[i], lens[i]);
		kv[1] = bpw_str(&w, "v");
		bpw_finish(&w, bpw_container(&w, 0xd0, kv, 1));
		assert_int_equal(parse(&w.out, &err), TH_ERR_FORMAT);
		assert_true(t_contains(err.msg, "NUL or a non-ASCII byte"));
		th_buf_free(&w.out);
	}
}

static void test_binary_truncated_and_garbage(void **state)
{
	plist_t src = sample_tree(), p = NULL;
	struct th_err err = {0};
	char *bin = NULL;
	uint32_t len = 0, cut;
	enum th_status st;

	plist_to_bin(src, &bin, &len);
	/* Every prefix fails cleanly (none is a valid plist: the trailer is
	 * at the end). */
	for (cut = 0; cut < len; cut++) {
		st = th_plist_parse(bin, cut, NULL, &p, &err);
		assert_int_not_equal(st, TH_OK);
		assert_null(p);
		assert_true(err.msg[0] != '\0');
	}
	assert_int_equal(th_plist_parse("bplist00garbage!", 16, NULL, &p, &err),
	                 TH_ERR_FORMAT);
	assert_int_equal(th_plist_parse("\x01\x02", 2, NULL, &p, &err),
	                 TH_ERR_FORMAT);
	assert_string_equal(err.msg, "not a property list");
	plist_free(src);
	free(bin);
}

/* --- XML ------------------------------------------------------------ */

static const char xml_doc[] =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<!DOCTYPE plist PUBLIC \"-//Apple//DTD PLIST 1.0//EN\" "
        "\"http://www.apple.com/DTDs/PropertyList-1.0.dtd\">\n"
        "<plist version=\"1.0\"><dict>"
        "<!-- <array><array> in a comment is not nesting -->"
        "<key>Product Version</key><string>14.3</string>"
        "<key>IsEncrypted</key><true/>"
        "<key>When</key><date>2021-12-03T19:33:13Z</date>"
        "<key>Empty</key><array/>"
        "</dict></plist>\n";

static void test_xml_parse(void **state)
{
	struct th_err err = {0};
	plist_t p = NULL;
	int64_t t = 0;
	int b = 0;
	char when[TH_TIME_STR_MAX];

	assert_int_equal(
	        th_plist_parse(xml_doc, strlen(xml_doc), NULL, &p, &err),
	        TH_OK);
	assert_string_equal(th_plist_dict_str(p, "Product Version"), "14.3");
	assert_true(th_plist_dict_bool(p, "IsEncrypted", &b) && b);
	assert_true(th_plist_dict_date(p, "When", &t));
	th_time_format(t, when);
	assert_string_equal(when, "2021-12-03 19:33:13.000000");
	plist_free(p);
}

static void test_xml_limits(void **state)
{
	struct th_plist_limits small = th_plist_default_limits;
	struct th_err err = {0};
	struct th_buf b;
	plist_t p = NULL;
	int i;

	th_buf_init(&b, (size_t)1 << 20);
	th_buf_adds(&b, "<plist version=\"1.0\">");
	for (i = 0; i < 10000; i++)
		th_buf_adds(&b, "<array>");
	for (i = 0; i < 10000; i++)
		th_buf_adds(&b, "</array>");
	th_buf_adds(&b, "</plist>");
	assert_int_equal(th_plist_parse(b.data, b.len, NULL, &p, &err),
	                 TH_ERR_LIMIT);
	assert_true(t_contains(err.msg, "nested deeper than 64"));
	assert_null(p);
	small.max_bytes = 100;
	assert_int_equal(th_plist_parse(b.data, b.len, &small, &p, &err),
	                 TH_ERR_LIMIT);
	small = th_plist_default_limits;
	small.max_nodes = 50;
	assert_int_equal(th_plist_parse(b.data, b.len, &small, &p, &err),
	                 TH_ERR_LIMIT);
	assert_true(t_contains(err.msg, "XML elements"));
	th_buf_free(&b);
}

static void test_json_depth_limit(void **state)
{
	struct th_err err = {0};
	plist_t root = plist_new_array(), cur = root, next;
	json_t *j = NULL;
	int i;

	for (i = 0; i < 10; i++) {
		next = plist_new_array();
		plist_array_append_item(cur, next);
		cur = next;
	}
	assert_int_equal(th_plist_to_json(root, 5, &j, &err), TH_ERR_LIMIT);
	assert_null(j);
	assert_int_equal(th_plist_to_json(root, 11, &j, &err), TH_OK);
	json_decref(j);
	plist_free(root);
}

/* --- NSKeyedArchiver ------------------------------------------------ */

static plist_t cls(const char *name)
{
	plist_t c = plist_new_dict(), list = plist_new_array();

	plist_dict_set_item(c, "$classname", plist_new_string(name));
	plist_array_append_item(list, plist_new_string(name));
	plist_array_append_item(list, plist_new_string("NSObject"));
	plist_dict_set_item(c, "$classes", list);
	return c;
}

/* An archive of {"name": "x", "list": [ "x", date ], "self": <root>,
 * "nothing": $null} in class Thing; objects by index:
 * 0 $null, 1 root, 2 "x", 3 NSDictionary... */
static plist_t archive(uint64_t bad_uid)
{
	plist_t a = plist_new_dict(), top = plist_new_dict();
	plist_t objs = plist_new_array(), root = plist_new_dict();
	plist_t arr = plist_new_dict(), vals, date = plist_new_dict();

	plist_dict_set_item(a, "$archiver",
	                    plist_new_string("NSKeyedArchiver"));
	plist_dict_set_item(a, "$version", plist_new_uint(100000));
	plist_dict_set_item(top, "root", plist_new_uid(1));
	plist_dict_set_item(a, "$top", top);
	plist_array_append_item(objs, plist_new_string("$null"));
	plist_dict_set_item(root, "name", plist_new_uid(2));
	plist_dict_set_item(root, "list", plist_new_uid(3));
	plist_dict_set_item(root, "self", plist_new_uid(1));
	plist_dict_set_item(root, "nothing", plist_new_uid(0));
	plist_dict_set_item(root, "bad", plist_new_uid(bad_uid));
	plist_dict_set_item(root, "$class", plist_new_uid(4));
	plist_array_append_item(objs, root);
	plist_array_append_item(objs, plist_new_string("x"));
	vals = plist_new_array();
	plist_array_append_item(vals, plist_new_uid(2));
	plist_array_append_item(vals, plist_new_uid(6));
	plist_dict_set_item(arr, "NS.objects", vals);
	plist_dict_set_item(arr, "$class", plist_new_uid(5));
	plist_array_append_item(objs, arr);
	plist_array_append_item(objs, cls("Thing"));
	plist_array_append_item(objs, cls("NSArray"));
	plist_dict_set_item(date, "NS.time", plist_new_real(648297600.25));
	plist_array_append_item(objs, date);
	plist_dict_set_item(a, "$objects", objs);
	return a;
}

static void test_nskeyed_resolve(void **state)
{
	struct th_err err = {0};
	plist_t a = archive(2), out = NULL;
	json_t *j;
	char *s;

	assert_int_equal(th_nskeyed_resolve(a, NULL, &out, &err), TH_OK);
	assert_int_equal(th_plist_to_json(out, 0, &j, &err), TH_OK);
	s = json_dumps(j, JSON_SORT_KEYS | JSON_COMPACT);
	/* "self" points back at its ancestor: kept as a UID, not followed;
	 * "nothing" is $null: left out. */
	assert_string_equal(s, "{\"$class\":\"Thing\",\"bad\":\"x\",\"list\":"
	                       "[\"x\",\"2021-07-18 10:40:00.250000\"],"
	                       "\"name\":\"x\",\"self\":1}");
	free(s);
	json_decref(j);
	plist_free(out);
	plist_free(a);
}

static void test_nskeyed_hostile(void **state)
{
	struct th_err err = {0};
	plist_t a = archive(99), out = NULL, objs, bomb, str;
	int i;

	assert_int_equal(th_nskeyed_resolve(a, NULL, &out, &err),
	                 TH_ERR_FORMAT);
	assert_true(t_contains(err.msg, "UID 99 is outside $objects"));
	assert_null(out);
	assert_int_equal(th_nskeyed_resolve(a, "nope", &out, &err),
	                 TH_ERR_NOTFOUND);
	plist_free(a);
	str = plist_new_string("x");
	assert_int_equal(th_nskeyed_resolve(str, NULL, &out, &err),
	                 TH_ERR_FORMAT);
	plist_free(str);

	/* A DAG bomb: object i is an array holding object i+1 twice. */
	a = archive(2);
	objs = plist_dict_get_item(a, "$objects");
	for (i = 0; i < 40; i++) {
		bomb = plist_new_array();
		plist_array_append_item(bomb, plist_new_uid(8 + i));
		plist_array_append_item(bomb, plist_new_uid(8 + i));
		plist_array_append_item(objs, bomb);
	}
	plist_array_append_item(objs, plist_new_string("leaf"));
	plist_dict_set_item(plist_dict_get_item(a, "$top"), "bomb",
	                    plist_new_uid(7));
	assert_int_equal(th_nskeyed_resolve(a, "bomb", &out, &err),
	                 TH_ERR_LIMIT);
	assert_null(out);
	plist_free(a);
}

/* --- MBFile --------------------------------------------------------- */

/* An MBFile archive as iOS writes it; `path_uid` and `key_uid` let a
 * test point them somewhere wrong. */
static void mbfile_blob(uint64_t path_uid, uint64_t key_uid, const char *path,
                        char **bin, uint32_t *len)
{
	plist_t a = plist_new_dict(), top = plist_new_dict();
	plist_t objs = plist_new_array(), m = plist_new_dict();
	plist_t key = plist_new_dict();
	char wrapped[44];

	memset(wrapped, 0xab, sizeof(wrapped));
	plist_dict_set_item(a, "$archiver",
	                    plist_new_string("NSKeyedArchiver"));
	plist_dict_set_item(top, "root", plist_new_uid(1));
	plist_dict_set_item(a, "$top", top);
	plist_array_append_item(objs, plist_new_string("$null"));
	plist_dict_set_item(m, "Birth", plist_new_uint(1610674669));
	plist_dict_set_item(m, "LastModified", plist_new_uint(1610674670));
	plist_dict_set_item(m, "LastStatusChange", plist_new_uint(1610674671));
	plist_dict_set_item(m, "Mode", plist_new_uint(0100644));
	plist_dict_set_item(m, "UserID", plist_new_uint(501));
	plist_dict_set_item(m, "GroupID", plist_new_uint(501));
	plist_dict_set_item(m, "InodeNumber", plist_new_uint(123456));
	plist_dict_set_item(m, "Size", plist_new_uint(4096));
	plist_dict_set_item(m, "ProtectionClass", plist_new_uint(3));
	plist_dict_set_item(m, "Flags", plist_new_uint(0));
	plist_dict_set_item(m, "RelativePath", plist_new_uid(path_uid));
	plist_dict_set_item(m, "EncryptionKey", plist_new_uid(key_uid));
	plist_dict_set_item(m, "$class", plist_new_uid(4));
	plist_array_append_item(objs, m);
	plist_array_append_item(objs, plist_new_string(path));
	plist_dict_set_item(key, "NS.data", plist_new_data(wrapped, 44));
	plist_array_append_item(objs, key);
	plist_array_append_item(objs, cls("MBFile"));
	plist_dict_set_item(a, "$objects", objs);
	/* libplist writes nothing into a non-NULL *bin. */
	*bin = NULL;
	*len = 0;
	plist_to_bin(a, bin, len);
	plist_free(a);
}

static void test_mbfile_decode(void **state)
{
	struct th_err err = {0};
	struct th_mbfile m;
	char *bin = NULL, when[TH_TIME_STR_MAX];
	uint32_t len = 0;

	mbfile_blob(2, 3, "Library/Caf\xc3\xa9/\xe6\x97\xa5\xe6\x9c\xac.db",
	            &bin, &len);
	assert_int_equal(th_mbfile_decode(bin, len, &m, &err), TH_OK);
	th_time_format(m.birth, when);
	assert_string_equal(when, "2021-01-15 01:37:49.000000");
	assert_int_equal(m.last_modified - m.birth, 1000000);
	assert_int_equal(m.last_status_change - m.birth, 2000000);
	assert_int_equal(m.mode, 0100644);
	assert_int_equal(m.user_id, 501);
	assert_int_equal(m.inode, 123456);
	assert_int_equal(m.size, 4096);
	assert_int_equal(m.protection_class, 3);
	assert_int_equal(m.flags, 0);
	/* Non-ASCII paths are UTF-16 in the plist, UTF-8 here. */
	assert_string_equal(m.relative_path,
	                    "Library/Caf\xc3\xa9/\xe6\x97\xa5\xe6\x9c\xac.db");
	assert_int_equal(m.encryption_key_len, 44);
	assert_int_equal(m.encryption_key[43], 0xab);
	free(bin);
}

static void test_mbfile_hostile(void **state)
{
	struct th_err err = {0};
	struct th_mbfile m;
	char *bin = NULL;
	uint32_t len = 0, cut;

	mbfile_blob(99, 3, "x", &bin, &len);
	assert_int_equal(th_mbfile_decode(bin, len, &m, &err), TH_ERR_FORMAT);
	assert_true(t_contains(err.msg, "RelativePath refers to object 99"));
	assert_int_equal(m.size, -1); /* nothing half-filled */
	free(bin);

	/* RelativePath pointing back at the root object itself. */
	mbfile_blob(1, 3, "x", &bin, &len);
	assert_int_equal(th_mbfile_decode(bin, len, &m, &err), TH_ERR_FORMAT);
	assert_true(t_contains(err.msg, "RelativePath is not a string"));
	free(bin);

	/* EncryptionKey pointing at the path string. */
	mbfile_blob(2, 2, "x", &bin, &len);
	assert_int_equal(th_mbfile_decode(bin, len, &m, &err), TH_ERR_FORMAT);
	assert_true(t_contains(err.msg, "EncryptionKey"));
	free(bin);

	mbfile_blob(2, 3, "x", &bin, &len);
	for (cut = 0; cut < len; cut++)
		assert_int_not_equal(th_mbfile_decode(bin, cut, &m, &err),
		                     TH_OK);
	free(bin);
	assert_int_equal(th_mbfile_decode("garbage garbage garbage garbage "
	                                  "garbage garbage",
	                                  47, &m, &err),
	                 TH_ERR_FORMAT);
	assert_string_equal(err.msg, "bad MBFile: not a binary plist");
}

/* A 10,000-deep chain hung under an MBFile key: the fast path never
 * recurses, so it decodes the fields it knows and ignores the rest; the
 * general parser refuses the file. */
static void test_mbfile_deep_nesting(void **state)
{
	struct th_err err = {0};
	struct th_mbfile m;
	struct bpw w;
	uint32_t k[4], v[4], i, next, chain, root, objects, top;

	bpw_init(&w);
	k[0] = bpw_str(&w, "Size");
	k[1] = bpw_str(&w, "Deep");
	v[0] = bpw_raw(&w, "\x11\x10\x00", 3); /* 4096 */
	chain = (uint32_t)w.n + 1;
	v[1] = chain;
	{
		uint32_t kv[4] = {k[0], k[1], v[0], v[1]};
		root = bpw_container(&w, 0xd0, kv, 2);
	}
	for (i = 0; i < 10000; i++) {
		next = (uint32_t)w.n + 1;
		bpw_container(&w, 0xa0, &next, 1);
	}
	bpw_str(&w, "leaf");
	objects = bpw_container(&w, 0xa0, &root, 1); /* $objects: [root] */
	k[2] = bpw_str(&w, "root");
	v[2] = bpw_raw(&w, "\x80\x00", 2); /* UID 0 */
	{
		uint32_t kv[2] = {k[2], v[2]};
		top = bpw_container(&w, 0xd0, kv, 1);
	}
	k[3] = bpw_str(&w, "$objects");
	v[3] = bpw_str(&w, "$top");
	{
		uint32_t kv[4] = {k[3], v[3], objects, top};
		bpw_finish(&w, bpw_container(&w, 0xd0, kv, 2));
	}
	assert_int_equal(th_mbfile_decode(w.out.data, w.out.len, &m, &err),
	                 TH_OK);
	assert_int_equal(m.size, 4096);
	assert_string_equal(m.relative_path, "");
	assert_int_equal(parse(&w.out, &err), TH_ERR_LIMIT);
	th_buf_free(&w.out);
}

struct cross {
	size_t rows, checked;
};

/* The fast path against libplist + the resolver, on every real blob. */
static void cross_check(const void *blob, int len, struct cross *c)
{
	struct th_err err = {0};
	struct th_mbfile m;
	plist_t p = NULL, r = NULL;
	int64_t v = 0;

	assert_int_equal(th_mbfile_decode(blob, (size_t)len, &m, &err), TH_OK);
	assert_int_equal(th_plist_parse(blob, (size_t)len, NULL, &p, &err),
	                 TH_OK);
	assert_int_equal(th_nskeyed_resolve(p, NULL, &r, &err), TH_OK);
	assert_true(th_plist_dict_int(r, "Birth", &v));
	assert_true(m.birth == v * 1000000);
	assert_true(th_plist_dict_int(r, "Size", &v) && m.size == v);
	assert_true(th_plist_dict_int(r, "Mode", &v) && m.mode == v);
	assert_true(th_plist_dict_int(r, "InodeNumber", &v) && m.inode == v);
	assert_string_equal(th_plist_dict_str(r, "$class"), "MBFile");
	if (th_plist_dict_str(r, "RelativePath")) {
		assert_string_equal(th_plist_dict_str(r, "RelativePath"),
		                    m.relative_path);
		c->checked++;
	}
	c->rows++;
	plist_free(r);
	plist_free(p);
}

/* Opened through sqlite_ev: the fixture is a WAL database, and a plain
 * read-only open would create -wal and -shm files inside the evidence. */
static void test_mbfile_fixture_cross_check(void **state)
{
	struct th_sqlite *s = NULL;
	struct th_err err = {0};
	struct cross c = {0};
	sqlite3_stmt *stmt;
	char *path, *dir, before[65], after[65];

	T_SHARED_OR_SKIP(path, "fixtures/mvt/ios_backup/Manifest.db");
	dir = t_shared("fixtures/mvt/ios_backup");
	t_tree_hash(dir, before);
	assert_int_equal(th_sqlite_open(path, &s, &err), TH_OK);
	assert_int_equal(sqlite3_prepare_v2(s->db, "SELECT file FROM Files", -1,
	                                    &stmt, NULL),
	                 SQLITE_OK);
	while (sqlite3_step(stmt) == SQLITE_ROW)
		cross_check(sqlite3_column_blob(stmt, 0),
		            sqlite3_column_bytes(stmt, 0), &c);
	sqlite3_finalize(stmt);
	th_sqlite_close(s);
	assert_int_equal(c.rows, 3721);
	assert_true(c.checked > 3000);
	t_tree_hash(dir, after);
	assert_string_equal(before, after);
	free(dir);
	free(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_binary_round_trip),
	        cmocka_unit_test(test_getters_absent_not_crash),
	        cmocka_unit_test(test_binary_cycle),
	        cmocka_unit_test(test_binary_deep_nesting),
	        cmocka_unit_test(test_binary_bomb),
	        cmocka_unit_test(test_binary_bad_refs_and_offsets),
	        cmocka_unit_test(test_binary_bad_strings),
	        cmocka_unit_test(test_binary_truncated_and_garbage),
	        cmocka_unit_test(test_xml_parse),
	        cmocka_unit_test(test_xml_limits),
	        cmocka_unit_test(test_json_depth_limit),
	        cmocka_unit_test(test_nskeyed_resolve),
	        cmocka_unit_test(test_nskeyed_hostile),
	        cmocka_unit_test(test_mbfile_decode),
	        cmocka_unit_test(test_mbfile_hostile),
	        cmocka_unit_test(test_mbfile_deep_nesting),
	        cmocka_unit_test(test_mbfile_fixture_cross_check),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
