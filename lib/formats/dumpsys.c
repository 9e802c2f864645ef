/* The dumpsys splitter: one pass over the lines, remembering where each
 * "DUMP OF SERVICE" section and each dumpstate "------ TITLE ------"
 * block starts and ends. Memory grows with the number of sections, not
 * of lines; the text itself is never copied. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats/dumpsys.h"
#include "core/array.h"

#define HEADER "DUMP OF SERVICE "
/* A dumpsys run over every service holds a few hundred sections; a
 * dumpstate a few hundred blocks. Past this the text is not dumpsys. */
#define PARTS_MAX 100000
/* A line starting with this many dashes closes a section (dumpsys
 * prints 79; MVT stops at 78; a section's own rulers are shorter). */
#define RULER_MIN 78

enum part_kind { PART_SERVICE, PART_BLOCK };

struct part {
	enum part_kind kind;
	size_t name_off, name_len; /* service name, or block title */
	size_t body_off, body_len;
};

struct th_dumpsys {
	const char *text;
	size_t len;
	struct part *parts;
	size_t nparts, cap;
	long cut; /* the section the text ended in, unclosed, or -1 */
};

static int starts(const char *s, size_t n, const char *prefix)
{
	size_t p = strlen(prefix);

	return n >= p && memcmp(s, prefix, p) == 0;
}

/* Whether s[0..n) contains the string `needle` (memmem is a GNU
 * extension). */
static int has(const char *s, size_t n, const char *needle)
{
	size_t k = strlen(needle), i;

	for (i = 0; k && i + k <= n; i++)
		if (s[i] == needle[0] && memcmp(s + i, needle, k) == 0)
			return 1;
	return 0;
}

/* A line starting with RULER_MIN dashes, as MVT ends a section. */
static int is_ruler(const char *s, size_t n)
{
	size_t i;

	if (n < RULER_MIN)
		return 0;
	for (i = 0; i < RULER_MIN; i++)
		if (s[i] != '-')
			return 0;
	return 1;
}

/* "--------- 0.004s was the duration of dumpsys X, ending at: ..." */
static int is_footer(const char *s, size_t n)
{
	return starts(s, n, "--------- ") && n < 512 &&
	       has(s, n, "was the duration of dumpsys");
}

/* "------ SYSTEM PROPERTIES (getprop) ------": the title without the
 * dashes; 0 when the line is not a block header (or is the "was the
 * duration" line that closes a block). */
static int block_title(const char *s, size_t n, size_t *off, size_t *len)
{
	size_t end = n;

	while (end && (s[end - 1] == ' ' || s[end - 1] == '\r'))
		end--;
	if (!starts(s, end, "------ ") || end < 14 ||
	    memcmp(s + end - 7, " ------", 7) != 0)
		return 0;
	if (has(s, end, "was the duration of"))
		return 0;
	*off = 7;
	*len = end - 14;
	return *len > 0;
}

static enum th_status add_part(struct th_dumpsys *d, enum part_kind kind,
                               size_t name_off, size_t name_len,
                               size_t body_off, struct th_err *err)
{
	struct part *p;

	if (d->nparts >= PARTS_MAX)
		return th_err_set(err, TH_ERR_LIMIT,
		                  "dumpsys: more than %d sections", PARTS_MAX);
	if (th_array_reserve(&d->parts, &d->cap, d->nparts,
	                     sizeof(*d->parts)) != TH_OK)
		return th_err_set(err, TH_ERR_NOMEM, "out of memory");
	p = &d->parts[d->nparts++];
	p->kind = kind;
	p->name_off = name_off;
	p->name_len = name_len;
	p->body_off = body_off;
	p->body_len = 0;
	return TH_OK;
}

/* Closes the open part of `kind` (if any) at offset `at`. */
static void close_open(struct th_dumpsys *d, long *open, size_t at)
{
	struct part *p;

	if (*open < 0)
		return;
	p = &d->parts[*open];
	p->body_len = at > p->body_off ? at - p->body_off : 0;
	*open = -1;
}

struct scan {
	long service; /* index of the open section, or -1 */
	long block;   /* index of the open block, or -1 */
};

static enum th_status scan_line(struct th_dumpsys *d, struct scan *sc,
                                size_t off, size_t n, size_t next,
                                struct th_err *err)
{
	const char *s = d->text + off;
	size_t toff, tlen, name_len;
	enum th_status st;

	if (n && s[0] == 'D' && starts(s, n, HEADER)) {
		close_open(d, &sc->service, off);
		name_len = n - strlen(HEADER);
		while (name_len && (s[strlen(HEADER) + name_len - 1] == '\r' ||
		                    s[strlen(HEADER) + name_len - 1] == ' '))
			name_len--;
		if (name_len && s[strlen(HEADER) + name_len - 1] == ':')
			name_len--;
		st = add_part(d, PART_SERVICE, off + strlen(HEADER), name_len,
		              next, err);
		if (st == TH_OK)
			sc->service = (long)d->nparts - 1;
		return st;
	}
	if (!n || s[0] != '-')
		return TH_OK;
	if (is_ruler(s, n) || is_footer(s, n)) {
		close_open(d, &sc->service, off);
		return TH_OK;
	}
	if (!starts(s, n, "------ "))
		return TH_OK;
	/* A dumpstate block line ends the DUMPSYS block and its last
	 * section, should that section have lost its footer. */
	close_open(d, &sc->service, off);
	close_open(d, &sc->block, off);
	if (!block_title(s, n, &toff, &tlen))
		return TH_OK;
	st = add_part(d, PART_BLOCK, off + toff, tlen, next, err);
	if (st == TH_OK)
		sc->block = (long)d->nparts - 1;
	return st;
}

