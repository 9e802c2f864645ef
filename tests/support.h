/*
 * Shared test helpers. Include after <cmocka.h>'s prerequisites:
 *   #include <stdarg.h> <stddef.h> <stdint.h> <setjmp.h> <cmocka.h>
 */
#ifndef TH_TEST_SUPPORT_H
#define TH_TEST_SUPPORT_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>
#include <tracehound/tracehound.h>

/* A path under ../shared (TH_SHARED_DIR), malloc'ed; NULL when ../shared
 * or the file is absent (the caller then calls skip()). */
char *t_shared(const char *rel);

/* Like t_shared, but prints why and skips the test when absent. */
#define T_SHARED_OR_SKIP(var, rel)                                             \
	do {                                                                   \
		(var) = t_shared(rel);                                         \
		if (!(var)) {                                                  \
			print_message("skipped: ../shared/%s is absent\n",     \
			              (rel));                                  \
			skip();                                                \
		}                                                              \
	} while (0)

/* A fresh private temporary folder (removed by t_tmpdir_free). */
char *t_tmpdir(void);
void t_tmpdir_free(char *dir);

/* Runs argv (argv[0] is a path) with stdin from /dev/null, capturing
 * stdout and stderr into malloc'ed strings (either pointer may be NULL).
 * Returns the exit status, or -1 if it did not exit normally. */
int t_run(char *const argv[], char **out, char **err);

/* What a run of the tracehound binary gave: exit status (as t_run),
 * stdout and stderr (malloc'ed, never NULL). */
struct t_out {
	int rc;
	char *out;
	char *err;
};

/* Runs TH_BINARY with the NULL-terminated arguments (at most 32). Fails
 * the test when stderr holds a sanitizer report, which under TH_SANITIZE
 * the exit status alone would not tell. Free with t_out_free. */
struct t_out t_th(const char *arg, ...);
struct t_out t_thv(const char *arg, va_list ap);
void t_out_free(struct t_out *r);

/* t_th, asserting that the run left `evidence` as it found it (the
 * same t_tree_hash before and after). */
struct t_out t_th_on(const char *evidence, const char *arg, ...);

/* SHA-256 over every file's path and contents and every entry's type
 * under dir (sorted, not following symlinks), as 64 hex chars. */
void t_tree_hash(const char *dir, char out[65]);

/* Reads a whole file (malloc'ed, NUL-terminated) or NULL. */
char *t_slurp(const char *path, size_t *len);

/* Whether `haystack` contains `needle`. */
int t_contains(const char *haystack, const char *needle);

/* --- evidence from ../shared, which a run must leave unchanged --- */

/* The evidence (a path under ../shared), a fresh results folder and the
 * evidence's hash when opened. */
struct t_ev {
	char *dir;
	char *out;
	char before[65];
};

/* Opens ../shared/`rel` (skips the test when it is absent), makes the
 * results folder and hashes the evidence. */
#define t_ev_shared(ev, rel)                                                   \
	do {                                                                   \
		T_SHARED_OR_SKIP((ev)->dir, rel);                              \
		t_ev_begin(ev);                                                \
	} while (0)

void t_ev_begin(struct t_ev *ev);

/* Asserts the evidence hashes as when opened; frees the paths and
 * removes the results folder. */
void t_ev_close(struct t_ev *ev);

/* --- runs through the public API --- */

/* th_run_new and th_run_execute on `opt`, failing the test when either
 * fails. The caller frees the run with th_run_free. */
struct th_run *t_run_execute(const struct th_run_options *opt);

/* Runs `modules` (NULL: all) on `target` with one job; `source` forces a
 * source (NULL: the sources bid), `out` receives the result files (NULL:
 * none), `iocs` may be NULL. Fails the test on an error. */
struct th_run *t_run_modules(const char *target, const char *source,
                             const char *out, const struct th_iocs *iocs,
                             const char *const *modules, size_t nmodules);

/* The first result of module `slug`, or NULL. */
const struct th_module_result *t_result_find(const struct th_run *run,
                                             const char *slug);

/* Like t_result_find, but fails the test when there is none. */
const struct th_module_result *t_result(const struct th_run *run,
                                        const char *slug);

/* Where t_alerts_in looks for its needle. */
enum t_where {
	T_MESSAGE,          /* the message contains it */
	T_MESSAGE_OR_VALUE, /* ... or the matched value is it */
	T_ANY_TEXT,         /* the message or the matched value contains it */
};

/* Alerts of `module` (NULL: any) at `level` (-1: any) with `needle`
 * (NULL: any) where `where` says. */
size_t t_alerts_in(const struct th_run *run, const char *module, int level,
                   const char *needle, enum t_where where);

/* Alerts whose message contains `needle` (see t_alerts_in). */
size_t t_alerts(const struct th_run *run, const char *module, int level,
                const char *needle);

/* The string at `key` of object `o` (of element `i` of array `arr`),
 * or NULL. */
const char *t_str(const json_t *o, const char *key);
const char *t_str_at(const json_t *arr, size_t i, const char *key);

/* --- files --- */

/* Parses <dir>/<name> as JSON, failing the test when it does not parse.
 * The caller owns the value. */
json_t *t_load_json(const char *dir, const char *name);

/* Writes `len` bytes to <dir>/<name> (replaced), failing the test on an
 * error; returns the path (malloc'ed). */
char *t_write(const char *dir, const char *name, const void *data, size_t len);

/* t_write of a NUL-terminated text. */
char *t_write_text(const char *dir, const char *name, const char *text);

/* Writes `len` bytes to <root>/<rel>, creating the folders on the way. */
void t_put(const char *root, const char *rel, const void *data, size_t len);

/* t_put of a SQLite database image built from `sql`. */
void t_put_sql(const char *root, const char *rel, const char *sql);

/* Lowercase hex of `n` bytes (malloc'ed). */
char *t_hex(const void *data, size_t n);

/* --- indicators and generated evidence --- */

/* An indicator set loaded from the STIX2 file at `path`. */
struct th_iocs *t_iocs_load(const char *path);

/* An indicator set loaded from a STIX2 `text` written to a scratch
 * file named `name` (removed before returning). */
struct th_iocs *t_iocs_text(const char *name, const char *text);

/* A generated iOS backup in <tmp>/<name> (malloc'ed path), failing the
 * test when it cannot be generated. */
char *t_gen_backup(const char *tmp, const char *name, int infected, size_t rows,
                   uint64_t seed);

/* A run on an iOS backup generated into a fresh folder: set the first
 * fields, then t_gen_open (the caller may then damage g->dir),
 * t_gen_exec and t_gen_free. */
struct t_gen {
	const char *source;         /* NULL: the sources bid */
	const char *const *modules; /* NULL: all */
	size_t nmodules;
	size_t rows;          /* filler Manifest rows */
	uint64_t seed;        /* of the generator */
	struct th_iocs *iocs; /* may be NULL; freed by t_gen_free */
	char *tmp;            /* the folder, removed by t_gen_free */
	char *dir;            /* <tmp>/backup */
	char *out;            /* <tmp>/out, the results */
	struct th_run *run;
};

void t_gen_open(struct t_gen *g, int infected);
struct th_run *t_gen_exec(struct t_gen *g);
void t_gen_free(struct t_gen *g);

/* Where a backup stores the file of `domain` and `rel` (malloc'ed). */
char *t_backup_file(const char *dir, const char *domain, const char *rel);

#endif
