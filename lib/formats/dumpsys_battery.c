/* The batterystats dumpsys section: daily package updates and the
 * battery history's app events. */
#include <stdlib.h>
#include <string.h>

#include "formats/dumpsys_parse.h"
#include "formats/lines.h"
#include "core/array.h"
#include "core/jsonutil.h"

#define RECORDS_MAX 1000000
/* Daily updates are held to order them: a device keeps ten days of a
 * few hundred updates each. Duplicates are merged by a scan of the
 * period's updates, so a period is bounded too (the scans stay under
 * UPDATES_MAX * PERIOD_MAX comparisons). */
#define UPDATES_MAX 100000
#define PERIOD_MAX  2048

static int set_str(json_t *o, const char *key, const char *s, size_t n)
{
	json_t *v = th_json_stringn(s, n);

	return !v || json_object_set_new(o, key, v) != 0;
}

static const char *mem_chr(const char *s, size_t n, char c)
{
	return n ? memchr(s, c, n) : NULL;
}

/* --- daily --- */

enum action { ACT_UPDATE, ACT_UNINSTALL, ACT_DOWNGRADE };

struct update {
	char start[24], end[24];
	const char *pkg, *vers;
	size_t pkg_len, vers_len;
	long long code; /* when numeric */
	int numeric;
	size_t occurrences, index;
	enum action action;
	long long previous;
};

struct daily {
	struct update *u;
	size_t n, cap;
	size_t period_first; /* first update of the current period */
	char start[24], end[24];
};

/* "2022-08-16-15-56-39" -> "2022-08-16 15:56:39"; else as it is. */
static void daily_time(const char *s, size_t n, char out[24])
{
	size_t i;

	if (n >= 23)
		n = 23;
	memcpy(out, s, n);
	out[n] = '\0';
	if (n >= 19 && out[10] == '-') {
		out[10] = ' ';
		for (i = 11; i < n; i++)
			if (out[i] == '-')
				out[i] = ':';
	}
}

/* "  Daily from X to Y:" */
static int daily_period(struct daily *d, const char *line, size_t n)
{
	const char *s = line + 13, *to;
	size_t k = n - 13;

	th_line_trim(&s, &k);
	while (k && s[k - 1] == ':')
		k--;
	to = th_line_find(s, k, " to ");
	if (!to)
		return 0;
	daily_time(s, (size_t)(to - s), d->start);
	daily_time(to + 4, k - (size_t)(to + 4 - s), d->end);
	d->period_first = d->n;
	return 1;
}

static int parse_code(const char *s, size_t n, long long *out)
{
	long long v = 0;
	size_t i = 0;
	int neg = 0;

	if (n && s[0] == '-') {
		neg = 1;
		i = 1;
	}
	if (i >= n || n - i > 18)
		return 0;
	for (; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		v = v * 10 + (s[i] - '0');
	}
	*out = neg ? -v : v;
	return 1;
}

/* "Update com.pkg vers=123" (trimmed) */
static enum th_status daily_update(struct daily *d, const char *s, size_t n)
{
	const char *sp, *eq;
	struct update *u;
	size_t i, pkg_len, vers_len;

	s += 7;
	n -= 7;
	sp = mem_chr(s, n, ' ');
	eq = sp ? mem_chr(sp, n - (size_t)(sp - s), '=') : NULL;
	if (!sp || sp == s || !eq || eq + 1 >= s + n)
		return TH_OK;
	pkg_len = (size_t)(sp - s);
	vers_len = n - (size_t)(eq + 1 - s);
	for (i = d->period_first; i < d->n; i++) {
		u = &d->u[i];
		if (u->pkg_len == pkg_len && !memcmp(u->pkg, s, pkg_len) &&
		    u->vers_len == vers_len &&
		    !memcmp(u->vers, eq + 1, vers_len)) {
			u->occurrences++;
			return TH_OK;
		}
	}
	if (d->n >= UPDATES_MAX || d->n - d->period_first >= PERIOD_MAX)
		return TH_ERR_LIMIT;
	if (th_array_reserve(&d->u, &d->cap, d->n, sizeof(*d->u)) != TH_OK)
		return TH_ERR_NOMEM;
	u = &d->u[d->n];
	memset(u, 0, sizeof(*u));
	memcpy(u->start, d->start, sizeof(u->start));
	memcpy(u->end, d->end, sizeof(u->end));
	u->pkg = s;
	u->pkg_len = pkg_len;
	u->vers = eq + 1;
	u->vers_len = vers_len;
	u->numeric = parse_code(u->vers, vers_len, &u->code);
	u->occurrences = 1;
	u->index = d->n++;
	return TH_OK;
}

/* Package, then period, then text order: each package's updates in
 * the order MVT walks them. */