enum th_status th_dumpsys_index(const char *text, size_t len,
                                struct th_dumpsys **out, struct th_err *err)
{
	struct th_dumpsys *d;
	struct scan sc = {-1, -1};
	const char *nl;
	size_t pos = 0, n, next;
	enum th_status st = TH_OK;

	*out = NULL;
	if (!text && len)
		return th_err_set(err, TH_ERR_USAGE, "dumpsys: no text");
	d = calloc(1, sizeof(*d));
	if (!d)
		return th_err_set(err, TH_ERR_NOMEM, "out of memory");
	d->text = text;
	d->len = len;
	while (pos < len && st == TH_OK) {
		nl = memchr(text + pos, '\n', len - pos);
		n = nl ? (size_t)(nl - (text + pos)) : len - pos;
		next = nl ? pos + n + 1 : len;
		st = scan_line(d, &sc, pos, n, next, err);
		pos = next;
	}
	d->cut = sc.service;
	close_open(d, &sc.service, len);
	close_open(d, &sc.block, len);
	if (st != TH_OK) {
		th_dumpsys_free(d);
		return st;
	}
	*out = d;
	return TH_OK;
}

void th_dumpsys_free(struct th_dumpsys *d)
{
	if (!d)
		return;
	free(d->parts);
	free(d);
}

static int name_is(const struct th_dumpsys *d, const struct part *p,
                   const char *name, size_t n)
{
	return p->name_len == n && memcmp(d->text + p->name_off, name, n) == 0;
}

/* "CRITICAL package" and "HIGH package" are priority dumps of the same
 * service in a dumpstate. */
static int name_is_priority(const struct th_dumpsys *d, const struct part *p,
                            const char *name, size_t n)
{
	static const char *const prio[] = {"CRITICAL ", "HIGH ", "NORMAL "};
	const char *s = d->text + p->name_off;
	size_t i, k;

	for (i = 0; i < sizeof(prio) / sizeof(prio[0]); i++) {
		k = strlen(prio[i]);
		if (p->name_len == k + n && memcmp(s, prio[i], k) == 0 &&
		    memcmp(s + k, name, n) == 0)
			return 1;
	}
	return 0;
}

static const struct part *find_service(const struct th_dumpsys *d,
                                       const char *name)
{
	size_t i, n = strlen(name);

	for (i = 0; i < d->nparts; i++)
		if (d->parts[i].kind == PART_SERVICE &&
		    name_is(d, &d->parts[i], name, n))
			return &d->parts[i];
	for (i = 0; i < d->nparts; i++)
		if (d->parts[i].kind == PART_SERVICE &&
		    name_is_priority(d, &d->parts[i], name, n))
			return &d->parts[i];
	return NULL;
}

/* A block title matches `title` whole, or up to " (command)". */
static const struct part *find_block(const struct th_dumpsys *d,
                                     const char *title)
{
	size_t i, n = strlen(title);
	const struct part *p;
	const char *s;

	for (i = 0; i < d->nparts; i++) {
		p = &d->parts[i];
		s = d->text + p->name_off;
		if (p->kind != PART_BLOCK || p->name_len < n ||
		    memcmp(s, title, n) != 0)
			continue;
		if (p->name_len == n ||
		    (p->name_len > n + 1 && s[n] == ' ' && s[n + 1] == '('))
			return p;
	}
	return NULL;
}

static enum th_status give(const struct th_dumpsys *d, const struct part *p,
                           const char **text, size_t *len)
{
	if (!p)
		return TH_ERR_NOTFOUND;
	*text = d->text + p->body_off;
	*len = p->body_len;
	return TH_OK;
}

enum th_status th_dumpsys_section(const struct th_dumpsys *d,
                                  const char *service, const char **text,
                                  size_t *len)
{
	if (!d || !service)
		return TH_ERR_NOTFOUND;
	/* Service names hold no blanks: a name with one is a block title. */
	if (strchr(service, ' '))
		return give(d, find_block(d, service), text, len);
	return give(d, find_service(d, service), text, len);
}

enum th_status th_dumpsys_block(const struct th_dumpsys *d, const char *title,
                                const char **text, size_t *len)
{
	if (!d || !title)
		return TH_ERR_NOTFOUND;
	return give(d, find_block(d, title), text, len);
}

int th_dumpsys_cut_off(const struct th_dumpsys *d, const char **name,
                       size_t *name_len)
{
	if (!d || d->cut < 0)
		return 0;
	*name = d->text + d->parts[d->cut].name_off;
	*name_len = d->parts[d->cut].name_len;
	return 1;
}

int th_dumpsys_cut_warning(const struct th_dumpsys *d, const char *file,
                           char *msg, size_t size)
{
	char shown[65];
	const char *name;
	size_t n, i;

	if (!size || !th_dumpsys_cut_off(d, &name, &n))
		return 0;
	/* The name comes from the evidence: printable bytes only. */
	n = n < sizeof(shown) - 1 ? n : sizeof(shown) - 1;
	for (i = 0; i < n; i++)
		shown[i] = name[i] >= ' ' && name[i] < 0x7f ? name[i] : '?';
	shown[n] = '\0';
	snprintf(msg, size,
	         "'%s': section '%s' has no end marker (cut off?): read to "
	         "the end of the file",
	         file, shown);
	return 1;
}

size_t th_dumpsys_count(const struct th_dumpsys *d)
{
	return d ? d->nparts : 0;
}

int th_dumpsys_at(const struct th_dumpsys *d, size_t i, const char **name,
                  size_t *name_len, int *is_block)
{
	if (!d || i >= d->nparts)
		return 0;
	*name = d->text + d->parts[i].name_off;
	*name_len = d->parts[i].name_len;
	*is_block = d->parts[i].kind == PART_BLOCK;
	return 1;
}
