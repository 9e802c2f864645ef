/*
 * The keys of the encrypted twin (gen_encrypt.c): the backup key derived
 * from the password with OpenSSL's own PKCS5_PBKDF2_HMAC (so tests check
 * our fast PBKDF2 against it), class keys wrapped under it, and the
 * BackupKeyBag TLV stream that carries them.
 */
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "gen_enc_int.h"
#include "core/aes.h"

#define NCLASSES TH_GEN_NCLASSES
#define KEY_LEN  TH_GEN_KEY_LEN
#define WRAPPED  40

void th_gen_enc_random(struct th_gen_enc *e, uint8_t *p, size_t n)
{
	uint64_t r = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		if (i % 8 == 0)
			r = th_gen_rand(&e->rng);
		p[i] = (uint8_t)(r >> (8 * (i % 8)));
	}
}

static void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static enum th_status tlv(struct th_buf *b, const char *tag, const void *v,
                          size_t len)
{
	uint8_t h[8];

	memcpy(h, tag, 4);
	put_be32(h + 4, (uint32_t)len);
	if (th_buf_add(b, h, 8) != TH_OK)
		return TH_ERR_NOMEM;
	return th_buf_add(b, v, len);
}

static enum th_status tlv32(struct th_buf *b, const char *tag, uint32_t v)
{
	uint8_t be[4];

	put_be32(be, v);
	return tlv(b, tag, be, 4);
}

/* The derivation of reference/ios.md 1 step 2, with OpenSSL's PBKDF2. */
static enum th_status derive(struct th_gen_enc *e, const uint8_t *salt,
                             const uint8_t *dpsl, struct th_err *err)
{
	const char *pw = e->opt->password;
	uint8_t k1[KEY_LEN];
	const uint8_t *p = (const uint8_t *)pw;
	int plen = (int)strlen(pw), ok = 1;

	if (e->opt->dpic) {
		ok = PKCS5_PBKDF2_HMAC(pw, plen, dpsl, 20, (int)e->opt->dpic,
		                       EVP_sha256(), KEY_LEN, k1);
		p = k1;
		plen = KEY_LEN;
	}
	ok = ok &&
	     PKCS5_PBKDF2_HMAC((const char *)p, plen, salt, 20,
	                       (int)e->opt->iter, EVP_sha1(), KEY_LEN, e->key);
	OPENSSL_cleanse(k1, sizeof(k1));
	return ok ? TH_OK
	          : th_err_set(err, TH_ERR_CRYPTO, "cannot derive the key");
}

static enum th_status class_tlvs(struct th_gen_enc *e, struct th_buf *b)
{
	uint8_t uuid[16], w[WRAPPED];
	enum th_status st = TH_OK;
	uint32_t c;

	for (c = 1; c <= NCLASSES && st == TH_OK; c++) {
		th_gen_enc_random(e, e->class_keys[c], KEY_LEN);
		th_gen_enc_random(e, uuid, sizeof(uuid));
		st = th_aes_wrap(e->key, e->class_keys[c], KEY_LEN, w);
		if (st == TH_OK && c == e->opt->bad_class)
			w[5] ^= 0x40;
		if (st == TH_OK)
			st = tlv(b, "UUID", uuid, sizeof(uuid));
		if (st == TH_OK)
			st = tlv32(b, "CLAS", c);
		if (st == TH_OK)
			st = tlv32(b, "WRAP", 2);
		if (st == TH_OK)
			st = tlv32(b, "KTYP", 0);
		if (st == TH_OK)
			st = tlv(b, "WPKY", w, sizeof(w));
	}
	/* A device-wrapped class, as real keybags have: never unwrapped. */
	if (st == TH_OK)
		st = tlv(b, "UUID", uuid, sizeof(uuid));
	if (st == TH_OK)
		st = tlv32(b, "CLAS", 12);
	if (st == TH_OK)
		st = tlv32(b, "WRAP", 1);
	if (st == TH_OK)
		st = tlv(b, "WPKY", w, sizeof(w));
	return st;
}

enum th_status th_gen_enc_keybag(struct th_gen_enc *e, struct th_buf *b,
                                 struct th_err *err)
{
	uint8_t uuid[16], hmck[40], salt[20], dpsl[20];
	enum th_status st;

	th_gen_enc_random(e, uuid, sizeof(uuid));
	th_gen_enc_random(e, hmck, sizeof(hmck));
	th_gen_enc_random(e, salt, sizeof(salt));
	th_gen_enc_random(e, dpsl, sizeof(dpsl));
	st = derive(e, salt, dpsl, err);
	if (st != TH_OK)
		return st;
	st = tlv32(b, "VERS", 4);
	if (st == TH_OK)
		st = tlv32(b, "TYPE", 1);
	if (st == TH_OK)
		st = tlv(b, "UUID", uuid, sizeof(uuid));
	if (st == TH_OK)
		st = tlv(b, "HMCK", hmck, sizeof(hmck));
	if (st == TH_OK)
		st = tlv32(b, "WRAP", 0);
	if (st == TH_OK)
		st = tlv(b, "SALT", salt, sizeof(salt));
	if (st == TH_OK)
		st = tlv32(b, "ITER", e->opt->iter);
	if (st == TH_OK && e->opt->dpic) {
		st = tlv32(b, "DPWT", 1);
		if (st == TH_OK)
			st = tlv32(b, "DPIC", e->opt->dpic);
		if (st == TH_OK)
			st = tlv(b, "DPSL", dpsl, sizeof(dpsl));
	}
	if (st == TH_OK)
		st = class_tlvs(e, b);
	return st == TH_OK ? TH_OK
	                   : th_err_set(err, st, "cannot build the keybag");
}

enum th_status th_gen_enc_wrap(struct th_gen_enc *e, uint32_t clas,
                               const uint8_t *key, uint8_t out[44])
{
	out[0] = (uint8_t)clas;
	out[1] = (uint8_t)(clas >> 8);
	out[2] = (uint8_t)(clas >> 16);
	out[3] = (uint8_t)(clas >> 24);
	if (clas < 1 || clas > NCLASSES)
		return TH_ERR_INTERNAL;
	return th_aes_wrap(e->class_keys[clas], key, KEY_LEN, out + 4);
}
