/* .ab header parsing and key derivation (shared reference/android.md 3). */
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats/ab.h"

#define MAGIC    "ANDROID BACKUP"
#define KEY_LEN  32
#define BLOB_MAX TH_AB_HEX_MAX
/* Java encodes a byte b >= 0x80 of the master key, taken as a char, as
 * the 3-byte UTF-8 of 0xFF00 | b. */
#define JAVA_UTF8_MAX (3 * 256)

struct cursor {
	const unsigned char *p;
	size_t len, off;
};

/* The next '\n'-terminated line, without it. 0 when there is none. */
static int next_line(struct cursor *c, const char **line, size_t *n)
{
	size_t limit = c->len < TH_AB_HEADER_MAX ? c->len : TH_AB_HEADER_MAX;
	size_t rest = limit > c->off ? limit - c->off : 0;
	const unsigned char *nl;

	nl = rest ? memchr(c->p + c->off, '\n', rest) : NULL;
	if (!nl)
		return 0;
	*line = (const char *)c->p + c->off;
	*n = (size_t)(nl - (c->p + c->off));
	c->off += *n + 1;
	return 1;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decodes a hex line into out (cap bytes); -1 when bad or too long. */
static long unhex(const char *s, size_t n, unsigned char *out, size_t cap)
{
	size_t i;
	int hi, lo;

	if (n == 0 || n % 2 || n / 2 > cap)
		return -1;
	for (i = 0; i < n; i += 2) {
		hi = hexval(s[i]);
		lo = hexval(s[i + 1]);
		if (hi < 0 || lo < 0)
			return -1;
		out[i / 2] = (unsigned char)(hi << 4 | lo);
	}
	return (long)(n / 2);
}

static int line_is(const char *line, size_t n, const char *want)
{
	return n == strlen(want) && memcmp(line, want, n) == 0;
}

/* A small decimal line (no sign, at most 9 digits); -1 when not. */
static long small_number(const char *s, size_t n)
{
	long v = 0;
	size_t i;

	if (n == 0 || n > 9)
		return -1;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

static enum th_status bad(struct th_err *err, const char *name,
                          const char *what)
{
	return th_err_set(err, TH_ERR_FORMAT,
	                  "cannot read '%s': not an Android backup (%s)", name,
	                  what);
}

static enum th_status parse_crypto(struct cursor *c, const char *name,
                                   struct th_ab_header *h, struct th_err *err)
{
	const char *l;
	size_t n;
	long v;

	if (!next_line(c, &l, &n) ||
	    (v = unhex(l, n, h->user_salt, sizeof(h->user_salt))) < 0)
		return bad(err, name, "bad user salt");
	h->user_salt_len = (size_t)v;
	if (!next_line(c, &l, &n) ||
	    (v = unhex(l, n, h->ck_salt, sizeof(h->ck_salt))) < 0)
		return bad(err, name, "bad checksum salt");
	h->ck_salt_len = (size_t)v;
	if (!next_line(c, &l, &n) || (v = small_number(l, n)) < 1)
		return bad(err, name, "bad round count");
	if (v > TH_AB_ROUNDS_MAX)
		return th_err_set(err, TH_ERR_LIMIT,
		                  "cannot read '%s': %ld PBKDF2 rounds is more "
		                  "than the %d we accept",
		                  name, v, TH_AB_ROUNDS_MAX);
	h->rounds = (unsigned)v;
	if (!next_line(c, &l, &n) ||
	    unhex(l, n, h->user_iv, sizeof(h->user_iv)) != 16)
		return bad(err, name, "bad user IV");
	if (!next_line(c, &l, &n) ||
	    (v = unhex(l, n, h->blob, sizeof(h->blob))) < 0 || v % 16)
		return bad(err, name, "bad master key blob");
	h->blob_len = (size_t)v;
	return TH_OK;
}

enum th_status th_ab_header_parse(const unsigned char *data, size_t len,
                                  const char *name, struct th_ab_header *h,
                                  struct th_err *err)
{
	struct cursor c = {data, len, 0};
	const char *l;
	size_t n;
	long v;

	memset(h, 0, sizeof(*h));
	if (!next_line(&c, &l, &n) || !line_is(l, n, MAGIC))
		return bad(err, name, "no 'ANDROID BACKUP' magic");
	if (!next_line(&c, &l, &n) || (v = small_number(l, n)) < 1 || v > 5)
		return bad(err, name, "unknown version");
	h->version = (int)v;
	if (!next_line(&c, &l, &n) || (v = small_number(l, n)) < 0 || v > 1)
		return bad(err, name, "bad compression flag");
	h->compressed = (int)v;
	if (!next_line(&c, &l, &n))
		return bad(err, name, "truncated header");
	if (line_is(l, n, "AES-256")) {
		h->encrypted = 1;
		if (parse_crypto(&c, name, h, err) != TH_OK)
			return err->status;
	} else if (!line_is(l, n, "none")) {
		return th_err_set(err, TH_ERR_UNSUPPORTED,
		                  "cannot read '%s': unknown encryption '%.*s'",
		                  name, (int)(n > 32 ? 32 : n), l);
	}
	h->payload_off = c.off;
	return TH_OK;
}

/* AES-256-CBC decryption of in[0..len) with PKCS#7 padding removed.
 * 0 on success, -1 when the padding is bad (a wrong key), -2 when
 * OpenSSL could not set up (it only fails to allocate). */
static int cbc_decrypt(const unsigned char key[32], const unsigned char iv[16],
                       const unsigned char *in, size_t len, unsigned char *out,
                       size_t *out_len)
{
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	int n1 = 0, n2 = 0, ok;

	*out_len = 0;
	if (!ctx)
		return -2;
	if (EVP_DecryptInit_ex(ctx, EVP_aes_256_cbc(), NULL, key, iv) != 1) {
		EVP_CIPHER_CTX_free(ctx);
		return -2;
	}
	ok = EVP_DecryptUpdate(ctx, out, &n1, in, (int)len) == 1 &&
	     EVP_DecryptFinal_ex(ctx, out + n1, &n2) == 1;
	EVP_CIPHER_CTX_free(ctx);
	*out_len = (size_t)n1 + (size_t)n2;
	return ok ? 0 : -1;
}

/* The master key bytes as Java hands them to PBKDF2 (version > 1). */
static size_t java_utf8(const unsigned char *mk, size_t len, unsigned char *out)
{
	size_t i, n = 0;

	for (i = 0; i < len; i++) {
		if (mk[i] < 0x80) {
			out[n++] = mk[i];
			continue;
		}
		out[n++] = 0xEF;
		out[n++] = (unsigned char)(0xBC | ((mk[i] >> 6) & 0x3F));
		out[n++] = (unsigned char)(0x80 | (mk[i] & 0x3F));
	}
	return n;
}

/* Splits [len][iv][len][mk][len][checksum]; 0 when the lengths fit. */
static int split_blob(const unsigned char *p, size_t n, unsigned char iv[16],
                      unsigned char mk[32], const unsigned char **ck,
                      size_t *ck_len)
{
	if (n < 1 || p[0] != 16 || n < 1u + 16 + 1 || p[17] != 32 ||
	    n < 1u + 16 + 1 + 32 + 1)
		return -1;
	memcpy(iv, p + 1, 16);
	memcpy(mk, p + 18, 32);
	*ck_len = p[50];
	if (*ck_len == 0 || n < 51 + *ck_len)
		return -1;
	*ck = p + 51;
	return 0;
}

/* 1 when the checksum matches, 0 when not, -1 when PBKDF2 itself failed
 * (with valid arguments OpenSSL only fails to allocate). */
static int checksum_ok(const struct th_ab_header *h, const unsigned char *mk,
                       const unsigned char *ck, size_t ck_len)
{
	unsigned char enc[JAVA_UTF8_MAX], calc[KEY_LEN];
	size_t n = 32;
	int ok;

	if (ck_len != KEY_LEN)
		return 0;
	if (h->version > 1)
		n = java_utf8(mk, 32, enc);
	else
		memcpy(enc, mk, 32);
	ok = PKCS5_PBKDF2_HMAC((const char *)enc, (int)n, h->ck_salt,
	                       (int)h->ck_salt_len, (int)h->rounds, EVP_sha1(),
	                       KEY_LEN, calc) == 1
	             ? CRYPTO_memcmp(calc, ck, KEY_LEN) == 0
	             : -1;
	OPENSSL_cleanse(enc, sizeof(enc));
	OPENSSL_cleanse(calc, sizeof(calc));
	return ok;
}

enum th_status th_ab_master_key(const struct th_ab_header *h,
                                const char *password, const char *name,
                                unsigned char mk[32], unsigned char iv[16],
                                struct th_err *err)
{
	unsigned char ukey[KEY_LEN], plain[BLOB_MAX + 16];
	const unsigned char *ck = NULL;
	enum th_status st = TH_OK;
	size_t plen = 0, ck_len = 0;
	int ok;

	if (!password)
		return th_err_set(
		        err, TH_ERR_PASSWORD,
		        "'%s' is encrypted: a backup password is needed", name);
	if (PKCS5_PBKDF2_HMAC(password, (int)strlen(password), h->user_salt,
	                      (int)h->user_salt_len, (int)h->rounds, EVP_sha1(),
	                      KEY_LEN, ukey) != 1)
		return th_err_set(
		        err, TH_ERR_NOMEM,
		        "cannot derive the key of '%s': out of memory", name);
	ok = cbc_decrypt(ukey, h->user_iv, h->blob, h->blob_len, plain, &plen);
	if (ok == 0 && split_blob(plain, plen, iv, mk, &ck, &ck_len) == 0) {
		int c = checksum_ok(h, mk, ck, ck_len);

		ok = c == 1 ? 0 : c == 0 ? -1 : -2;
	} else if (ok == 0) {
		ok = -1;
	}
	if (ok == -1)
		st = th_err_set(err, TH_ERR_PASSWORD,
		                "wrong backup password for '%s'", name);
	else if (ok < 0)
		st = th_err_set(err, TH_ERR_NOMEM,
		                "cannot check the key of '%s': out of memory",
		                name);
	OPENSSL_cleanse(ukey, sizeof(ukey));
	OPENSSL_cleanse(plain, sizeof(plain));
	if (st != TH_OK) {
		OPENSSL_cleanse(mk, 32);
		OPENSSL_cleanse(iv, 16);
	}
	return st;
}

int th_ab_is_backup(const char *path)
{
	return th_ab_probe(path) > 0;
}

int th_ab_probe(const char *path)
{
	char b[sizeof(MAGIC)];
	FILE *f = fopen(path, "rb");
	int ok = 0;

	if (!f)
		return errno == ENOMEM ? -1 : 0;
	if (fread(b, 1, sizeof(b), f) == sizeof(b))
		ok = memcmp(b, MAGIC "\n", sizeof(b)) == 0;
	fclose(f);
	return ok;
}
