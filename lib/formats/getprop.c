/* getprop and ps output: line-oriented, split in place without copying
 * the text (ps rows are copied into a bounded line buffer so their
 * columns can be NUL-terminated). */
#include <stdlib.h>
#include <string.h>

#include "formats/getprop.h"

/* ps rows longer than this are skipped: a real one is under 1 KB. */
#define PS_LINE_MAX 8192
/* Columns we look at in a header; more are counted but not named. */
#define PS_COLS_MAX 32

/* The next line of text[*pos..len), without its "\n" or "\r\n". */
static int next_line(const char *text, size_t len, size_t *pos,
                     const char **line, size_t *line_len)
{
	const char *s, *nl;
	size_t n;

	if (*pos >= len)
		return 0;
	s = text + *pos;
	nl = memchr(s, '\n', len - *pos);
	n = nl ? (size_t)(nl - s) : len - *pos;
	*pos += nl ? n + 1 : n;
	if (n && s[n - 1] == '\r')
		n--;
	*line = s;
	*line_len = n;
	return 1;
}

static int only_space(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t')
			return 0;
	return 1;
}

/* "[name]: [value]": the name ends at the first "]: [", the value at the
 * last ']' of the line (a value may hold brackets). */
static int split_prop(const char *s, size_t n, const char **name,
                      size_t *name_len, const char **value, size_t *value_len)
{
	size_t i, end;

	while (n && (*s == ' ' || *s == '\t')) {
		s++;
		n--;
	}
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	if (n < 6 || s[0] != '[' || s[n - 1] != ']')
		return 0;
	for (i = 1; i + 3 < n; i++)
		if (s[i] == ']' && s[i + 1] == ':' && s[i + 2] == ' ' &&
		    s[i + 3] == '[')
			break;
	if (i + 3 >= n || i == 1)
		return 0;
	end = n - 1;
	*name = s + 1;
	*name_len = i - 1;
	*value = s + i + 4;
	*value_len = end - (i + 4);
	return 1;
}

enum th_status th_getprop_each(const char *text, size_t len,
                               int (*fn)(void *ctx, const char *name,
                                         size_t name_len, const char *value,
                                         size_t value_len),
                               void *ctx, size_t *skipped)
{
	const char *line, *name, *value;
	size_t pos = 0, n, name_len, value_len, bad = 0;

	if (!text && len)
		return TH_ERR_USAGE;
	while (next_line(text, len, &pos, &line, &n)) {
		if (only_space(line, n))
			continue;
		if (!split_prop(line, n, &name, &name_len, &value,
		                &value_len)) {
			bad++;
			continue;
		}
		if (fn(ctx, name, name_len, value, value_len))
			break;
	}
	if (skipped)
		*skipped = bad;
	return TH_OK;
}

/* --- ps --- */

enum ps_col {
	COL_OTHER,
	COL_USER,
	COL_PID,
	COL_PPID,
	COL_LABEL,
	COL_VSZ,
	COL_RSS,
	COL_WCHAN,
	COL_ADDR,
	COL_STATE,
	COL_NAME
};

struct ps_header {
	enum ps_col cols[PS_COLS_MAX];
	size_t ncols;
	size_t wchan; /* index of WCHAN, or ncols when absent */
	size_t state; /* index of S, or ncols when absent */
};

static const struct {
	const char *name;
	enum ps_col col;
} col_names[] = {
        {"USER", COL_USER},  {"UID", COL_USER},     {"PID", COL_PID},
        {"PPID", COL_PPID},  {"LABEL", COL_LABEL},  {"VSZ", COL_VSZ},
        {"VSIZE", COL_VSZ},  {"RSS", COL_RSS},      {"WCHAN", COL_WCHAN},
        {"ADDR", COL_ADDR},  {"PC", COL_ADDR},      {"S", COL_STATE},
        {"STAT", COL_STATE}, {"NAME", COL_NAME},    {"CMD", COL_NAME},
        {"ARGS", COL_NAME},  {"COMMAND", COL_NAME},
};

static enum ps_col col_of(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < sizeof(col_names) / sizeof(col_names[0]); i++)
		if (strlen(col_names[i].name) == n &&
		    memcmp(col_names[i].name, s, n) == 0)
			return col_names[i].col;
	return COL_OTHER;
}

/* Splits buf (NUL-terminated, writable) on blanks; returns the count and
 * where each token starts in the unsplit line (for the name's rest). */
static size_t tokenize(char *buf, size_t n, char **tok, size_t *off, size_t cap)
{
	size_t i = 0, count = 0;

	while (i < n) {
		while (i < n && (buf[i] == ' ' || buf[i] == '\t'))
			buf[i++] = '\0';
		if (i >= n)
			break;
		if (count == cap)
			return count + 1; /* too many: caller treats as rest */
		tok[count] = buf + i;
		off[count++] = i;
		while (i < n && buf[i] != ' ' && buf[i] != '\t')
			i++;
	}
	return count;
}

static enum th_status read_header(const char *line, size_t n,
                                  struct ps_header *h, struct th_err *err)
{
	char buf[512], *tok[PS_COLS_MAX];
	size_t off[PS_COLS_MAX], i, count;

