#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/array.h"
#include "report/report.h"
#include "core/timeconv.h"

/* Events are kept as fixed-size entries pointing into one text arena, so
 * a million events cost tens of megabytes, not a million allocations. */
struct tl_event {
	int64_t t;
	size_t seq;  /* insertion order: keeps the sort stable */
	size_t text; /* offset of "module\0event\0description\0" */
};

#define TIMELINE_TEXT_MAX ((size_t)1 << 32)

void th_timeline_init(struct th_timeline *tl)
{
	memset(tl, 0, sizeof(*tl));
	th_buf_init(&tl->text, TIMELINE_TEXT_MAX);
}

void th_timeline_free(struct th_timeline *tl)
{
	free(tl->events);
	th_buf_free(&tl->text);
	memset(tl, 0, sizeof(*tl));
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
	tl->events[tl->n] = (struct tl_event){t, tl->n, off};
	tl->n++;
	return TH_OK;
}

static int cmp_event(const void *pa, const void *pb)
{
	const struct tl_event *a = pa, *b = pb;

	if (a->t != b->t)
		return a->t < b->t ? -1 : 1;
	return a->seq < b->seq ? -1 : (a->seq > b->seq);
}

enum th_status th_csv_field(struct th_buf *b, const char *s)
{
	const char *q;
	enum th_status st = th_buf_addc(b, '"');

	/* Copy runs between quotes in one go; double each quote. */
	while (st == TH_OK && (q = strchr(s, '"')) != NULL) {
		st = th_buf_add(b, s, (size_t)(q - s) + 1);
		if (st == TH_OK)
			st = th_buf_addc(b, '"');
		s = q + 1;
	}
	if (st == TH_OK)
		st = th_buf_adds(b, s);
	if (st == TH_OK)
		st = th_buf_addc(b, '"');
	return st;
}

enum th_status th_csv_line(struct th_buf *b, const char *const *fields,
                           size_t n)
{
	enum th_status st = TH_OK;
	size_t i;

	for (i = 0; i < n && st == TH_OK; i++) {
		if (i)
			st = th_buf_addc(b, ',');
		if (st == TH_OK)
			st = th_csv_field(b, fields[i]);
	}
	return st == TH_OK ? th_buf_addc(b, '\n') : st;
}

#define FLUSH_AT (1u << 20)

static enum th_status flush(struct th_buf *b, FILE *f)
{
	if (b->len && fwrite(b->data, 1, b->len, f) != b->len)
		return TH_ERR_IO;
	th_buf_reset(b);
	return TH_OK;
}

static enum th_status write_events(struct th_timeline *tl, FILE *f)
{
	char when[TH_TIME_STR_MAX];
	const char *fields[4];
	struct th_buf b;
	enum th_status st = TH_OK;
	size_t i;

	th_buf_init(&b, (size_t)1 << 30);
	for (i = 0; i < tl->n && st == TH_OK; i++) {
		th_time_format(tl->events[i].t, when);
		fields[0] = when;
		fields[1] = tl->text.data + tl->events[i].text;
		fields[2] = fields[1] + strlen(fields[1]) + 1;
		fields[3] = fields[2] + strlen(fields[2]) + 1;
		st = th_csv_line(&b, fields, 4);
		if (st == TH_OK && b.len >= FLUSH_AT)
			st = flush(&b, f);
	}
	if (st == TH_OK)
		st = flush(&b, f);
	th_buf_free(&b);
	return st;
}

enum th_status th_timeline_write(struct th_timeline *tl, const char *path,
                                 struct th_err *err)
{
	enum th_status st;
	FILE *f;

	qsort(tl->events, tl->n, sizeof(*tl->events), cmp_event);
	f = fopen(path, "w");
	if (!f)
		return th_err_set(err, TH_ERR_IO, "cannot write '%s': %s", path,
		                  strerror(errno));
	fputs("\"UTC Timestamp\",\"Plugin\",\"Event\",\"Description\"\n", f);
	st = write_events(tl, f);
	if (fclose(f) != 0 || st != TH_OK)
		return th_err_set(err, st == TH_OK ? TH_ERR_IO : st,
		                  "cannot write '%s'", path);
	return TH_OK;
}
