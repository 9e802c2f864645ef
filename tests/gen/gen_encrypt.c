/*
 * The encrypted twin of a generated backup (shared reference/ios.md 1,
 * "Encrypted backups"): a keybag whose class keys are wrapped under a
 * key derived from a known password, every stored file encrypted under
 * its own key (wrapped into its MBFile as EncryptionKey), and Manifest.db
 * encrypted under the ManifestKey. The keys and the keybag are built in
 * gen_keybag.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <sqlite3.h>

#include "gen.h"
#include "gen_enc_int.h"
#include "core/aes.h"
#include "core/fsutil.h"
#include "formats/mbfile.h"
#include "formats/plist_util.h"

#define MANIFEST_CLS 4
#define KEY_LEN      TH_GEN_KEY_LEN
#define FILE_MAX     ((size_t)1 << 30)

static plist_t data_class(void)
{
	plist_t cls = plist_new_dict(), names = plist_new_array();

	plist_dict_set_item(cls, "$classname",
	                    plist_new_string("NSMutableData"));
	plist_array_append_item(names, plist_new_string("NSMutableData"));
	plist_array_append_item(names, plist_new_string("NSData"));
	plist_array_append_item(names, plist_new_string("NSObject"));
	plist_dict_set_item(cls, "$classes", names);
	return cls;
}

/* The MBFile archive with EncryptionKey -> {NS.data: wrapped key}, as
 * iOS writes it, and the recorded Size moved by `delta`. */
static enum th_status add_key(const void *blob, size_t len,
                              const uint8_t wk[44], int64_t delta,
                              const char *rel, struct th_buf *out)
{
	plist_t arch = NULL, objs, root, obj, size, path;
	uint64_t n, v = 0;
	char *bin = NULL;
	uint32_t blen = 0;
	enum th_status st = TH_ERR_FORMAT;

	plist_from_bin(blob, (uint32_t)len, &arch);
	objs = plist_dict_get_item(arch, "$objects");
	root = plist_array_get_item(objs, 1);
	if (!root || plist_get_node_type(root) != PLIST_DICT)
		goto out;
	n = plist_array_get_size(objs);
	obj = plist_new_dict();
	plist_dict_set_item(obj, "NS.data",
	                    plist_new_data((const char *)wk, 44));
	plist_dict_set_item(obj, "$class", plist_new_uid(n + 1));
	plist_array_append_item(objs, obj);
	plist_array_append_item(objs, data_class());
	plist_dict_set_item(root, "EncryptionKey", plist_new_uid(n));
	size = plist_dict_get_item(root, "Size");
	path = plist_array_get_item(objs, 2); /* RelativePath, see gen.h */
	if (rel && path && plist_get_node_type(path) == PLIST_STRING)
		plist_set_string_val(path, rel);
	if (size && rel)
		plist_set_uint_val(size, (uint64_t)delta);
	else if (size && delta) {
		plist_get_uint_val(size, &v);
		plist_set_uint_val(size, (uint64_t)((int64_t)v + delta));
	}
	plist_to_bin(arch, &bin, &blen);
	th_buf_reset(out);
	st = bin ? th_buf_add(out, bin, blen) : TH_ERR_INTERNAL;
	plist_to_bin_free(bin);
out:
	if (arch)
		plist_free(arch);
	return st;
}

static char *stored(const char *dir, const char *id)
{
	char sub[3] = {id[0], id[1], '\0'}, *a = th_path_join(dir, sub), *p;

	p = a ? th_path_join(a, id) : NULL;
	free(a);
	return p;
}

/* Encrypts one stored file under a fresh key into the twin. */
static enum th_status encrypt_file(struct th_gen_enc *e, const char *id,
                                   const uint8_t key[KEY_LEN],
                                   struct th_err *err)
{
	char sub[3] = {id[0], id[1], '\0'};
	char *in = stored(e->plain, id), *out = stored(e->dir, id);
	char *folder = th_path_join(e->dir, sub), *data = NULL;
	uint8_t *enc = NULL;
	size_t len = 0, elen = 0;
	enum th_status st;