	if (n >= sizeof(buf))
		return th_err_set(err, TH_ERR_FORMAT,
		                  "ps output: header line too long");
	memcpy(buf, line, n);
	buf[n] = '\0';
	count = tokenize(buf, n, tok, off, PS_COLS_MAX);
	if (count > PS_COLS_MAX || count < 2)
		return th_err_set(err, TH_ERR_FORMAT,
		                  "ps output: cannot read the header line");
	h->ncols = count;
	h->wchan = h->state = count;
	for (i = 0; i < count; i++) {
		h->cols[i] = col_of(tok[i], strlen(tok[i]));
		if (h->cols[i] == COL_WCHAN)
			h->wchan = i;
		if (h->cols[i] == COL_STATE)
			h->state = i;
	}
	if (h->cols[count - 1] != COL_NAME)
		h->cols[count - 1] = COL_NAME; /* the last column is the name */
	for (i = 0; i < count; i++)
		if (h->cols[i] == COL_PID)
			return TH_OK;
	return th_err_set(err, TH_ERR_FORMAT,
	                  "ps output: no PID column in the header");
}

static int is_state(const char *t)
{
	return t[0] && !t[1] && strchr("RSDZTtWXxKPI", t[0]) != NULL;
}

/* How many row tokens come before the name, and whether WCHAN is
 * missing from this row (ps leaves it blank for running processes). */
static size_t name_index(const struct ps_header *h, char **tok, size_t ntok,
                         int *no_wchan)
{
	size_t s = h->state;

	*no_wchan = 0;
	/* The name must exist after the state column. */
	if (s + 2 == h->ncols && s + 1 < ntok && is_state(tok[s]))
		return s + 1;
	if (s + 2 == h->ncols && h->wchan < s && s >= 1 && s < ntok &&
	    is_state(tok[s - 1])) {
		*no_wchan = 1;
		return s;
	}
	return ntok >= h->ncols ? h->ncols - 1 : ntok - 1;
}

static void set_col(struct th_ps_row *r, enum ps_col c, const char *v)
{
	const char **slot[] = {
	        [COL_USER] = &r->user,   [COL_PID] = &r->pid,
	        [COL_PPID] = &r->ppid,   [COL_LABEL] = &r->label,
	        [COL_VSZ] = &r->vsz,     [COL_RSS] = &r->rss,
	        [COL_WCHAN] = &r->wchan, [COL_ADDR] = &r->addr,
	        [COL_STATE] = &r->state, [COL_NAME] = &r->name,
	};

	if (c != COL_OTHER && slot[c])
		*slot[c] = v;
}

/* Maps one row's tokens onto the header's columns; 0 when unusable. */
static int read_row(const struct ps_header *h, char *buf, size_t n,
                    struct th_ps_row *r)
{
	char *tok[PS_COLS_MAX];
	size_t off[PS_COLS_MAX], ntok, k, i, col;
	int no_wchan;

	ntok = tokenize(buf, n, tok, off, PS_COLS_MAX);
	if (ntok > PS_COLS_MAX)
		ntok = PS_COLS_MAX;
	if (ntok < 2)
		return 0;
	k = name_index(h, tok, ntok, &no_wchan);
	for (i = 0; i < k; i++) {
		col = no_wchan && i >= h->wchan ? i + 1 : i;
		set_col(r, h->cols[col], tok[i]);
	}
	/* The name runs to the end of the line: a command may hold blanks. */
	for (i = off[k]; i < n; i++)
		if (!buf[i])
			buf[i] = ' ';
	while (n > off[k] && buf[n - 1] == ' ')
		buf[--n] = '\0';
	r->name = tok[k];
	return 1;
}

enum th_status th_ps_each(const char *text, size_t len,
                          int (*fn)(void *ctx, const struct th_ps_row *row),
                          void *ctx, struct th_err *err)
{
	struct ps_header h = {0};
	struct th_ps_row row;
	const char *line;
	size_t pos = 0, n;
	char *buf;
	int have_header = 0;

	if (!text && len)
		return th_err_set(err, TH_ERR_USAGE, "ps output: no text");
	buf = malloc(PS_LINE_MAX);
	if (!buf)
		return th_err_set(err, TH_ERR_NOMEM, "out of memory");
	while (next_line(text, len, &pos, &line, &n)) {
		if (only_space(line, n) || n >= PS_LINE_MAX)
			continue;
		if (!have_header) {
			enum th_status st = read_header(line, n, &h, err);

			if (st != TH_OK) {
				free(buf);
				return st;
			}
			have_header = 1;
			continue;
		}
		memcpy(buf, line, n);
		buf[n] = '\0';
		memset(&row, 0, sizeof(row));
		row.user = row.pid = row.ppid = row.label = row.name = "";
		row.vsz = row.rss = row.wchan = row.addr = row.state = "";
		if (read_row(&h, buf, n, &row) && fn(ctx, &row))
			break;
	}
	free(buf);
	return TH_OK;
}
