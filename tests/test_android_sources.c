/* The Android sources and formats: .ab headers and streams (plain,
 * compressed, AES-256, wrong passwords, hostile headers and tar
 * members), the zip/folder container (unsafe names), bids, and the
 * intrusion-log walker (deduplication, nested zips, time zones). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <archive.h>
#include <archive_entry.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "support.h"
#include "gen_android.h"
#include "gen_android_int.h"
#include "core/fsutil.h"
#include "core/timeconv.h"
#include "formats/ab.h"
#include "modules/android/android_util.h"
#include "sources/android_backup.h"
#include "sources/android_fs.h"
#include "sources/android_sources.h"
#include "sources/intrusion_logs.h"

#define SMS "apps/com.android.providers.telephony/d_f/000000_sms_backup"
#define MMS "apps/com.android.providers.telephony/d_f/000001_mms_backup"

struct names {
	char list[16][128];
	int64_t size[16];
	size_t n;
};

static int collect(void *ctx, struct th_ab_walk *w,
                   const struct th_ab_member *m)
{
	struct names *nm = ctx;
	char buf[4096];
	int64_t total = 0;
	ssize_t r;

	if (nm->n < 16) {
		snprintf(nm->list[nm->n], sizeof(nm->list[0]), "%s", m->name);
		while ((r = th_ab_member_read(w, buf, sizeof(buf))) > 0)
			total += r;
		nm->size[nm->n++] = total;
	}
	return 0;
}

static int has_name(const struct names *nm, const char *name, int64_t size)
{
	size_t i;

	for (i = 0; i < nm->n; i++)
		if (!strcmp(nm->list[i], name))
			return size < 0 || nm->size[i] == size;
	return 0;
}

static void walk_ab(const char *rel, const char *pw, struct names *nm)
{
	struct th_err err = {0};
	char *path;

	T_SHARED_OR_SKIP(path, rel);
	memset(nm, 0, sizeof(*nm));
	if (th_ab_each(path, pw, collect, nm, &err) != TH_OK)
		fail_msg("%s: %s", rel, err.msg);
	free(path);
}

/* backup.ab: version 1, compressed, not encrypted: two SMS files. */
static void test_ab_v1(void **state)
{
	struct names nm;

	walk_ab("fixtures/mvt/android_backup/backup.ab", NULL, &nm);
	assert_int_equal(nm.n, 2);
	assert_true(has_name(&nm, SMS, 143));
	assert_true(has_name(&nm, MMS, 226));
}

/* backup3.ab: version 5, compressed: _manifest and the SMS file. */
static void test_ab_v5_compressed(void **state)
{
	struct names nm;

	walk_ab("fixtures/mvt/android_backup/backup3.ab", NULL, &nm);
	assert_int_equal(nm.n, 2);
	assert_true(has_name(&nm, SMS, 143));
	assert_true(has_name(&nm,
	                     "apps/com.android.providers.telephony/"
	                     "_manifest",
	                     2526));
}

/* backup2.ab and androidqf_encrypted/backup.ab: AES-256, "123456". */
static void test_ab_encrypted(void **state)
{
	struct names nm;

	walk_ab("fixtures/mvt/android_backup/backup2.ab", "123456", &nm);
	assert_int_equal(nm.n, 2);
	assert_true(has_name(&nm, SMS, 143));
	walk_ab("fixtures/mvt/androidqf_encrypted/backup.ab", "123456", &nm);
	assert_int_equal(nm.n, 2);
	assert_true(has_name(&nm, SMS, 143));
}

static void test_ab_wrong_password(void **state)
{
	struct th_abk *b = NULL;
	struct th_err err = {0};
	char *path, want[1024];

	T_SHARED_OR_SKIP(path, "fixtures/mvt/android_backup/backup2.ab");
	assert_int_equal(th_abk_open(path, "1234567", &b, &err),
	                 TH_ERR_PASSWORD);
	assert_null(b);
	snprintf(want, sizeof(want), "wrong backup password for '%s'", path);
	assert_string_equal(err.msg, want);
	assert_int_equal(th_abk_open(path, NULL, &b, &err), TH_ERR_PASSWORD);
	assert_true(t_contains(err.msg, "password is needed"));
	assert_int_equal(th_abk_open(path, "123456", &b, &err), TH_OK);
	th_abk_free(b);
	free(path);
}