	st = in && out && folder ? th_read_file(in, FILE_MAX, &data, &len, err)
	                         : th_err_set(err, TH_ERR_NOMEM, "no memory");
	if (st == TH_OK)
		st = th_mkdir_p(folder, 0, err);
	if (st == TH_OK && th_aes_encrypt_mem(key, data, len, &enc, &elen))
		st = th_err_set(err, TH_ERR_CRYPTO, "cannot encrypt '%s'", in);
	if (st == TH_OK)
		st = th_gen_file_write(out, enc, elen, err);
	free(enc);
	free(data);
	free(folder);
	free(in);
	free(out);
	return st;
}

static enum th_status encrypt_row(struct th_gen_enc *e, sqlite3_stmt *row,
                                  sqlite3_stmt *upd, struct th_buf *nb,
                                  struct th_err *err)
{
	const char *id = (const char *)sqlite3_column_text(row, 0);
	const char *rel = (const char *)sqlite3_column_text(row, 1);
	const void *blob = sqlite3_column_blob(row, 2);
	size_t blen = (size_t)sqlite3_column_bytes(row, 2);
	char *in = id ? stored(e->plain, id) : NULL;
	uint8_t key[KEY_LEN], wk[44];
	struct th_mbfile m;
	enum th_status st;
	uint32_t clas = 3;

	if (!in || !th_is_file(in) || !blob) {
		free(in);
		return TH_OK;
	}
	free(in);
	if (e->tmpl.len == 0 && th_buf_add(&e->tmpl, blob, blen) != TH_OK)
		return th_err_set(err, TH_ERR_NOMEM, "out of memory");
	if (th_mbfile_decode(blob, blen, &m, NULL) == TH_OK &&
	    m.protection_class > 0)
		clas = (uint32_t)m.protection_class;
	th_gen_enc_random(e, key, sizeof(key));
	st = th_gen_enc_wrap(e, clas, key, wk);
	if (st == TH_OK && e->opt->bad_key_path && rel &&
	    strcmp(rel, e->opt->bad_key_path) == 0)
		wk[10] ^= 0x01;
	if (st == TH_OK)
		st = encrypt_file(e, id, key, err);
	if (st == TH_OK)
		st = add_key(blob, blen, wk, e->opt->size_delta, NULL, nb);
	if (st != TH_OK)
		return err->status != TH_OK
		               ? err->status
		               : th_err_set(err, st, "cannot encrypt '%s'", id);
	sqlite3_reset(upd);
	sqlite3_bind_blob(upd, 1, nb->data, (int)nb->len, SQLITE_STATIC);
	sqlite3_bind_text(upd, 2, id, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(upd) != SQLITE_DONE)
		return th_err_set(err, TH_ERR_IO, "cannot update '%s': %s", id,
		                  sqlite3_errmsg(e->db));
	return TH_OK;
}

/* One large file of the bulk (benchmarks): filler bytes, encrypted. */
static enum th_status bulk_file(struct th_gen_enc *e, sqlite3_stmt *ins,
                                size_t k, uint8_t *data, struct th_buf *nb,
                                struct th_err *err)
{
	char rel[64], id[41], sub[3], *folder = NULL, *path = NULL;
	uint8_t key[KEY_LEN], wk[44], *enc = NULL;
	size_t elen = 0;
	enum th_status st;

	snprintf(rel, sizeof(rel), "Media/Bench/bulk-%06zu.bin", k);
	th_gen_file_id("MediaDomain", rel, id);
	memcpy(sub, id, 2);
	sub[2] = '\0';
	memcpy(data, &k, sizeof(k));
	th_gen_enc_random(e, key, sizeof(key));
	st = th_gen_enc_wrap(e, 3, key, wk);
	if (st == TH_OK)
		st = th_aes_encrypt_mem(key, data, e->opt->bulk_size, &enc,
		                        &elen);
	folder = th_path_join(e->dir, sub);
	path = folder ? th_path_join(folder, id) : NULL;
	if (st == TH_OK && path && th_mkdir_p(folder, 0, err) == TH_OK)
		st = th_gen_file_write(path, enc, elen, err);
	if (st == TH_OK)
		st = add_key(e->tmpl.data, e->tmpl.len, wk,
		             (int64_t)e->opt->bulk_size, rel, nb);
	if (st == TH_OK) {
		sqlite3_reset(ins);
		sqlite3_bind_text(ins, 1, id, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(ins, 2, rel, -1, SQLITE_TRANSIENT);
		sqlite3_bind_blob(ins, 3, nb->data, (int)nb->len,
		                  SQLITE_STATIC);
		if (sqlite3_step(ins) != SQLITE_DONE)
			st = TH_ERR_IO;
	}
	free(enc);
	free(folder);
	free(path);
	if (st != TH_OK && err->status == TH_OK)
		th_err_set(err, st, "cannot write the bulk file %zu", k);
	return st;
}

static enum th_status add_bulk(struct th_gen_enc *e, struct th_buf *nb,
                               struct th_err *err)
{
	sqlite3_stmt *ins = NULL;
	enum th_status st = TH_OK;
	uint8_t *data;
	size_t k;