static int by_package(const void *a, const void *b)
{
	const struct update *x = *(const struct update *const *)a;
	const struct update *y = *(const struct update *const *)b;
	size_t n = x->pkg_len < y->pkg_len ? x->pkg_len : y->pkg_len;
	int c;

	if ((c = memcmp(x->pkg, y->pkg, n)) != 0)
		return c;
	if (x->pkg_len != y->pkg_len)
		return x->pkg_len < y->pkg_len ? -1 : 1;
	if ((c = strcmp(x->start, y->start)) != 0 ||
	    (c = strcmp(x->end, y->end)) != 0)
		return c;
	return x->index < y->index ? -1 : x->index > y->index;
}

static int same_pkg(const struct update *x, const struct update *y)
{
	return x->pkg_len == y->pkg_len && !memcmp(x->pkg, y->pkg, x->pkg_len);
}

/* vers 0 is an uninstall (and forgets the version); a version lower than
 * the package's last known one is a downgrade (MVT's rule). */
static enum th_status daily_actions(struct daily *d)
{
	struct update **order, *u, *last = NULL;
	size_t i;

	if (!d->n)
		return TH_OK;
	order = malloc(d->n * sizeof(*order));
	if (!order)
		return TH_ERR_NOMEM;
	for (i = 0; i < d->n; i++)
		order[i] = &d->u[i];
	qsort(order, d->n, sizeof(*order), by_package);
	for (i = 0; i < d->n; i++) {
		u = order[i];
		if (last && !same_pkg(last, u))
			last = NULL;
		if (u->numeric && u->code == 0) {
			u->action = ACT_UNINSTALL;
			last = NULL;
			continue;
		}
		if (!u->numeric)
			continue;
		if (last && u->code < last->code) {
			u->action = ACT_DOWNGRADE;
			u->previous = last->code;
		}
		last = u;
	}
	free(order);
	return TH_OK;
}

static json_t *daily_record(const struct update *u)
{
	static const char *const names[] = {"update", "uninstall", "downgrade"};
	json_t *rec = json_object();

	if (!rec ||
	    json_object_set_new(rec, "action", json_string(names[u->action])) ||
	    json_object_set_new(rec, "period_start", json_string(u->start)) ||
	    json_object_set_new(rec, "period_end", json_string(u->end)) ||
	    set_str(rec, "package_name", u->pkg, u->pkg_len) ||
	    json_object_set_new(
	            rec, "version_code",
	            u->numeric ? json_integer(u->code)
	                       : th_json_stringn(u->vers, u->vers_len)) ||
	    json_object_set_new(rec, "occurrences",
	                        json_integer((json_int_t)u->occurrences)) ||
	    (u->action == ACT_DOWNGRADE &&
	     json_object_set_new(rec, "previous_version_code",
	                         json_integer(u->previous)))) {
		json_decref(rec);
		return NULL;
	}
	return rec;
}

static enum th_status daily_scan(struct daily *d, const char *text, size_t len)
{
	const char *line, *s;
	size_t pos = 0, n, k;
	int in = 0;
	enum th_status st;

	while (th_line_next(text, len, &pos, &line, &n)) {
		if (th_line_starts(line, n, "  Daily from ")) {
			in = daily_period(d, line, n);
			continue;
		}
		s = line;
		k = n;
		th_line_trim(&s, &k);
		if (!in || !th_line_starts(s, k, "Update "))
			continue;
		st = daily_update(d, s, k);
		if (st != TH_OK)
			return st;
	}
	return TH_OK;
}

enum th_status th_dumpsys_battery_daily_each(const char *text, size_t len,
                                             th_record_fn fn, void *ctx)
{
	struct daily d = {0};
	enum th_status st;
	json_t *rec;
	size_t i;

	st = daily_scan(&d, text, len);
	if (st == TH_OK || st == TH_ERR_LIMIT) {
		enum th_status st2 = daily_actions(&d);

		if (st2 != TH_OK)
			st = st2;
	}
	for (i = 0; st != TH_ERR_NOMEM && i < d.n; i++) {
		rec = daily_record(&d.u[i]);
		if (!rec) {
			st = TH_ERR_NOMEM;
			break;
		}
		if (fn(ctx, rec))
			break;
	}
	free(d.u);
	return st;
}

/* --- history --- */

struct hist {
	const char *event;
	const char *uid, *pkg, *svc;
	size_t uid_len, pkg_len, svc_len;
};

/* Strips blanks, then quotes, from both ends. */
static void unquote(const char **s, size_t *n)
{
	th_line_trim(s, n);
	while (*n && **s == '"') {
		(*s)++;
		(*n)--;
	}
	while (*n && (*s)[*n - 1] == '"')
		(*n)--;
}

