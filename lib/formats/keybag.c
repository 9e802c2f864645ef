/* The backup keybag: bounded TLV parsing, key derivation, unwrapping. */
#include <string.h>

#include <openssl/crypto.h>

#include "core/aes.h"
#include "core/kdf.h"
#include "formats/keybag.h"

struct tlv {
	char tag[5]; /* printable copy, for messages */
	const uint8_t *v;
	uint32_t len;
};

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

/* The next TLV at *pos, or 0 at the end; -1 when it overruns. */
static int next_tlv(const uint8_t *d, size_t len, size_t *pos, struct tlv *t)
{
	size_t i;

	if (*pos == len)
		return 0;
	if (len - *pos < 8)
		return -1;
	for (i = 0; i < 4; i++)
		t->tag[i] = d[*pos + i] >= 0x20 && d[*pos + i] < 0x7f
		                    ? (char)d[*pos + i]
		                    : '?';
	t->tag[4] = '\0';
	t->len = be32(d + *pos + 4);
	if (t->len > len - *pos - 8)
		return -1;
	t->v = d + *pos + 8;
	*pos += 8 + (size_t)t->len;
	return 1;
}

static int is(const struct tlv *t, const char *tag)
{
	return memcmp(t->tag, tag, 4) == 0;
}

static enum th_status get_u32(const struct tlv *t, uint32_t *out,
                              struct th_err *err)
{
	if (t->len != 4)
		return th_err_set(err, TH_ERR_FORMAT,
		                  "bad keybag: %s is %u bytes, not 4", t->tag,
		                  (unsigned)t->len);
	*out = be32(t->v);
	return TH_OK;
}

static enum th_status get_bytes(const struct tlv *t, uint8_t *out, size_t max,
                                size_t *out_len, struct th_err *err)
{
	if (t->len == 0 || t->len > max)
		return th_err_set(
		        err, TH_ERR_FORMAT,
		        "bad keybag: %s is %u bytes (1 to %zu allowed)", t->tag,
		        (unsigned)t->len, max);
	memcpy(out, t->v, t->len);
	*out_len = t->len;
	return TH_OK;
}

/* A header field; unknown tags (HMCK, DPWT, ...) are ignored. */
static enum th_status header_tlv(struct th_keybag *kb, const struct tlv *t,
                                 int *seen_wrap, struct th_err *err)
{
	if (is(t, "VERS"))
		return get_u32(t, &kb->vers, err);
	if (is(t, "TYPE"))
		return get_u32(t, &kb->type, err);
	if (is(t, "ITER"))
		return get_u32(t, &kb->iter, err);
	if (is(t, "DPIC"))
		return get_u32(t, &kb->dpic, err);
	if (is(t, "SALT"))
		return get_bytes(t, kb->salt, sizeof(kb->salt), &kb->salt_len,
		                 err);
	if (is(t, "DPSL"))
		return get_bytes(t, kb->dpsl, sizeof(kb->dpsl), &kb->dpsl_len,
		                 err);
	if (is(t, "WRAP") && !*seen_wrap) {
		*seen_wrap = 1;
		return get_u32(t, &kb->wrap, err);
	}
	return TH_OK;
}

static enum th_status class_tlv(struct th_keybag_class *c, const struct tlv *t,
                                struct th_err *err)
{
	if (is(t, "CLAS"))
		return get_u32(t, &c->clas, err);
	if (is(t, "WRAP"))
		return get_u32(t, &c->wrap, err);
	if (is(t, "KTYP"))
		return get_u32(t, &c->ktyp, err);
	if (is(t, "WPKY"))
		return get_bytes(t, c->wpky, sizeof(c->wpky), &c->wpky_len,
		                 err);
	return TH_OK;
}

/* Keeps the class being read when it has what unwrapping needs. */
static enum th_status close_class(struct th_keybag *kb, int *open,
                                  struct th_err *err)
{
	struct th_keybag_class *c = &kb->classes[kb->nclasses];

	if (!*open)
		return TH_OK;
	*open = 0;
	if (c->clas == 0 || c->wpky_len == 0) {
		memset(c, 0, sizeof(*c));
		return TH_OK;
	}
	if (++kb->nclasses == TH_KEYBAG_MAX_CLASSES)
		return th_err_set(err, TH_ERR_LIMIT,
		                  "bad keybag: more than %d class keys",
		                  TH_KEYBAG_MAX_CLASSES - 1);
	return TH_OK;
}

static enum th_status check_header(const struct th_keybag *kb,
                                   struct th_err *err)
{
	if (kb->salt_len == 0 || kb->iter == 0)
		return th_err_set(err, TH_ERR_FORMAT, "%s",
		                  "bad keybag: no SALT or ITER");
	if (kb->dpic != 0 && kb->dpsl_len == 0)
		return th_err_set(err, TH_ERR_FORMAT, "%s",
		                  "bad keybag: DPIC without DPSL");
	if (kb->iter > TH_KDF_ITER_MAX || kb->dpic > TH_KDF_ITER_MAX)
		return th_err_set(err, TH_ERR_LIMIT,
		                  "bad keybag: more than %u iterations",
		                  TH_KDF_ITER_MAX);
	if (kb->nclasses == 0)
		return th_err_set(err, TH_ERR_FORMAT, "%s",
		                  "bad keybag: no class key");
	return TH_OK;
}

