/*
 * The timeline: events from every module, written sorted by time. Up to
 * mem_max bytes they stay in memory as fixed entries over one text
 * arena; past that, each full batch is sorted and spilled as a run file
 * to a private temp folder, and writing merges the runs (an external
 * merge sort), so memory stays bounded whatever the evidence holds.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/array.h"
#include "core/timeconv.h"
#include "report/report.h"

struct tl_event {
	int64_t t;
	size_t seq;  /* insertion order: keeps the sort stable */
	size_t text; /* offset of "module\0event\0description\0" */
};

/* A run file's entry: this header, then `len` bytes of text. */
struct run_head {
	int64_t t;
	uint64_t seq;
	uint32_t len;
};

#define TIMELINE_MEM_MAX  ((size_t)48 << 20)
#define TIMELINE_TEXT_MAX ((size_t)1 << 32)
#define EVENT_TEXT_MAX    ((size_t)1 << 20) /* one event's text */
#define FLUSH_AT          ((size_t)1 << 20)
#define RUNS_MAX          4096

void th_timeline_init(struct th_timeline *tl)
{
	memset(tl, 0, sizeof(*tl));
	th_buf_init(&tl->text, TIMELINE_TEXT_MAX);
	tl->mem_max = TIMELINE_MEM_MAX;
}

void th_timeline_set_limit(struct th_timeline *tl, size_t bytes)
{
	tl->mem_max = bytes;
}

void th_timeline_free(struct th_timeline *tl)
{
	free(tl->events);
	th_buf_free(&tl->text);
	th_tmpdir_free(&tl->spill);
	memset(tl, 0, sizeof(*tl));
}

static int cmp_event(const void *pa, const void *pb)
{
	const struct tl_event *a = pa, *b = pb;

	if (a->t != b->t)
		return a->t < b->t ? -1 : 1;
	return a->seq < b->seq ? -1 : (a->seq > b->seq);
}

static void sort_events(struct th_timeline *tl)
{
	if (tl->n) /* events is NULL when there are none */
		qsort(tl->events, tl->n, sizeof(*tl->events), cmp_event);
}

static char *run_path(const struct th_timeline *tl, size_t i)
{
	char name[32];

	snprintf(name, sizeof(name), "run-%zu", i);
	return th_path_join(tl->spill.path, name);
}

static size_t event_len(const char *text)
{
	const char *p = text;
	int i;

	for (i = 0; i < 3; i++)
		p += strlen(p) + 1;
	return (size_t)(p - text);
}

static enum th_status write_run(struct th_timeline *tl, FILE *f)
{
	struct run_head h;
	const char *text;
	size_t i;

	for (i = 0; i < tl->n; i++) {
		text = tl->text.data + tl->events[i].text;
		h = (struct run_head){tl->events[i].t, tl->events[i].seq,
		                      (uint32_t)event_len(text)};
		if (fwrite(&h, sizeof(h), 1, f) != 1 ||
		    fwrite(text, 1, h.len, f) != h.len)
			return TH_ERR_IO;
	}
	return TH_OK;
}

/* Sorts the batch in memory and writes it as the next run file. */
static enum th_status spill(struct th_timeline *tl)
{
	enum th_status st;
	char *path;
	FILE *f;

	if (tl->nruns >= RUNS_MAX)
		return TH_ERR_LIMIT;
	if (!tl->spill.path && th_tmpdir_new(&tl->spill, NULL) != TH_OK)
		return TH_ERR_IO;
	sort_events(tl);
	path = run_path(tl, tl->nruns);
	f = path ? fopen(path, "wb") : NULL;
	free(path);
	if (!f)
		return TH_ERR_IO;
	st = write_run(tl, f);
	if (fclose(f) != 0 && st == TH_OK)
		st = TH_ERR_IO;
	if (st != TH_OK)
		return st;
	tl->nruns++;
	tl->n = 0;
	th_buf_reset(&tl->text);
	return TH_OK;
}

enum th_status th_timeline_add(struct th_timeline *tl, int64_t t,
                               const char *module, const char *event,
                               const char *description)
{
	size_t off = tl->text.len;
	enum th_status st;

	if (th_array_reserve(&tl->events, &tl->cap, tl->n,
	                     sizeof(*tl->events)) != TH_OK)
		return TH_ERR_NOMEM;
	if (strlen(module) + strlen(event) + strlen(description) + 3 >
	    EVENT_TEXT_MAX)
		return TH_ERR_LIMIT;
	st = th_buf_add(&tl->text, module, strlen(module) + 1);
	if (st == TH_OK)
		st = th_buf_add(&tl->text, event, strlen(event) + 1);
	if (st == TH_OK)
		st = th_buf_add(&tl->text, description,
		                strlen(description) + 1);
	if (st != TH_OK) {
		tl->text.len = off;
		return st;
	}
	tl->events[tl->n++] = (struct tl_event){t, tl->seq++, off};
	if (tl->spill_failed ||
	    tl->text.len + tl->n * sizeof(*tl->events) <= tl->mem_max)
		return TH_OK;
	/* A spill that failed (no temp folder, a full disk, too many
	 * runs) is not tried again for every later event: they stay in
	 * memory, and the caller is told once. */
	st = spill(tl);
	if (st != TH_OK && st != TH_ERR_NOMEM) {
		tl->spill_failed = 1;
		return TH_ERR_IO;
	}
	return st;
}

