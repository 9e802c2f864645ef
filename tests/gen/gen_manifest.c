/*
 * Writing what backups are made of: Manifest.db rows with their MBFile
 * blobs, stored files, plists and SQLite images.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <sqlite3.h>

#include "gen.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/fsutil.h"

#define NFIELDS   10
#define BLOB_MAX  ((size_t)1 << 20)
#define IMAGE_MAX ((size_t)1 << 30)

/* The MBFile integer fields, in the order real archivers write them. */
static const char *const field_names[NFIELDS] = {
        "Birth",           "LastModified", "LastStatusChange", "Mode",
        "UserID",          "GroupID",      "InodeNumber",      "Size",
        "ProtectionClass", "Flags",
};

struct th_gen_manifest {
	sqlite3 *db;
	sqlite3_stmt *ins;
	char *dir;
	size_t rows;
	struct th_buf blob; /* the current row's MBFile */
	/* One NSKeyedArchiver tree reused for every row: only the values
	 * change, which keeps 200,000 rows fast. */
	plist_t archive;
	plist_t fields[NFIELDS];
	plist_t path;
};

static const char schema[] =
        "PRAGMA journal_mode=OFF;"
        "PRAGMA cache_size=-65536;"
        "PRAGMA synchronous=OFF;"
        "CREATE TABLE Files (fileID TEXT PRIMARY KEY, domain TEXT, "
        "relativePath TEXT, flags INTEGER, file BLOB);"
        "CREATE TABLE Properties (key TEXT PRIMARY KEY, value BLOB);"
        "BEGIN;";

static const char indexes[] =
        "CREATE INDEX FilesDomainIdx ON Files(domain);"
        "CREATE INDEX FilesRelativePathIdx ON Files(relativePath);"
        "CREATE INDEX FilesFlagsIdx ON Files(flags);"
        "COMMIT;";

uint64_t th_gen_rand(uint64_t *state)
{
	uint64_t z = (*state += UINT64_C(0x9e3779b97f4a7c15));

	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

void th_gen_file_id(const char *domain, const char *relative_path, char out[41])
{
	unsigned char h[EVP_MAX_MD_SIZE];
	size_t ld = strlen(domain), lp = strlen(relative_path);
	char small[512], *key = small;
	unsigned int hl = 0, i;

	out[0] = '\0';
	if (ld + lp + 1 > sizeof(small) && !(key = malloc(ld + lp + 1)))
		return;
	memcpy(key, domain, ld);
	key[ld] = '-';
	memcpy(key + ld + 1, relative_path, lp);
	if (EVP_Digest(key, ld + lp + 1, h, &hl, EVP_sha1(), NULL) == 1)
		for (i = 0; i < hl && i < 20; i++)
			snprintf(out + 2 * i, 3, "%02x", h[i]);
	if (key != small)
		free(key);
}

enum th_status th_gen_file_write(const char *path, const void *data, size_t len,
                                 struct th_err *err)
{
	const char *p = data;
	ssize_t n;
	int fd;

	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0)
		return th_err_set(err, TH_ERR_IO, "cannot create '%s': %s",
		                  path, strerror(errno));
	while (len > 0) {
		n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		p += n;
		len -= (size_t)n;
	}
	if (close(fd) != 0 || len > 0)
		return th_err_set(err, TH_ERR_IO, "cannot write '%s': %s", path,
		                  strerror(errno));
	return TH_OK;
}

enum th_status th_gen_plist_write(const char *path, plist_t root, int xml,
                                  struct th_err *err)
{
	char *data = NULL;
	uint32_t len = 0;
	enum th_status st;

	if (xml)
		plist_to_xml(root, &data, &len);
	else
		plist_to_bin(root, &data, &len);
	if (!data)
		return th_err_set(err, TH_ERR_INTERNAL,
		                  "cannot encode the plist for '%s'", path);
	st = th_gen_file_write(path, data, len, err);
	if (xml)
		plist_to_xml_free(data);
	else
		plist_to_bin_free(data);
	return st;
}

enum th_status th_gen_sqlite_image(const char *sql, struct th_buf *out,
                                   struct th_err *err)
{
	sqlite3 *db = NULL;
	unsigned char *img = NULL;
	sqlite3_int64 size = 0;
	enum th_status st = TH_OK;