/* Our own writer: an encrypted v5 backup whose master key holds bytes
 * >= 0x80 (the Java UTF-8 checksum quirk). */
static void test_ab_generated(void **state)
{
	char *dir = t_tmpdir(), *p = th_path_join(dir, "gen.ab");
	struct th_err err = {0};
	struct names nm = {0};

	assert_int_equal(th_gen_ab(p, TH_GEN_AB_PASSWORD, 1, &err), TH_OK);
	assert_int_equal(th_ab_each(p, TH_GEN_AB_PASSWORD, collect, &nm, &err),
	                 TH_OK);
	assert_int_equal(nm.n, 2);
	assert_true(has_name(&nm, SMS, -1));
	assert_int_equal(th_ab_each(p, "tracehound-demo!", collect, &nm, &err),
	                 TH_ERR_PASSWORD);
	free(p);
	t_tmpdir_free(dir);
}

/* Every version and compression, encrypted or not, written by us: the
 * checksum of version 1 uses the key bytes, later ones Java's UTF-8. */
static void test_ab_versions(void **state)
{
	static const struct th_gen_member m[] = {
	        {"apps/com.example/f/a.txt", "hello", 5, 1700000000},
	        {"apps/com.example/f/b.txt", "world!", 6, 1700000000},
	};
	char *dir = t_tmpdir(), *p = th_path_join(dir, "v.ab");
	struct th_err err = {0};
	struct names nm;
	int v, c, e;

	for (v = 1; v <= 5; v++)
		for (c = 0; c <= 1; c++)
			for (e = 0; e <= 1; e++) {
				memset(&nm, 0, sizeof(nm));
				assert_int_equal(
				        th_gen_ab_write(p, e ? "pw" : NULL, v,
				                        c, m, 2),
				        TH_OK);
				if (th_ab_each(p, e ? "pw" : NULL, collect, &nm,
				               &err) != TH_OK)
					fail_msg("v%d c%d e%d: %s", v, c, e,
					         err.msg);
				assert_int_equal(nm.n, 2);
				assert_true(has_name(&nm, m[1].name, 6));
				if (e)
					assert_int_equal(th_ab_each(p, "pw2",
					                            collect,
					                            &nm, &err),
					                 TH_ERR_PASSWORD);
			}
	free(p);
	t_tmpdir_free(dir);
}

static enum th_status parse(const char *text, struct th_ab_header *h,
                            struct th_err *err)
{
	return th_ab_header_parse((const unsigned char *)text, strlen(text),
	                          "x.ab", h, err);
}

static void test_ab_hostile_headers(void **state)
{
	static struct th_ab_header h;
	struct th_err err = {0};
	char line[600];

	assert_int_equal(parse("ANDROID BACKUP\n5\n1\nnone\n", &h, &err),
	                 TH_OK);
	assert_int_equal(h.payload_off, 24);
	assert_int_equal(parse("ANDROID BACKUP\n5\n1\n", &h, &err),
	                 TH_ERR_FORMAT);
	assert_int_equal(parse("ANDROID BACKUP\n5", &h, &err), TH_ERR_FORMAT);
	assert_int_equal(parse("ANDROID BACKUP\n9\n1\nnone\n", &h, &err),
	                 TH_ERR_FORMAT);
	assert_int_equal(parse("ANDROID BACKUP\n5\n2\nnone\n", &h, &err),
	                 TH_ERR_FORMAT);
	assert_int_equal(parse("ANDROID BACKUP\n5\n0\nDES\n", &h, &err),
	                 TH_ERR_UNSUPPORTED);
	/* Bad hex in the salt. */
	assert_int_equal(parse("ANDROID BACKUP\n5\n0\nAES-256\nZZ\nAA\n10\n"
	                       "00112233445566778899AABBCCDDEEFF\nAA\n",
	                       &h, &err),
	                 TH_ERR_FORMAT);
	assert_true(t_contains(err.msg, "bad user salt"));
	/* Odd-length hex, a short IV, a blob not a multiple of 16. */
	assert_int_equal(
	        parse("ANDROID BACKUP\n5\n0\nAES-256\nAAA\nAA\n10\n", &h, &err),
	        TH_ERR_FORMAT);
	assert_int_equal(parse("ANDROID BACKUP\n5\n0\nAES-256\nAA\nAA\n10\n"
	                       "0011\nAA\n",
	                       &h, &err),
	                 TH_ERR_FORMAT);
	assert_int_equal(parse("ANDROID BACKUP\n5\n0\nAES-256\nAA\nAA\n10\n"
	                       "00112233445566778899AABBCCDDEEFF\nAABB\n",
	                       &h, &err),
	                 TH_ERR_FORMAT);
	/* Absurd PBKDF2 round counts are refused before any work. */
	assert_int_equal(parse("ANDROID BACKUP\n5\n0\nAES-256\nAA\nAA\n"
	                       "999999999\n",
	                       &h, &err),
	                 TH_ERR_LIMIT);
	/* A salt longer than we accept. */
	memset(line, 'A', sizeof(line) - 1);
	line[sizeof(line) - 1] = '\0';
	{
		char *t = malloc(2000);

		snprintf(t, 2000, "ANDROID BACKUP\n5\n0\nAES-256\n%s%s\n", line,
		         line);
		assert_int_equal(parse(t, &h, &err), TH_ERR_FORMAT);
		free(t);
	}
}

