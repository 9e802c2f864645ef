#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/buf.h"
#include "formats/sqlite_ev.h"

#define SQLITE_MAGIC "SQLite format 3"

static enum th_status check_header(const char *path, struct th_err *err)
{
	char hdr[16];
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return th_err_errno(err, errno, "cannot open '%s'", path);
	n = read(fd, hdr, sizeof(hdr));
	close(fd);
	if (n != (ssize_t)sizeof(hdr) || memcmp(hdr, SQLITE_MAGIC, 16) != 0)
		return th_err_set(err, TH_ERR_FORMAT,
		                  "cannot open '%s': not a SQLite database",
		                  path);
	return TH_OK;
}

/* "file://<absolute path>?immutable=1", with the characters a URI would
 * read as syntax %-encoded. The absolute path comes from realpath, so it
 * starts with exactly one '/' and "//" cannot be read as an authority. */
static char *immutable_uri(const char *path)
{
	struct th_buf b;
	char *abs = realpath(path, NULL);
	const char *p;
	enum th_status st;

	if (!abs)
		return NULL;
	th_buf_init(&b, 4 * (size_t)PATH_MAX);
	st = th_buf_adds(&b, "file://");
	for (p = abs; st == TH_OK && *p; p++) {
		if (*p == '%' || *p == '?' || *p == '#')
			st = th_buf_printf(&b, "%%%02X", (unsigned char)*p);
		else
			st = th_buf_addc(&b, *p);
	}
	if (st == TH_OK)
		st = th_buf_adds(&b, "?immutable=1");
	free(abs);
	if (st != TH_OK) {
		th_buf_free(&b);
		errno = ENOMEM;
		return NULL;
	}
	return th_buf_take(&b, NULL);
}

static enum th_status copy_file(const char *from, const char *to,
                                struct th_err *err)
{
	enum th_status st = TH_OK;
	char buf[65536];
	ssize_t n, w, off;
	int in, out = -1;

	in = open(from, O_RDONLY | O_CLOEXEC);
	if (in >= 0)
		out = open(to, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (in < 0 || out < 0) {
		st = th_err_errno(err, errno, "cannot copy '%s'", from);
		goto out;
	}
	while ((n = read(in, buf, sizeof(buf))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		for (off = 0; n > 0 && off < n; off += w)
			if ((w = write(out, buf + off, (size_t)(n - off))) < 0)
				break;
		if (n < 0 || off < n) {
			st = th_err_errno(err, errno, "cannot copy '%s'", from);
			goto out;
		}
	}
out:
	if (in >= 0)
		close(in);
	if (out >= 0 && close(out) != 0 && st == TH_OK)
		st = th_err_errno(err, errno, "cannot copy '%s'", from);
	return st;
}

/* Copies path and path-wal into the private folder; *copy is the new
 * database path (malloc'ed). */
static enum th_status copy_with_wal(struct th_sqlite *s, const char *path,
                                    const char *wal, char **copy,
                                    struct th_err *err)
{
	enum th_status st;
	char *copy_wal = NULL;

	*copy = NULL;
	st = th_tmpdir_new(&s->tmp, err);
	if (st != TH_OK)
		return st;
	*copy = th_path_join(s->tmp.path, "db");
	copy_wal = th_path_join(s->tmp.path, "db-wal");
	if (!*copy || !copy_wal)
		st = th_err_set(err, TH_ERR_NOMEM, "out of memory");
	if (st == TH_OK)
		st = copy_file(path, *copy, err);
	if (st == TH_OK)
		st = copy_file(wal, copy_wal, err);
	free(copy_wal);
	return st;
}

/* Ceilings for what a hostile database can make SQLite build. Our own
 * queries are short and simple; a value over TH_SQLITE_VALUE_MAX fails
 * with "string or blob too big" instead of allocating it. */
static const int limits[][2] = {
        {SQLITE_LIMIT_LENGTH, TH_SQLITE_VALUE_MAX},
        {SQLITE_LIMIT_SQL_LENGTH, 100000},
        {SQLITE_LIMIT_EXPR_DEPTH, 500}, /* triggers AND long chains */
        {SQLITE_LIMIT_COMPOUND_SELECT, 100},
        {SQLITE_LIMIT_VDBE_OP, 1000000},
        {SQLITE_LIMIT_FUNCTION_ARG, 32},
        {SQLITE_LIMIT_ATTACHED, 0},
        {SQLITE_LIMIT_LIKE_PATTERN_LENGTH, 1000},
        {SQLITE_LIMIT_TRIGGER_DEPTH, 10},
        {SQLITE_LIMIT_WORKER_THREADS, 0},
};

/* SQLite's advice for databases from an attacker ("Defense Against The
 * Dark Arts"): defensive mode, no extensions, untrusted schema, cell size
 * checks, limits; triggers off as we only read; no memory map, so a file
 * truncated under us is an error and not SIGBUS. The settings that keep
 * the evidence safe must take, or the database is not opened. */
static int harden(sqlite3 *db)
{
	int on = -1, off = -1;
	size_t i;

	for (i = 0; i < sizeof(limits) / sizeof(limits[0]); i++)
		sqlite3_limit(db, limits[i][0], limits[i][1]);
	sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, &on);
	sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 0, &off);
	sqlite3_db_config(db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, NULL);
	sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_TRIGGER, 0, NULL);
	/* Views off: modules read tables, and a view planted under a
	 * table's name (a recursive CTE, joins of joins) would hang the
	 * module that queries it (tests/test_hostile.c). */
	sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_VIEW, 0, NULL);
	sqlite3_busy_timeout(db, 0);
	if (on != 1 || off != 0 ||
	    sqlite3_exec(db, "PRAGMA query_only = 1", NULL, NULL, NULL) ||
	    sqlite3_exec(db, "PRAGMA trusted_schema = 0", NULL, NULL, NULL))
		return -1;
	sqlite3_exec(db, "PRAGMA mmap_size = 0", NULL, NULL, NULL);
	sqlite3_exec(db, "PRAGMA cell_size_check = 1", NULL, NULL, NULL);
	return 0;
}

