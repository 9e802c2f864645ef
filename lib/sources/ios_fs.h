/*
 * The iOS filesystem-dump source (shared reference/ios.md 3-4): a folder
 * holding private/var/..., or a .tar/.tar.gz/.zip of one, read in one
 * streamed pass. Every entry's path and mtime is indexed; archive
 * members are extracted into a private temp folder only when a module
 * declared them (th_module.artifacts fs_glob, plus SQLite sidecars).
 */
#ifndef TH_SOURCES_IOS_FS_H
#define TH_SOURCES_IOS_FS_H

#include "sources/fs_tree.h"
#include "sources/source.h"

extern const struct th_source_ops th_source_ios_fs;

/* The index behind an ios-fs source, or NULL for another source. */
struct th_tree *th_fs_tree(struct th_source *src);

/* One line on entries refused or not extracted, or NULL. */
const char *th_fs_warning(struct th_source *src);

/* The globs of every module that runs on `kind`: `which` 0 fs_glob, 1
 * sysdiag_glob. Fills at most cap, returns how many there are. */
size_t th_fs_module_globs(unsigned kind, int which, const char **out,
                          size_t cap);

/* Whether path (or, for a -wal/-journal sidecar, its database) matches
 * one of the globs. */
int th_fs_globs_match(const char *const *globs, size_t n, const char *path);

#endif
