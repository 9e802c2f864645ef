/* The .ab payload as a stream: file -> AES-256-CBC -> zlib -> tar, each
 * stage pulled through a fixed buffer, so a backup of any size is read
 * in constant memory and nothing is written to disk. */
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "core/timeconv.h"
#include "formats/ab.h"
#include "formats/archive.h"

#define CHUNK 65536

struct th_ab_reader {
	FILE *f;
	char *name;
	struct th_ab_header h;
	EVP_CIPHER_CTX *cipher; /* NULL: not encrypted */
	z_stream z;
	int z_ready, z_end, file_end;
	unsigned char raw[CHUNK];
	unsigned char plain[CHUNK + 32];
	size_t plain_len, plain_pos;
	char error[256];
	int nomem; /* the error is a failed allocation */
};

struct th_ab_walk {
	struct archive *ar;
};

const struct th_ab_header *th_ab_reader_header(const struct th_ab_reader *r)
{
	return &r->h;
}

const char *th_ab_reader_error(const struct th_ab_reader *r)
{
	return r->error;
}

static ssize_t fail(struct th_ab_reader *r, const char *what)
{
	snprintf(r->error, sizeof(r->error), "cannot read '%s': %s", r->name,
	         what);
	return -1;
}

/* Refills plain[] from the file, decrypting when needed. 0 at the end. */
static ssize_t fill_plain(struct th_ab_reader *r)
{
	size_t n;
	int out = 0;

	r->plain_pos = r->plain_len = 0;
	while (r->plain_len == 0 && !r->file_end) {
		n = fread(r->raw, 1, sizeof(r->raw), r->f);
		if (n == 0 && ferror(r->f)) {
			r->nomem = errno == ENOMEM;
			return fail(r, strerror(errno));
		}
		if (n == 0) {
			r->file_end = 1;
			if (r->cipher &&
			    EVP_DecryptFinal_ex(r->cipher, r->plain, &out) != 1)
				return fail(r, "damaged encrypted payload");
			r->plain_len = (size_t)out;
			break;
		}
		if (!r->cipher) {
			memcpy(r->plain, r->raw, n);
			r->plain_len = n;
		} else if (EVP_DecryptUpdate(r->cipher, r->plain, &out, r->raw,
		                             (int)n) != 1) {
			return fail(r, "cannot decrypt the payload");
		} else {
			r->plain_len = (size_t)out;
		}
	}
	return (ssize_t)r->plain_len;
}

static ssize_t read_plain(struct th_ab_reader *r, void *buf, size_t cap)
{
	size_t n;
	ssize_t got;

	if (r->plain_pos == r->plain_len && (got = fill_plain(r)) <= 0)
		return got;
	n = r->plain_len - r->plain_pos;
	if (n > cap)
		n = cap;
	memcpy(buf, r->plain + r->plain_pos, n);
	r->plain_pos += n;
	return (ssize_t)n;
}

static ssize_t read_inflated(struct th_ab_reader *r, void *buf, size_t cap)
{
	ssize_t got;
	int zr;

	if (r->z_end)
		return 0;
	r->z.next_out = buf;
	r->z.avail_out = (uInt)(cap > CHUNK ? CHUNK : cap);
	while (r->z.avail_out > 0) {
		if (r->plain_pos == r->plain_len) {
			if ((got = fill_plain(r)) < 0)
				return -1;
			if (got == 0)
				break;
		}
		r->z.next_in = r->plain + r->plain_pos;
		r->z.avail_in = (uInt)(r->plain_len - r->plain_pos);
		zr = inflate(&r->z, Z_NO_FLUSH);
		r->plain_pos = r->plain_len - r->z.avail_in;
		if (zr == Z_STREAM_END) {
			r->z_end = 1;
			break;
		}
		if (zr == Z_MEM_ERROR) {
			r->nomem = 1;
			return fail(r, "out of memory");
		}
		if (zr != Z_OK && zr != Z_BUF_ERROR)
			return fail(r, "damaged compressed payload");
		if (zr == Z_BUF_ERROR && r->z.avail_in > 0)
			return fail(r, "damaged compressed payload");
	}
	return (ssize_t)((unsigned char *)r->z.next_out - (unsigned char *)buf);
}

ssize_t th_ab_reader_read(struct th_ab_reader *r, void *buf, size_t cap)
{
	if (r->error[0])
		return -1;
	return r->h.compressed ? read_inflated(r, buf, cap)
	                       : read_plain(r, buf, cap);
}

static enum th_status setup_cipher(struct th_ab_reader *r, const char *password,
                                   struct th_err *err)
{
	unsigned char mk[32], iv[16];
	enum th_status st;

	st = th_ab_master_key(&r->h, password, r->name, mk, iv, err);
	if (st != TH_OK)
		return st;
	r->cipher = EVP_CIPHER_CTX_new();
	/* With a valid key and IV, OpenSSL only fails to allocate. */
	if (!r->cipher ||
	    EVP_DecryptInit_ex(r->cipher, EVP_aes_256_cbc(), NULL, mk, iv) != 1)
		st = th_err_set(err, TH_ERR_NOMEM,
		                "cannot set up AES-256: out of memory");
	OPENSSL_cleanse(mk, sizeof(mk));
	OPENSSL_cleanse(iv, sizeof(iv));
	return st;
}

static enum th_status read_header(struct th_ab_reader *r, struct th_err *err)
{
	unsigned char head[TH_AB_HEADER_MAX];
	size_t n = fread(head, 1, sizeof(head), r->f);
	enum th_status st;

