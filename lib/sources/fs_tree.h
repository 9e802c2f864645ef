/*
 * A compact index of every entry of an evidence tree (a folder, or the
 * members of an archive), shared by the ios-fs and sysdiagnose sources:
 * relative paths in one arena, plus type and mtime. Files are readable
 * under `base`: the evidence folder itself, or a private temp folder
 * holding the archive members some module asked for.
 */
#ifndef TH_SOURCES_FS_TREE_H
#define TH_SOURCES_FS_TREE_H

#include <stddef.h>
#include <stdint.h>
#include "core/err.h"
#include "core/fsutil.h"
#include "formats/archive.h"
#include "sources/source.h"

#define TH_TREE_DEPTH_MAX   64 /* folder levels walked */
#define TH_TREE_ENTRIES_MAX ((size_t)20000000)

struct th_tree_entry {
	size_t off; /* path in the arena */
	int64_t mtime;
	unsigned char type;    /* enum th_member_type */
	unsigned char local;   /* readable under base */
	unsigned char refused; /* enum th_tree_refusal: why not extracted */
};

/* Why a wanted archive member was not extracted, for the module that
 * looks for it. */
enum th_tree_refusal {
	TH_TREE_NOT_REFUSED,
	TH_TREE_OVER_ARTIFACT, /* --max-artifact-size */
	TH_TREE_OVER_BUDGET,   /* --max-extract */
	TH_TREE_NO_SPACE       /* the temp folder's disk is nearly full */
};

struct th_tree {
	char *base; /* where local entries are read from */
	struct th_tmpdir tmp;
	char *arena;
	size_t alen, acap;
	struct th_tree_entry *e;
	size_t n, cap;
	struct th_archive_stats stats; /* refused entries, archives too */
	size_t failed;                 /* members that could not be extracted */
	char first_failed[TH_ERR_MSG_MAX];
	char damaged[TH_ERR_MSG_MAX]; /* why an archive ended early, or "" */
	char warning[1024];
	int archive;
	uint64_t member_max;      /* one extracted member; 0: the default */
	struct th_budget *budget; /* the run's (core/budget.h), or NULL */
};

/* Decides whether an archive member is extracted: nonzero yes. */
typedef int (*th_tree_want_fn)(void *ctx, const char *path);

/* Indexes the folder `root`: no symbolic link is followed, a link whose
 * target leaves the root is counted as refused. TH_ERR_IO, NOMEM. */
enum th_status th_tree_load_dir(struct th_tree *t, const char *root,
                                struct th_err *err);

/*
 * Indexes the archive at `path` in one pass; members whose path starts
 * with `strip` lose it (others are kept whole); members `want` accepts
 * are extracted into a private temp folder. Regular files only. An
 * archive damaged after its first member keeps what was read (the
 * reason is in `damaged`, and in th_tree_warning).
 */
enum th_status th_tree_load_archive(struct th_tree *t, const char *path,
                                    const char *strip, th_tree_want_fn want,
                                    void *ctx, struct th_err *err);

/* A later pass over the same archive: extracts the members `want`
 * accepts that are not local yet, and marks them local. */
enum th_status th_tree_extract(struct th_tree *t, const char *path,
                               const char *strip, th_tree_want_fn want,
                               void *ctx, struct th_err *err);

void th_tree_free(struct th_tree *t);

/* Adds one entry to the index (fs_tree_archive.c shares it): its
 * relative path (copied), time, TH_MEMBER_* type and whether a local
 * copy exists. TH_ERR_LIMIT past TH_TREE_ENTRIES_MAX, TH_ERR_NOMEM. */
enum th_status th_tree_add(struct th_tree *t, const char *path, int64_t mtime,
                           int type, int local);

static inline const char *th_tree_path(const struct th_tree *t, size_t i)
{
	return t->arena + t->e[i].off;
}

/* Calls fn for each local regular file (or in-tree link to one) whose
 * path matches `glob` (fnmatch, no FNM_PATHNAME); th_file.name is the
 * relative path. When matching members were refused by a limit, returns
 * TH_ERR_LIMIT after the walk, with one message naming the first, the
 * option and how many more. */
enum th_status th_tree_find(struct th_tree *t, const char *glob, th_file_fn fn,
                            void *ctx, struct th_err *err);

/* Whether some entry's last path component is `name` (or, when
 * `prefix` is set, starts with it). */
int th_tree_has_name(const struct th_tree *t, const char *name, int prefix);

/* fnmatch(glob, path, 0) == 0, with a quick test of the glob's literal
 * head and tail first (most paths fail there). */
int th_tree_glob_match(const char *glob, const char *path);

/* Why some entries were left out, as one line naming `what` (the
 * evidence), or NULL when none were. Valid until the next call. */
const char *th_tree_warning(struct th_tree *t, const char *what);

#endif
