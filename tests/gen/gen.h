/*
 * Synthetic evidence for tests, the demo and the benchmark. Everything a
 * generator writes is deterministic for a given seed (fixed clock, seeded
 * pseudo-random filler), so runs can be compared with golden files.
 *
 * Generators never read evidence; they only write into the folder they
 * are given, which must not already hold a backup.
 */
#ifndef TH_GEN_H
#define TH_GEN_H

#include <stddef.h>
#include <stdint.h>
#include <plist/plist.h>
#include <tracehound/th_status.h>
#include "core/buf.h"
#include "core/err.h"

/* The fixed clock: "Last Backup Date" of every generated backup, in Unix
 * seconds (2022-10-03 09:00:00 UTC). Planted traces sit before it. */
#define TH_GEN_BACKUP_TIME INT64_C(1664787600)

#define TH_GEN_SEED_DEFAULT 1

/* Filler rows are capped so a typo cannot fill a disk. */
#define TH_GEN_ROWS_MAX ((size_t)10000000)

struct th_gen_backup_opts {
	int infected;  /* plant the traces, not only the look-alikes */
	size_t rows;   /* extra benign Manifest rows (no stored files) */
	uint64_t seed; /* filler and device identifiers derive from it */
};

/*
 * Writes an unencrypted iOS backup into `dir` (created if needed; it must
 * not hold a Manifest.db already): Info.plist (XML), Manifest.plist,
 * Status.plist, Manifest.db and the stored files of the planted rows.
 * TH_ERR_IO / TH_ERR_USAGE / TH_ERR_NOMEM with a message in err.
 */
enum th_status th_gen_backup(const char *dir,
                             const struct th_gen_backup_opts *opt,
                             struct th_err *err);

/* How many Manifest rows th_gen_backup writes besides the filler. */
size_t th_gen_backup_nplanted(int infected);

/* The encrypted twin (gen_encrypt.c). Real backups use DPIC 10,000,000
 * and ITER 10,000; tests use small counts. */
struct th_gen_encrypt_opts {
	const char *password;
	uint32_t dpic;      /* PBKDF2-SHA256 stage; 0: none (before iOS 10.2) */
	uint32_t iter;      /* PBKDF2-SHA1 stage, at least 1 */
	uint64_t seed;      /* keys and salts derive from it */
	int64_t size_delta; /* moves every recorded Size (stale) */
	const char *bad_key_path; /* relativePath whose file key is damaged */
	uint32_t bad_class; /* class (1-11) whose wrapped key is damaged */
	size_t bulk_files;  /* benchmarks: extra MediaDomain files ... */
	size_t bulk_size;   /* ... of this many filler bytes each */
};

/* Writes into `dir` an encrypted copy of the backup th_gen_backup wrote
 * in `plain_dir` (which is only read). */
enum th_status th_gen_backup_encrypt(const char *plain_dir, const char *dir,
                                     const struct th_gen_encrypt_opts *opt,
                                     struct th_err *err);

/* --- the planting table (gen_plant.c) --- */

enum th_gen_when {
	TH_GEN_INFECTED = 1u << 0, /* only in infected backups */
	TH_GEN_CLEAN = 1u << 1,    /* only in clean backups */
	TH_GEN_ALWAYS = TH_GEN_INFECTED | TH_GEN_CLEAN
};

/* Fills `out` with a stored file's contents (e.g. an SQLite image). */
typedef enum th_status (*th_gen_make_fn)(struct th_buf *out,
                                         struct th_err *err);

/*
 * One planted Manifest row. A trace is a row an alert must come from; a
 * look-alike is a row no alert may come from. The contents are `text`,
 * else what `make` produces, else none (a row without a stored file).
 */
struct th_gen_plant {
	unsigned when; /* enum th_gen_when bits */
	const char *domain;
	const char *path; /* relativePath */
	int64_t flags;    /* 1 file, 2 directory, 4 symlink */
	int64_t birth;    /* Unix seconds; modified and changed follow */
	const char *text;
	th_gen_make_fn make;
	const char *why; /* what it stands for, for readers and tests */
};

/* The rows of one area (gen_plant.c: Manifest-level traces; later files:
 * one per artifact area, e.g. gen_plant_sms.c). */
extern const struct th_gen_plant th_gen_backup_plants[];
extern const size_t th_gen_backup_nplants;
/* Messages (gen_plant_sms.c) and browsers (gen_plant_browsers.c). */
extern const struct th_gen_plant th_gen_sms_plants[];
extern const size_t th_gen_sms_nplants;
extern const struct th_gen_plant th_gen_browser_plants[];
extern const size_t th_gen_browser_nplants;

/* Large artifacts for the benchmark, written as new SQLite files at
 * `path` (it must not exist) in one transaction: an sms.db with n
 * messages (every tenth with a link) and a Safari History.db with n
 * visits. TH_ERR_USAGE, TH_ERR_IO with a message in err. */
enum th_status th_gen_sms_db_file(const char *path, size_t n,
                                  struct th_err *err);
enum th_status th_gen_safari_history_file(const char *path, size_t n,
                                          struct th_err *err);