static enum th_status flush(struct th_buf *b, FILE *f)
{
	if (b->len && fwrite(b->data, 1, b->len, f) != b->len)
		return TH_ERR_IO;
	th_buf_reset(b);
	return TH_OK;
}

/* One CSV line from "module\0event\0description\0". */
static enum th_status add_line(struct th_buf *b, int64_t t, const char *text)
{
	char when[TH_TIME_STR_MAX];
	const char *fields[4];

	th_time_format(t, when);
	fields[0] = when;
	fields[1] = text;
	fields[2] = fields[1] + strlen(fields[1]) + 1;
	fields[3] = fields[2] + strlen(fields[2]) + 1;
	return th_csv_line(b, fields, 4);
}

static enum th_status write_memory(struct th_timeline *tl, FILE *f)
{
	struct th_buf b;
	enum th_status st = TH_OK;
	size_t i;

	th_buf_init(&b, (size_t)1 << 30);
	sort_events(tl);
	for (i = 0; i < tl->n && st == TH_OK; i++) {
		st = add_line(&b, tl->events[i].t,
		              tl->text.data + tl->events[i].text);
		if (st == TH_OK && b.len >= FLUSH_AT)
			st = flush(&b, f);
	}
	if (st == TH_OK)
		st = flush(&b, f);
	th_buf_free(&b);
	return st;
}

/* --- merging spilled runs --- */

struct run_reader {
	FILE *f;
	struct run_head h;
	struct th_buf text;
	int live;
};

static enum th_status reader_next(struct run_reader *r)
{
	r->live = 0;
	if (fread(&r->h, sizeof(r->h), 1, r->f) != 1)
		return feof(r->f) ? TH_OK : TH_ERR_IO;
	th_buf_reset(&r->text);
	if (r->h.len > EVENT_TEXT_MAX || th_buf_add(&r->text, "", 0) != TH_OK)
		return TH_ERR_FORMAT;
	if (th_array_reserve(&r->text.data, &r->text.cap, r->h.len, 1) != TH_OK)
		return TH_ERR_NOMEM;
	if (fread(r->text.data, 1, r->h.len, r->f) != r->h.len)
		return TH_ERR_IO;
	r->text.len = r->h.len;
	r->live = 1;
	return TH_OK;
}

static struct run_reader *pick(struct run_reader *r, size_t n)
{
	struct run_reader *best = NULL;
	size_t i;

	for (i = 0; i < n; i++) {
		if (!r[i].live)
			continue;
		if (!best || r[i].h.t < best->h.t ||
		    (r[i].h.t == best->h.t && r[i].h.seq < best->h.seq))
			best = &r[i];
	}
	return best;
}

static enum th_status merge_runs(struct run_reader *r, size_t n, FILE *f)
{
	struct run_reader *best;
	struct th_buf b;
	enum th_status st = TH_OK;

	th_buf_init(&b, (size_t)1 << 30);
	while (st == TH_OK && (best = pick(r, n)) != NULL) {
		st = add_line(&b, best->h.t, best->text.data);
		if (st == TH_OK && b.len >= FLUSH_AT)
			st = flush(&b, f);
		if (st == TH_OK)
			st = reader_next(best);
	}
	if (st == TH_OK)
		st = flush(&b, f);
	th_buf_free(&b);
	return st;
}

static enum th_status write_spilled(struct th_timeline *tl, FILE *f)
{
	struct run_reader *r;
	enum th_status st = tl->n ? spill(tl) : TH_OK;
	size_t i;
	char *path;

	r = st == TH_OK ? calloc(tl->nruns, sizeof(*r)) : NULL;
	if (!r)
		return st == TH_OK ? TH_ERR_NOMEM : st;
	for (i = 0; i < tl->nruns && st == TH_OK; i++) {
		th_buf_init(&r[i].text, EVENT_TEXT_MAX);
		path = run_path(tl, i);
		r[i].f = path ? fopen(path, "rb") : NULL;
		free(path);
		st = r[i].f ? reader_next(&r[i]) : TH_ERR_IO;
	}
	if (st == TH_OK)
		st = merge_runs(r, tl->nruns, f);
	for (i = 0; i < tl->nruns; i++) {
		if (r[i].f)
			fclose(r[i].f);
		th_buf_free(&r[i].text);
	}
	free(r);
	return st;
}

enum th_status th_timeline_write(struct th_timeline *tl, const char *path,
                                 struct th_err *err)
{
	enum th_status st;
	FILE *f;

	f = fopen(path, "w");
	if (!f)
		return th_err_errno(err, errno, "cannot write '%s'", path);
	fputs("\"UTC Timestamp\",\"Plugin\",\"Event\",\"Description\"\n", f);
	st = tl->nruns ? write_spilled(tl, f) : write_memory(tl, f);
	if (fclose(f) != 0 || st != TH_OK)
		return th_err_set(err, st == TH_OK ? TH_ERR_IO : st,
		                  "cannot write '%s'", path);
	return TH_OK;
}