enum th_status th_keybag_parse(const void *data, size_t len,
                               struct th_keybag *kb, struct th_err *err)
{
	const uint8_t *d = data;
	enum th_status st = TH_OK;
	int r = 0, uuids = 0, open = 0, seen_wrap = 0;
	size_t pos = 0;
	struct tlv t;

	memset(kb, 0, sizeof(*kb));
	if (len > TH_KEYBAG_MAX_BYTES)
		return th_err_set(err, TH_ERR_LIMIT,
		                  "bad keybag: %zu bytes (at most %d)", len,
		                  TH_KEYBAG_MAX_BYTES);
	while (st == TH_OK && (r = next_tlv(d, len, &pos, &t)) == 1) {
		if (is(&t, "UUID") && uuids++ > 0) {
			st = close_class(kb, &open, err);
			open = st == TH_OK;
		} else if (open) {
			st = class_tlv(&kb->classes[kb->nclasses], &t, err);
		} else {
			st = header_tlv(kb, &t, &seen_wrap, err);
		}
	}
	if (st == TH_OK && r < 0)
		st = th_err_set(err, TH_ERR_FORMAT,
		                "bad keybag: truncated at byte %zu", pos);
	if (st == TH_OK)
		st = close_class(kb, &open, err);
	if (st == TH_OK)
		st = check_header(kb, err);
	if (st != TH_OK)
		th_keybag_wipe(kb);
	return st;
}

enum th_status th_keybag_derive(const struct th_keybag *kb, const char *pw,
                                size_t pw_len, uint8_t key[TH_KEYBAG_KEY_LEN],
                                struct th_err *err)
{
	uint8_t k1[TH_KEYBAG_KEY_LEN];
	enum th_status st = TH_OK;
	const void *p = pw;
	size_t plen = pw_len;

	if (kb->dpic) {
		st = th_pbkdf2_sha256(pw, pw_len, kb->dpsl, kb->dpsl_len,
		                      kb->dpic, k1, sizeof(k1));
		p = k1;
		plen = sizeof(k1);
	}
	if (st == TH_OK)
		st = th_pbkdf2_sha1(p, plen, kb->salt, kb->salt_len, kb->iter,
		                    key, TH_KEYBAG_KEY_LEN);
	OPENSSL_cleanse(k1, sizeof(k1));
	if (st != TH_OK)
		return th_err_set(err, st, "cannot derive the backup key: %s",
		                  th_status_str(st));
	return TH_OK;
}

enum th_status th_keybag_unlock(struct th_keybag *kb,
                                const uint8_t key[TH_KEYBAG_KEY_LEN],
                                struct th_err *err)
{
	struct th_keybag_class *c;
	enum th_status st;
	size_t i, n = 0;

	for (i = 0; i < kb->nclasses; i++) {
		c = &kb->classes[i];
		if (!(c->wrap & TH_KEYBAG_WRAP_PASSCODE))
			continue;
		if (c->wpky_len != TH_KEYBAG_KEY_LEN + 8)
			continue; /* not an AES key (e.g. a Curve25519 one) */
		st = th_aes_unwrap(key, c->wpky, c->wpky_len, c->key);
		if (st == TH_ERR_PASSWORD)
			return th_err_set(err, st, "wrong backup password");
		if (st != TH_OK)
			return th_err_set(err, st,
			                  "cannot unwrap the key of class %u",
			                  (unsigned)c->clas);
		c->unlocked = 1;
		n++;
	}
	if (n == 0)
		return th_err_set(err, TH_ERR_FORMAT, "%s",
		                  "bad keybag: no password-wrapped class key");
	return TH_OK;
}

const uint8_t *th_keybag_class_key(const struct th_keybag *kb, uint32_t clas)
{
	size_t i;

	for (i = 0; i < kb->nclasses; i++)
		if (kb->classes[i].clas == clas && kb->classes[i].unlocked)
			return kb->classes[i].key;
	return NULL;
}

enum th_status th_keybag_unwrap(const struct th_keybag *kb, uint32_t clas,
                                const uint8_t *wrapped, size_t len,
                                uint8_t out[TH_KEYBAG_KEY_LEN])
{
	const uint8_t *k = th_keybag_class_key(kb, clas);

	if (!k)
		return TH_ERR_NOTFOUND;
	if (len != TH_KEYBAG_KEY_LEN + 8)
		return TH_ERR_FORMAT;
	return th_aes_unwrap(k, wrapped, len, out);
}

void th_keybag_wipe(struct th_keybag *kb)
{
	OPENSSL_cleanse(kb, sizeof(*kb));
}
