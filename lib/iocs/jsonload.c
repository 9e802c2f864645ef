/*
 * The JSON side of loading a STIX2 file: a bounded pre-scan, then
 * jansson. jansson is most of the cost of loading and parses on one core,
 * so a large bundle is cut at the elements of its "objects" array (which
 * the pre-scan finds on its way) and the pieces are parsed in parallel.
 * Anything unusual (an invalid piece, a repeated or escaped key, an
 * empty element) falls back to one whole parse, so errors read the same.
 */
#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "core/pool.h"
#include "iocs/iocs_int.h"

/* Pieces a bundle is cut into: fixed, so the result never depends on the
 * number of cores. */
#define PIECES 8

struct scan {
	size_t depth;
	int state; /* 0 looking, 1 after the key, 2 inside, 3 done */
	int no_split;
	size_t open, close; /* the '[' and ']' of "objects" */
	size_t *seps;       /* ',' between its elements */
	size_t nseps, cap;
};

static int is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Skips a JSON string starting at d[i] == '"'; returns the index after
 * its closing quote, or 0 when it is longer than the limit (or open). */
static size_t skip_string(const char *d, size_t i, size_t len)
{
	size_t start = i, limit = len - i, j;
	const char *q;

	if (limit > TH_STIX2_STRING_MAX + 2)
		limit = TH_STIX2_STRING_MAX + 2;
	for (i++;; i = (size_t)(q - d) + 1) {
		q = memchr(d + i, '"', start + limit - i);
		if (!q)
			return 0;
		/* An odd run of backslashes escapes the quote. */
		for (j = (size_t)(q - d); j > i && d[j - 1] == '\\'; j--)
			;
		if (((size_t)(q - d) - j) % 2 == 0)
			return (size_t)(q - d) + 1;
	}
}

/* A string at d[i..next) in the root object: is it the key "objects"? */
static void see_string(struct scan *s, const char *d, size_t i, size_t next,
                       size_t len)
{
	size_t k = next;

	while (k < len && is_blank(d[k]))
		k++;
	if (k == len || d[k] != ':') {
		s->state = s->state == 1 ? 0 : s->state; /* a value */
		return;
	}
	/* jansson would unescape a key and keep the last of two equal
	 * ones: do not guess which "objects" it takes. */
	if (memchr(d + i, '\\', next - i))
		s->no_split = 1;
	if (next - i == 9 && !memcmp(d + i, "\"objects\"", 9)) {
		s->no_split |= s->state != 0;
		s->state = 1;
	}
}

static int add_sep(struct scan *s, size_t i)
{
	size_t cap;
	size_t *p;

	if (s->nseps == s->cap) {
		cap = s->cap ? s->cap * 2 : 1024;
		p = realloc(s->seps, cap * sizeof(*p));
		if (!p)
			return -1;
		s->seps = p;
		s->cap = cap;
	}
	s->seps[s->nseps++] = i;
	return 0;
}

/* Follows the structure at a stop byte d[i] other than '"'. */
static void see_punct(struct scan *s, size_t i, char c)
{
	if (c == '[' || c == '{') {
		if (s->state == 1)
			s->state = c == '[' && s->depth == 1 ? 2 : 0;
		if (s->state == 2 && s->depth == 1)
			s->open = i;
		s->depth++;
		return;
	}
	if (c == ',') {
		if (s->state == 1)
			s->state = 0;
		if (s->state == 2 && s->depth == 2 && add_sep(s, i) < 0)
			s->no_split = 1;
		return;
	}
	if (s->state == 2 && s->depth == 2) {
		s->close = i;
		s->state = 3;
	}
	if (s->state == 1)
		s->state = 0;
	s->depth -= s->depth > 0;
}

/*
 * Checks what jansson cannot bound, string lengths and nesting depth, in
 * one cheap pass (memchr over strings), so a 50 MB string or a 100000
 * deep array fails at once; and finds the elements of "objects".
 */
static enum th_status prescan(const char *d, size_t len, struct scan *s,
                              struct th_err *err, const char *name)
{
	static const unsigned char stops[256] = {
	        ['"'] = 1, ['['] = 1, [']'] = 1,
	        ['{'] = 1, ['}'] = 1, [','] = 1};
	size_t i = 0, next;

	for (;;) {
		while (i < len && !stops[(unsigned char)d[i]])
			i++;
		if (i == len)
			return TH_OK;
		if (d[i] != '"') {
			see_punct(s, i, d[i]);
			if (s->depth > TH_STIX2_DEPTH_MAX)
				return th_err_set(err, TH_ERR_LIMIT,
				                  "cannot load '%s': nested "
				                  "deeper than %d levels",
				                  name, TH_STIX2_DEPTH_MAX);
			i++;
			continue;
		}
		next = skip_string(d, i, len);
		if (!next && len - i > TH_STIX2_STRING_MAX + 1)
			return th_err_set(err, TH_ERR_LIMIT,
			                  "cannot load '%s': string at offset "
			                  "%zu is longer than %zu bytes",
			                  name, i, TH_STIX2_STRING_MAX);
		if (!next)
			return th_err_set(err, TH_ERR_FORMAT,
			                  "cannot load '%s': not JSON: "
			                  "unterminated string at offset %zu",
			                  name, i);
		if (s->depth == 1)
			see_string(s, d, i, next, len);
		i = next;
	}
}

