#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/jsonutil.h"
#include "formats/sysdiag_text.h"
#include <tracehound/th_run.h>

#define NAME_MAX_LEN 64

/* --- ps.txt --- */

struct table {
	char names[TH_PS_COLS_MAX][NAME_MAX_LEN];
	size_t ncols; /* columns before COMMAND */
	int have_header;
};

/* The next whitespace-separated token of [*p, end). */
static size_t token(const char **p, const char *end, const char **tok)
{
	const char *s = *p;

	while (s < end && isspace((unsigned char)*s))
		s++;
	*tok = s;
	while (s < end && !isspace((unsigned char)*s))
		s++;
	*p = s;
	return (size_t)(s - *tok);
}

static void header(struct table *t, const char *s, const char *end)
{
	const char *tok;
	size_t n, i;

	t->ncols = 0;
	while ((n = token(&s, end, &tok)) > 0 && t->ncols < TH_PS_COLS_MAX) {
		if (n == 7 && !memcmp(tok, "COMMAND", 7))
			break;
		if (n >= NAME_MAX_LEN)
			n = NAME_MAX_LEN - 1;
		for (i = 0; i < n; i++)
			t->names[t->ncols][i] =
			        (char)tolower((unsigned char)tok[i]);
		t->names[t->ncols][n] = '\0';
		t->ncols++;
	}
	t->have_header = t->ncols > 0;
}

static void set_process(json_t *rec, const char *cmd, const char *end)
{
	const char *tok, *p = cmd, *base;
	size_t n = token(&p, end, &tok);

	base = tok + n;
	while (base > tok && base[-1] != '/')
		base--;
	th_json_set_new(rec, "process",
	                th_json_stringn(base, (size_t)(tok + n - base)));
	th_json_set_new(rec, "executable", th_json_stringn(tok, n));
}

/* One process line; NULL when it lacks the columns (a thread line), or
 * with *nomem set when the object could not be made. */
static json_t *row(const struct table *t, const char *s, const char *end,
                   int *nomem)
{
	json_t *rec = json_object();
	const char *tok;
	size_t i, n;

	*nomem = !rec;
	if (!rec)
		return NULL;
	for (i = 0; i < t->ncols; i++) {
		n = token(&s, end, &tok);
		if (n == 0) {
			json_decref(rec);
			return NULL;
		}
		th_json_set_new(rec, t->names[i], th_json_stringn(tok, n));
	}
	while (s < end && isspace((unsigned char)*s))
		s++;
	while (end > s && isspace((unsigned char)end[-1]))
		end--;
	if (s == end) {
		json_decref(rec);
		return NULL;
	}
	th_json_set_new(rec, "command", th_json_stringn(s, (size_t)(end - s)));
	set_process(rec, s, end);
	return rec;
}

long th_ps_table_each(const char *text, size_t len,
                      int (*fn)(void *ctx, json_t *row), void *ctx)
{
	struct table *t = calloc(1, sizeof(*t));
	const char *s = text, *end = text + len, *nl;
	long rows = 0;
	json_t *rec;
	int nomem = 0;

	if (!t)
		return -1;
	for (; s < end; s = nl + 1) {
		nl = memchr(s, '\n', (size_t)(end - s));
		if (!nl)
			nl = end;
		if (!t->have_header) {
			header(t, s, nl);
			continue;
		}
		rec = row(t, s, nl, &nomem);
		if (nomem) {
			rows = -1;
			break;
		}
		if (!rec)
			continue;
		rows++;
		if (fn(ctx, rec))
			break;
	}
	free(t);
	return rows;
}

/* --- MobileInstallation --- */

/* The marker that says what a line is, and how its bundle id ends. */
static const struct {
	const char *marker;
	const char *event;
	const char *stop;
} kinds[] = {
        {"Install Successful for (Placeholder:", "install", ")"},
        {"Install Successful for (", "install", ")"},
        {"Installing <MIInstallableBundle ID=", "installing", ";>"},
        {"Uninstalling identifier ", "uninstall", " \t;"},
        {"Uninstall requested by ", NULL, NULL},
};

static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

