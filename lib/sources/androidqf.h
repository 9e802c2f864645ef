/*
 * androidqf acquisitions (shared reference/android.md 1): a folder or a
 * .zip of one, read in place. Artifacts are found by
 * th_artifact.android_glob relative to the acquisition root; a nested
 * bugreport.zip's members (named "bugreport.zip/<member>") and a nested
 * backup.ab's tar members ("backup.ab/<member>", for apps/ globs) are
 * found too, and ops->kinds reports them.
 */
#ifndef TH_SOURCES_ANDROIDQF_H
#define TH_SOURCES_ANDROIDQF_H

#include "sources/android_fs.h"
#include "sources/source.h"

/* The acquisition's own container (not the nested ones), or NULL when
 * the source is not androidqf. */
struct th_afs *th_aqf_afs_of(struct th_source *src);

#endif
