/*
 * Crafted hostile evidence (tests/hostile/hostile.h): plists, SQLite
 * images, indicator files and dumpsys text. Archives are in
 * gen_hostile_zip.c.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <plist/plist.h>

#include "gen.h"
#include "../hostile/hostile.h"

static void put_be(struct th_buf *b, uint64_t v, unsigned n, int *ok)
{
	unsigned char c[8];
	unsigned i;

	for (i = 0; i < n; i++)
		c[i] = (unsigned char)(v >> (8 * (n - 1 - i)));
	if (th_buf_add(b, c, n) != TH_OK)
		*ok = 0;
}

/* Objects: DEEP is `depth` one-element arrays ending in an empty
 * string; CYCLE is one array holding itself; OFFTABLE an empty dict. */
static void bplist_objects(struct th_buf *b, enum th_hostile_bplist kind,
                           size_t n, unsigned refsize, int *ok)
{
	size_t i;

	for (i = 0; i + 1 < n; i++) {
		put_be(b, 0xA1, 1, ok);
		put_be(b, i + 1, refsize, ok);
	}
	if (kind == TH_HOSTILE_BPLIST_CYCLE) {
		put_be(b, 0xA1, 1, ok);
		put_be(b, 0, refsize, ok);
	} else {
		put_be(b, kind == TH_HOSTILE_BPLIST_DEEP ? 0x50 : 0xD0, 1, ok);
	}
}

enum th_status th_hostile_bplist(const char *path, enum th_hostile_bplist kind,
                                 size_t depth, struct th_err *err)
{
	size_t n = kind == TH_HOSTILE_BPLIST_DEEP ? depth : 1, i, table;
	unsigned refsize = kind == TH_HOSTILE_BPLIST_DEEP ? 3 : 1;
	struct th_buf b;
	enum th_status st;
	int ok = 1;

	if (n == 0 || n >= ((size_t)1 << 24))
		return th_err_set(err, TH_ERR_USAGE, "bad plist depth");
	th_buf_init(&b, n * 8 + 64);
	ok = th_buf_adds(&b, "bplist00") == TH_OK;
	bplist_objects(&b, kind, n, refsize, &ok);
	table = b.len;
	for (i = 0; i < n; i++)
		put_be(&b, 8 + i * (1 + refsize), 4, &ok);
	if (kind == TH_HOSTILE_BPLIST_OFFTABLE)
		table = (size_t)0x7fffffff00;
	put_be(&b, 0, 6, &ok);
	put_be(&b, 4, 1, &ok);
	put_be(&b, refsize, 1, &ok);
	put_be(&b, n, 8, &ok);
	put_be(&b, 0, 8, &ok);
	put_be(&b, table, 8, &ok);
	st = ok ? th_gen_file_write(path, b.data, b.len, err)
	        : th_err_set(err, TH_ERR_NOMEM, "out of memory");
	th_buf_free(&b);
	return st;
}

static plist_t mbfile_class(void)
{
	plist_t c = plist_new_dict(), classes = plist_new_array();

	plist_array_append_item(classes, plist_new_string("MBFile"));
	plist_array_append_item(classes, plist_new_string("NSObject"));
	plist_dict_set_item(c, "$classname", plist_new_string("MBFile"));
	plist_dict_set_item(c, "$classes", classes);
	return c;
}

enum th_status th_hostile_nskeyed_loop(struct th_buf *out, struct th_err *err)
{
	plist_t root = plist_new_dict(), top = plist_new_dict();
	plist_t objs = plist_new_array(), file = plist_new_dict();
	enum th_status st = TH_OK;
	char *bin = NULL;
	uint32_t len = 0;

	plist_dict_set_item(file, "$class", plist_new_uid(2));
	plist_dict_set_item(file, "RelativePath", plist_new_uid(3));
	plist_dict_set_item(file, "Size", plist_new_uid(1));
	plist_dict_set_item(file, "Birth", plist_new_uid(4));
	plist_dict_set_item(file, "ExtendedAttributes", plist_new_uid(1));
	plist_array_append_item(objs, plist_new_string("$null"));
	plist_array_append_item(objs, file);
	plist_array_append_item(objs, mbfile_class());
	plist_array_append_item(objs, plist_new_uid(4));
	plist_array_append_item(objs, plist_new_uid(3));
	plist_dict_set_item(top, "root", plist_new_uid(1));
	plist_dict_set_item(root, "$version", plist_new_uint(100000));
	plist_dict_set_item(root, "$archiver",
	                    plist_new_string("NSKeyedArchiver"));
	plist_dict_set_item(root, "$top", top);
	plist_dict_set_item(root, "$objects", objs);
	plist_to_bin(root, &bin, &len);
	plist_free(root);
	th_buf_init(out, (size_t)1 << 20);
	if (!bin || th_buf_add(out, bin, len) != TH_OK)
		st = th_err_set(err, TH_ERR_NOMEM, "out of memory");
	free(bin);
	return st;
}

