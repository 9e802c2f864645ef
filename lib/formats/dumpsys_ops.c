/* The accessibility, appops, platform_compat and dbinfo dumpsys
 * sections. */
#include <string.h>

#include "formats/dumpsys_parse.h"
#include "formats/lines.h"
#include "core/jsonutil.h"
#include "core/timeconv.h"

#define RECORDS_MAX 1000000
#define ENTRIES_MAX 4096
/* Accessibility services: a device has tens. Each installed one is
 * looked up in the enabled block, so both are bounded. */
#define A11Y_MAX      1024
#define A11Y_SPAN_MAX 65536

static int set_str(json_t *o, const char *key, const char *s, size_t n)
{
	json_t *v = th_json_stringn(s, n);

	return !v || json_object_set_new(o, key, v) != 0;
}

static const char *mem_chr(const char *s, size_t n, char c)
{
	return n ? memchr(s, c, n) : NULL;
}

/* Whether hay[0..hn) contains needle[0..nn). */
static int span_has(const char *hay, size_t hn, const char *needle, size_t nn)
{
	size_t i;

	for (i = 0; nn && i + nn <= hn; i++)
		if (hay[i] == needle[0] && memcmp(hay + i, needle, nn) == 0)
			return 1;
	return 0;
}

/* --- accessibility --- */

static enum th_status a11y_emit(const char *pkg, size_t pkg_len,
                                const char *svc, size_t svc_len, int enabled,
                                th_record_fn fn, void *ctx, int *stop)
{
	json_t *rec = json_object();

	if (!rec || set_str(rec, "package_name", pkg, pkg_len) ||
	    set_str(rec, "service", svc, svc_len) ||
	    json_object_set_new(rec, "enabled", json_boolean(enabled))) {
		json_decref(rec);
		return TH_ERR_NOMEM;
	}
	*stop = fn(ctx, rec);
	return TH_OK;
}

/* Finds the "<title> {" block (before Android 14); its lines in
 * [*from, *to). 0 when absent. */
static int a11y_block(const char *text, size_t len, const char *title,
                      size_t *from, size_t *to)
{
	const char *line, *s;
	size_t pos = 0, n, k, start = 0;
	int in = 0;

	while (th_line_next(text, len, &pos, &line, &n)) {
		s = line;
		k = n;
		th_line_trim(&s, &k);
		if (!in && th_line_starts(s, k, title)) {
			if (mem_chr(s, k, '}')) /* "installed services: {}" */
				return 0;
			in = 1;
			start = pos;
			continue;
		}
		if (in && k && s[0] == '}') {
			*from = start;
			*to = (size_t)(line - text);
			return 1;
		}
	}
	return 0;
}

/* Whether s[0..n) is blanks around a number ("    0 "). */
static int index_before(const char *s, size_t n)
{
	size_t i, digits = 0;

	th_line_trim(&s, &n);
	for (i = 0; i < n; i++)
		if (s[i] >= '0' && s[i] <= '9')
			digits++;
		else
			return 0;
	return digits > 0;
}

/* "    0 : com.pkg/com.pkg.Service" lines of the old format. */
static enum th_status a11y_old(const char *text, size_t len, th_record_fn fn,
                               void *ctx, int *stop)
{
	const char *line, *svc, *slash;
	size_t pos, n, k, from, to, efrom = 0, eto = 0, count = 0;
	int enabled;
	enum th_status st = TH_OK;

	if (!a11y_block(text, len, "installed services:", &from, &to))
		return TH_OK;
	a11y_block(text, len, "enabled services:", &efrom, &eto);
	pos = from;
	while (!*stop && st == TH_OK && pos < to &&
	       th_line_next(text, to, &pos, &line, &n)) {
		svc = mem_chr(line, n, ':');
		if (!svc || !index_before(line, (size_t)(svc - line)))
			continue;
		if (++count > A11Y_MAX)
			return TH_ERR_LIMIT;
		k = n - (size_t)(svc + 1 - line);
		svc++;
		th_line_trim(&svc, &k);
		if (!k)
			continue;
		slash = mem_chr(svc, k, '/');
		enabled = span_has(text + efrom,
		                   eto - efrom < A11Y_SPAN_MAX ? eto - efrom
		                                               : A11Y_SPAN_MAX,
		                   svc, k);
		st = a11y_emit(svc, slash ? (size_t)(slash - svc) : k, svc, k,
		               enabled, fn, ctx, stop);
	}
	return st;
}

