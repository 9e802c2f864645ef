/*
 * The plumbing the ios-fs and sysdiagnose sources share: an evidence
 * tree (a folder, or an archive read in one streamed pass) whose archive
 * members are extracted only when a module declared their glob, with
 * one more pass for a glob no module declared.
 */
#ifndef TH_SOURCES_TREE_SRC_H
#define TH_SOURCES_TREE_SRC_H

#include <stddef.h>
#include "sources/fs_tree.h"
#include "sources/source.h"

#define TH_TREE_GLOBS_MAX 1024

struct th_tree_src {
	struct th_tree tree;
	char *path;  /* what the user gave (owned) */
	char *strip; /* archive: the folder members lose, or NULL (owned) */
	const char *globs[TH_TREE_GLOBS_MAX]; /* extracted so far */
	size_t nglobs;
};

/* The globs of every module that runs on `kind`: `which` 0 fs_glob, 1
 * sysdiag_glob. Fills at most cap, returns how many there are. */
size_t th_tree_module_globs(unsigned kind, int which, const char **out,
                            size_t cap);

/* Whether path (or, for a -wal/-journal sidecar, its database) matches
 * one of the globs. */
int th_tree_globs_match(const char *const *globs, size_t n, const char *path);

/* Zeroes `s` and keeps a copy of `path`. TH_ERR_NOMEM. */
enum th_status th_tree_src_init(struct th_tree_src *s, const char *path,
                                struct th_err *err);

/* Indexes the archive at s->path, stripping s->strip, extracting the
 * members of the globs modules declared for `kind` (`which` as in
 * th_tree_module_globs). Statuses of th_tree_load_archive. */
enum th_status th_tree_src_load_archive(struct th_tree_src *s, unsigned kind,
                                        int which, struct th_err *err);

/* th_tree_find for `glob`, after one more pass over an archive when the
 * glob was not extracted yet. */
enum th_status th_tree_src_find(struct th_tree_src *s, const char *glob,
                                th_file_fn fn, void *ctx, struct th_err *err);

/* The source's each_input: the archive itself, or every regular file of
 * the folder. TH_ERR_NOMEM. */
enum th_status th_tree_src_each_input(struct th_tree_src *s,
                                      int (*fn)(void *ctx, const char *path),
                                      void *ctx, struct th_err *err);

/* Frees what `s` holds (not `s` itself). */
void th_tree_src_free(struct th_tree_src *s);

#endif