/* The row's ROWID, 0x0102030405060708, needs SQLite's 9-byte varint:
 * its cell starts with a 1-byte payload size and these 9 bytes, room to
 * rewrite as a 5-byte payload size of 1 GiB and a 5-byte ROWID. */
#define BIGROW_ID "72623859790382856"

static const unsigned char rowid_varint[9] = {0x80, 0xc0, 0xc0, 0xb0, 0xa0,
                                              0x94, 0x8c, 0x87, 0x08};
static const unsigned char claim_1gib[10] = {0x84, 0x80, 0x80, 0x80, 0x00,
                                             0x80, 0x80, 0x80, 0x80, 0x01};

enum th_status th_hostile_sqlite_bigrow(struct th_buf *out, struct th_err *err)
{
	static const char sql[] =
	        "CREATE TABLE handle (ROWID INTEGER PRIMARY KEY, id TEXT);"
	        "CREATE TABLE message (ROWID INTEGER PRIMARY KEY, guid TEXT, "
	        "text TEXT, handle_id INTEGER DEFAULT 0, service TEXT, "
	        "date INTEGER, is_from_me INTEGER DEFAULT 0);"
	        "INSERT INTO message VALUES (" BIGROW_ID ", 'g', "
	        "'https://example.com/hostile', 0, 'SMS', 0, 0);";
	enum th_status st;
	unsigned char *p = NULL, *d;
	size_t i;

	th_buf_init(out, (size_t)1 << 20);
	st = th_gen_sqlite_image(sql, out, err);
	if (st != TH_OK)
		return st;
	d = (unsigned char *)out->data;
	for (i = 1; !p && i + sizeof(rowid_varint) <= out->len; i++)
		if (!memcmp(d + i, rowid_varint, sizeof(rowid_varint)))
			p = d + i - 1;
	if (!p)
		return th_err_set(err, TH_ERR_INTERNAL,
		                  "cannot find the row to inflate");
	memcpy(p, claim_1gib, sizeof(claim_1gib));
	return TH_OK;
}

static enum th_status write_fail(FILE *f, const char *path, struct th_err *err)
{
	int bad = !f || ferror(f);

	if (f && fclose(f) != 0)
		bad = 1;
	if (bad)
		return th_err_set(err, TH_ERR_IO, "cannot write '%s': %s", path,
		                  strerror(errno));
	return TH_OK;
}

/* Compact on purpose: a million indicators fit under the loader's
 * file size limit, so they are loaded and not refused. */
static const char stix_head[] =
        "{\"type\":\"bundle\",\"id\":"
        "\"bundle--9a1b2c3d-0000-4000-8000-000000000001\",\"objects\":["
        "{\"type\":\"malware\",\"spec_version\":\"2.1\",\"id\":"
        "\"malware--9a1b2c3d-0000-4000-8000-000000000002\","
        "\"name\":\"Hostile\",\"is_family\":false}";

enum th_status th_hostile_stix_many(const char *path, size_t n,
                                    struct th_err *err)
{
	FILE *f = fopen(path, "wx");
	size_t i;

	if (f) {
		fputs(stix_head, f);
		for (i = 0; i < n; i++)
			fprintf(f,
			        ",{\"type\":\"indicator\",\"pattern\":"
			        "\"[domain-name:value='%zx.ex']\"}",
			        i);
		fputs("]}\n", f);
	}
	return write_fail(f, path, err);
}

enum th_status th_hostile_stix_long(const char *path, size_t mib,
                                    struct th_err *err)
{
	FILE *f = fopen(path, "wx");
	char chunk[4096];
	size_t i;

	memset(chunk, 'a', sizeof(chunk));
	if (f) {
		fputs(stix_head, f);
		fputs(",\n{\"type\": \"indicator\", \"id\": \"indicator--"
		      "9a1b2c3d-0000-4000-8000-000000000003\", \"pattern\": "
		      "\"[domain-name:value = '",
		      f);
		for (i = 0; i < mib * 256; i++)
			fwrite(chunk, 1, sizeof(chunk), f);
		fputs(".example']\", \"pattern_type\": \"stix\"}\n]}\n", f);
	}
	return write_fail(f, path, err);
}

enum th_status th_hostile_dumpsys_endless(const char *path, size_t lines,
                                          struct th_err *err)
{
	FILE *f = fopen(path, "wx");
	size_t i;

	if (f) {
		fputs("DUMP OF SERVICE package:\nPackages:\n", f);
		for (i = 0; i < lines; i++)
			fputs("    a=b\n", f);
	}
	return write_fail(f, path, err);
}
