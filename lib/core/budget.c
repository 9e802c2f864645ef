/* The run's extraction budget (see budget.h). */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>

#include "core/budget.h"
#include "core/limits.h"

struct th_budget {
	uint64_t max;
	atomic_uint_fast64_t used;
	atomic_size_t refused;
	th_budget_space_fn space;
	void *space_ctx;
	pthread_mutex_t lock; /* guards first */
	char first[TH_ERR_MSG_MAX];
};

static int statvfs_space(void *ctx, const char *dir, uint64_t *avail,
                         uint64_t *total)
{
	struct statvfs sv;

	(void)ctx;
	if (statvfs(dir, &sv) != 0)
		return -1;
	*avail = (uint64_t)sv.f_bavail * sv.f_frsize;
	*total = (uint64_t)sv.f_blocks * sv.f_frsize;
	return 0;
}

enum th_status th_budget_new(uint64_t max, struct th_budget **out)
{
	struct th_budget *b = calloc(1, sizeof(*b));

	*out = NULL;
	if (!b)
		return TH_ERR_NOMEM;
	if (pthread_mutex_init(&b->lock, NULL) != 0) {
		free(b);
		return TH_ERR_NOMEM;
	}
	b->max = max ? max : TH_BUDGET_DEFAULT;
	atomic_init(&b->used, 0);
	atomic_init(&b->refused, 0);
	b->space = statvfs_space;
	*out = b;
	return TH_OK;
}

void th_budget_free(struct th_budget *b)
{
	if (!b)
		return;
	pthread_mutex_destroy(&b->lock);
	free(b);
}

void th_budget_set_space(struct th_budget *b, th_budget_space_fn fn, void *ctx)
{
	b->space = fn ? fn : statvfs_space;
	b->space_ctx = fn ? ctx : NULL;
}

uint64_t th_budget_max(const struct th_budget *b)
{
	return b->max;
}

uint64_t th_budget_used(const struct th_budget *b)
{
	return atomic_load(&((struct th_budget *)b)->used);
}

size_t th_budget_refused(const struct th_budget *b)
{
	return atomic_load(&((struct th_budget *)b)->refused);
}

int th_budget_summary(const struct th_budget *b, char *buf, size_t cap)
{
	size_t n = th_budget_refused(b);
	struct th_budget *m = (struct th_budget *)b;

	if (!n || !cap)
		return 0;
	pthread_mutex_lock(&m->lock);
	/* "Refusals", not members: modules may ask for one member twice. */
	if (n > 2)
		snprintf(buf, cap, "%s; and %zu more refusals", m->first,
		         n - 1);
	else if (n == 2)
		snprintf(buf, cap, "%s; and 1 more refusal", m->first);
	else
		snprintf(buf, cap, "%s", m->first);
	pthread_mutex_unlock(&m->lock);
	return 1;
}

/* "200 MiB", "1.5 GiB": a figure for people (th_size_format is exact),
 * to a tenth, rounded down, or up when `up` is set (a member said to be
 * over a limit must not read as equal to it). */
static const char *human(uint64_t n, int up, char buf[TH_SIZE_TEXT_MAX])
{
	static const char *const units[] = {"KiB", "MiB", "GiB",
	                                    "TiB", "PiB", "EiB"};
	uint64_t div = 1024, whole;
	unsigned u = 0, tenths;

	if (n < 1024) {
		snprintf(buf, TH_SIZE_TEXT_MAX, "%llu bytes",
		         (unsigned long long)n);
		return buf;
	}
	while (u + 1 < sizeof(units) / sizeof(units[0]) && n / div >= 1024) {
		div *= 1024;
		u++;
	}
	/* div is at most 2^60: ten times less than it fits in 64 bits. */
	whole = n / div;
	tenths = (unsigned)(n % div * 10 / div);
	if (up && n % div * 10 % div)
		tenths++;
	if (tenths == 10) {
		whole++;
		tenths = 0;
	}
	if (tenths)
		snprintf(buf, TH_SIZE_TEXT_MAX, "%llu.%u %s",
		         (unsigned long long)whole, tenths, units[u]);
	else
		snprintf(buf, TH_SIZE_TEXT_MAX, "%llu %s",
		         (unsigned long long)whole, units[u]);
	return buf;
}

/* Counts a refusal; the first one's message is kept for the summary. */
static enum th_status refuse(struct th_budget *b, struct th_err *err)
{
	if (atomic_fetch_add(&b->refused, 1) == 0) {
		pthread_mutex_lock(&b->lock);
		snprintf(b->first, sizeof(b->first), "%s", err->msg);
		pthread_mutex_unlock(&b->lock);
	}
	return TH_ERR_LIMIT;
}

