/*
 * Evidence sources. A source bids on a path (libarchive's bid model: the
 * highest bid wins), opens it, and hands modules artifacts whatever the
 * container. Adding a source is one file with a `const struct
 * th_source_ops` and one row in registry.c.
 */
#ifndef TH_SOURCES_SOURCE_H
#define TH_SOURCES_SOURCE_H

#include <stdint.h>
#include "core/err.h"

/* Source kinds, as bits, so a module can list the ones it supports. */
enum th_source_kind {
	TH_SRC_IOS_BACKUP = 1u << 0,
	TH_SRC_IOS_FS = 1u << 1,
	TH_SRC_SYSDIAGNOSE = 1u << 2,
	TH_SRC_ANDROIDQF = 1u << 3,
	TH_SRC_BUGREPORT = 1u << 4,
	TH_SRC_ANDROID_BACKUP = 1u << 5,
	TH_SRC_INTRUSION_LOGS = 1u << 6
};

/* Bids: 0 no; 1-99 by how sure; the registry keeps the highest.
 * TH_BID_NOMEM: the source could not look (an allocation failed), so no
 * bid can be trusted and detection fails with TH_ERR_NOMEM rather than
 * "not recognised". */
#define TH_BID_NONE  0
#define TH_BID_MAX   100
#define TH_BID_NOMEM (-1)

/*
 * Where an artifact lives, for every source kind at once; a source reads
 * the fields it understands and ignores the others. Globs are fnmatch(3)
 * patterns without FNM_PATHNAME ('*' crosses '/'). NULL: not on that
 * kind of source.
 */
struct th_artifact {
	const char *backup_domain; /* "HomeDomain", "AppDomain-*" */
	const char *backup_path;   /* relativePath in Manifest.db */
	const char *fs_glob;       /* relative to a dump root */
	const char *sysdiag_glob;  /* relative to a sysdiagnose's top folder */
	const char *android_glob;  /* relative to an Android acquisition's
	                              root (androidqf folder or zip, bugreport,
	                              .ab tar members, intrusion logs) */
};

/* Whether `a` is the all-NULL entry that ends a list of artifacts. */
static inline int th_artifact_is_end(const struct th_artifact *a)
{
	return !a->backup_domain && !a->backup_path && !a->fs_glob &&
	       !a->sysdiag_glob && !a->android_glob;
}

/* One artifact file, as a source hands it to a module. Valid only during
 * the callback. */
struct th_file {
	const char *name;       /* for users: "HomeDomain/Library/SMS/sms.db" */
	const char *local_path; /* a readable file on disk (evidence or a
	                           private temp copy) */
	const char *domain;     /* backups: Manifest domain, else NULL */
	const char *relative_path; /* backups: Manifest relativePath */
};

/* Return nonzero to stop the walk early (not an error). */
typedef int (*th_file_fn)(void *ctx, const struct th_file *file);

struct th_source;
struct th_budget;

/* What a source may need besides the path (from th_run_options). Owned
 * by the caller; valid until the source is closed. */
struct th_source_options {
	const char *password;
	const unsigned char *key;
	size_t key_len;
	int jobs;
	int fast;
	const char *timezone;
	uint64_t max_artifact_size; /* 0: each reader's default */
	/* The run's extraction budget (core/budget.h), charged for every
	 * byte written into a private temp folder; NULL: no budget. */
	struct th_budget *budget;
};

struct th_source_ops {
	const char *name;      /* "ios-backup" */
	unsigned kind;         /* one TH_SRC_* bit */
	const char *looks_for; /* for "not recognised": what it wants */
	int (*bid)(const char *path);
	/* Opens `path`; on failure leaves a message in err. */
	enum th_status (*open)(const char *path,
	                       const struct th_source_options *opt,
	                       void **state, struct th_err *err);
	void (*close)(void *state);
	/* Calls fn for each file matching `art`. TH_ERR_NOTFOUND when the
	 * artifact has no location on this source kind. */
	enum th_status (*find)(void *state, const struct th_artifact *art,
	                       th_file_fn fn, void *ctx, struct th_err *err);
	/* Android: the text of dumpsys section `service` ("package",
	 * "appops"), from dumpsys.txt or the bugreport's dumpstate, split
	 * once per source (lib/formats/dumpsys.h). The text stays valid
	 * until close. TH_ERR_NOTFOUND when absent. NULL: no dumpsys.
	 * On TH_OK, err's message (empty otherwise) is a warning for the
	 * user, given once per source: a cut-off dumpsys.txt. */
	enum th_status (*dumpsys)(void *state, const char *service,
	                          const char **text, size_t *len,
	                          struct th_err *err);
	/* The TH_SRC_* kinds this evidence holds, when it holds more than
	 * its own (an androidqf acquisition with a nested bugreport.zip and
	 * backup.ab runs the bugreport and backup modules too). NULL: just
	 * `kind`. */
	unsigned (*kinds)(void *state);
	/* Calls fn(ctx, path) for every input file, for --hashes. */
	enum th_status (*each_input)(void *state,
	                             int (*fn)(void *ctx, const char *path),
	                             void *ctx, struct th_err *err);
};

struct th_source {
	const struct th_source_ops *ops;
	void *state;
	char *path; /* the path the user gave */
};

/* The registry (registry.c). */
size_t th_sources_count(void);
const struct th_source_ops *th_sources_at(size_t i);
const struct th_source_ops *th_sources_find(const char *name);

/* Asks every source to bid; the highest wins. NULL when none bids;
 * then *nomem (may be NULL) is set when a source could not look for
 * want of memory. */
const struct th_source_ops *th_sources_bid(const char *path, int *nomem);

/* Opens `path` with `ops` into a new source (free with th_source_free). */
enum th_status th_source_open(const struct th_source_ops *ops, const char *path,
                              const struct th_source_options *opt,
                              struct th_source **out, struct th_err *err);
void th_source_free(struct th_source *src);

enum th_status th_source_find(struct th_source *src,
                              const struct th_artifact *art, th_file_fn fn,
                              void *ctx, struct th_err *err);

/* The kinds of evidence in an open source (ops->kinds, else ops->kind). */
unsigned th_source_kinds(const struct th_source *src);

/* The ops->dumpsys of the source; TH_ERR_NOTFOUND when it has none. */
enum th_status th_source_dumpsys(struct th_source *src, const char *service,
                                 const char **text, size_t *len,
                                 struct th_err *err);

#endif
