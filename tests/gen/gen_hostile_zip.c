/*
 * Hostile archives (tests/hostile/hostile.h): a zip written by hand, so
 * its headers can lie and a deflate bomb can be streamed, and a tar of
 * device nodes and hard links written with libarchive.
 */
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "gen.h"
#include "../hostile/hostile.h"

#define MIB ((size_t)1 << 20)

struct th_hostile_zip {
	FILE *f;
	char *path;
	struct th_buf cd; /* the central directory, appended at close */
	uint16_t count;
	int ok;
};

static void le(struct th_buf *b, uint64_t v, unsigned n, int *ok)
{
	unsigned char c[8];
	unsigned i;

	for (i = 0; i < n; i++)
		c[i] = (unsigned char)(v >> (8 * i));
	if (th_buf_add(b, c, n) != TH_OK)
		*ok = 0;
}

struct zmember {
	const char *name;
	uint16_t method;
	uint32_t crc;
	uint64_t csize, usize;
	uint64_t offset;
};

/* A local header (central = 0) or central directory entry. Sizes over
 * 4 GiB go in a zip64 extra field. */
static void header(struct th_buf *b, const struct zmember *m, int central,
                   int *ok)
{
	int z64 = m->usize >= 0xffffffffu || m->csize >= 0xffffffffu;
	size_t nlen = strlen(m->name);

	le(b, central ? 0x02014b50 : 0x04034b50, 4, ok);
	if (central)
		le(b, z64 ? 45 : 20, 2, ok);
	le(b, z64 ? 45 : 20, 2, ok);
	le(b, 0, 2, ok); /* flags */
	le(b, m->method, 2, ok);
	le(b, 0x5563, 4, ok); /* dos time and date, fixed */
	le(b, m->crc, 4, ok);
	le(b, z64 ? 0xffffffffu : m->csize, 4, ok);
	le(b, z64 ? 0xffffffffu : m->usize, 4, ok);
	le(b, nlen, 2, ok);
	le(b, z64 ? 20 : 0, 2, ok);
	if (central) {
		le(b, 0, 2, ok); /* comment */
		le(b, 0, 2, ok); /* disk */
		le(b, 0, 2, ok); /* internal attributes */
		le(b, 0100644u << 16, 4, ok);
		le(b, m->offset, 4, ok);
	}
	if (th_buf_add(b, m->name, nlen) != TH_OK)
		*ok = 0;
	if (z64) {
		le(b, 0x0001, 2, ok);
		le(b, 16, 2, ok);
		le(b, m->usize, 8, ok);
		le(b, m->csize, 8, ok);
	}
}

enum th_status th_hostile_zip_open(const char *path,
                                   struct th_hostile_zip **out,
                                   struct th_err *err)
{
	struct th_hostile_zip *z = calloc(1, sizeof(*z));

	*out = NULL;
	if (!z || !(z->path = strdup(path))) {
		free(z);
		return th_err_set(err, TH_ERR_NOMEM, "out of memory");
	}
	z->f = fopen(path, "wbx");
	if (!z->f) {
		free(z->path);
		free(z);
		return th_err_set(err, TH_ERR_IO, "cannot create '%s': %s",
		                  path, strerror(errno));
	}
	th_buf_init(&z->cd, 16 * MIB);
	z->ok = 1;
	*out = z;
	return TH_OK;
}

/* Writes the local header of m (at the current offset) and records its
 * central entry. */
static void member_begin(struct th_hostile_zip *z, struct zmember *m)
{
	struct th_buf h;

	m->offset = (uint64_t)ftell(z->f);
	th_buf_init(&h, 64 * 1024);
	header(&h, m, 0, &z->ok);
	if (fwrite(h.data, 1, h.len, z->f) != h.len)
		z->ok = 0;
	th_buf_free(&h);
	header(&z->cd, m, 1, &z->ok);
	z->count++;
}

static enum th_status zip_status(struct th_hostile_zip *z, struct th_err *err)
{
	if (z->ok && !ferror(z->f))
		return TH_OK;
	return th_err_set(err, TH_ERR_IO, "cannot write '%s'", z->path);
}

enum th_status th_hostile_zip_add(struct th_hostile_zip *z, const char *name,
                                  const void *data, size_t len,
                                  struct th_err *err)
{
	struct zmember m = {
	        .name = name, .method = 0, .csize = len, .usize = len};

	m.crc = (uint32_t)crc32(0, data, (uInt)len);
	member_begin(z, &m);
	if (len && fwrite(data, 1, len, z->f) != len)
		z->ok = 0;
	return zip_status(z, err);
}

/* One MiB of zeros deflated and fully flushed: the flush empties the
 * window, so the same bytes inflate again after themselves. */
static unsigned char *deflate_mib(size_t *len)
{
	unsigned char *zeros = calloc(1, MIB), *out = malloc(MIB);
	z_stream s = {0};

	*len = 0;
	if (zeros && out &&
	    deflateInit2(&s, 9, Z_DEFLATED, -15, 9, Z_DEFAULT_STRATEGY) ==
	            Z_OK) {
		s.next_in = zeros;
		s.avail_in = (uInt)MIB;
		s.next_out = out;
		s.avail_out = (uInt)MIB;
		if (deflate(&s, Z_FULL_FLUSH) == Z_OK)
			*len = MIB - s.avail_out;
		deflateEnd(&s);
	}
	free(zeros);
	if (!*len) {
		free(out);
		return NULL;
	}
	return out;
}