/* "Enabled services:{{pkg/svc}, {pkg2/svc2}}" (Android 14+). */
/* The next "{...}" holding no '{' in [s, end): each byte is looked at
 * once, so a line of braces costs no more than its length. */
static int innermost(const char **s, const char *end, const char **body,
                     size_t *k)
{
	const char *p, *open = NULL;

	for (p = *s; p < end; p++) {
		if (*p == '{') {
			open = p;
		} else if (*p == '}' && open) {
			*body = open + 1;
			*k = (size_t)(p - open - 1);
			*s = p + 1;
			return 1;
		}
	}
	*s = end;
	return 0;
}

static enum th_status a11y_new_line(const char *s, size_t n, th_record_fn fn,
                                    void *ctx, int *stop)
{
	const char *body, *slash, *end = s + n;
	size_t k, count = 0;
	enum th_status st = TH_OK;

	while (!*stop && st == TH_OK && innermost(&s, end, &body, &k)) {
		if (!k)
			continue;
		if (++count > RECORDS_MAX)
			return TH_ERR_LIMIT;
		slash = mem_chr(body, k, '/');
		if (slash)
			st = a11y_emit(body, (size_t)(slash - body), slash + 1,
			               k - (size_t)(slash + 1 - body), 1, fn,
			               ctx, stop);
		else
			st = a11y_emit(body, k, "", 0, 1, fn, ctx, stop);
	}
	return st;
}

enum th_status th_dumpsys_accessibility_each(const char *text, size_t len,
                                             th_record_fn fn, void *ctx)
{
	const char *line, *s;
	size_t pos = 0, n, k;
	int stop = 0;
	enum th_status st;

	st = a11y_old(text, len, fn, ctx, &stop);
	while (!stop && st == TH_OK &&
	       th_line_next(text, len, &pos, &line, &n)) {
		s = line;
		k = n;
		th_line_trim(&s, &k);
		if (th_line_starts(s, k, "Enabled services:"))
			st = a11y_new_line(s + 17, k - 17, fn, ctx, &stop);
	}
	return st;
}

/* --- appops --- */

struct appops {
	json_t *pkg, *perms, *perm, *entries;
	char uid[64];
	size_t nentries;
};

static void ops_drop(struct appops *a)
{
	json_decref(a->pkg);
	json_decref(a->perm);
	a->pkg = a->perm = NULL;
}

static void ops_close_perm(struct appops *a)
{
	if (a->perm && a->perms)
		th_json_append_new(a->perms, a->perm);
	else
		json_decref(a->perm);
	a->perm = NULL;
}

static int ops_flush(struct appops *a, th_record_fn fn, void *ctx)
{
	json_t *pkg = a->pkg;

	ops_close_perm(a);
	a->pkg = NULL;
	return pkg ? fn(ctx, pkg) : 0;
}

static int ops_new_pkg(struct appops *a, const char *name, size_t n)
{
	a->pkg = json_object();
	a->perms = json_array();
	a->nentries = 0;
	if (!a->pkg || !a->perms || set_str(a->pkg, "package_name", name, n) ||
	    json_object_set_new(a->pkg, "permissions", a->perms) ||
	    json_object_set_new(a->pkg, "uid", th_json_string(a->uid))) {
		if (!a->pkg)
			json_decref(a->perms);
		return 0;
	}
	return 1;
}

/* "      READ_SMS (allow):" */
static int ops_new_perm(struct appops *a, const char *s, size_t n)
{
	const char *sp = mem_chr(s, n, ' ');
	size_t name_len = sp ? (size_t)(sp - s) : n, k;
	const char *acc;

	ops_close_perm(a);
	a->perm = json_object();
	a->entries = json_array();
	if (!a->perm)
		json_decref(a->entries);
	if (!a->perm || !a->entries ||
	    json_object_set_new(a->perm, "name",
	                        th_json_stringn(s, name_len)) ||
	    json_object_set_new(a->perm, "entries", a->entries))
		return 0;
	if (sp) {
		acc = sp + 1;
		k = n - name_len - 1;
		while (k && *acc == ' ') {
			acc++;
			k--;
		}
		if (k > 3 && acc[0] == '(' && acc[k - 2] == ')')
			return !set_str(a->perm, "access", acc + 1, k - 3);
	}
	return 1;
}