/* A 512-byte ustar header claiming `size` bytes. */
static void tar_header(unsigned char *h, const char *name, uint64_t size)
{
	unsigned sum = 0;
	size_t i;

	memset(h, 0, 512);
	snprintf((char *)h, 100, "%s", name);
	memcpy(h + 100, "0000644", 7);
	memcpy(h + 108, "0000000", 7);
	memcpy(h + 116, "0000000", 7);
	snprintf((char *)h + 124, 12, "%011llo",
	         (unsigned long long)size & 077777777777ULL);
	memcpy(h + 136, "00000000000", 11);
	h[156] = '0';
	memcpy(h + 257, "ustar", 6);
	memcpy(h + 263, "00", 2);
	memset(h + 148, ' ', 8);
	for (i = 0; i < 512; i++)
		sum += h[i];
	snprintf((char *)h + 148, 8, "%06o", sum);
}

/* A member claiming 64 GB in a backup of a few bytes: a clean error. */
static void test_ab_huge_member(void **state)
{
	static const char head[] = "ANDROID BACKUP\n1\n0\nnone\n";
	char *dir = t_tmpdir(), *p = th_path_join(dir, "huge.ab");
	unsigned char file[sizeof(head) - 1 + 512 + 100];
	struct th_err err = {0};
	struct names nm = {0};
	enum th_status st;

	memcpy(file, head, sizeof(head) - 1);
	tar_header(file + sizeof(head) - 1, SMS, (uint64_t)64 << 30);
	memset(file + sizeof(head) - 1 + 512, 'x', 100);
	assert_int_equal(th_gen_write_file(p, file, sizeof(file)), TH_OK);
	st = th_ab_each(p, NULL, collect, &nm, &err);
	/* The member is listed, its data ends early, nothing crashes. */
	assert_int_equal(nm.n, 1);
	assert_true(nm.size[0] <= 100);
	(void)st;
	free(p);
	t_tmpdir_free(dir);
}

/* A truncated .ab: the header alone, or cut in the middle. */
static void test_ab_truncated(void **state)
{
	char *dir = t_tmpdir(), *p = th_path_join(dir, "t.ab");
	struct th_err err = {0};
	struct names nm = {0};

	assert_int_equal(th_gen_write_file(p, "ANDROID BACKUP\n5\n1", 18),
	                 TH_OK);
	assert_int_equal(th_ab_each(p, NULL, collect, &nm, &err),
	                 TH_ERR_FORMAT);
	assert_true(t_contains(err.msg, "t.ab"));
	assert_int_equal(
	        th_gen_write_file(p, "ANDROID BACKUP\n5\n1\nnone\nx\x9c", 26),
	        TH_OK);
	assert_int_not_equal(th_ab_each(p, NULL, collect, &nm, &err), TH_OK);
	assert_int_equal(nm.n, 0);
	free(p);
	t_tmpdir_free(dir);
}