	if (e->tmpl.len == 0 || e->opt->bulk_size > FILE_MAX ||
	    e->opt->bulk_size < sizeof(size_t))
		return th_err_set(err, TH_ERR_USAGE, "no bulk template");
	data = malloc(e->opt->bulk_size);
	if (!data)
		return th_err_set(err, TH_ERR_NOMEM, "out of memory");
	th_gen_enc_random(e, data, e->opt->bulk_size);
	if (sqlite3_prepare_v2(e->db,
	                       "INSERT INTO Files VALUES (?1, 'MediaDomain', "
	                       "?2, 1, ?3)",
	                       -1, &ins, NULL) != SQLITE_OK)
		st = th_err_set(err, TH_ERR_IO, "cannot add bulk rows");
	for (k = 0; st == TH_OK && k < e->opt->bulk_files; k++)
		st = bulk_file(e, ins, k, data, nb, err);
	sqlite3_finalize(ins);
	free(data);
	return st;
}

/* Every stored file, encrypted; their MBFiles get their keys. Rows are
 * read from the plain Manifest.db and written to the copy. */
static enum th_status encrypt_rows(struct th_gen_enc *e, const char *plain_db,
                                   struct th_err *err)
{
	sqlite3 *src = NULL;
	sqlite3_stmt *row = NULL, *upd = NULL;
	struct th_buf nb;
	enum th_status st = TH_OK;
	char uri[4200];

