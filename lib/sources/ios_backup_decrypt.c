/*
 * extract-key and decrypt-backup: the backup key from a password, and a
 * plain copy of an encrypted backup, decrypted on all cores in batches
 * of rows (a backup may hold a million files: the list is never held
 * whole).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <openssl/crypto.h>
#include <tracehound/th_backup.h>

#include "core/jsonutil.h"
#include "core/buf.h"
#include "core/fsutil.h"
#include "core/pool.h"
#include "formats/keybag.h"
#include "report/report.h"
#include "sources/ios_backup_int.h"

#define BATCH 4096

static void set_msg(char *buf, size_t len, const struct th_err *e)
{
	if (buf && len)
		snprintf(buf, len, "%s", e->msg);
}

int th_backup_is_encrypted(const char *path)
{
	char *dir = th_is_dir(path) ? th_backup_locate(path, NULL) : NULL;
	int enc = dir && th_backup_dir_encrypted(dir) != 0;

	free(dir);
	return enc;
}

static enum th_status locate_encrypted(const char *path, char **dir,
                                       struct th_err *err)
{
	int nomem = 0, enc;

	*dir = th_is_dir(path) ? th_backup_locate(path, &nomem) : NULL;
	enc = *dir ? th_backup_dir_encrypted(*dir) : 0;
	if (enc > 0)
		return TH_OK;
	free(*dir);
	*dir = NULL;
	if (nomem || enc < 0)
		return th_err_set(err, TH_ERR_NOMEM,
		                  "cannot open '%s': out of memory", path);
	return th_err_set(err, TH_ERR_USAGE,
	                  "'%s' is not an encrypted iOS backup", path);
}

static enum th_status derive_checked(const char *dir, const char *path,
                                     const char *password, unsigned char *key,
                                     struct th_err *err)
{
	struct th_keybag *kb = malloc(sizeof(*kb));
	struct th_err e = {0};
	uint8_t mkey[44];
	enum th_status st;

	if (!kb)
		return th_err_set(err, TH_ERR_NOMEM, "out of memory");
	st = th_backup_read_keybag(dir, kb, mkey, err);
	if (st == TH_OK)
		st = th_keybag_derive(kb, password, strlen(password), key, &e);
	if (st == TH_OK)
		st = th_keybag_unlock(kb, key, &e);
	if (st != TH_OK && e.status != TH_OK)
		th_err_set(err, st, "cannot open '%s': %.400s", path, e.msg);
	if (st != TH_OK)
		OPENSSL_cleanse(key, TH_BACKUP_KEY_LEN);
	th_keybag_wipe(kb);
	free(kb);
	OPENSSL_cleanse(mkey, sizeof(mkey));
	return st;
}

enum th_status th_backup_extract_key(const char *path, const char *password,
                                     unsigned char key[TH_BACKUP_KEY_LEN],
                                     char *errbuf, size_t errlen)
{
	struct th_err err = {0};
	enum th_status st;
	char *dir = NULL;

	st = locate_encrypted(path, &dir, &err);
	if (st == TH_OK && !password)
		st = th_err_set(&err, TH_ERR_USAGE,
		                "cannot open '%s': no password given", path);
	if (st == TH_OK)
		st = derive_checked(dir, path, password, key, &err);
	free(dir);
	if (st != TH_OK)
		set_msg(errbuf, errlen, &err);
	return st;
}

/* --- decrypt-backup ------------------------------------------------- */

struct job {
	char id[TH_FILE_ID_LEN + 1];
	char *name; /* domain/relativePath, for messages */
	void *blob;
	size_t blob_len;
	enum th_status st;
	int skipped; /* no stored file */
	char msg[TH_ERR_MSG_MAX];
	uint64_t bytes;
	char in_hash[65], out_hash[65];
};

struct dec {
	const struct th_decrypt_options *opt;
	struct th_backup *b;
	struct job *jobs;
	size_t n;
	FILE *info; /* info.json being written, with --hashes */
	size_t nhashes;
	struct th_decrypt_stats *stats;
	int nomem; /* a file failed for want of memory: the whole fails */
};