/* A zip with a member named ../x: left out, counted, never extracted. */
static void test_zip_unsafe_member(void **state)
{
	char *dir = t_tmpdir(), *p = th_path_join(dir, "evil.zip");
	const struct th_gen_member m[] = {
	        {"../x", "escape", 6, 1700000000},
	        {"/etc/y", "escape", 6, 1700000000},
	        {"getprop.txt", "[a]: [b]\n", 9, 1700000000},
	};
	struct th_afs *a = NULL;
	struct th_err err = {0};
	struct th_buf b;
	char *data = NULL;
	size_t len = 0;

	th_buf_init(&b, 1 << 20);
	assert_int_equal(th_gen_archive(&b, 1, m, 3), TH_OK);
	assert_int_equal(th_gen_write_file(p, b.data, b.len), TH_OK);
	th_buf_free(&b);
	assert_int_equal(th_afs_open(p, &a, &err), TH_OK);
	assert_int_equal(th_afs_count(a), 1);
	assert_int_equal(th_afs_unsafe(a), 2);
	assert_int_equal(th_afs_lookup(a, "getprop.txt"), 0);
	assert_int_equal(th_afs_read(a, 0, 100, &data, &len, &err), TH_OK);
	assert_int_equal(len, 9);
	free(data);
	th_afs_free(a);
	free(p);
	p = th_path_join(dir, "x");
	assert_false(th_is_file(p));
	free(p);
	t_tmpdir_free(dir);
	assert_false(th_afs_name_safe("a/../b"));
	assert_true(th_afs_name_safe("a/..b/c"));
}

/* androidqf.zip holds its folder: names come out relative to it. */
static void test_zip_top_folder(void **state)
{
	struct th_afs *a = NULL;
	struct th_err err = {0};
	char *path;

	T_SHARED_OR_SKIP(path, "fixtures/mvt/androidqf.zip");
	assert_int_equal(th_afs_open(path, &a, &err), TH_OK);
	assert_int_equal(th_afs_count(a), 1);
	assert_string_equal(th_afs_at(a, 0)->name, "getprop.txt");
	assert_int_equal(th_afs_at(a, 0)->size, 377);
	th_afs_free(a);
	free(path);
}

static void test_bids(void **state)
{
	static const struct {
		const char *rel, *source;
	} cases[] = {
	        {"fixtures/mvt/androidqf", "androidqf"},
	        {"fixtures/mvt/androidqf.zip", "androidqf"},
	        {"fixtures/mvt/androidqf_encrypted", "androidqf"},
	        {"fixtures/mvt/android_backup/backup.ab", "android-backup"},
	        {"fixtures/mvt/android_backup/backup2.ab", "android-backup"},
	        {"fixtures/mvt/android_backup", "android-backup"},
	        {"fixtures/mvt/android_data/bugreport", "bugreport"},
	};
	const struct th_source_ops *ops;
	char *path;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		T_SHARED_OR_SKIP(path, cases[i].rel);
		ops = th_sources_bid(path, NULL);
		assert_non_null(ops);
		if (strcmp(ops->name, cases[i].source) != 0)
			fail_msg("%s: bid by %s, want %s", cases[i].rel,
			         ops->name, cases[i].source);
		free(path);
	}
	T_SHARED_OR_SKIP(path, "fixtures/mvt/android_data/getprop.txt");
	ops = th_sources_bid(path, NULL);
	assert_true(!ops || strcmp(ops->name, "intrusion-logs") != 0);
	free(path);
}

/* --- intrusion logs --- */

struct events {
	size_t n;
	char hosts[8][64];
};

static int on_event(void *ctx, json_t *e, const char *file)
{
	struct events *ev = ctx;
	const char *h = t_str(e, "hostname");

	if (ev->n < 8)
		snprintf(ev->hosts[ev->n], 64, "%s", h ? h : "");
	ev->n++;
	return 0;
}

static const char line_a[] =
        "{\"dns_event\": {\"hostname\": \"a.example\", \"event_time\": 1}}\n";
static const char line_a2[] =
        "{\"dns_event\": {\"event_time\": 1, \"hostname\": \"a.example\"}}\n";