	th_buf_init(&nb, (size_t)1 << 20);
	snprintf(uri, sizeof(uri), "file:%s?immutable=1", plain_db);
	if (sqlite3_open_v2(uri, &src, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI,
	                    NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(src,
	                       "SELECT fileID, relativePath, file FROM Files "
	                       "WHERE flags = 1",
	                       -1, &row, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(e->db,
	                       "UPDATE Files SET file = ?1 WHERE fileID = ?2",
	                       -1, &upd, NULL) != SQLITE_OK ||
	    sqlite3_exec(e->db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK) {
		st = th_err_set(err, TH_ERR_IO, "cannot read '%s'", plain_db);
		goto out;
	}
	while (st == TH_OK && sqlite3_step(row) == SQLITE_ROW)
		st = encrypt_row(e, row, upd, &nb, err);
	if (st == TH_OK && e->opt->bulk_files)
		st = add_bulk(e, &nb, err);
	if (st == TH_OK &&
	    sqlite3_exec(e->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		st = th_err_set(err, TH_ERR_IO, "cannot commit Manifest.db");
out:
	sqlite3_finalize(row);
	sqlite3_finalize(upd);
	sqlite3_close(src);
	th_buf_free(&nb);
	return st;
}

static enum th_status copy_file(const char *from, const char *to,
                                struct th_err *err)
{
	char *data = NULL;
	size_t len = 0;
	enum th_status st = th_read_file(from, FILE_MAX, &data, &len, err);

	if (st == TH_OK)
		st = th_gen_file_write(to, data, len, err);
	free(data);
	return st;
}

/* Manifest.db: the rewritten copy, encrypted under a fresh Manifest key
 * wrapped with class 4's key into `mkey`. */
static enum th_status encrypt_manifest(struct th_gen_enc *e, const char *copy,
                                       uint8_t mkey[44], struct th_err *err)
{
	uint8_t key[KEY_LEN], *enc = NULL;
	char *data = NULL, *out = th_path_join(e->dir, "Manifest.db");
	size_t len = 0, elen = 0;
	enum th_status st;

	th_gen_enc_random(e, key, sizeof(key));
	st = out ? th_gen_enc_wrap(e, MANIFEST_CLS, key, mkey) : TH_ERR_NOMEM;
	if (st == TH_OK)
		st = th_read_file(copy, FILE_MAX, &data, &len, err);
	if (st == TH_OK && th_aes_encrypt_mem(key, data, len, &enc, &elen))
		st = th_err_set(err, TH_ERR_CRYPTO, "cannot encrypt '%s'",
		                copy);
	if (st == TH_OK)
		st = th_gen_file_write(out, enc, elen, err);
	OPENSSL_cleanse(key, sizeof(key));
	free(enc);
	free(data);
	free(out);
	return st;
}

static enum th_status write_plists(struct th_gen_enc *e,
                                   const struct th_buf *bag,
                                   const uint8_t mkey[44], struct th_err *err)
{
	static const char *const copies[] = {"Info.plist", "Status.plist"};
	char *from = NULL, *to = NULL;
	enum th_status st = TH_OK;
	plist_t mp = NULL;
	size_t i;

	for (i = 0; i < 3 && st == TH_OK; i++) {
		const char *name = i < 2 ? copies[i] : "Manifest.plist";

		from = th_path_join(e->plain, name);
		to = th_path_join(e->dir, name);
		if (!from || !to)
			st = th_err_set(err, TH_ERR_NOMEM, "out of memory");
		else if (i < 2)
			st = copy_file(from, to, err);
		else if ((st = th_plist_read_file(from, &mp, err)) == TH_OK) {
			plist_dict_set_item(mp, "IsEncrypted",
			                    plist_new_bool(1));
			plist_dict_set_item(
			        mp, "BackupKeyBag",
			        plist_new_data(bag->data, bag->len));
			plist_dict_set_item(
			        mp, "ManifestKey",
			        plist_new_data((const char *)mkey, 44));
			st = th_gen_plist_write(to, mp, 0, err);
			plist_free(mp);
		}
		free(from);
		free(to);
	}
	return st;
}

static enum th_status encrypt_backup(struct th_gen_enc *e, struct th_err *err)
{
	char *pdb = th_path_join(e->plain, "Manifest.db");
	char *copy = th_path_join(e->dir, "Manifest.db.plain");
	uint8_t mkey[44];
	struct th_buf bag;
	enum th_status st;

	th_buf_init(&bag, 65536);
	st = pdb && copy ? th_gen_enc_keybag(e, &bag, err)
	                 : th_err_set(err, TH_ERR_NOMEM, "out of memory");
	if (st == TH_OK)
		st = copy_file(pdb, copy, err);
	if (st == TH_OK && sqlite3_open(copy, &e->db) != SQLITE_OK)
		st = th_err_set(err, TH_ERR_IO, "cannot open '%s'", copy);
	if (st == TH_OK)
		st = encrypt_rows(e, pdb, err);
	sqlite3_close(e->db);
	e->db = NULL;
	if (st == TH_OK)
		st = encrypt_manifest(e, copy, mkey, err);
	if (copy)
		unlink(copy);
	if (st == TH_OK)
		st = write_plists(e, &bag, mkey, err);
	th_buf_free(&bag);
	free(pdb);
	free(copy);
	return st;
}

enum th_status th_gen_backup_encrypt(const char *plain_dir, const char *dir,
                                     const struct th_gen_encrypt_opts *opt,
                                     struct th_err *err)
{
	struct th_gen_enc e;
	char *db = th_path_join(dir, "Manifest.db");
	enum th_status st;

	memset(&e, 0, sizeof(e));
	e.opt = opt;
	e.rng = opt->seed ^ UINT64_C(0x5eedc0de);
	e.plain = plain_dir;
	e.dir = dir;
	th_buf_init(&e.tmpl, (size_t)1 << 20);
	if (!db)
		return th_err_set(err, TH_ERR_NOMEM, "out of memory");
	if (!opt->password || opt->iter == 0)
		st = th_err_set(
		        err, TH_ERR_USAGE,
		        "an encrypted backup needs a password and ITER");
	else if (th_is_file(db))
		st = th_err_set(err, TH_ERR_USAGE,
		                "cannot create '%s': it already exists", db);
	else
		st = th_mkdir_p(dir, 0, err);
	if (st == TH_OK)
		st = encrypt_backup(&e, err);
	th_buf_free(&e.tmpl);
	OPENSSL_cleanse(&e, sizeof(e));
	free(db);
	return st;
}
