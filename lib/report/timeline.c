#include <errno.h>
#include <stdlib.h>
#include <string.h>

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
	struct tl_event *ev;
	size_t off = tl->text.len, cap;
	enum th_status st;

	if (tl->n == tl->cap) {
		cap = tl->cap ? tl->cap * 2 : 1024;
		ev = realloc(tl->events, cap * sizeof(*ev));
		if (!ev)
			return TH_ERR_NOMEM;
		tl->events = ev;
		tl->cap = cap;
	}
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

void th_csv_field(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

enum th_status th_timeline_write(struct th_timeline *tl, const char *path,
                                 struct th_err *err)
{
	char when[TH_TIME_STR_MAX];
	const char *module, *event, *desc;
	FILE *f;
	size_t i;

	qsort(tl->events, tl->n, sizeof(*tl->events), cmp_event);
	f = fopen(path, "w");
	if (!f)
		return th_err_set(err, TH_ERR_IO, "cannot write '%s': %s", path,
		                  strerror(errno));
	fputs("\"UTC Timestamp\",\"Plugin\",\"Event\",\"Description\"\n", f);
	for (i = 0; i < tl->n; i++) {
		module = tl->text.data + tl->events[i].text;
		event = module + strlen(module) + 1;
		desc = event + strlen(event) + 1;
		th_time_format(tl->events[i].t, when);
		th_csv_field(f, when);
		fputc(',', f);
		th_csv_field(f, module);
		fputc(',', f);
		th_csv_field(f, event);
		fputc(',', f);
		th_csv_field(f, desc);
		fputc('\n', f);
	}
	if (fclose(f) != 0)
		return th_err_set(err, TH_ERR_IO, "cannot write '%s': %s", path,
		                  strerror(errno));
	return TH_OK;
}
