/* Writes Android backups (.ab) and zips for the generator: a tar built
 * in memory, zlib-compressed, AES-256-CBC encrypted the way Android
 * does it (shared reference/android.md 3). */
#include <archive.h>
#include <archive_entry.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "core/buf.h"
#include "gen_android.h"
#include "gen_android_int.h"

static la_ssize_t to_buf(struct archive *a, void *ctx, const void *data,
                         size_t len)
{
	return th_buf_add(ctx, data, len) == TH_OK ? (la_ssize_t)len : -1;
}

enum th_status th_gen_archive(struct th_buf *out, int zip,
                              const struct th_gen_member *m, size_t n)
{
	struct archive *a = archive_write_new();
	struct archive_entry *e = archive_entry_new();
	int ok = a && e;
	size_t i;

	if (ok)
		ok = (zip ? archive_write_set_format_zip(a)
		          : archive_write_set_format_pax_restricted(a)) ==
		             ARCHIVE_OK &&
		     archive_write_open(a, out, NULL, to_buf, NULL) ==
		             ARCHIVE_OK;
	for (i = 0; ok && i < n; i++) {
		archive_entry_clear(e);
		archive_entry_set_pathname(e, m[i].name);
		archive_entry_set_filetype(e, AE_IFREG);
		archive_entry_set_perm(e, 0644);
		archive_entry_set_size(e, (la_int64_t)m[i].len);
		archive_entry_set_mtime(e, (time_t)m[i].mtime, 0);
		ok = archive_write_header(a, e) == ARCHIVE_OK &&
		     archive_write_data(a, m[i].data, m[i].len) ==
		             (la_ssize_t)m[i].len;
	}
	if (a && archive_write_close(a) != ARCHIVE_OK)
		ok = 0;
	archive_entry_free(e);
	archive_write_free(a);
	return ok ? TH_OK : TH_ERR_IO;
}

enum th_status th_gen_deflate(const char *in, size_t len, struct th_buf *out)
{
	uLongf cap = compressBound((uLong)len);
	unsigned char *z = malloc(cap);
	enum th_status st;

	if (!z)
		return TH_ERR_NOMEM;
	if (compress2(z, &cap, (const unsigned char *)in, (uLong)len, 6) !=
	    Z_OK)
		st = TH_ERR_IO;
	else
		st = th_buf_add(out, z, cap);
	free(z);
	return st;
}

static enum th_status cbc(const unsigned char *key, const unsigned char *iv,
                          const void *in, size_t len, struct th_buf *out)
{
	EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
	unsigned char *o = malloc(len + 32);
	int n1 = 0, n2 = 0, ok;

	ok = c && o &&
	     EVP_EncryptInit_ex(c, EVP_aes_256_cbc(), NULL, key, iv) == 1 &&
	     EVP_EncryptUpdate(c, o, &n1, in, (int)len) == 1 &&
	     EVP_EncryptFinal_ex(c, o + n1, &n2) == 1 &&
	     th_buf_add(out, o, (size_t)(n1 + n2)) == TH_OK;
	EVP_CIPHER_CTX_free(c);
	free(o);
	return ok ? TH_OK : TH_ERR_CRYPTO;
}

/* Deterministic "random" bytes: tests need reproducible evidence. */
static void fill(unsigned char *p, size_t n, unsigned seed)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = (unsigned char)((seed * 131u + i * 29u + (i >> 3)) ^
		                       0xA5u);
}

static void hex(struct th_buf *b, const unsigned char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		th_buf_printf(b, "%02X", p[i]);
	th_buf_addc(b, '\n');
}

/* The master key blob and the header lines of an encrypted backup. */
static enum th_status crypto_header(struct th_buf *out, const char *pw,
                                    int version, const unsigned char mk[32],
                                    const unsigned char mkiv[16])
{
	unsigned char usalt[64], csalt[64], uiv[16], ukey[32], ck[32];
	unsigned char enc[96], blob[1 + 16 + 1 + 32 + 1 + 32];
	struct th_buf eb;
	size_t i, n = 0;
	enum th_status st;

	fill(usalt, 64, 1);
	fill(csalt, 64, 2);
	fill(uiv, 16, 3);
	/* Java's char-array UTF-8 of the key; version 1 used the bytes. */
	for (i = 0; i < 32; i++) {
		if (mk[i] < 0x80 || version == 1) {
			enc[n++] = mk[i];
			continue;
		}
		enc[n++] = 0xEF;
		enc[n++] = (unsigned char)(0xBC | ((mk[i] >> 6) & 0x3F));
		enc[n++] = (unsigned char)(0x80 | (mk[i] & 0x3F));
	}
	PKCS5_PBKDF2_HMAC(pw, (int)strlen(pw), usalt, 64, TH_GEN_AB_ROUNDS,
	                  EVP_sha1(), 32, ukey);
	PKCS5_PBKDF2_HMAC((const char *)enc, (int)n, csalt, 64,
	                  TH_GEN_AB_ROUNDS, EVP_sha1(), 32, ck);
	blob[0] = 16;
	memcpy(blob + 1, mkiv, 16);
	blob[17] = 32;
	memcpy(blob + 18, mk, 32);
	blob[50] = 32;
	memcpy(blob + 51, ck, 32);
	th_buf_init(&eb, 4096);
	st = cbc(ukey, uiv, blob, sizeof(blob), &eb);
	hex(out, usalt, 64);
	hex(out, csalt, 64);
	th_buf_printf(out, "%d\n", TH_GEN_AB_ROUNDS);
	hex(out, uiv, 16);
	hex(out, (const unsigned char *)eb.data, eb.len);
	th_buf_free(&eb);
	return st;
}

enum th_status th_gen_ab_write(const char *path, const char *password,
                               int version, int compressed,
                               const struct th_gen_member *m, size_t n)
{
	unsigned char mk[32], mkiv[16];
	struct th_buf tar, z, out;
	enum th_status st;
	FILE *f;

	th_buf_init(&tar, (size_t)1 << 30);
	th_buf_init(&z, (size_t)1 << 30);
	th_buf_init(&out, (size_t)1 << 30);
	fill(mk, 32, 4); /* bytes >= 0x80 exercise the Java encoding */
	fill(mkiv, 16, 5);
	st = th_gen_archive(&tar, 0, m, n);
	if (st == TH_OK && compressed)
		st = th_gen_deflate(tar.data, tar.len, &z);
	else if (st == TH_OK)
		st = th_buf_add(&z, tar.data, tar.len);
	th_buf_printf(&out, "ANDROID BACKUP\n%d\n%d\n%s\n", version,
	              compressed ? 1 : 0, password ? "AES-256" : "none");
	if (st == TH_OK && password) {
		st = crypto_header(&out, password, version, mk, mkiv);
		if (st == TH_OK)
			st = cbc(mk, mkiv, z.data, z.len, &out);
	} else if (st == TH_OK) {
		st = th_buf_add(&out, z.data, z.len);
	}
	if (st == TH_OK) {
		f = fopen(path, "wb");
		if (!f || fwrite(out.data, 1, out.len, f) != out.len)
			st = TH_ERR_IO;
		if (f && fclose(f) != 0)
			st = TH_ERR_IO;
	}
	th_buf_free(&tar);
	th_buf_free(&z);
	th_buf_free(&out);
	return st;
}

enum th_status th_gen_write_file(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");
	int ok = f && fwrite(data, 1, len, f) == len;

	if (f && fclose(f) != 0)
		ok = 0;
	return ok ? TH_OK : TH_ERR_IO;
}
