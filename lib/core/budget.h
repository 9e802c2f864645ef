/*
 * The run's extraction budget. Every byte a run writes into its private
 * temp folders (archive members, nested archives, files decrypted out of
 * an encrypted backup) is charged to one budget shared by every source
 * of the run, before it is written: one member is bounded by
 * --max-artifact-size, but an archive of many honest-size members must
 * not fill the analyst's disk either. Before writing, the free space of
 * the temp folder's file system is checked against a reserve.
 *
 * Thread-safe: encrypted backups decrypt on every core. The charge is
 * the total the run has written, not what is on disk now (a member
 * copied out for one module and removed after still counts).
 */
#ifndef TH_CORE_BUDGET_H
#define TH_CORE_BUDGET_H

#include <stddef.h>
#include <stdint.h>
#include "core/err.h"

#define TH_BUDGET_OPTION  "--max-extract"
#define TH_BUDGET_DEFAULT ((uint64_t)16 << 30)
/* Free space kept: this, or 5% of the file system when that is less. */
#define TH_BUDGET_RESERVE ((uint64_t)256 << 20)
/* Charged at a time for a member whose size is unknown. */
#define TH_BUDGET_SLAB ((uint64_t)8 << 20)

/* Free space for `dir`'s file system: bytes an unprivileged user may
 * still write, and the file system's size. 0, or -1 when unknown (then
 * no space check is made). The default calls statvfs(3). */
typedef int (*th_budget_space_fn)(void *ctx, const char *dir, uint64_t *avail,
                                  uint64_t *total);

struct th_budget;

/* A budget of `max` bytes (0: TH_BUDGET_DEFAULT). Free with
 * th_budget_free. TH_ERR_NOMEM. */
enum th_status th_budget_new(uint64_t max, struct th_budget **out);
void th_budget_free(struct th_budget *b);

/* Replaces the free-space probe (tests pretend a disk is nearly full);
 * NULL restores statvfs. Set before any charge. */
void th_budget_set_space(struct th_budget *b, th_budget_space_fn fn, void *ctx);

uint64_t th_budget_max(const struct th_budget *b);
uint64_t th_budget_used(const struct th_budget *b);
/* Members refused by the budget or by the free-space check. */
size_t th_budget_refused(const struct th_budget *b);

/*
 * One line for the end of a run when members were refused: the first
 * refusal's message, then "; and N more refusals" when there were more.
 * Returns 0 (buf untouched) when none was.
 */
int th_budget_summary(const struct th_budget *b, char *buf, size_t cap);

/* One member being written. */
struct th_budget_write {
	struct th_budget *b; /* NULL: no budget, no checks */
	const char *dir;     /* the temp folder written into */
	const char *name;    /* the member, as the evidence names it */
	uint64_t held;       /* charged so far */
	uint64_t used;       /* written so far (the writer counts) */
	int refused;         /* 0, TH_BUDGET_OVER or TH_BUDGET_NO_SPACE */
};

#define TH_BUDGET_OVER     1 /* the run's --max-extract */
#define TH_BUDGET_NO_SPACE 2 /* the free-space reserve */

/*
 * Starts writing member `name` into `dir` (both kept by pointer until
 * th_budget_end): charges `size` bytes, or one slab when size is -1
 * (unknown), after checking the free space. `b` may be NULL: nothing is
 * checked. TH_ERR_LIMIT with "cannot extract '<name>': the run has
 * already extracted 50 MiB of its extraction limit of 50 MiB
 * (--max-extract)" or "cannot extract '<name>': only 200 MiB free in
 * '/tmp' (set TMPDIR to a larger disk)"; nothing is then charged.
 */
enum th_status th_budget_begin(struct th_budget_write *w, struct th_budget *b,
                               const char *dir, const char *name, int64_t size,
                               struct th_err *err);

/* Before writing `n` more bytes: charges more (a slab at a time) when
 * what was charged is spent, and adds n to w->used. Same refusals as
 * th_budget_begin; the caller then removes the partial file and calls
 * th_budget_end(w, 0). */
enum th_status th_budget_more(struct th_budget_write *w, uint64_t n,
                              struct th_err *err);

/* The member is done: `kept` nonzero gives back what was charged but
 * not written; zero (the file was removed) gives back everything. */
void th_budget_end(struct th_budget_write *w, int kept);

#endif
