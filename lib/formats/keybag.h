/*
 * The BackupKeyBag of an encrypted iOS backup's Manifest.plist (shared
 * reference/ios.md 1): a TLV stream (4-byte tag, 4-byte big-endian
 * length, value). The header carries the derivation parameters; each
 * later UUID tag starts a class key. Parsing is bounded; unlocking
 * derives the backup key from the password and unwraps the class keys.
 */
#ifndef TH_FORMATS_KEYBAG_H
#define TH_FORMATS_KEYBAG_H

#include <stddef.h>
#include <stdint.h>
#include "core/err.h"

#define TH_KEYBAG_MAX_BYTES   65536 /* real keybags are ~1.5 KiB */
#define TH_KEYBAG_MAX_CLASSES 32
#define TH_KEYBAG_SALT_MAX    64
#define TH_KEYBAG_WPKY_MAX    72
#define TH_KEYBAG_KEY_LEN     32

#define TH_KEYBAG_WRAP_PASSCODE 2u

struct th_keybag_class {
	uint32_t clas; /* protection class */
	uint32_t wrap; /* TH_KEYBAG_WRAP_* bits */
	uint32_t ktyp;
	uint8_t wpky[TH_KEYBAG_WPKY_MAX]; /* the wrapped key */
	size_t wpky_len;
	uint8_t key[TH_KEYBAG_KEY_LEN]; /* after th_keybag_unlock */
	int unlocked;
};

struct th_keybag {
	uint32_t vers, type, wrap;
	uint32_t iter; /* SHA1 stage */
	uint8_t salt[TH_KEYBAG_SALT_MAX];
	size_t salt_len;
	uint32_t dpic; /* SHA256 stage (iOS 10.2+); 0: none */
	uint8_t dpsl[TH_KEYBAG_SALT_MAX];
	size_t dpsl_len;
	struct th_keybag_class classes[TH_KEYBAG_MAX_CLASSES];
	size_t nclasses;
};

/*
 * Parses `len` bytes into *kb. Every length is checked against what is
 * left and against the field's size; a class key without CLAS or WPKY
 * is skipped. TH_ERR_FORMAT (truncated TLV, no SALT or ITER, a field of
 * the wrong size, no class key), TH_ERR_LIMIT (too big, too many
 * classes), with a message that does not name the file.
 */
enum th_status th_keybag_parse(const void *data, size_t len,
                               struct th_keybag *kb, struct th_err *err);

/* The 32-byte backup key from the password: PBKDF2-HMAC-SHA256 (DPSL,
 * DPIC) then PBKDF2-HMAC-SHA1 (SALT, ITER); the SHA1 stage alone on
 * keybags without DPIC. TH_ERR_LIMIT for an absurd count. */
enum th_status th_keybag_derive(const struct th_keybag *kb, const char *pw,
                                size_t pw_len, uint8_t key[TH_KEYBAG_KEY_LEN],
                                struct th_err *err);

/* Unwraps every passcode-wrapped class key with the backup key.
 * TH_ERR_PASSWORD ("wrong backup password") when one fails its
 * integrity check; TH_ERR_FORMAT when none is passcode-wrapped. */
enum th_status th_keybag_unlock(struct th_keybag *kb,
                                const uint8_t key[TH_KEYBAG_KEY_LEN],
                                struct th_err *err);

/* The unwrapped key of class `clas`, or NULL. */
const uint8_t *th_keybag_class_key(const struct th_keybag *kb, uint32_t clas);

/* Unwraps a 40-byte file or manifest key with class `clas`'s key into
 * out[32]. TH_ERR_NOTFOUND (no such class), TH_ERR_PASSWORD (integrity),
 * TH_ERR_FORMAT (bad length). No message. */
enum th_status th_keybag_unwrap(const struct th_keybag *kb, uint32_t clas,
                                const uint8_t *wrapped, size_t len,
                                uint8_t out[TH_KEYBAG_KEY_LEN]);

/* Wipes every key in *kb. */
void th_keybag_wipe(struct th_keybag *kb);

#endif