struct piece {
	const char *from; /* the elements, without the brackets */
	size_t len;
	json_t *json;
};

struct split_job {
	struct piece pieces[PIECES + 1]; /* the last: the bundle itself */
	size_t n;
	const char *data;
	size_t len, open, close;
};

static int all_blank(const char *s, size_t n)
{
	while (n > 0 && is_blank(s[n - 1]))
		n--;
	return n == 0;
}

/* Cuts the elements into pieces of about equal size, at separators. */
static int cut(struct split_job *job, const struct scan *s)
{
	size_t want = (s->close - s->open) / PIECES + 1, start = s->open + 1;
	size_t k, end;

	job->n = 0;
	for (k = 0; k <= s->nseps; k++) {
		end = k < s->nseps ? s->seps[k] : s->close;
		/* The last piece takes whatever is left. */
		if (k < s->nseps &&
		    (end - start < want || job->n == PIECES - 1))
			continue;
		if (all_blank(job->data + start, end - start))
			return -1;
		job->pieces[job->n].from = job->data + start;
		job->pieces[job->n++].len = end - start;
		start = end + 1;
	}
	return 0;
}

/* Parses "[" + piece + "]"; the last job is the bundle with an empty
 * "objects" array, so its other members are checked too. */
static void parse_piece(void *ctx, size_t i)
{
	struct split_job *job = ctx;
	struct piece *p = &job->pieces[i];
	size_t n =
	        i < job->n ? p->len + 2 : job->open + 1 + job->len - job->close;
	char *text = malloc(n);

	if (!text)
		return;
	if (i < job->n) {
		text[0] = '[';
		memcpy(text + 1, p->from, p->len);
		text[n - 1] = ']';
	} else {
		memcpy(text, job->data, job->open + 1);
		memcpy(text + job->open + 1, job->data + job->close,
		       job->len - job->close);
	}
	p->json = json_loadb(text, n, 0, NULL);
	free(text);
}

static void free_pieces(struct split_job *job)
{
	size_t i;

	for (i = 0; i <= job->n; i++)
		json_decref(job->pieces[i].json);
	memset(job->pieces, 0, sizeof(job->pieces));
}

/* Parses the pieces on `threads` threads. On success j holds them, else
 * j is left empty for a whole parse. */
static void parse_split(struct th_stix2_json *j, const struct scan *s,
                        const char *data, size_t len, int threads)
{
	struct split_job *job = calloc(1, sizeof(*job));
	size_t i;
	int ok;

	if (!job)
		return;
	*job = (struct split_job){
	        .data = data, .len = len, .open = s->open, .close = s->close};
	if (cut(job, s) == 0) {
		th_pool_for(threads, job->n + 1, parse_piece, job);
		for (ok = 1, i = 0; i <= job->n; i++)
			ok &= job->pieces[i].json != NULL;
		j->parts = ok ? malloc(job->n * sizeof(*j->parts)) : NULL;
	}
	if (j->parts) {
		for (i = 0; i < job->n; i++)
			j->parts[i] = job->pieces[i].json;
		j->nparts = job->n;
		j->root = job->pieces[job->n].json;
		memset(job->pieces, 0, sizeof(job->pieces));
	}
	free_pieces(job);
	free(job);
}

enum th_status th_stix2_json_load(struct th_stix2_json *j, const char *name,
                                  const char *data, size_t len,
                                  const struct th_stix2_opts *opts,
                                  struct th_err *err)
{
	struct scan s = {0};
	json_error_t jerr;
	enum th_status st;

	memset(j, 0, sizeof(*j));
	st = prescan(data, len, &s, err, name);
	if (st == TH_OK && s.state == 3 && !s.no_split && s.nseps > 0 &&
	    len >= opts->split_min)
		parse_split(j, &s, data, len, opts->threads);
	free(s.seps);
	if (st != TH_OK || j->root)
		return st;
	/* jansson reports some allocation failures as syntax errors
	 * ("invalid token"); malloc's ENOMEM tells them apart. */
	errno = 0;
	j->root = json_loadb(data, len, 0, &jerr);
	if (!j->root && (json_error_code(&jerr) == json_error_out_of_memory ||
	                 errno == ENOMEM))
		return th_err_set(err, TH_ERR_NOMEM,
		                  "cannot load '%s': out of memory", name);
	if (!j->root)
		return th_err_set(err, TH_ERR_FORMAT,
		                  "cannot load '%s': not JSON: %s (line %d, "
		                  "column %d)",
		                  name, jerr.text, jerr.line, jerr.column);
	return TH_OK;
}

void th_stix2_json_free(struct th_stix2_json *j)
{
	size_t i;

	for (i = 0; i < j->nparts; i++)
		json_decref(j->parts[i]);
	free(j->parts);
	json_decref(j->root);
	memset(j, 0, sizeof(*j));
}
