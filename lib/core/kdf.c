/*
 * PBKDF2 with precomputed HMAC states. OpenSSL 3 deprecates the
 * low-level SHA256_Transform / SHA1_Transform API but still ships it, and
 * it is the only way to call the compression function (with SHA-NI when
 * the CPU has it) without the per-call overhead of EVP: PBKDF2 over ten
 * million iterations is nothing but compressions.
 */
#define OPENSSL_SUPPRESS_DEPRECATED 1

#include <string.h>

#include <openssl/crypto.h>
#include <openssl/sha.h>

#include "core/kdf.h"

#define BLOCK    64
#define DMAX     32
#define OUT_MAX  1024
#define SALT_MAX 4096

union hctx {
	SHA256_CTX s256;
	SHA_CTX s1;
};

struct hash {
	size_t dlen;
	int (*init)(union hctx *c);
	int (*update)(union hctx *c, const void *p, size_t n);
	int (*final)(uint8_t *md, union hctx *c);
	void (*block)(union hctx *c, const uint8_t *b);
	void (*state)(const union hctx *c, uint8_t *out);
};

static void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static int s256_init(union hctx *c)
{
	return SHA256_Init(&c->s256);
}
static int s256_update(union hctx *c, const void *p, size_t n)
{
	return SHA256_Update(&c->s256, p, n);
}
static int s256_final(uint8_t *md, union hctx *c)
{
	return SHA256_Final(md, &c->s256);
}
static void s256_block(union hctx *c, const uint8_t *b)
{
	SHA256_Transform(&c->s256, b);
}
static void s256_state(const union hctx *c, uint8_t *out)
{
	int i;

	for (i = 0; i < 8; i++)
		put_be32(out + 4 * i, c->s256.h[i]);
}

static int s1_init(union hctx *c)
{
	return SHA1_Init(&c->s1);
}
static int s1_update(union hctx *c, const void *p, size_t n)
{
	return SHA1_Update(&c->s1, p, n);
}
static int s1_final(uint8_t *md, union hctx *c)
{
	return SHA1_Final(md, &c->s1);
}
static void s1_block(union hctx *c, const uint8_t *b)
{
	SHA1_Transform(&c->s1, b);
}
static void s1_state(const union hctx *c, uint8_t *out)
{
	put_be32(out, c->s1.h0);
	put_be32(out + 4, c->s1.h1);
	put_be32(out + 8, c->s1.h2);
	put_be32(out + 12, c->s1.h3);
	put_be32(out + 16, c->s1.h4);
}

static const struct hash sha256 = {32,         s256_init,  s256_update,
                                   s256_final, s256_block, s256_state};
static const struct hash sha1 = {20,       s1_init,  s1_update,
                                 s1_final, s1_block, s1_state};

/* The HMAC key's states after its one padded block (RFC 2104). */
struct hmac {
	const struct hash *h;
	union hctx inner, outer;
};

static int hmac_init(struct hmac *m, const struct hash *h, const void *key,
                     size_t len)
{
	uint8_t k[BLOCK], pad[BLOCK];
	union hctx c;
	size_t i;
	int ok = 1;

	memset(k, 0, sizeof(k));
	m->h = h;
	if (len > BLOCK)
		ok = h->init(&c) && h->update(&c, key, len) && h->final(k, &c);
	else if (len > 0)
		memcpy(k, key, len);
	for (i = 0; i < BLOCK; i++)
		pad[i] = k[i] ^ 0x36;
	ok = ok && h->init(&m->inner) && h->update(&m->inner, pad, BLOCK);
	for (i = 0; i < BLOCK; i++)
		pad[i] = k[i] ^ 0x5c;
	ok = ok && h->init(&m->outer) && h->update(&m->outer, pad, BLOCK);
	OPENSSL_cleanse(k, sizeof(k));
	OPENSSL_cleanse(pad, sizeof(pad));
	OPENSSL_cleanse(&c, sizeof(c));
	return ok;
}

/* U1 = HMAC(P, salt || INT(block)), the one iteration with a message of
 * its own length. */