enum th_status th_hostile_zip_bomb(struct th_hostile_zip *z, const char *name,
                                   size_t mib, uint64_t claimed,
                                   struct th_err *err)
{
	/* An empty final stored block ends the deflate stream. */
	static const unsigned char end[5] = {0x01, 0x00, 0x00, 0xff, 0xff};
	struct zmember m = {.name = name, .method = 8, .usize = claimed};
	size_t clen = 0, i;
	unsigned char *chunk = deflate_mib(&clen);

	if (!chunk)
		return th_err_set(err, TH_ERR_NOMEM, "cannot deflate");
	m.csize = (uint64_t)clen * mib + sizeof(end);
	m.crc = 0x2144df1c; /* crc32 of 1 MiB of zeros; wrong for the rest */
	member_begin(z, &m);
	for (i = 0; z->ok && i < mib; i++)
		if (fwrite(chunk, 1, clen, z->f) != clen)
			z->ok = 0;
	if (fwrite(end, 1, sizeof(end), z->f) != sizeof(end))
		z->ok = 0;
	free(chunk);
	return zip_status(z, err);
}

enum th_status th_hostile_zip_close(struct th_hostile_zip *z,
                                    struct th_err *err)
{
	enum th_status st;
	struct th_buf e;
	uint64_t at;

	if (!z)
		return TH_OK;
	at = (uint64_t)ftell(z->f);
	th_buf_init(&e, 64);
	le(&e, 0x06054b50, 4, &z->ok);
	le(&e, 0, 4, &z->ok);
	le(&e, z->count, 2, &z->ok);
	le(&e, z->count, 2, &z->ok);
	le(&e, z->cd.len, 4, &z->ok);
	le(&e, at, 4, &z->ok);
	le(&e, 0, 2, &z->ok);
	if (fwrite(z->cd.data, 1, z->cd.len, z->f) != z->cd.len ||
	    fwrite(e.data, 1, e.len, z->f) != e.len)
		z->ok = 0;
	if (fclose(z->f) != 0)
		z->ok = 0;
	st = z->ok ? TH_OK
	           : th_err_set(err, TH_ERR_IO, "cannot write '%s'", z->path);
	th_buf_free(&e);
	th_buf_free(&z->cd);
	free(z->path);
	free(z);
	return st;
}

/* --- a tar of nodes and links --- */

struct tar_member {
	const char *name;
	unsigned type; /* AE_IF* */
	const char *text;
	const char *hardlink;
};

static const struct tar_member tar_members[] = {
        {"private/var/mobile/Library/Preferences/a.plist", AE_IFREG, "a", NULL},
        {"private/var/mobile/Media/note.txt", AE_IFREG, "hello", NULL},
        {"private/var/dev/tty0", AE_IFCHR, NULL, NULL},
        {"private/var/dev/fifo", AE_IFIFO, NULL, NULL},
        {"private/var/mobile/hard", AE_IFREG, NULL,
         "private/var/mobile/Media/note.txt"},
        {"private/var/mobile/passwd", AE_IFREG, NULL, "/etc/passwd"},
        {"private/var/mobile/passwd2", AE_IFREG, NULL, "../../etc/passwd"},
        {"../../escape.txt", AE_IFREG, "escaped", NULL},
        {"/tmp/th-hostile-absolute.txt", AE_IFREG, "absolute", NULL},
};

static int tar_add(struct archive *a, const struct tar_member *t)
{
	struct archive_entry *e = archive_entry_new();
	size_t len = t->text ? strlen(t->text) : 0;
	int r;

	if (!e)
		return -1;
	archive_entry_set_pathname(e, t->name);
	archive_entry_set_filetype(e, t->type);
	archive_entry_set_perm(e, 0644);
	archive_entry_set_mtime(e, TH_GEN_BACKUP_TIME, 0);
	archive_entry_set_size(e, (la_int64_t)len);
	if (t->type == AE_IFCHR)
		archive_entry_set_rdev(e, 0x0401);
	if (t->hardlink) {
		archive_entry_set_hardlink(e, t->hardlink);
		archive_entry_set_size(e, 0);
		len = 0;
	}
	r = archive_write_header(a, e);
	if (r == ARCHIVE_OK && len &&
	    archive_write_data(a, t->text, len) != (la_ssize_t)len)
		r = ARCHIVE_FATAL;
	archive_entry_free(e);
	return r == ARCHIVE_OK ? 0 : -1;
}

enum th_status th_hostile_tar_nodes(const char *path, struct th_err *err)
{
	struct archive *a = archive_write_new();
	size_t i;
	int bad = !a;

	if (!bad)
		bad = archive_write_set_format_pax_restricted(a) !=
		              ARCHIVE_OK ||
		      archive_write_open_filename(a, path) != ARCHIVE_OK;
	for (i = 0; !bad && i < sizeof(tar_members) / sizeof(tar_members[0]);
	     i++)
		bad = tar_add(a, &tar_members[i]) != 0;
	if (a && archive_write_close(a) != ARCHIVE_OK)
		bad = 1;
	archive_write_free(a);
	if (bad)
		return th_err_set(err, TH_ERR_IO, "cannot write '%s'", path);
	return TH_OK;
}