/* "+job=u0a94:\"com.pkg/.Svc\"" */
static int hist_job(const char *p, const char *end, struct hist *h)
{
	const char *colon = mem_chr(p, (size_t)(end - p), ':'), *slash;

	if (!colon)
		return 0;
	h->uid = p;
	h->uid_len = (size_t)(colon - p);
	h->svc = colon + 1;
	h->svc_len = (size_t)(end - h->svc);
	unquote(&h->svc, &h->svc_len);
	slash = mem_chr(h->svc, h->svc_len, '/');
	h->pkg = h->svc;
	h->pkg_len = slash ? (size_t)(slash - h->svc) : h->svc_len;
	return 1;
}

static int hist_wake(const char *line, size_t n, const char *p, struct hist *h)
{
	const char *end = line + n, *colon, *w, *sp, *slash;

	colon = mem_chr(p, (size_t)(end - p), ':');
	w = th_line_find(line, n, "*walarm*:");
	if (!colon || !w)
		return 0;
	h->uid = p;
	h->uid_len = (size_t)(colon - p);
	w += 9;
	sp = mem_chr(w, (size_t)(end - w), ' ');
	h->svc = w;
	h->svc_len = (size_t)((sp ? sp : end) - w);
	unquote(&h->svc, &h->svc_len);
	slash = mem_chr(h->svc, h->svc_len, '/');
	if (!slash)
		return 0;
	h->pkg = h->svc;
	h->pkg_len = (size_t)(slash - h->svc);
	h->event = "wake";
	return 1;
}

static int hist_top(const char *p, const char *end, struct hist *h)
{
	const char *colon = mem_chr(p, (size_t)(end - p), ':');

	if (!colon)
		return 0;
	h->uid = p;
	h->uid_len = (size_t)(colon - p);
	h->pkg = colon + 1;
	h->pkg_len = (size_t)(end - h->pkg);
	unquote(&h->pkg, &h->pkg_len);
	h->svc = "";
	h->svc_len = 0;
	return 1;
}

/* The app event of one history line, as MVT picks it. */
static int hist_event(const char *line, size_t n, struct hist *h)
{
	const char *end = line + n, *p, *sp;

	if ((p = th_line_find(line, n, "+job=")) ||
	    (p = th_line_find(line, n, "-job="))) {
		h->event = *p == '+' ? "start_job" : "end_job";
		return hist_job(p + 5, end, h);
	}
	if ((p = th_line_find(line, n, "+running +wake_lock=")))
		return hist_wake(line, n, p + 20, h);
	if ((p = th_line_find(line, n, "+top=")) ||
	    (p = th_line_find(line, n, "-top="))) {
		h->event = *p == '+' ? "start_top" : "end_top";
		p += 5;
		/* The quoted name may be followed by other events. */
		sp = mem_chr(p, (size_t)(end - p), '"');
		if (sp && (sp = mem_chr(sp + 1, (size_t)(end - sp - 1), '"')))
			end = sp + 1;
		return hist_top(p, end, h);
	}
	return 0;
}

/* "+47s645ms" or "03-20 12:00:00.000" (two words). */
static size_t elapsed_len(const char *s, size_t n)
{
	const char *sp = mem_chr(s, n, ' '), *sp2;
	size_t first = sp ? (size_t)(sp - s) : n;

	if (first == 5 && s[2] == '-' && sp) {
		sp2 = mem_chr(sp + 1, n - first - 1, ' ');
		if (mem_chr(sp + 1, (size_t)((sp2 ? sp2 : s + n) - sp - 1),
		            ':'))
			return (size_t)((sp2 ? sp2 : s + n) - s);
	}
	return first;
}

static enum th_status hist_line(const char *line, size_t n, th_record_fn fn,
                                void *ctx, int *stop)
{
	struct hist h = {0};
	const char *s = line;
	size_t k = n;
	json_t *rec;

	if (!hist_event(line, n, &h))
		return TH_OK;
	th_line_trim(&s, &k);
	rec = json_object();
	if (!rec || set_str(rec, "time_elapsed", s, elapsed_len(s, k)) ||
	    json_object_set_new(rec, "event", json_string(h.event)) ||
	    set_str(rec, "uid", h.uid, h.uid_len) ||
	    set_str(rec, "package_name", h.pkg, h.pkg_len) ||
	    set_str(rec, "service", h.svc, h.svc_len)) {
		json_decref(rec);
		return TH_ERR_NOMEM;
	}
	*stop = fn(ctx, rec);
	return TH_OK;
}

enum th_status th_dumpsys_battery_history_each(const char *text, size_t len,
                                               th_record_fn fn, void *ctx)
{
	const char *line;
	size_t pos = 0, n, count = 0;
	int in = 0, stop = 0;
	enum th_status st = TH_OK;

	while (!stop && st == TH_OK &&
	       th_line_next(text, len, &pos, &line, &n)) {
		if (!in) {
			in = th_line_starts(line, n, "Battery History ");
			continue;
		}
		if (th_line_blank(line, n))
			break;
		if (++count > RECORDS_MAX * 4u)
			return TH_ERR_LIMIT;
		st = hist_line(line, n, fn, ctx, &stop);
	}
	return st;
}