static int first_u(const struct hmac *m, const void *salt, size_t salt_len,
                   uint32_t block, uint8_t *u)
{
	const struct hash *h = m->h;
	uint8_t be[4], inner[DMAX];
	union hctx c = m->inner;
	int ok;

	put_be32(be, block);
	ok = h->update(&c, salt, salt_len) && h->update(&c, be, 4) &&
	     h->final(inner, &c);
	c = m->outer;
	ok = ok && h->update(&c, inner, h->dlen) && h->final(u, &c);
	OPENSSL_cleanse(inner, sizeof(inner));
	OPENSSL_cleanse(&c, sizeof(c));
	return ok;
}

/* The padding of a message of one key block plus one digest, fixed for
 * every later iteration: 0x80, zeros, the bit length. */
static void pad_block(uint8_t *b, size_t dlen)
{
	uint64_t bits = (uint64_t)(BLOCK + dlen) * 8;
	int i;

	memset(b + dlen, 0, BLOCK - dlen);
	b[dlen] = 0x80;
	for (i = 0; i < 8; i++)
		b[BLOCK - 1 - i] = (uint8_t)(bits >> (8 * i));
}

/* T = U1 ^ ... ^ Uiter, two compressions per iteration after the first. */
static void iterate(const struct hmac *m, uint32_t iter, uint8_t *t)
{
	const struct hash *h = m->h;
	uint8_t ib[BLOCK], ob[BLOCK];
	union hctx c;
	size_t j;
	uint32_t i;

	pad_block(ib, h->dlen);
	pad_block(ob, h->dlen);
	memcpy(ib, t, h->dlen);
	for (i = 1; i < iter; i++) {
		c = m->inner;
		h->block(&c, ib);
		h->state(&c, ob);
		c = m->outer;
		h->block(&c, ob);
		h->state(&c, ib);
		for (j = 0; j < h->dlen; j++)
			t[j] ^= ib[j];
	}
	OPENSSL_cleanse(ib, sizeof(ib));
	OPENSSL_cleanse(ob, sizeof(ob));
	OPENSSL_cleanse(&c, sizeof(c));
}

static enum th_status pbkdf2(const struct hash *h, const void *pw,
                             size_t pw_len, const void *salt, size_t salt_len,
                             uint32_t iter, uint8_t *out, size_t out_len)
{
	struct hmac m;
	uint8_t t[DMAX];
	uint32_t block;
	size_t done = 0, n;
	int ok;

	if (iter == 0 || out_len == 0 || out_len > OUT_MAX ||
	    salt_len > SALT_MAX || (!pw && pw_len) || (!salt && salt_len))
		return TH_ERR_USAGE;
	if (iter > TH_KDF_ITER_MAX)
		return TH_ERR_LIMIT;
	ok = hmac_init(&m, h, pw, pw_len);
	for (block = 1; ok && done < out_len; block++) {
		ok = first_u(&m, salt ? salt : "", salt_len, block, t);
		if (!ok)
			break;
		iterate(&m, iter, t);
		n = out_len - done < h->dlen ? out_len - done : h->dlen;
		memcpy(out + done, t, n);
		done += n;
	}
	OPENSSL_cleanse(t, sizeof(t));
	OPENSSL_cleanse(&m, sizeof(m));
	if (!ok)
		OPENSSL_cleanse(out, out_len);
	return ok ? TH_OK : TH_ERR_CRYPTO;
}

enum th_status th_pbkdf2_sha256(const void *pw, size_t pw_len, const void *salt,
                                size_t salt_len, uint32_t iter, uint8_t *out,
                                size_t out_len)
{
	return pbkdf2(&sha256, pw, pw_len, salt, salt_len, iter, out, out_len);
}

enum th_status th_pbkdf2_sha1(const void *pw, size_t pw_len, const void *salt,
                              size_t salt_len, uint32_t iter, uint8_t *out,
                              size_t out_len)
{
	return pbkdf2(&sha1, pw, pw_len, salt, salt_len, iter, out, out_len);
}

unsigned th_sha256_compress_n(uint64_t n)
{
	uint8_t b[BLOCK] = {0};
	SHA256_CTX c;
	uint64_t i;

	SHA256_Init(&c);
	/* Feeding the state back keeps each call dependent on the last, as
	 * the PBKDF2 chain is. */
	for (i = 0; i < n; i++) {
		SHA256_Transform(&c, b);
		b[0] = (uint8_t)c.h[0];
	}
	return c.h[0] & 0xff;
}