/* The system, network-usage and Triangulation areas (sysapps). */
extern const struct th_gen_plant th_gen_netusage_plants[];
extern const size_t th_gen_netusage_nplants;
extern const struct th_gen_plant th_gen_system_plants[];
extern const size_t th_gen_system_nplants;
extern const struct th_gen_plant th_gen_triangulation_plants[];
extern const size_t th_gen_triangulation_nplants;
extern const struct th_gen_plant th_gen_comms_plants[];
extern const size_t th_gen_comms_nplants;

/* Adds Info.plist's Applications, with a sideloaded app when infected
 * (gen_plant_apps.c). */
void th_gen_info_apps(plist_t info, int infected);

/* A DataUsage.sqlite image with `nprocs` processes and two ZLIVEUSAGE
 * rows each, for the benchmark. TH_ERR_USAGE past TH_GEN_ROWS_MAX. */
enum th_status th_gen_datausage(size_t nprocs, struct th_buf *out,
                                struct th_err *err);

/* Every planted row of every area, in order (gen_plants.c lists the
 * areas: a new area is one line there). */
size_t th_gen_plant_count(void);
const struct th_gen_plant *th_gen_plant_at(size_t i);

/* --- helpers for generators (gen_manifest.c) --- */

/* hex(SHA1(domain "-" relative_path)), as backups name stored files. */
void th_gen_file_id(const char *domain, const char *relative_path,
                    char out[41]);

/* Writes a plist to a new file (binary, or XML when `xml` is set). */
enum th_status th_gen_plist_write(const char *path, plist_t root, int xml,
                                  struct th_err *err);

/* Writes bytes to a new file (fails if it exists). */
enum th_status th_gen_file_write(const char *path, const void *data, size_t len,
                                 struct th_err *err);

/* Runs an SQL script on an empty in-memory database and puts the
 * database file's bytes in `out`: evidence SQLite files in one call. */
enum th_status th_gen_sqlite_image(const char *sql, struct th_buf *out,
                                   struct th_err *err);

/* --- SQLite databases for plants and the benchmark (gen_sqlite.c) --- */

struct sqlite3;

/* Appends a part of a planted database's SQL script. */
typedef enum th_status (*th_gen_sql_fn)(struct th_buf *sql);

/* Fills a large database with n rows (inside a transaction). */
typedef enum th_status (*th_gen_fill_fn)(struct sqlite3 *db, size_t n,
                                         struct th_err *err);

/* A planted database's image in `out`: `schema`, then the look-alikes,
 * then the traces when `infected` (either may be NULL). `what` names
 * the database in messages ("sms.db"). */
enum th_status th_gen_db_image(const char *schema, th_gen_sql_fn lookalikes,
                               th_gen_sql_fn traces, int infected,
                               const char *what, struct th_buf *out,
                               struct th_err *err);

/* Runs `sql` on db: TH_ERR_IO "cannot build the <what>: <reason>". */
enum th_status th_gen_db_exec(struct sqlite3 *db, const char *sql,
                              const char *what, struct th_err *err);

/* Creates the SQLite file `path` (TH_ERR_USAGE when it exists) with
 * `schema` and fills it with fill(db, n) in one transaction, journal
 * off: the benchmark's large databases. */
enum th_status th_gen_db_file(const char *path, const char *schema, size_t n,
                              th_gen_fill_fn fill, const char *what,
                              struct th_err *err);

/* One Manifest.db row's metadata. Zero fields get defaults: mode from
 * flags, modified/changed = birth, protection class 3 for files. */
struct th_gen_entry {
	const char *domain;
	const char *relative_path;
	int64_t flags;
	int64_t birth; /* Unix seconds */
	int64_t modified;
	int64_t changed;
	int64_t size; /* rows with contents: the contents' length */
	int64_t inode;
	int64_t mode;
	int64_t protection_class;
};

/* A Manifest.db being written, in one transaction. */
struct th_gen_manifest;

/* Creates <backup_dir>/Manifest.db (it must not exist) with the Files and
 * Properties tables. Free with th_gen_manifest_close or _free. */
enum th_status th_gen_manifest_open(const char *backup_dir,
                                    struct th_gen_manifest **out,
                                    struct th_err *err);

/* Adds a row whose `file` column is an MBFile NSKeyedArchiver plist.
 * With `data` (len may be 0) the contents are also stored at
 * <fileID[0:2]>/<fileID>; with NULL the row has no stored file. */
enum th_status th_gen_manifest_add(struct th_gen_manifest *m,
                                   const struct th_gen_entry *e,
                                   const void *data, size_t len,
                                   struct th_err *err);

/* The MBFile blob th_gen_manifest_add would write for `e`. */
enum th_status th_gen_mbfile(struct th_gen_manifest *m,
                             const struct th_gen_entry *e, struct th_buf *out,
                             struct th_err *err);

size_t th_gen_manifest_rows(const struct th_gen_manifest *m);

/* Creates the indexes, commits and frees. */
enum th_status th_gen_manifest_close(struct th_gen_manifest *m,
                                     struct th_err *err);

/* Frees without committing (after an error). NULL is fine. */
void th_gen_manifest_free(struct th_gen_manifest *m);

/* A small seeded generator (splitmix64) for filler. */
uint64_t th_gen_rand(uint64_t *state);

#endif
