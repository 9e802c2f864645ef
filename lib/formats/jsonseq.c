#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "formats/jsonseq.h"
#include "core/buf.h"

#define DEPTH_MAX 512
#define CHUNK     65536

/* The scanner's state between chunks: where we are in the JSON text. */
struct scan {
	int depth;
	int in_string;
	int escaped;
	int top_object; /* the file is one object, not a list */
	int started;
	struct th_buf elem;
	size_t count;
};

static int only_space(const struct th_buf *b)
{
	size_t i;

	for (i = 0; i < b->len; i++)
		if (!strchr(" \t\r\n", b->data[i]))
			return 0;
	return 1;
}

static enum th_status emit(struct scan *s, const char *path,
                           int (*fn)(void *, const json_t *), void *ctx,
                           int *stop, struct th_err *err)
{
	json_error_t jerr;
	json_t *rec;

	if (only_space(&s->elem)) {
		th_buf_reset(&s->elem);
		return TH_OK;
	}
	/* Evidence strings may hold NUL bytes ("\u0000": MVT and we write
	 * them as read), and a record holding one must still be checked. */
	rec = json_loadb(s->elem.data ? s->elem.data : "", s->elem.len,
	                 JSON_DECODE_ANY | JSON_ALLOW_NUL, &jerr);
	th_buf_reset(&s->elem);
	if (!rec)
		return th_err_set(err, TH_ERR_FORMAT,
		                  "cannot read '%s': record %zu: %s", path,
		                  s->count + 1, jerr.text);
	s->count++;
	*stop = fn(ctx, rec);
	json_decref(rec);
	return TH_OK;
}

/* Feeds one byte outside strings; returns 1 when an element ends. */
static int structural(struct scan *s, char c, int *keep)
{
	*keep = 1;
	if (c == '"') {
		s->in_string = 1;
	} else if (c == '[' || c == '{') {
		s->depth++;
	} else if (c == ']' || c == '}') {
		s->depth--;
		if (s->depth == 0 && !s->top_object) {
			*keep = 0;
			return s->elem.len > 0;
		}
	} else if (c == ',' && s->depth == 1 && !s->top_object) {
		*keep = 0;
		return 1;
	}
	return 0;
}

static void string_byte(struct scan *s, char c)
{
	if (s->escaped)
		s->escaped = 0;
	else if (c == '\\')
		s->escaped = 1;
	else if (c == '"')
		s->in_string = 0;
}

static enum th_status feed(struct scan *s, const char *buf, size_t n,
                           const char *path, int (*fn)(void *, const json_t *),
                           void *ctx, int *stop, struct th_err *err)
{
	enum th_status st = TH_OK;
	int keep, done;
	size_t i;

	for (i = 0; i < n && !*stop && st == TH_OK; i++) {
		char c = buf[i];

		if (!s->started) {
			if (c == ' ' || c == '\n' || c == '\r' || c == '\t')
				continue;
			if (c != '[' && c != '{')
				return th_err_set(err, TH_ERR_FORMAT,
				                  "cannot read '%s': %s", path,
				                  "not a JSON list or object");
			s->started = 1;
			s->top_object = c == '{';
		}
		if (s->in_string) {
			string_byte(s, c);
			keep = 1;
			done = 0;
		} else {
			done = structural(s, c, &keep);
		}
		if (s->depth > DEPTH_MAX)
			return th_err_set(err, TH_ERR_LIMIT,
			                  "cannot read '%s': %s", path,
			                  "nested too deeply");
		/* The list's own brackets are not part of any element. */
		if (keep && (s->top_object || s->depth > 1 ||
		             (s->depth == 1 && c != '[')))
			st = th_buf_addc(&s->elem, c);
		if (st == TH_ERR_LIMIT)
			return th_err_set(err, st, "cannot read '%s': %s", path,
			                  "a record is too large");
		if (done && st == TH_OK)
			st = emit(s, path, fn, ctx, stop, err);
	}
	return st;
}

enum th_status th_jsonseq_each(const char *path,
                               int (*fn)(void *ctx, const json_t *record),
                               void *ctx, struct th_err *err)
{
	struct scan s = {0};
	char buf[CHUNK];
	enum th_status st = TH_OK;
	int stop = 0;
	size_t n;
	FILE *f = fopen(path, "rb");

	if (!f)
		return th_err_errno(err, errno, "cannot open '%s'", path);
	th_buf_init(&s.elem, TH_JSONSEQ_RECORD_MAX);
	while (st == TH_OK && !stop && (n = fread(buf, 1, sizeof(buf), f)))
		st = feed(&s, buf, n, path, fn, ctx, &stop, err);
	if (st == TH_OK && !stop && s.top_object && s.depth == 0 && s.started)
		st = emit(&s, path, fn, ctx, &stop, err);
	else if (st == TH_OK && !stop &&
	         (s.depth != 0 || !s.started || !only_space(&s.elem)))
		st = th_err_set(err, TH_ERR_FORMAT, "cannot read '%s': %s",
		                path, "truncated JSON");
	th_buf_free(&s.elem);
	fclose(f);
	return st;
}