/* "          Access: [fg-s] 2021-05-19 22:02:49.186 (-314d...)" */
static int ops_entry(struct appops *a, const char *s, size_t n)
{
	const char *colon = mem_chr(s, n, ':'), *lb, *rb, *par;
	size_t k = colon ? (size_t)(colon - s) : 0;
	char when[40], out[TH_TIME_STR_MAX];
	json_t *e;
	int64_t t;

	if (!a->perm || k != 6 ||
	    (memcmp(s, "Access", 6) != 0 && memcmp(s, "Reject", 6) != 0))
		return 1;
	if (++a->nentries > ENTRIES_MAX)
		return 1;
	e = json_object();
	if (!e || set_str(e, "access", s, k))
		goto nomem;
	lb = mem_chr(s, n, '[');
	rb = lb ? mem_chr(lb, n - (size_t)(lb - s), ']') : NULL;
	if (lb && rb && set_str(e, "type", lb + 1, (size_t)(rb - lb - 1)))
		goto nomem;
	par = rb ? mem_chr(rb, n - (size_t)(rb - s), '(') : NULL;
	if (rb && par) {
		const char *w = rb + 1;
		size_t wn = (size_t)(par - w);

		th_line_trim(&w, &wn);
		if (wn && wn < sizeof(when)) {
			memcpy(when, w, wn);
			when[wn] = '\0';
			t = th_time_parse(when);
			th_time_format(t, out);
			if (t != TH_TIME_NONE &&
			    json_object_set_new(e, "timestamp",
			                        json_string(out)))
				goto nomem;
		}
	}
	return json_array_append_new(a->entries, e) == 0;
nomem:
	json_decref(e);
	return 0;
}

static int ops_line(struct appops *a, const char *line, size_t n, int *stop,
                    th_record_fn fn, void *ctx)
{
	size_t ind = th_line_indent(line, n);

	if (th_line_starts(line, n, "  Uid ")) {
		*stop = ops_flush(a, fn, ctx);
		n = n > 6 && line[n - 1] == ':' ? n - 7 : n - 6;
		if (n >= sizeof(a->uid))
			n = sizeof(a->uid) - 1;
		memcpy(a->uid, line + 6, n);
		a->uid[n] = '\0';
		return 1;
	}
	if (th_line_starts(line, n, "    Package ")) {
		*stop = ops_flush(a, fn, ctx);
		n -= 12;
		if (n && line[12 + n - 1] == ':')
			n--;
		return *stop || ops_new_pkg(a, line + 12, n);
	}
	if (!a->pkg)
		return 1;
	if (ind == 6)
		return ops_new_perm(a, line + 6, n - 6);
	if (ind >= 10)
		return ops_entry(a, line + ind, n - ind);
	return 1;
}

enum th_status th_dumpsys_appops_each(const char *text, size_t len,
                                      th_record_fn fn, void *ctx)
{
	struct appops a = {0};
	const char *line;
	size_t pos = 0, n, lines = 0;
	int in = 0, stop = 0;

	while (!stop && th_line_next(text, len, &pos, &line, &n)) {
		if (!in && !(in = th_line_starts(line, n, "  Uid ")))
			continue;
		if (th_line_blank(line, n))
			break;
		if (++lines > RECORDS_MAX * 4u) {
			ops_drop(&a);
			return TH_ERR_LIMIT;
		}
		if (!ops_line(&a, line, n, &stop, fn, ctx)) {
			ops_drop(&a);
			return TH_ERR_NOMEM;
		}
	}
	if (!stop)
		ops_flush(&a, fn, ctx);
	ops_drop(&a);
	return TH_OK;
}

/* --- platform_compat --- */

enum th_status th_dumpsys_platform_compat_each(const char *text, size_t len,
                                               th_record_fn fn, void *ctx)
{
	const char *line, *s, *end, *comma, *eq;
	size_t pos = 0, n, count = 0;
	json_t *rec;

	while (th_line_next(text, len, &pos, &line, &n)) {
		if (!th_line_starts(line, n,
		                    "ChangeId(168419799; name=DOWNSCALED;"))
			continue;
		s = th_line_find(line, n, "rawOverrides={");
		if (!s)
			continue;
		s += 14;
		end = th_line_find(s, n - (size_t)(s - line), "}");
		if (!end)
			end = line + n;
		while (s < end) {
			comma = th_line_find(s, (size_t)(end - s), ", ");
			if (!comma)
				comma = end;
			eq = mem_chr(s, (size_t)(comma - s), '=');
			if (++count > RECORDS_MAX)
				return TH_ERR_LIMIT;
			rec = json_object();
			if (!rec || set_str(rec, "package_name", s,
			                    (size_t)((eq ? eq : comma) - s))) {
				json_decref(rec);
				return TH_ERR_NOMEM;
			}
			if (fn(ctx, rec))
				return TH_OK;
			s = comma < end ? comma + 2 : end;
		}
	}
	return TH_OK;
}

