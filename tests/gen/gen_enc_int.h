/*
 * Internals of the encrypted twin generator, shared by gen_encrypt.c
 * (files, Manifest.db, plists) and gen_keybag.c (keys and keybag).
 */
#ifndef TH_GEN_ENC_INT_H
#define TH_GEN_ENC_INT_H

#include <sqlite3.h>
#include "gen.h"

#define TH_GEN_NCLASSES 11
#define TH_GEN_KEY_LEN  32

struct th_gen_enc {
	const struct th_gen_encrypt_opts *opt;
	uint64_t rng;
	uint8_t key[TH_GEN_KEY_LEN]; /* the backup key */
	uint8_t class_keys[TH_GEN_NCLASSES + 1][TH_GEN_KEY_LEN];
	const char *plain, *dir;
	sqlite3 *db;        /* the Manifest.db copy being rewritten */
	struct th_buf tmpl; /* a file row's MBFile, for bulk rows */
};

/* Seeded filler bytes for keys, salts and contents. */
void th_gen_enc_random(struct th_gen_enc *e, uint8_t *p, size_t n);

/* Builds the BackupKeyBag into b: derives e->key from the password with
 * OpenSSL's PBKDF2 and wraps fresh class keys under it. */
enum th_status th_gen_enc_keybag(struct th_gen_enc *e, struct th_buf *b,
                                 struct th_err *err);

/* A 32-byte key wrapped for class `clas`: 4-byte little-endian class,
 * then the 40-byte wrapped key. */
enum th_status th_gen_enc_wrap(struct th_gen_enc *e, uint32_t clas,
                               const uint8_t *key, uint8_t out[44]);

#endif