/* The folder TMPDIR named: the private folder's parent. */
static void parent_of(const char *dir, char *out, size_t cap)
{
	const char *slash = strrchr(dir, '/');
	size_t len = slash ? (size_t)(slash - dir) : strlen(dir);

	if (slash == dir)
		len = 1;
	if (len >= cap)
		len = cap - 1;
	memcpy(out, dir, len);
	out[len] = '\0';
}

static enum th_status check_space(struct th_budget_write *w, uint64_t n,
                                  struct th_err *err)
{
	uint64_t avail = 0, total = 0, reserve;
	char a[TH_SIZE_TEXT_MAX], where[512];

	if (!w->dir || w->b->space(w->b->space_ctx, w->dir, &avail, &total))
		return TH_OK; /* cannot tell: the write itself will say */
	reserve =
	        total / 20 < TH_BUDGET_RESERVE ? total / 20 : TH_BUDGET_RESERVE;
	if (avail >= reserve && avail - reserve >= n)
		return TH_OK;
	parent_of(w->dir, where, sizeof(where));
	th_err_set(err, TH_ERR_LIMIT,
	           "cannot extract '%s': only %s free in '%s' (set TMPDIR to "
	           "a larger disk)",
	           w->name, human(avail, 0, a), where);
	return refuse(w->b, err);
}

/* The refusal by the budget: the run has written `cur`, the member
 * needs `need` more. */
static enum th_status over(struct th_budget_write *w, uint64_t cur,
                           uint64_t need, struct th_err *err)
{
	char u[TH_SIZE_TEXT_MAX], m[TH_SIZE_TEXT_MAX];

	if (cur == 0 || need > w->b->max)
		th_err_set(err, TH_ERR_LIMIT,
		           "cannot extract '%s': its %s are more than the "
		           "run's extraction limit of %s (%s)",
		           w->name, human(need, 1, u),
		           th_size_format(w->b->max, m), TH_BUDGET_OPTION);
	else
		th_err_set(err, TH_ERR_LIMIT,
		           "cannot extract '%s': the run has already extracted "
		           "%s of its extraction limit of %s (%s)",
		           w->name, human(cur, 0, u),
		           th_size_format(w->b->max, m), TH_BUDGET_OPTION);
	w->refused = TH_BUDGET_OVER;
	return refuse(w->b, err);
}

/* Charges `want` bytes, or what is left when that is less but still
 * covers `need` (a member of unknown size near the limit); else
 * refuses, charging nothing. */
static enum th_status charge(struct th_budget_write *w, uint64_t need,
                             uint64_t want, struct th_err *err)
{
	struct th_budget *b = w->b;
	uint64_t cur = atomic_load(&b->used), n;

	do {
		if (need > b->max || cur > b->max - need)
			return over(w, cur, need, err);
		n = want < b->max - cur ? want : b->max - cur;
	} while (!atomic_compare_exchange_weak(&b->used, &cur, cur + n));
	if (check_space(w, n, err) != TH_OK) {
		atomic_fetch_sub(&b->used, n);
		w->refused = TH_BUDGET_NO_SPACE;
		return TH_ERR_LIMIT;
	}
	w->held += n;
	return TH_OK;
}

enum th_status th_budget_begin(struct th_budget_write *w, struct th_budget *b,
                               const char *dir, const char *name, int64_t size,
                               struct th_err *err)
{
	*w = (struct th_budget_write){.b = b, .dir = dir, .name = name};
	if (!b)
		return TH_OK;
	if (size >= 0)
		return charge(w, (uint64_t)size, (uint64_t)size, err);
	return charge(w, 0, TH_BUDGET_SLAB, err);
}

enum th_status th_budget_more(struct th_budget_write *w, uint64_t n,
                              struct th_err *err)
{
	uint64_t need;
	enum th_status st;

	if (w->b && w->used + n > w->held) {
		need = w->used + n - w->held;
		st = charge(w, need,
		            need > TH_BUDGET_SLAB ? need : TH_BUDGET_SLAB, err);
		if (st != TH_OK)
			return st;
	}
	w->used += n;
	return TH_OK;
}

void th_budget_end(struct th_budget_write *w, int kept)
{
	uint64_t back;

	if (!w->b)
		return;
	back = w->held;
	if (kept)
		back = w->used < w->held ? w->held - w->used : 0;
	if (back)
		atomic_fetch_sub(&w->b->used, back);
	w->held -= back;
	w->b = NULL;
}