static const char line_b[] =
        "{\"dns_event\": {\"hostname\": \"b.example\", \"event_time\": 2}}\n";

static void test_ilogs_dedup_and_nesting(void **state)
{
	char *dir = t_tmpdir(), *zip = th_path_join(dir, "logs.zip");
	struct th_gen_member inner[] = {
	        {"2.txt", line_b, sizeof(line_b) - 1, 0},
	        {"3.txt", line_a2, sizeof(line_a2) - 1, 0}};
	struct th_gen_member outer[2] = {
	        {"1.txt", line_a, sizeof(line_a) - 1, 0}};
	struct th_buf ib, ob;
	struct th_ilogs *il = NULL;
	struct th_afs *a = NULL;
	struct th_err err = {0};
	struct events ev = {0};
	size_t bad = 0;

	th_buf_init(&ib, 1 << 20);
	th_buf_init(&ob, 1 << 20);
	assert_int_equal(th_gen_archive(&ib, 1, inner, 2), TH_OK);
	outer[1].name = "more/inner.zip";
	outer[1].data = ib.data;
	outer[1].len = ib.len;
	assert_int_equal(th_gen_archive(&ob, 1, outer, 2), TH_OK);
	assert_int_equal(th_gen_write_file(zip, ob.data, ob.len), TH_OK);
	th_buf_free(&ib);
	th_buf_free(&ob);
	assert_ptr_equal(th_sources_bid(zip, NULL), &th_source_intrusion_logs);
	/* A folder holding only the export zip bids too. */
	assert_ptr_equal(th_sources_bid(dir, NULL), &th_source_intrusion_logs);
	assert_int_equal(th_afs_open(zip, &a, &err), TH_OK);
	assert_int_equal(th_ilogs_new(a, 1, "", NULL, &il, &err), TH_OK);
	assert_int_equal(
	        th_ilogs_each(il, "dns_event", on_event, &ev, &bad, &err),
	        TH_OK);
	/* a.example appears twice (keys reordered): once. */
	assert_int_equal(ev.n, 2);
	assert_string_equal(ev.hosts[0], "a.example");
	assert_string_equal(ev.hosts[1], "b.example");
	memset(&ev, 0, sizeof(ev));
	assert_int_equal(
	        th_ilogs_each(il, "connect_event", on_event, &ev, &bad, &err),
	        TH_OK);
	assert_int_equal(ev.n, 0);
	th_ilogs_free(il);
	free(zip);
	t_tmpdir_free(dir);
}

static void test_ilogs_folder_and_bad_lines(void **state)
{
	char *dir = t_tmpdir();
	struct th_ilogs *il = NULL;
	struct th_afs *a = NULL;
	struct th_err err = {0};
	struct events ev = {0};
	size_t bad = 0;

	free(t_write_text(dir, "a.txt", line_a));
	free(t_write_text(
	        dir, "b.txt",
	        "not json\n{\"dns_event\": 5}\n[1,2]\n\n{\"x\": {}, \"y\": "
	        "{}}\n"));
	free(t_write_text(dir, "c.txt", line_b));
	assert_ptr_equal(th_sources_bid(dir, NULL), &th_source_intrusion_logs);
	assert_int_equal(th_afs_open(dir, &a, &err), TH_OK);
	assert_int_equal(th_ilogs_new(a, 1, "", NULL, &il, &err), TH_OK);
	assert_int_equal(
	        th_ilogs_each(il, "dns_event", on_event, &ev, &bad, &err),
	        TH_OK);
	assert_int_equal(ev.n, 2);
	assert_int_equal(bad, 4);
	th_ilogs_free(il);
	t_tmpdir_free(dir);
}

