#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "report/report.h"
#include "core/jsonutil.h"
#include "core/timeconv.h"

/* Values are set with th_json_set_new, which counts a value lost for
 * want of memory (th_json_nomem_count): th_alerts_write_json fails then
 * rather than write an incomplete alerts.json. */
static json_t *indicator_to_json(const struct th_alert *a)
{
	const struct th_ioc *ioc = a->ioc;
	json_t *o = json_object(), *colls = json_array();
	size_t i;

	if (!o || !colls) {
		th_json_nomem_note();
		json_decref(colls);
		return o;
	}
	for (i = 0; i < ioc->nsources; i++)
		th_json_append_new(colls,
		                   th_json_string(ioc->sources[i].collection));
	th_json_set_new(o, "value", th_json_string(ioc->value));
	th_json_set_new(o, "type", json_string(th_ioc_kind_key(ioc->kind)));
	th_json_set_new(o, "name",
	                th_json_string(ioc->nsources
	                                       ? ioc->sources[0].collection
	                                       : ""));
	th_json_set_new(
	        o, "stix2_file_name",
	        th_json_string(ioc->nsources ? ioc->sources[0].file_name : ""));
	th_json_set_new(o, "collections", colls);
	if (a->matched_value)
		th_json_set_new(o, "matched_value",
		                th_json_string(a->matched_value));
	return o;
}

json_t *th_alert_to_json(const struct th_alert *a)
{
	char when[TH_TIME_STR_MAX];
	json_t *o = json_object();

	if (!o)
		return NULL;
	th_time_format(a->event_time, when);
	th_json_set_new(o, "level", json_string(th_level_name(a->level)));
	th_json_set_new(o, "module", th_json_string(a->module));
	th_json_set_new(o, "message", th_json_string(a->message));
	th_json_set_new(o, "event_time",
	                when[0] ? json_string(when) : json_null());
	th_json_set_new(o, "event",
	                a->record ? json_deep_copy(a->record) : json_null());
	th_json_set_new(o, "matched_indicator",
	                a->ioc ? indicator_to_json(a) : json_null());
	return o;
}

enum th_status th_alerts_write_json(const struct th_alert *const *alerts,
                                    size_t n, const char *module,
                                    const char *path, struct th_err *err)
{
	unsigned long lost = th_json_nomem_count();
	json_t *list = json_array();
	enum th_status st;
	size_t i;

	if (!list)
		return th_err_set(err, TH_ERR_NOMEM, "out of memory");
	for (i = 0; i < n; i++) {
		if (module && strcmp(alerts[i]->module, module) != 0)
			continue;
		th_json_append_new(list, th_alert_to_json(alerts[i]));
	}
	if (th_json_nomem_count() != lost)
		st = th_err_set(err, TH_ERR_NOMEM,
		                "cannot write '%s': out of memory", path);
	else
		st = th_json_write_file(list, path, err);
	json_decref(list);
	return st;
}

struct sorted_alert {
	const struct th_alert *a;
	size_t seq;
};

/* By time, then in the order raised, so the file is the same every run. */
static int cmp_alert_time(const void *pa, const void *pb)
{
	const struct sorted_alert *x = pa, *y = pb;

	if (x->a->event_time != y->a->event_time)
		return x->a->event_time < y->a->event_time ? -1 : 1;
	return x->seq < y->seq ? -1 : (x->seq > y->seq);
}

static enum th_status write_alert_row(FILE *f, const struct th_alert *a)
{
	char when[TH_TIME_STR_MAX];
	const char *fields[4];
	struct th_buf line;
	enum th_status st;
	char *event;

	th_time_format(a->event_time, when);
	event = a->record ? th_json_dumps(a->record,
	                                  JSON_COMPACT | JSON_PRESERVE_ORDER)
	                  : NULL;
	fields[0] = when;
	fields[1] = a->module;
	fields[2] = a->message;
	fields[3] = event ? event : "";
	th_buf_init(&line, (size_t)1 << 30);
	st = a->record && !event ? TH_ERR_NOMEM : th_csv_line(&line, fields, 4);
	if (st == TH_OK)
		fwrite(line.data, 1, line.len, f);
	th_buf_free(&line);
	free(event);
	return st;
}

enum th_status th_alerts_write_timeline(const struct th_alert *const *alerts,
                                        size_t n, const char *path,
                                        struct th_err *err)
{
	struct sorted_alert *sorted;
	enum th_status st = TH_OK;
	FILE *f;
	size_t i;

	sorted = calloc(n ? n : 1, sizeof(*sorted));
	if (!sorted)
		return th_err_set(err, TH_ERR_NOMEM, "out of memory");
	for (i = 0; i < n; i++)
		sorted[i] = (struct sorted_alert){alerts[i], i};
	qsort(sorted, n, sizeof(*sorted), cmp_alert_time);
	f = fopen(path, "w");
	if (!f) {
		free(sorted);
		return th_err_errno(err, errno, "cannot write '%s'", path);
	}
	fputs("\"Event Time\",\"Module\",\"Message\",\"Event\"\n", f);
	for (i = 0; i < n && st == TH_OK; i++)
		st = write_alert_row(f, sorted[i].a);
	free(sorted);
	if (fclose(f) != 0 && st == TH_OK)
		return th_err_errno(err, errno, "cannot write '%s'", path);
	if (st != TH_OK)
		return th_err_set(err, st, "cannot write '%s': %s", path,
		                  th_status_str(st));
	return TH_OK;
}