static char *out_path(const char *dest, const char *id, int make_dir)
{
	char shard[3] = {id[0], id[1], '\0'};
	char *dir = th_path_join(dest, shard), *p;

	if (dir && make_dir)
		mkdir(dir, 0700); /* EEXIST is fine: workers share shards */
	p = dir ? th_path_join(dir, id) : NULL;
	free(dir);
	return p;
}

static void decrypt_one(void *ctx, size_t i)
{
	struct dec *d = ctx;
	struct job *j = &d->jobs[i];
	int nomem = 0;
	char *in = th_backup_stored_path(d->b, j->id, &nomem), *out;
	struct th_err e = {0};

	if (!in && nomem) {
		j->st = th_err_set(&e, TH_ERR_NOMEM, "out of memory");
		set_msg(j->msg, sizeof(j->msg), &e);
		return;
	}
	if (!in) {
		j->skipped = 1;
		return;
	}
	out = out_path(d->opt->dest, j->id, 1);
	j->st = out ? th_backup_decrypt_to(d->b, j->id, j->blob, j->blob_len,
	                                   j->name, out, &j->bytes, &e)
	            : th_err_set(&e, TH_ERR_NOMEM, "out of memory");
	if (j->st != TH_OK)
		snprintf(j->msg, sizeof(j->msg), "%s", e.msg);
	else if (d->opt->hashes && (th_sha256_file(in, j->in_hash) != TH_OK ||
	                            th_sha256_file(out, j->out_hash) != TH_OK))
		j->in_hash[0] = j->out_hash[0] = '\0';
	free(in);
	free(out);
}

static void hash_entry(struct dec *d, const char *in, const char *in_hash,
                       const char *out, const char *out_hash)
{
	json_t *o = json_object();

	th_json_set_new(o, "file_path", json_string(in));
	th_json_set_new(o, "sha256",
	                in_hash[0] ? json_string(in_hash) : json_null());
	th_json_set_new(o, "decrypted_path", json_string(out));
	th_json_set_new(o, "decrypted_sha256",
	                out_hash[0] ? json_string(out_hash) : json_null());
	fputs(d->nhashes++ ? ",\n    " : "\n    ", d->info);
	json_dumpf(o, d->info, JSON_COMPACT);
	json_decref(o);
}

/* Logs, counts and hashes one finished batch, in row order. */
static void batch_done(struct dec *d)
{
	char *in, *out;
	size_t i;

	for (i = 0; i < d->n; i++) {
		struct job *j = &d->jobs[i];

		if (j->skipped) {
		} else if (j->st != TH_OK) {
			d->stats->failed++;
			d->nomem |= j->st == TH_ERR_NOMEM;
			if (d->opt->log)
				d->opt->log(d->opt->log_ctx, TH_LOG_WARN, NULL,
				            j->msg);
		} else {
			d->stats->files++;
			d->stats->bytes += j->bytes;
			in = d->info ? th_backup_stored_path(d->b, j->id, NULL)
			             : NULL;
			out = in ? out_path(d->opt->dest, j->id, 0) : NULL;
			if (in && out)
				hash_entry(d, in, j->in_hash, out, j->out_hash);
			free(in);
			free(out);
		}
		free(j->name);
		free(j->blob);
		memset(j, 0, sizeof(*j));
	}
	d->n = 0;
}

/* Queues one Files row; a full batch is decrypted at once. */
static enum th_status queue_row(struct dec *d, sqlite3_stmt *stmt)
{
	const char *id = th_backup_col_text(stmt, 0);
	const void *blob = sqlite3_column_blob(stmt, 3);
	size_t len = (size_t)sqlite3_column_bytes(stmt, 3);
	struct job *j = &d->jobs[d->n];
	struct th_buf name;