	if (sqlite3_open(":memory:", &db) != SQLITE_OK ||
	    sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK) {
		st = th_err_set(err, TH_ERR_INTERNAL,
		                "cannot build an SQLite image: %s",
		                db ? sqlite3_errmsg(db) : "out of memory");
		goto out;
	}
	img = sqlite3_serialize(db, "main", &size, 0);
	if (!img || size < 0 || (uint64_t)size > IMAGE_MAX) {
		st = th_err_set(err, TH_ERR_NOMEM,
		                "cannot serialise an SQLite image");
		goto out;
	}
	th_buf_reset(out);
	if (th_buf_add(out, img, (size_t)size) != TH_OK)
		st = th_err_set(err, TH_ERR_NOMEM,
		                "cannot hold an SQLite image of %lld bytes",
		                (long long)size);
out:
	sqlite3_free(img);
	sqlite3_close(db);
	return st;
}

static plist_t class_object(void)
{
	plist_t cls = plist_new_dict(), names = plist_new_array();

	plist_dict_set_item(cls, "$classname", plist_new_string("MBFile"));
	plist_array_append_item(names, plist_new_string("MBFile"));
	plist_array_append_item(names, plist_new_string("NSObject"));
	plist_dict_set_item(cls, "$classes", names);
	return cls;
}

/* {"$version", "$archiver", "$top": {root: UID 1}, "$objects": ["$null",
 * MBFile, relativePath, class]}: the layout iOS writes. */
static void build_archive(struct th_gen_manifest *m)
{
	plist_t top = plist_new_dict(), objs = plist_new_array();
	plist_t file = plist_new_dict();
	size_t i;

	m->archive = plist_new_dict();
	plist_dict_set_item(m->archive, "$version", plist_new_uint(100000));
	plist_dict_set_item(m->archive, "$archiver",
	                    plist_new_string("NSKeyedArchiver"));
	plist_dict_set_item(top, "root", plist_new_uid(1));
	plist_dict_set_item(m->archive, "$top", top);
	plist_array_append_item(objs, plist_new_string("$null"));
	plist_dict_set_item(file, "$class", plist_new_uid(3));
	for (i = 0; i < NFIELDS; i++) {
		m->fields[i] = plist_new_uint(0);
		plist_dict_set_item(file, field_names[i], m->fields[i]);
	}
	plist_dict_set_item(file, "RelativePath", plist_new_uid(2));
	plist_array_append_item(objs, file);
	m->path = plist_new_string("");
	plist_array_append_item(objs, m->path);
	plist_array_append_item(objs, class_object());
	plist_dict_set_item(m->archive, "$objects", objs);
}

static int64_t default_mode(int64_t flags)
{
	if (flags == 2)
		return 040755;
	if (flags == 4)
		return 0120755;
	return 0100644;
}

static void fill_archive(struct th_gen_manifest *m,
                         const struct th_gen_entry *e)
{
	int64_t v[NFIELDS];
	size_t i;

	v[0] = e->birth;
	v[1] = e->modified ? e->modified : e->birth;
	v[2] = e->changed ? e->changed : v[1];
	v[3] = e->mode ? e->mode : default_mode(e->flags);
	v[4] = 501;
	v[5] = 501;
	v[6] = e->inode;
	v[7] = e->size;
	v[8] = e->protection_class ? e->protection_class
	                           : (e->flags == 1 ? 3 : 0);
	v[9] = 0;
	for (i = 0; i < NFIELDS; i++)
		plist_set_uint_val(m->fields[i], (uint64_t)v[i]);
	plist_set_string_val(m->path, e->relative_path);
}

enum th_status th_gen_mbfile(struct th_gen_manifest *m,
                             const struct th_gen_entry *e, struct th_buf *out,
                             struct th_err *err)
{
	char *bin = NULL;
	uint32_t len = 0;
	enum th_status st;

	fill_archive(m, e);
	/* libplist 2.2 encodes nothing unless *bin is NULL on entry. */
	plist_to_bin(m->archive, &bin, &len);
	if (!bin)
		return th_err_set(err, TH_ERR_INTERNAL,
		                  "cannot encode the MBFile of '%s'",
		                  e->relative_path);
	th_buf_reset(out);
	st = th_buf_add(out, bin, len);
	plist_to_bin_free(bin);
	if (st != TH_OK)
		return th_err_set(err, st, "cannot hold the MBFile of '%s'",
		                  e->relative_path);
	return TH_OK;
}

static enum th_status db_fail(struct th_gen_manifest *m, const char *what,
                              struct th_err *err)
{
	return th_err_set(err, TH_ERR_IO, "cannot %s '%s/Manifest.db': %s",
	                  what, m->dir, sqlite3_errmsg(m->db));
}

