/*
 * Encrypted iOS backups (shared reference/ios.md 1, "Encrypted
 * backups"): the keybag is unlocked once at open, Manifest.db is
 * decrypted into a private folder (mode 0700, removed at close and by
 * th_cleanup_temp on an interrupt), and each stored file a module asks
 * for is decrypted there on demand. Plaintext never lands next to the
 * evidence; keys are wiped at close.
 */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <openssl/crypto.h>

#include "core/aes.h"
#include "core/budget.h"
#include "core/buf.h"
#include "core/fsutil.h"
#include "formats/keybag.h"
#include "formats/plist_util.h"
#include "sources/ios_backup_int.h"

#define WRAPPED_LEN 40 /* a wrapped 32-byte key */

struct th_backup_crypt {
	struct th_keybag kb;
	struct th_tmpdir tmp;
	atomic_uint_fast64_t seq; /* unique names for files being written */
	struct th_budget *budget; /* the run's --max-extract, or NULL */
};

/* Charges the run's budget for `in` about to be decrypted into the
 * private folder as `name`: its stored size, which bounds the plaintext
 * (CBC never grows it; the padding, at most 16 bytes, stays charged). */
static enum th_status charge_stored(struct th_backup_crypt *c, const char *in,
                                    const char *name,
                                    struct th_budget_write *bw,
                                    struct th_err *err)
{
	struct stat sb;
	int64_t size = stat(in, &sb) == 0 ? (int64_t)sb.st_size : -1;

	return th_budget_begin(bw, c->budget, c->tmp.path, name, size, err);
}