	if (!th_backup_is_file_id(id))
		return TH_OK;
	memcpy(j->id, id, TH_FILE_ID_LEN + 1);
	th_buf_init(&name, 8192);
	if (th_buf_printf(&name, "%s/%s", th_backup_col_text(stmt, 1),
	                  th_backup_col_text(stmt, 2)) != TH_OK) {
		th_buf_free(&name);
		return TH_ERR_NOMEM;
	}
	j->name = th_buf_take(&name, NULL);
	j->blob = malloc(len ? len : 1);
	if (!j->name || !j->blob) {
		free(j->name);
		free(j->blob);
		return TH_ERR_NOMEM;
	}
	if (len)
		memcpy(j->blob, blob, len);
	j->blob_len = len;
	if (++d->n == BATCH) {
		th_pool_for(d->opt->jobs, d->n, decrypt_one, d);
		batch_done(d);
	}
	return TH_OK;
}

static enum th_status decrypt_rows(struct dec *d, struct th_err *err)
{
	sqlite3_stmt *stmt = NULL;
	enum th_status st = TH_OK;
	int rc = SQLITE_DONE;

	d->jobs = calloc(BATCH, sizeof(*d->jobs));
	if (!d->jobs)
		return th_err_set(err, TH_ERR_NOMEM, "out of memory");
	if (sqlite3_prepare_v2(d->b->manifest->db,
	                       "SELECT fileID, domain, relativePath, file "
	                       "FROM Files WHERE flags = 1",
	                       -1, &stmt, NULL) != SQLITE_OK)
		st = th_sqlite_error(d->b->manifest, err);
	while (st == TH_OK && (rc = sqlite3_step(stmt)) == SQLITE_ROW)
		if (queue_row(d, stmt) != TH_OK)
			st = th_err_set(err, TH_ERR_NOMEM, "out of memory");
	if (st == TH_OK && rc != SQLITE_DONE)
		st = th_sqlite_error(d->b->manifest, err);
	th_pool_for(d->opt->jobs, d->n, decrypt_one, d);
	batch_done(d);
	sqlite3_finalize(stmt);
	free(d->jobs);
	if (st == TH_OK && d->nomem)
		st = th_err_set(err, TH_ERR_NOMEM, "%s",
		                "some files could not be decrypted: out of "
		                "memory");
	return st;
}

/* Copies a file by streaming it (Manifest.db may be large). */
static enum th_status copy_file(const char *from, const char *to,
                                struct th_err *err)
{
	FILE *in = fopen(from, "rb"), *out = NULL;
	char buf[65536];
	size_t n;
	int ok = in != NULL;

	if (ok)
		ok = (out = fopen(to, "wbx")) != NULL;
	while (ok && (n = fread(buf, 1, sizeof(buf), in)) > 0)
		ok = fwrite(buf, 1, n, out) == n;
	ok = ok && !ferror(in);
	if (out && fclose(out) != 0)
		ok = 0;
	if (in)
		fclose(in);
	if (!ok)
		return th_err_errno(err, errno ? errno : EIO,
		                    "cannot copy '%s' to '%s'", from, to);
	return TH_OK;
}

/* The plists unchanged, and the decrypted Manifest.db. */
static enum th_status copy_tops(struct dec *d, struct th_err *err)
{
	static const char *const names[] = {"Info.plist", "Manifest.plist",
	                                    "Status.plist", "Manifest.db"};
	char hi[65] = "", ho[65] = "", *from, *to;
	enum th_status st = TH_OK;
	size_t i;

	for (i = 0; st == TH_OK && i < 4; i++) {
		from = th_path_join(d->b->dir, names[i]);
		to = th_path_join(d->opt->dest, names[i]);
		if (!from || !to)
			st = th_err_set(err, TH_ERR_NOMEM, "out of memory");
		else if (i == 3)
			st = copy_file(th_backup_plain_manifest(d->b), to, err);
		else if (th_is_file(from))
			st = copy_file(from, to, err);
		if (st == TH_OK && d->info && th_is_file(to) &&
		    th_sha256_file(from, hi) == TH_OK &&
		    th_sha256_file(to, ho) == TH_OK)
			hash_entry(d, from, hi, to, ho);
		free(from);
		free(to);
	}
	return st;
}