	st = th_ab_header_parse(head, n, r->name, &r->h, err);
	if (st != TH_OK)
		return st;
	if (fseek(r->f, (long)r->h.payload_off, SEEK_SET) != 0)
		return th_err_errno(err, errno, "cannot read '%s'", r->name);
	return TH_OK;
}

enum th_status th_ab_reader_open(const char *path, const char *password,
                                 struct th_ab_reader **out, struct th_err *err)
{
	struct th_ab_reader *r = calloc(1, sizeof(*r));
	enum th_status st;

	*out = NULL;
	if (!r || !(r->name = strdup(path))) {
		free(r);
		return th_err_set(err, TH_ERR_NOMEM, "out of memory");
	}
	r->f = fopen(path, "rb");
	if (!r->f) {
		st = th_err_errno(err, errno, "cannot open '%s'", path);
		goto out;
	}
	st = read_header(r, err);
	if (st == TH_OK && r->h.encrypted)
		st = setup_cipher(r, password, err);
	if (st == TH_OK && r->h.compressed) {
		if (inflateInit(&r->z) != Z_OK)
			st = th_err_set(err, TH_ERR_NOMEM, "out of memory");
		else
			r->z_ready = 1;
	}
out:
	if (st != TH_OK) {
		th_ab_reader_free(r);
		return st;
	}
	*out = r;
	return TH_OK;
}

void th_ab_reader_free(struct th_ab_reader *r)
{
	if (!r)
		return;
	if (r->f)
		fclose(r->f);
	if (r->cipher)
		EVP_CIPHER_CTX_free(r->cipher);
	if (r->z_ready)
		inflateEnd(&r->z);
	OPENSSL_cleanse(r->plain, sizeof(r->plain));
	free(r->name);
	free(r);
}

/* --- the tar stream, through libarchive --- */

struct tar_src {
	struct th_ab_reader *r;
	unsigned char buf[CHUNK];
};

static la_ssize_t tar_read(struct archive *ar, void *ctx, const void **buf)
{
	struct tar_src *s = ctx;
	ssize_t n = th_ab_reader_read(s->r, s->buf, sizeof(s->buf));

	if (n < 0) {
		archive_set_error(ar, s->r->nomem ? ENOMEM : EIO, "%s",
		                  th_ab_reader_error(s->r));
		return -1;
	}
	*buf = s->buf;
	return (la_ssize_t)n;
}

ssize_t th_ab_member_read(struct th_ab_walk *w, void *buf, size_t cap)
{
	errno = 0;
	return (ssize_t)archive_read_data(w->ar, buf, cap);
}

enum th_status th_ab_member_failed(struct th_ab_walk *w)
{
	return th_archive_failed(w->ar, TH_ERR_FORMAT);
}

static enum th_status walk_tar(struct th_ab_walk *w, const char *path,
                               int (*fn)(void *, struct th_ab_walk *,
                                         const struct th_ab_member *),
                               void *ctx, struct th_err *err)
{
	struct archive_entry *e;
	struct th_ab_member m;
	int r;

	errno = 0;
	while ((r = archive_read_next_header(w->ar, &e)) == ARCHIVE_OK) {
		if (archive_entry_filetype(e) != AE_IFREG)
			continue;
		m.name = archive_entry_pathname(e);
		if (!m.name)
			continue;
		m.size = archive_entry_size(e);
		m.mtime = archive_entry_mtime_is_set(e)
		                  ? th_time_from_unix(
		                            (double)archive_entry_mtime(e))
		                  : TH_TIME_NONE;
		if (fn(ctx, w, &m))
			return TH_OK;
		errno = 0;
	}
	if (r == ARCHIVE_EOF)
		return TH_OK;
	return th_err_set(err, th_archive_failed(w->ar, TH_ERR_FORMAT),
	                  "cannot read the tar stream of "
	                  "'%s': %s",
	                  path,
	                  archive_error_string(w->ar)
	                          ? archive_error_string(w->ar)
	                          : "damaged");
}

enum th_status th_ab_each(const char *path, const char *password,
                          int (*fn)(void *ctx, struct th_ab_walk *w,
                                    const struct th_ab_member *m),
                          void *ctx, struct th_err *err)
{
	struct tar_src *src = calloc(1, sizeof(*src));
	struct th_ab_walk w = {0};
	enum th_status st;

	if (!src)
		return th_err_set(err, TH_ERR_NOMEM, "out of memory");
	st = th_ab_reader_open(path, password, &src->r, err);
	if (st != TH_OK)
		goto out;
	w.ar = archive_read_new();
	if (!w.ar) {
		st = th_err_set(err, TH_ERR_NOMEM, "out of memory");
		goto out;
	}
	archive_read_support_format_tar(w.ar);
	errno = 0;
	if (archive_read_open(w.ar, src, NULL, tar_read, NULL) != ARCHIVE_OK)
		st = th_err_set(err, th_archive_failed(w.ar, TH_ERR_FORMAT),
		                "cannot read the tar stream of '%s': %s", path,
		                archive_error_string(w.ar)
		                        ? archive_error_string(w.ar)
		                        : "not a tar stream");
	else
		st = walk_tar(&w, path, fn, ctx, err);
out:
	if (w.ar)
		archive_read_free(w.ar);
	th_ab_reader_free(src->r);
	free(src);
	return st;
}