void th_backup_crypt_free(struct th_backup_crypt *c)
{
	if (!c)
		return;
	th_tmpdir_free(&c->tmp);
	th_keybag_wipe(&c->kb);
	free(c);
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

/* Manifest.plist's BackupKeyBag, parsed, and its ManifestKey (class +
 * wrapped key) copied out. */
enum th_status th_backup_read_keybag(const char *dir, struct th_keybag *kb,
                                     uint8_t mkey[44], struct th_err *err)
{
	char *p = th_path_join(dir, "Manifest.plist");
	const uint8_t *bag, *mk;
	size_t bag_len = 0, mk_len = 0;
	struct th_err e = {0};
	enum th_status st;
	plist_t mp = NULL;

	if (!p)
		return th_err_set(err, TH_ERR_NOMEM, "out of memory");
	st = th_plist_read_file(p, &mp, err);
	if (st != TH_OK)
		goto out;
	bag = th_plist_dict_data(mp, "BackupKeyBag", &bag_len);
	mk = th_plist_dict_data(mp, "ManifestKey", &mk_len);
	if (!bag) {
		st = th_err_set(err, TH_ERR_FORMAT,
		                "cannot read '%s': no BackupKeyBag", p);
		goto out;
	}
	if (!mk || mk_len != 4 + WRAPPED_LEN) {
		st = th_err_set(err, TH_ERR_FORMAT,
		                "cannot read '%s': no ManifestKey of %d bytes",
		                p, 4 + WRAPPED_LEN);
		goto out;
	}
	memcpy(mkey, mk, mk_len);
	st = th_keybag_parse(bag, bag_len, kb, &e);
	if (st != TH_OK)
		th_err_set(err, st, "cannot read '%s': %.400s", p, e.msg);
out:
	if (mp)
		plist_free(mp);
	free(p);
	return st;
}

/* The backup key: given, or derived from the password (the slow part). */
static enum th_status backup_key(const struct th_keybag *kb, const char *path,
                                 const struct th_source_options *opt,
                                 uint8_t key[TH_KEYBAG_KEY_LEN],
                                 struct th_err *err)
{
	if (opt && opt->key && opt->key_len == TH_KEYBAG_KEY_LEN) {
		memcpy(key, opt->key, TH_KEYBAG_KEY_LEN);
		return TH_OK;
	}
	if (opt && opt->key && opt->key_len)
		return th_err_set(err, TH_ERR_USAGE,
		                  "cannot open '%s': a backup key is %d bytes, "
		                  "not %zu",
		                  path, TH_KEYBAG_KEY_LEN, opt->key_len);
	if (!opt || !opt->password)
		return th_err_set(
		        err, TH_ERR_USAGE,
		        "cannot open '%s': it is an encrypted backup; "
		        "give its password or its key",
		        path);
	return th_keybag_derive(kb, opt->password, strlen(opt->password), key,
	                        err);
}

static enum th_status unlock(struct th_backup_crypt *c, const char *path,
                             const struct th_source_options *opt,
                             struct th_err *err)
{
	uint8_t key[TH_KEYBAG_KEY_LEN];
	struct th_err e = {0};
	enum th_status st;
	int given = opt && opt->key && opt->key_len;

	st = backup_key(&c->kb, path, opt, key, &e);
	if (st == TH_OK)
		st = th_keybag_unlock(&c->kb, key, &e);
	OPENSSL_cleanse(key, sizeof(key));
	if (st == TH_ERR_PASSWORD)
		return th_err_set(err, st, "cannot open '%s': wrong backup %s",
		                  path, given ? "key" : "password");
	/* Usage errors already name the path. */
	if (st == TH_ERR_USAGE)
		return th_err_copy(err, &e);
	if (st != TH_OK)
		th_err_set(err, st, "cannot open '%s': %.400s", path, e.msg);
	return st;
}

/* Manifest.db, decrypted with the ManifestKey into the private folder.
 * Some iOS versions do not pad it, so a bad last block is kept. */
static enum th_status decrypt_manifest(struct th_backup *b, const char *path,
                                       const uint8_t mkey[4 + WRAPPED_LEN],
                                       struct th_err *err)
{
	struct th_backup_crypt *c = b->crypt;
	struct th_budget_write bw;
	uint8_t key[TH_KEYBAG_KEY_LEN];
	char *in = th_path_join(b->dir, "Manifest.db");
	char *out = th_path_join(c->tmp.path, "Manifest.db");
	enum th_status st;

	if (!in || !out) {
		st = th_err_set(err, TH_ERR_NOMEM, "out of memory");
		goto out;
	}
	st = th_keybag_unwrap(&c->kb, le32(mkey), mkey + 4, WRAPPED_LEN, key);
	if (st == TH_ERR_NOMEM) {
		th_err_set(err, st, "cannot open '%s': %s", path,
		           "out of memory");
		goto out;
	}
	if (st != TH_OK) {
		/* The class keys unwrapped: a bad Manifest key is damage. */
		st = th_err_set(
		        err,
		        st == TH_ERR_NOTFOUND ? TH_ERR_FORMAT : TH_ERR_CRYPTO,
		        "cannot open '%s': the Manifest key %s", path,
		        st == TH_ERR_NOTFOUND ? "has no class key"
		                              : "fails its integrity check");
		goto out;
	}
	st = charge_stored(c, in, "Manifest.db", &bw, err);
	if (st == TH_OK)
		st = th_aes_decrypt_file(key, in, out, in, TH_AES_PAD_LOOSE,
		                         &bw.used, err);
	th_budget_end(&bw, st == TH_OK);
	if (st != TH_OK)
		goto out;
	st = th_sqlite_open(out, &b->manifest, err);
	if (st == TH_ERR_FORMAT)
		th_err_set(err, st,
		           "cannot open '%s': Manifest.db is not a SQLite "
		           "database once decrypted",
		           path);
out:
	OPENSSL_cleanse(key, sizeof(key));
	free(in);
	free(out);
	return st;
}

enum th_status th_backup_open_crypt(struct th_backup *b, const char *path,
                                    const struct th_source_options *opt,
                                    struct th_err *err)
{
	uint8_t mkey[4 + WRAPPED_LEN];
	enum th_status st;

	b->crypt = calloc(1, sizeof(*b->crypt));
	if (!b->crypt)
		return th_err_set(err, TH_ERR_NOMEM, "out of memory");
	atomic_init(&b->crypt->seq, 0);
	b->crypt->budget = opt ? opt->budget : NULL;
	st = th_backup_read_keybag(b->dir, &b->crypt->kb, mkey, err);
	if (st == TH_OK)
		st = unlock(b->crypt, path, opt, err);
	if (st == TH_OK)
		st = th_tmpdir_new(&b->crypt->tmp, err);
	if (st == TH_OK)
		st = decrypt_manifest(b, path, mkey, err);
	OPENSSL_cleanse(mkey, sizeof(mkey));
	return st;
}

const char *th_backup_plain_manifest(const struct th_backup *b)
{
	return b->crypt && b->manifest ? b->manifest->name : NULL;
}

/* --- stored files --------------------------------------------------- */

/* The file key of one Manifest row, from its MBFile blob. */
static enum th_status file_key(struct th_backup *b, const void *blob,
                               size_t blob_len, const char *name,
                               uint8_t key[TH_KEYBAG_KEY_LEN],
                               struct th_err *err)
{
	struct th_err e = {0};
	struct th_mbfile m;
	enum th_status st;
	uint32_t clas;

	st = th_mbfile_decode(blob ? blob : "", blob ? blob_len : 0, &m, &e);
	if (st != TH_OK)
		return th_err_set(err, st, "cannot decrypt '%s': %.400s", name,
		                  e.msg);
	if (m.encryption_key_len != 4 + WRAPPED_LEN)
		return th_err_set(err, TH_ERR_FORMAT,
		                  "cannot decrypt '%s': no EncryptionKey in "
		                  "its metadata",
		                  name);
	clas = m.protection_class >= 0 ? (uint32_t)m.protection_class
	                               : le32(m.encryption_key);
	st = th_keybag_unwrap(&b->crypt->kb, clas, m.encryption_key + 4,
	                      WRAPPED_LEN, key);
	OPENSSL_cleanse(m.encryption_key, sizeof(m.encryption_key));
	if (st == TH_ERR_NOTFOUND)
		return th_err_set(err, TH_ERR_FORMAT,
		                  "cannot decrypt '%s': no key for protection "
		                  "class %u",
		                  name, (unsigned)clas);
	if (st == TH_ERR_NOMEM)
		return th_err_set(err, st, "cannot decrypt '%s': %s", name,
		                  "out of memory");
	if (st != TH_OK)
		return th_err_set(err, TH_ERR_CRYPTO,
		                  "cannot decrypt '%s': its key fails its "
		                  "integrity check",
		                  name);
	return TH_OK;
}

enum th_status th_backup_decrypt_to(struct th_backup *b, const char *id,
                                    const void *blob, size_t blob_len,
                                    const char *name, const char *out,
                                    uint64_t *bytes, struct th_err *err)
{
	uint8_t key[TH_KEYBAG_KEY_LEN];
	int nomem = 0;
	char *in = th_backup_stored_path(b, id, &nomem);
	enum th_status st;

	if (!b->crypt || !in) {
		free(in);
		if (nomem)
			return th_err_set(err, TH_ERR_NOMEM,
			                  "cannot decrypt '%s': out of memory",
			                  name);
		return th_err_set(err, TH_ERR_NOTFOUND,
		                  "cannot decrypt '%s': no stored file", name);
	}
	st = file_key(b, blob, blob_len, name, key, err);
	if (st == TH_OK)
		st = th_aes_decrypt_file(key, in, out, name, TH_AES_PAD_STRICT,
		                         bytes, err);
	OPENSSL_cleanse(key, sizeof(key));
	free(in);
	return st;
}

/* th_backup_decrypt_to into the private folder, charged to the run's
 * budget first. */
static enum th_status decrypt_charged(struct th_backup *b, const char *id,
                                      const void *blob, size_t blob_len,
                                      const char *name, const char *out,
                                      struct th_err *err)
{
	int nomem = 0;
	char *in = th_backup_stored_path(b, id, &nomem);
	struct th_budget_write bw;
	enum th_status st;

	if (!in && nomem)
		return th_err_set(err, TH_ERR_NOMEM,
		                  "cannot decrypt '%s': out of memory", name);
	if (!in) /* no stored file: it says so, writing nothing */
		return th_backup_decrypt_to(b, id, blob, blob_len, name, out,
		                            NULL, err);
	st = charge_stored(b->crypt, in, name, &bw, err);
	free(in);
	if (st == TH_OK)
		st = th_backup_decrypt_to(b, id, blob, blob_len, name, out,
		                          &bw.used, err);
	th_budget_end(&bw, st == TH_OK);
	return st;
}

/* Decrypted once into <tmp>/<id>: written under a unique name and
 * renamed, so two modules asking at once both get a whole file. */
static enum th_status decrypt_cached(struct th_backup *b, const char *id,
                                     const void *blob, size_t blob_len,
                                     const char *name, char **local,
                                     struct th_err *err)
{
	struct th_buf part;
	char *done = th_path_join(b->crypt->tmp.path, id);
	enum th_status st;

	if (!done)
		return th_err_set(err, TH_ERR_NOMEM, "out of memory");
	if (th_is_file(done)) {
		*local = done;
		return TH_OK;
	}
	th_buf_init(&part, 8192);
	st = th_buf_printf(
	        &part, "%s.%llu", done,
	        (unsigned long long)atomic_fetch_add(&b->crypt->seq, 1));
	if (st == TH_OK)
		st = decrypt_charged(b, id, blob, blob_len, name,
		                     th_buf_str(&part), err);
	if (st == TH_OK && rename(th_buf_str(&part), done) != 0)
		st = th_err_set(err, TH_ERR_IO, "cannot decrypt '%s': %s", name,
		                "cannot rename the decrypted copy");
	th_buf_free(&part);
	if (st != TH_OK) {
		free(done);
		return st;
	}
	*local = done;
	return TH_OK;
}

enum th_status th_backup_local_file(struct th_backup *b, const char *id,
                                    const void *blob, size_t blob_len,
                                    const char *name, char **local,
                                    struct th_err *err)
{
	int nomem = 0;
	char *stored = th_backup_stored_path(b, id, &nomem);

	*local = NULL;
	if (nomem)
		return th_err_set(err, TH_ERR_NOMEM, "cannot read '%s': %s",
		                  name, "out of memory");
	if (!stored || !b->crypt) {
		*local = stored;
		return TH_OK;
	}
	free(stored);
	return decrypt_cached(b, id, blob, blob_len, name, local, err);
}