/* --- dbinfo --- */

#define RECENT_OPS "Most recently executed operations:"

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* "[2023-07-27 12:21:44.097]": the first such bracket in the line. */
static const char *db_date(const char *s, size_t n)
{
	static const char shape[] = "[dddd-dd-dd dd:dd:dd.ddd]";
	size_t i, j, k = sizeof(shape) - 1;

	for (i = 0; i + k <= n; i++) {
		for (j = 0; j < k; j++)
			if (shape[j] == 'd' ? !is_digit(s[i + j])
			                    : s[i + j] != shape[j])
				break;
		if (j == k)
			return s + i;
	}
	return NULL;
}

static size_t word_len(const char *s, size_t n)
{
	size_t i = 0;

	while (i < n && (is_digit(s[i]) || s[i] == '_' ||
	                 ((s[i] | 0x20) >= 'a' && (s[i] | 0x20) <= 'z')))
		i++;
	return i;
}

static enum th_status db_op(const char *pool, size_t pool_len, const char *line,
                            size_t n, json_t **out)
{
	const char *date = db_date(line, n), *p, *sql, *q, *end = line + n;
	size_t wl;
	json_t *rec;

	*out = NULL;
	if (!date)
		return TH_OK;
	p = date + 25;
	rec = json_object();
	if (!rec || set_str(rec, "isodate", date + 1, 23))
		goto nomem;
	if (th_line_starts(p, (size_t)(end - p), " [Pid:(") ||
	    th_line_starts(p, (size_t)(end - p), "[Pid:(")) {
		p = mem_chr(p, (size_t)(end - p), '(') + 1;
		q = mem_chr(p, (size_t)(end - p), ')');
		if (!q || q == p || q + 1 >= end || q[1] != ']' ||
		    set_str(rec, "pid", p, (size_t)(q - p)))
			goto skip;
		p = q + 2;
	} else if (p < end && *p == ' ') {
		p++;
	}
	wl = word_len(p, (size_t)(end - p));
	sql = th_line_find(p, (size_t)(end - p), "sql=\"");
	if (!wl || !sql || set_str(rec, "action", p, wl))
		goto skip;
	sql += 5;
	q = sql < end ? mem_chr(sql + 1, (size_t)(end - sql - 1), '"') : NULL;
	if (!q || set_str(rec, "sql", sql, (size_t)(q - sql)) ||
	    set_str(rec, "path", pool, pool_len))
		goto skip;
	*out = rec;
	return TH_OK;
skip:
	json_decref(rec);
	return TH_OK;
nomem:
	json_decref(rec);
	return TH_ERR_NOMEM;
}

enum th_status th_dumpsys_dbinfo_each(const char *text, size_t len,
                                      th_record_fn fn, void *ctx)
{
	const char *line, *pool = NULL;
	size_t pos = 0, n, pool_len = 0, count = 0;
	int in_ops = 0;
	json_t *rec;

	while (th_line_next(text, len, &pos, &line, &n)) {
		if (th_line_starts(line, n, "Connection pool for ")) {
			pool = line + 20;
			pool_len = n - 20;
			if (pool_len && pool[pool_len - 1] == ':')
				pool_len--;
			in_ops = 0;
			continue;
		}
		if (!pool)
			continue;
		if (!in_ops) {
			const char *s = line;
			size_t k = n;

			th_line_trim(&s, &k);
			in_ops = k == strlen(RECENT_OPS) &&
			         th_line_starts(s, k, RECENT_OPS);
			continue;
		}
		if (!th_line_starts(line, n, "        ")) {
			in_ops = 0;
			pool = NULL;
			continue;
		}
		if (++count > RECORDS_MAX)
			return TH_ERR_LIMIT;
		if (db_op(pool, pool_len, line, n, &rec) != TH_OK)
			return TH_ERR_NOMEM;
		if (rec && fn(ctx, rec))
			break;
	}
	return TH_OK;
}