enum th_status th_gen_manifest_open(const char *backup_dir,
                                    struct th_gen_manifest **out,
                                    struct th_err *err)
{
	struct th_gen_manifest *m = calloc(1, sizeof(*m));
	char *path = NULL;
	enum th_status st = TH_OK;

	*out = NULL;
	if (!m || !(m->dir = strdup(backup_dir)) ||
	    !(path = th_path_join(backup_dir, "Manifest.db"))) {
		st = th_err_set(err, TH_ERR_NOMEM, "out of memory");
		goto out;
	}
	if (access(path, F_OK) == 0) {
		st = th_err_set(err, TH_ERR_USAGE,
		                "cannot create '%s': it already exists", path);
		goto out;
	}
	if (sqlite3_open_v2(path, &m->db,
	                    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
	                    NULL) != SQLITE_OK ||
	    sqlite3_exec(m->db, schema, NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(m->db,
	                       "INSERT INTO Files VALUES (?1, ?2, ?3, ?4, ?5)",
	                       -1, &m->ins, NULL) != SQLITE_OK) {
		st = db_fail(m, "create", err);
		goto out;
	}
	th_buf_init(&m->blob, BLOB_MAX);
	build_archive(m);
	*out = m;
	m = NULL;
out:
	th_gen_manifest_free(m);
	free(path);
	return st;
}

static enum th_status store(struct th_gen_manifest *m, const char *id,
                            const void *data, size_t len, struct th_err *err)
{
	char sub[3] = {id[0], id[1], '\0'};
	char *folder = th_path_join(m->dir, sub), *file = NULL;
	enum th_status st;

	if (!folder || !(file = th_path_join(folder, id))) {
		st = th_err_set(err, TH_ERR_NOMEM, "out of memory");
		goto out;
	}
	st = th_mkdir_p(folder, 0, err);
	if (st == TH_OK)
		st = th_gen_file_write(file, data, len, err);
out:
	free(folder);
	free(file);
	return st;
}

static enum th_status insert(struct th_gen_manifest *m, const char *id,
                             const struct th_gen_entry *e,
                             const struct th_buf *blob, struct th_err *err)
{
	sqlite3_stmt *s = m->ins;
	int rc;

	sqlite3_reset(s);
	sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, e->domain, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, e->relative_path, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 4, e->flags);
	sqlite3_bind_blob(s, 5, blob->data, (int)blob->len, SQLITE_STATIC);
	rc = sqlite3_step(s);
	sqlite3_reset(s);
	if (rc != SQLITE_DONE)
		return th_err_set(
		        err, TH_ERR_IO, "cannot add '%s-%s' to Manifest.db: %s",
		        e->domain, e->relative_path, sqlite3_errmsg(m->db));
	m->rows++;
	return TH_OK;
}

enum th_status th_gen_manifest_add(struct th_gen_manifest *m,
                                   const struct th_gen_entry *e,
                                   const void *data, size_t len,
                                   struct th_err *err)
{
	struct th_gen_entry row = *e;
	char id[41];
	enum th_status st;

	if (data)
		row.size = (int64_t)len;
	th_gen_file_id(row.domain, row.relative_path, id);
	st = th_gen_mbfile(m, &row, &m->blob, err);
	if (st == TH_OK)
		st = insert(m, id, &row, &m->blob, err);
	if (st == TH_OK && data)
		st = store(m, id, data, len, err);
	return st;
}

size_t th_gen_manifest_rows(const struct th_gen_manifest *m)
{
	return m->rows;
}

enum th_status th_gen_manifest_close(struct th_gen_manifest *m,
                                     struct th_err *err)
{
	enum th_status st = TH_OK;

	sqlite3_finalize(m->ins);
	m->ins = NULL;
	if (sqlite3_exec(m->db, indexes, NULL, NULL, NULL) != SQLITE_OK)
		st = db_fail(m, "finish", err);
	else if (sqlite3_close(m->db) != SQLITE_OK)
		st = db_fail(m, "close", err);
	else
		m->db = NULL;
	th_gen_manifest_free(m);
	return st;
}

void th_gen_manifest_free(struct th_gen_manifest *m)
{
	if (!m)
		return;
	sqlite3_finalize(m->ins);
	sqlite3_close(m->db);
	plist_free(m->archive);
	th_buf_free(&m->blob);
	free(m->dir);
	free(m);
}