static int has_wal(const char *wal)
{
	struct stat st;

	return wal && stat(wal, &st) == 0 && S_ISREG(st.st_mode) &&
	       st.st_size > 0;
}

/* Opens the connection: the evidence itself, or its private copy. */
static enum th_status open_db(struct th_sqlite *s, const char *path,
                              struct th_err *err)
{
	char *wal = NULL, *target = NULL;
	enum th_status st = TH_OK;
	/* A connection is used by one thread at a time (one module runs on
	 * it); SQLite's per-call locking would cost ~10% on large tables. */
	int rc, flags = SQLITE_OPEN_NOMUTEX;

	wal = malloc(strlen(path) + sizeof("-wal"));
	if (!wal)
		return th_err_set(err, TH_ERR_NOMEM, "cannot open '%s': %s",
		                  path, "out of memory");
	snprintf(wal, strlen(path) + sizeof("-wal"), "%s-wal", path);
	if (has_wal(wal)) {
		st = copy_with_wal(s, path, wal, &target, err);
		flags |= SQLITE_OPEN_READWRITE;
	} else {
		target = immutable_uri(path);
		flags |= SQLITE_OPEN_READONLY | SQLITE_OPEN_URI;
		if (!target)
			st = th_err_errno(err, errno ? errno : ENOMEM,
			                  "cannot open '%s'", path);
	}
	if (st == TH_OK) {
		rc = sqlite3_open_v2(target, &s->db, flags, NULL);
		if (rc != SQLITE_OK)
			st = th_err_set(err,
			                (rc & 0xff) == SQLITE_NOMEM
			                        ? TH_ERR_NOMEM
			                        : TH_ERR_IO,
			                "cannot open '%s': %s", path,
			                s->db ? sqlite3_errmsg(s->db)
			                      : sqlite3_errstr(rc));
	}
	free(wal);
	free(target);
	return st;
}

enum th_status th_sqlite_open(const char *path, struct th_sqlite **out,
                              struct th_err *err)
{
	struct th_sqlite *s = NULL;
	enum th_status st;
	int rc;