/* "Sat Jan  7 12:34:56 2023 ..." */
static int64_t line_time(const char *s)
{
	char mon[4], iso[48];
	int d, h, mi, sec, y, m;

	if (sscanf(s, "%*3s %3s %2d %2d:%2d:%2d %4d", mon, &d, &h, &mi, &sec,
	           &y) != 6 ||
	    d < 1 || d > 31 || h < 0 || h > 23 || mi < 0 || mi > 59 ||
	    sec < 0 || sec > 60)
		return TH_TIME_NONE;
	for (m = 0; m < 12 && strcmp(mon, months[m]) != 0; m++)
		;
	if (m == 12 || y < 1970 || y > 9999)
		return TH_TIME_NONE;
	snprintf(iso, sizeof(iso), "%04d-%02d-%02d %02d:%02d:%02d", y, m + 1, d,
	         h, mi, sec);
	return th_text_time(iso);
}

static int bundle_id(const char *after, const char *stop, char *out)
{
	size_t n = strcspn(after, stop);

	if (n == 0 || n >= TH_BUNDLE_ID_MAX)
		return 0;
	memcpy(out, after, n);
	out[n] = '\0';
	return 1;
}

int th_install_line(const char *line, const char **event, char *id, int64_t *t)
{
	const char *p;
	size_t i;

	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		p = strstr(line, kinds[i].marker);
		if (!p)
			continue;
		*t = line_time(line);
		if (kinds[i].event) {
			*event = kinds[i].event;
			return bundle_id(p + strlen(kinds[i].marker),
			                 kinds[i].stop, id);
		}
		p = strstr(p, "for identifier ");
		*event = "uninstall_requested";
		return p && bundle_id(p + 15, " \t;", id);
	}
	return 0;
}

/* --- .ips --- */

enum th_status th_ips_header_read(const char *text, size_t len, json_t **out)
{
	const char *nl = memchr(text, '\n', len);
	size_t n = nl ? (size_t)(nl - text) : len;
	json_error_t e;
	json_t *j;

	*out = NULL;
	if (n > TH_IPS_HEAD_MAX)
		return TH_ERR_FORMAT;
	j = json_loadb(text, n, JSON_REJECT_DUPLICATES, &e);
	if (!j)
		return json_error_code(&e) == json_error_out_of_memory
		               ? TH_ERR_NOMEM
		               : TH_ERR_FORMAT;
	if (!json_is_object(j)) {
		json_decref(j);
		return TH_ERR_FORMAT;
	}
	*out = j;
	return TH_OK;
}

json_t *th_ips_header(const char *text, size_t len)
{
	json_t *j;

	th_ips_header_read(text, len, &j);
	return j;
}

/* --- times --- */

/* Days from 1970-01-01 to a civil date (Howard Hinnant's algorithm). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static int64_t fraction(const char **p)
{
	int64_t us = 0, scale = 100000;

	if (**p != '.')
		return 0;
	for ((*p)++; isdigit((unsigned char)**p); (*p)++) {
		us += (**p - '0') * scale;
		scale /= 10;
	}
	return us;
}

int64_t th_text_time(const char *s)
{
	int y, mo, d, h, mi, sec, n = 0, off = 0, tzh, tzm;
	const char *p;
	int64_t t;

	if (!s || sscanf(s, "%4d-%2d-%2d %2d:%2d:%2d%n", &y, &mo, &d, &h, &mi,
	                 &sec, &n) != 6)
		return TH_TIME_NONE;
	if (y < 1970 || y > 9999 || mo < 1 || mo > 12 || d < 1 || d > 31 ||
	    h < 0 || h > 23 || mi < 0 || mi > 59 || sec < 0 || sec > 60)
		return TH_TIME_NONE;
	p = s + n;
	t = days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 + h * 3600 +
	    mi * 60 + sec;
	t = t * 1000000 + fraction(&p);
	while (*p == ' ')
		p++;
	if ((*p == '+' || *p == '-') && isdigit((unsigned char)p[1]) &&
	    sscanf(p + 1, "%2d%2d", &tzh, &tzm) == 2 && tzh >= 0 && tzh < 24 &&
	    tzm >= 0 && tzm < 60)
		off = (tzh * 3600 + tzm * 60) * (*p == '-' ? -1 : 1);
	return t - (int64_t)off * 1000000;
}