static void test_ilogs_time(void **state)
{
	struct th_ilogs *il = NULL;
	struct th_afs *a = NULL;
	struct th_err err = {0};
	char *dir = t_tmpdir();
	json_t *e;
	int m;

	assert_int_equal(th_ilog_tz_parse("+02:00", &m), 0);
	assert_int_equal(m, 120);
	assert_int_equal(th_ilog_tz_parse("-0530", &m), 0);
	assert_int_equal(m, -330);
	assert_int_equal(th_ilog_tz_parse("UTC+3", &m), 0);
	assert_int_equal(m, 180);
	assert_int_equal(th_ilog_tz_parse("Europe/Rome", &m), -1);
	assert_int_equal(th_ilog_tz_parse("+99:00", &m), -1);
	assert_int_equal(th_afs_open(dir, &a, &err), TH_OK);
	assert_int_equal(th_ilogs_new(a, 1, "", "Mars/Olympus", &il, &err),
	                 TH_ERR_USAGE);
	assert_int_equal(th_afs_open(dir, &a, &err), TH_OK);
	assert_int_equal(th_ilogs_new(a, 1, "", "+02:00", &il, &err), TH_OK);
	e = json_pack("{sI}", "event_time", (json_int_t)1700000000123);
	assert_true(th_ilogs_time(il, e) == (int64_t)1700000000123 * 1000);
	json_decref(e);
	/* A device-local wall-clock time, two hours ahead of UTC. */
	e = json_pack("{ss}", "event_time", "2023-11-14 12:00:00");
	assert_true(th_ilogs_time(il, e) ==
	            th_time_parse("2023-11-14 10:00:00"));
	json_decref(e);
	th_ilogs_free(il);
	t_tmpdir_free(dir);
}

/* Integers too big for 64 bits become strings of their digits; digits
 * inside strings are left alone. */
static void test_lenient_json(void **state)
{
	static const char text[] =
	        "[{\"SerialNumber\": "
	        "955466096586930338769951715633687128507538251257,"
	        " \"s\": \"12345678901234567890123 \\\" 98765432109876543210\","
	        " \"small\": 42}]";
	json_t *j = th_json_load_lenient(text, sizeof(text) - 1), *o;

	assert_non_null(j);
	o = json_array_get(j, 0);
	assert_string_equal(t_str(o, "SerialNumber"),
	                    "955466096586930338769951715633687128507538251257");
	assert_string_equal(t_str(o, "s"),
	                    "12345678901234567890123 \" 98765432109876543210");
	assert_int_equal(json_integer_value(json_object_get(o, "small")), 42);
	json_decref(j);
	assert_null(th_json_load_lenient("[1, 2", 5));
}

/* A mapped member reads as a NUL-terminated string, also when the file
 * ends exactly on a page boundary. */
static void test_map_member(void **state)
{
	char *dir = t_tmpdir(), *p = th_path_join(dir, "dumpsys.txt");
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	char *data = malloc(page);
	struct th_afs_map m;
	struct th_afs *a = NULL;
	struct th_err err = {0};

	memset(data, 'x', page);
	assert_int_equal(th_gen_write_file(p, data, page), TH_OK);
	assert_int_equal(th_afs_open(dir, &a, &err), TH_OK);
	assert_int_equal(th_afs_map_member(a, 0, page * 2, &m, &err), TH_OK);
	assert_int_equal(m.len, page);
	assert_int_equal(strlen(m.text), page);
	th_afs_map_release(&m);
	assert_int_equal(m.text[page - 1], 'x');
	th_afs_unmap(&m);
	assert_int_equal(th_afs_map_member(a, 0, page - 1, &m, &err),
	                 TH_ERR_LIMIT);
	th_afs_free(a);
	free(data);
	free(p);
	t_tmpdir_free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_ab_v1),
	        cmocka_unit_test(test_ab_v5_compressed),
	        cmocka_unit_test(test_ab_encrypted),
	        cmocka_unit_test(test_ab_wrong_password),
	        cmocka_unit_test(test_ab_generated),
	        cmocka_unit_test(test_ab_versions),
	        cmocka_unit_test(test_ab_hostile_headers),
	        cmocka_unit_test(test_ab_huge_member),
	        cmocka_unit_test(test_ab_truncated),
	        cmocka_unit_test(test_zip_unsafe_member),
	        cmocka_unit_test(test_zip_top_folder),
	        cmocka_unit_test(test_bids),
	        cmocka_unit_test(test_ilogs_dedup_and_nesting),
	        cmocka_unit_test(test_ilogs_folder_and_bad_lines),
	        cmocka_unit_test(test_ilogs_time),
	        cmocka_unit_test(test_lenient_json),
	        cmocka_unit_test(test_map_member),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
