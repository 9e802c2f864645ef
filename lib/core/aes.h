/*
 * AES for iOS backups over OpenSSL EVP: RFC 3394 key unwrap (class keys,
 * file keys) and AES-256-CBC with a zero IV over whole files, with the
 * PKCS#7 padding removed (never truncated to a recorded size).
 */
#ifndef TH_CORE_AES_H
#define TH_CORE_AES_H

#include <stddef.h>
#include <stdint.h>
#include "core/err.h"

#define TH_AES_KEY_LEN  32
#define TH_AES_WRAP_MAX 72 /* a wrapped 64-byte key */

/* Unwraps `len` bytes (a multiple of 8, 24 to TH_AES_WRAP_MAX) into
 * len - 8 bytes at out. TH_ERR_PASSWORD when the integrity value does
 * not match (the key-encryption key is wrong), TH_ERR_FORMAT on a bad
 * length, TH_ERR_CRYPTO when OpenSSL fails. No message: the caller knows
 * what was unwrapped. */
enum th_status th_aes_unwrap(const uint8_t kek[TH_AES_KEY_LEN],
                             const uint8_t *wrapped, size_t len, uint8_t *out);

/* The reverse, len a multiple of 8 (16 to 64): out gets len + 8 bytes.
 * For the fixture generator and tests. */
enum th_status th_aes_wrap(const uint8_t kek[TH_AES_KEY_LEN],
                           const uint8_t *plain, size_t len, uint8_t *out);

/* How a CBC decryption treats a last block that is not valid PKCS#7. */
enum th_aes_pad {
	TH_AES_PAD_STRICT, /* an error: the file or key is damaged */
	TH_AES_PAD_LOOSE   /* kept as is (Manifest.db of some iOS versions) */
};

/*
 * Decrypts the file `in` (AES-256-CBC, zero IV) into a new file `out`
 * (created with O_EXCL, mode 0600), removing the padding. `name` is how
 * messages call the input. On any failure `out` is removed. TH_ERR_IO,
 * TH_ERR_FORMAT (size not a multiple of 16), TH_ERR_CRYPTO (bad
 * padding), TH_ERR_NOMEM. `bytes`, when not NULL, gets the input size.
 */
enum th_status th_aes_decrypt_file(const uint8_t key[TH_AES_KEY_LEN],
                                   const char *in, const char *out,
                                   const char *name, enum th_aes_pad pad,
                                   uint64_t *bytes, struct th_err *err);

/* AES-256-CBC with a zero IV and PKCS#7 padding of `len` bytes into a
 * malloc'ed *out of *out_len bytes (generator and tests). */
enum th_status th_aes_encrypt_mem(const uint8_t key[TH_AES_KEY_LEN],
                                  const void *in, size_t len, uint8_t **out,
                                  size_t *out_len);

#endif
