/*
 * The iOS filesystem-dump source (shared reference/ios.md 3-4): a folder
 * holding private/var/..., or a .tar/.tar.gz/.zip of one, read in one
 * streamed pass. Every entry's path and mtime is indexed; archive
 * members are extracted into a private temp folder only when a module
 * declared them (th_module.artifacts fs_glob, plus SQLite sidecars).
 */
#ifndef TH_SOURCES_IOS_FS_H
#define TH_SOURCES_IOS_FS_H

#include "sources/tree_src.h"
#include "sources/source.h"

extern const struct th_source_ops th_source_ios_fs;

/* The index behind an ios-fs source, or NULL for another source. */
struct th_tree *th_fs_tree(struct th_source *src);

/* One line on entries refused or not extracted, or NULL. */
const char *th_fs_warning(struct th_source *src);

#endif