static enum th_status check_dest(const struct th_decrypt_options *opt,
                                 struct th_err *err)
{
	char *db = th_path_join(opt->dest, "Manifest.db");
	enum th_status st = TH_OK;
	int inside;

	if (!db)
		return th_err_set(err, TH_ERR_NOMEM, "out of memory");
	inside = th_path_inside(opt->dest, opt->target);
	if (inside < 0)
		st = th_err_set(err, TH_ERR_NOMEM, "out of memory");
	else if (inside)
		st = th_err_set(err, TH_ERR_USAGE,
		                "cannot write into '%s': it is inside the "
		                "evidence '%s'",
		                opt->dest, opt->target);
	else if (th_is_file(db))
		st = th_err_set(err, TH_ERR_USAGE,
		                "cannot write into '%s': it already holds a "
		                "backup",
		                opt->dest);
	free(db);
	return st == TH_OK ? th_mkdir_p(opt->dest, 1, err) : st;
}

static enum th_status open_info(struct dec *d, struct th_err *err)
{
	char *p = th_path_join(d->opt->dest, "info.json");
	json_t *t = json_string(d->opt->target);

	d->info = p ? fopen(p, "wx") : NULL;
	free(p);
	if (!d->info) {
		json_decref(t);
		return th_err_set(err, TH_ERR_IO,
		                  "cannot create '%s/info.json'", d->opt->dest);
	}
	fputs("{\n  \"target_path\": ", d->info);
	json_dumpf(t, d->info, JSON_ENCODE_ANY);
	json_decref(t);
	fprintf(d->info,
	        ",\n  \"tool\": \"tracehound\",\n  \"version\": \"%s\",\n"
	        "  \"command\": \"decrypt-backup\",\n  \"hashes\": [",
	        th_version());
	return TH_OK;
}

static enum th_status close_info(struct dec *d, struct th_err *err)
{
	int bad;

	if (!d->info)
		return TH_OK;
	fputs("\n  ]\n}\n", d->info);
	bad = ferror(d->info);
	bad |= fclose(d->info) != 0;
	d->info = NULL;
	return bad ? th_err_set(err, TH_ERR_IO, "cannot write '%s/info.json'",
	                        d->opt->dest)
	           : TH_OK;
}

enum th_status th_backup_decrypt(const struct th_decrypt_options *opt,
                                 struct th_decrypt_stats *stats, char *errbuf,
                                 size_t errlen)
{
	struct th_source_options so = {.password = opt->password,
	                               .key = opt->key,
	                               .key_len = opt->key_len,
	                               .jobs = opt->jobs};
	struct dec d = {opt, NULL, NULL, 0, NULL, 0, stats, 0};
	struct th_source *src = NULL;
	struct th_err err = {0};
	enum th_status st;
	char *dir = NULL;

	memset(stats, 0, sizeof(*stats));
	if (!opt->target || !opt->dest) {
		set_msg(errbuf, errlen,
		        &(struct th_err){TH_ERR_USAGE,
		                         "no backup or destination"});
		return TH_ERR_USAGE;
	}
	st = locate_encrypted(opt->target, &dir, &err);
	if (st == TH_OK)
		st = th_source_open(&th_source_ios_backup, opt->target, &so,
		                    &src, &err);
	if (st == TH_OK)
		st = check_dest(opt, &err);
	d.b = src ? th_backup_of(src) : NULL;
	if (st == TH_OK && opt->hashes)
		st = open_info(&d, &err);
	if (st == TH_OK)
		st = copy_tops(&d, &err);
	if (st == TH_OK)
		st = decrypt_rows(&d, &err);
	if (d.info && close_info(&d, &err) != TH_OK && st == TH_OK)
		st = err.status;
	th_source_free(src);
	free(dir);
	if (st != TH_OK)
		set_msg(errbuf, errlen, &err);
	return st;
}
