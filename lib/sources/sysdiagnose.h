/*
 * The sysdiagnose source (shared reference/ios.md 5): a
 * sysdiagnose_*.tar.gz read in one streamed pass (members extracted
 * into a private temp folder only when a module declared them in its
 * sysdiag_glob artifacts), or its extracted folder. Globs are relative
 * to the sysdiagnose's top folder.
 */
#ifndef TH_SOURCES_SYSDIAGNOSE_H
#define TH_SOURCES_SYSDIAGNOSE_H

#include "sources/fs_tree.h"
#include "sources/source.h"

extern const struct th_source_ops th_source_sysdiagnose;

/* The index behind a sysdiagnose source, or NULL for another source. */
struct th_tree *th_sysdiag_tree(struct th_source *src);

/* One line on entries refused or not extracted, or NULL. */
const char *th_sysdiag_warning(struct th_source *src);

/* The sysdiagnose's name: its top folder, or the archive's or folder's
 * base name ("sysdiagnose_2023.01.09_..._iPhone-OS_iPhone_20C65"). */
const char *th_sysdiag_name(struct th_source *src);

#endif
