/*
 * Inside the indicator engine: the set's layout (iocs.c, over hmap.c),
 * the pattern parser (pattern.c), the bounded JSON loading (jsonload.c)
 * and the STIX2 reader that turns one file into a list of (kind, value,
 * collection) before it is merged into a set (stix2.c). Lookups are in
 * match.c, type guesses in guess.c.
 */
#ifndef TH_IOCS_INT_H
#define TH_IOCS_INT_H

#include <jansson.h>
#include <stddef.h>
#include <tracehound/th_iocs.h>
#include "core/err.h"
#include "iocs/hmap.h"

/* A STIX2 file larger than this is refused whole. */
#define TH_STIX2_FILE_MAX ((size_t)64 * 1024 * 1024)
/* Longest JSON string, deepest nesting: real files stay under 300 bytes
 * and 6 levels; the limits stop a hostile file before jansson sees it. */
#define TH_STIX2_STRING_MAX ((size_t)1024 * 1024)
#define TH_STIX2_DEPTH_MAX  64
/* Longest indicator value; longer ones are skipped. */
#define TH_IOC_VALUE_MAX 4096
/* Collections kept per indicator; later ones are dropped. */
#define TH_IOC_SOURCES_MAX 256
/* Files taken from one folder. */
#define TH_IOCS_DIR_MAX 4096

/* The index also maps the first 16 bytes of every longer process name
 * to its indicator (iOS truncates process names to 16 characters). */
#define TH_TAG_PROCESS16 TH_IOC_KIND_COUNT

struct th_ioc_rec {
	struct th_ioc pub;
	size_t cap;               /* room in pub.sources */
	struct th_ioc_source one; /* pub.sources while there is one */
};

struct th_file_rec {
	struct th_ioc_file pub;
	const char *base; /* th_path_base(pub.path) */
};

struct th_iocs {
	struct th_arena arena; /* values, names, records */
	struct th_hmap index;  /* (kind or TH_TAG_*, value) -> th_ioc_rec */
	struct th_file_rec **files;
	size_t nfiles, cap_files;
	char **errors; /* in the arena */
	size_t nerrors, cap_errors;
	size_t total;
	size_t max_path; /* the longest file path indicator */
};

/* --- patterns (pattern.c) --- */

/*
 * Parses "[key = 'value']" (blanks around '=' optional, \' and \\
 * escapes) into its kind and its normalised value, written to val (room
 * for TH_IOC_VALUE_MAX + 1 bytes, NUL-terminated). Returns NULL, or why
 * the pattern is unusable (a static string: "pattern has no quoted
 * value").
 */
const char *th_ioc_pattern_parse(const char *pat, size_t len,
                                 enum th_ioc_kind *kind, char *val,
                                 size_t *val_len);

/*
 * Normalises a value of `kind` in place, as loading and lookups both do:
 * blanks around it removed; domains, e-mails ("mailto:" removed), hashes
 * (':' separators removed), profile ids, and URL schemes and hosts
 * lower-cased; one trailing dot off domains; addresses as inet_ntop
 * writes them. val has room for TH_IOC_VALUE_MAX + 1 bytes and *len is at
 * most TH_IOC_VALUE_MAX. Returns NULL or why the value is unusable.
 */
const char *th_ioc_value_normalise(enum th_ioc_kind kind, char *val,
                                   size_t *len);

/* --- the JSON of one file (jsonload.c) --- */

/* Bundles at least this big are parsed in pieces, in parallel. */
#define TH_STIX2_SPLIT_MIN ((size_t)256 * 1024)

struct th_stix2_opts {
	int threads;      /* for a parse in pieces; 0: one per core */
	size_t split_min; /* bytes; SIZE_MAX: never in pieces */
};

/* A bundle's JSON: the root object, and when it was parsed in pieces,
 * arrays whose elements, in order, are its "objects" (the root's own
 * "objects" is then empty). */
struct th_stix2_json {
	json_t *root;
	json_t **parts;
	size_t nparts;
};

/*
 * Parses a bundle's bytes after a pre-scan that refuses strings over
 * TH_STIX2_STRING_MAX and nesting over TH_STIX2_DEPTH_MAX (TH_ERR_LIMIT).
 * Not JSON: TH_ERR_FORMAT. Messages name the file `name`. Free with
 * th_stix2_json_free (also after an error).
 */
enum th_status th_stix2_json_load(struct th_stix2_json *j, const char *name,
                                  const char *data, size_t len,
                                  const struct th_stix2_opts *opts,
                                  struct th_err *err);
void th_stix2_json_free(struct th_stix2_json *j);

/* --- one STIX2 file (stix2.c) --- */

struct th_stix2_ind {
	const char *value; /* in the file's arena */
	size_t len;
	enum th_ioc_kind kind;
	size_t coll; /* index into colls */
};

struct th_stix2_file {
	const char *path; /* in the arena */
	struct th_arena arena;
	struct th_err err; /* not TH_OK: nothing is loaded from the file */
	struct th_stix2_ind *inds;
	size_t ninds, cap_inds;
	const char **colls; /* distinct names, first use first */
	size_t ncolls, cap_colls;
	size_t indicators, skipped, by_kind[TH_IOC_KIND_COUNT];
	const char *skip_msg;      /* why indicators were skipped, or NULL */
	struct th_stix2_opts opts; /* set by the caller before reading */
};

/* A file's strings live in its arena until th_stix2_file_free, unless
 * the set takes the arena over (th_arena_splice) when it merges them. */
void th_stix2_file_init(struct th_stix2_file *f);
void th_stix2_file_free(struct th_stix2_file *f);

/* Reads and parses one file into an initialised f: TH_OK, or the status
 * left in f->err with a message naming the file. Reentrant: the folder
 * loader runs it on several threads, one file each. */
enum th_status th_stix2_file_read(struct th_stix2_file *f, const char *path);

/* Parses a bundle held in memory; `name` stands for its path. */
enum th_status th_stix2_file_parse(struct th_stix2_file *f, const char *name,
                                   const char *data, size_t len);

/* --- the set (iocs.c) --- */

/* Loads a bundle held in memory as if it were the file `name` (the fuzz
 * target's entry point). Same outcome as th_iocs_load on one file. */
enum th_status th_iocs_load_buffer(struct th_iocs *iocs, const char *name,
                                   const char *data, size_t len);

/* The record stored under (tag, s[0..len)), or NULL. */
const struct th_ioc *th_iocs_find(const struct th_iocs *iocs, unsigned tag,
                                  const char *s, size_t len);

#endif