	*out = NULL;
	st = check_header(path, err);
	if (st != TH_OK)
		return st;
	s = calloc(1, sizeof(*s));
	if (!s || !(s->name = strdup(path))) {
		st = th_err_set(err, TH_ERR_NOMEM, "out of memory");
		goto out;
	}
	st = open_db(s, path, err);
	if (st != TH_OK)
		goto out;
	if (harden(s->db) != 0) {
		if ((sqlite3_errcode(s->db) & 0xff) == SQLITE_NOMEM)
			st = th_err_set(err, TH_ERR_NOMEM,
			                "cannot open '%s': out of memory",
			                path);
		else
			st = th_err_set(err, TH_ERR_INTERNAL,
			                "cannot open '%s': SQLite refused its "
			                "defensive settings",
			                path);
		goto out;
	}
	/* Reads the schema now: damage shows here, naming the file. */
	rc = sqlite3_exec(s->db, "SELECT count(*) FROM sqlite_master", NULL,
	                  NULL, NULL);
	if (rc == SQLITE_NOTADB)
		st = th_err_set(err, TH_ERR_FORMAT,
		                "cannot open '%s': not a SQLite database",
		                path);
	else if (rc != SQLITE_OK)
		st = th_sqlite_error(s, err);
out:
	if (st != TH_OK)
		th_sqlite_close(s);
	else
		*out = s;
	return st;
}

void th_sqlite_close(struct th_sqlite *s)
{
	if (!s)
		return;
	sqlite3_close_v2(s->db);
	th_tmpdir_free(&s->tmp);
	free(s->name);
	free(s);
}

enum th_status th_sqlite_error(const struct th_sqlite *s, struct th_err *err)
{
	int rc = sqlite3_errcode(s->db) & 0xff;

	if (rc == SQLITE_NOMEM)
		return th_err_set(err, TH_ERR_NOMEM, "out of memory");
	if (rc == SQLITE_CORRUPT || rc == SQLITE_NOTADB)
		return th_err_set(err, TH_ERR_FORMAT,
		                  "cannot read '%s': database disk image is "
		                  "malformed",
		                  s->name);
	return th_err_set(err, TH_ERR_IO, "cannot read '%s': %s", s->name,
	                  sqlite3_errmsg(s->db));
}

int th_sqlite_nomem(sqlite3 *db)
{
	return (sqlite3_errcode(db) & 0xff) == SQLITE_NOMEM;
}

/* Runs a query with text parameters; 1 when it returns a row, 0 when
 * not, -1 when SQLite ran out of memory: the caller's own query then
 * runs and reports the failure, where 0 would hide it as "no table". */
static int exists(sqlite3 *db, const char *sql, const char *a, const char *b)
{
	sqlite3_stmt *stmt = NULL;
	int rc;

	if (sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) != SQLITE_OK)
		return (sqlite3_errcode(db) & 0xff) == SQLITE_NOMEM ? -1 : 0;
	if (sqlite3_bind_text(stmt, 1, a, -1, SQLITE_STATIC) != SQLITE_OK ||
	    (b &&
	     sqlite3_bind_text(stmt, 2, b, -1, SQLITE_STATIC) != SQLITE_OK)) {
		sqlite3_finalize(stmt);
		return -1;
	}
	rc = sqlite3_step(stmt);
	sqlite3_finalize(stmt);
	if (rc == SQLITE_ROW)
		return 1;
	return (rc & 0xff) == SQLITE_NOMEM ? -1 : 0;
}

int th_sqlite_has_table(sqlite3 *db, const char *table)
{
	return exists(db,
	              "SELECT 1 FROM sqlite_master WHERE type IN "
	              "('table', 'view') AND name = ?1 COLLATE NOCASE",
	              table, NULL);
}

int th_sqlite_has_column(sqlite3 *db, const char *table, const char *column)
{
	return exists(db,
	              "SELECT 1 FROM pragma_table_info(?1) WHERE name = ?2 "
	              "COLLATE NOCASE",
	              table, column);
}
