/*
 * Bugreports (shared reference/android.md 2): a .zip or its folder. The
 * main dumpstate is named by main_entry.txt (else dumpState_*.log, else
 * * /dumpsys.txt); it is read once and split into dumpsys sections once
 * (th_dumpsys_index), shared by every module. FS/ holds device files.
 */
#ifndef TH_SOURCES_BUGREPORT_H
#define TH_SOURCES_BUGREPORT_H

#include "sources/android_fs.h"
#include "sources/source.h"

#define TH_BR_DUMPSTATE_MAX ((size_t)2 << 30)

struct th_br;

/* Wraps an open container (owned by the th_br from now on). */
enum th_status th_br_new(struct th_afs *afs, struct th_br **out,
                         struct th_err *err);
void th_br_free(struct th_br *br);

struct th_afs *th_br_afs(const struct th_br *br);

/* Section `service` of the dumpstate (read and indexed at the first
 * call). TH_ERR_NOTFOUND when there is no such section or no dumpstate.
 * On TH_OK, err's message may be the warning that the dumpstate was cut
 * off, given once (see the dumpsys op in source.h). */
enum th_status th_br_dumpsys(struct th_br *br, const char *service,
                             const char **text, size_t *len,
                             struct th_err *err);

/* The bugreport behind a source (a bugreport source, or an androidqf
 * acquisition with a bugreport.zip), or NULL. */
struct th_br *th_br_of(struct th_source *src);

/* Whether a container looks like a bugreport: 0 no, else a bid. */
int th_br_score(const struct th_afs *afs);

#endif
