#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "report/report.h"
#include "core/timeconv.h"

static json_t *indicator_to_json(const struct th_alert *a)
{
	const struct th_ioc *ioc = a->ioc;
	json_t *o = json_object(), *colls = json_array();
	size_t i;

	for (i = 0; i < ioc->nsources; i++)
		json_array_append_new(colls,
		                      json_string(ioc->sources[i].collection));
	json_object_set_new(o, "value", json_string(ioc->value));
	json_object_set_new(o, "type", json_string(th_ioc_kind_key(ioc->kind)));
	json_object_set_new(
	        o, "name",
	        json_string(ioc->nsources ? ioc->sources[0].collection : ""));
	json_object_set_new(
	        o, "stix2_file_name",
	        json_string(ioc->nsources ? ioc->sources[0].file_name : ""));
	json_object_set_new(o, "collections", colls);
	if (a->matched_value)
		json_object_set_new(o, "matched_value",
		                    json_string(a->matched_value));
	return o;
}

json_t *th_alert_to_json(const struct th_alert *a)
{
	char when[TH_TIME_STR_MAX];
	json_t *o = json_object();

	th_time_format(a->event_time, when);
	json_object_set_new(o, "level", json_string(th_level_name(a->level)));
	json_object_set_new(o, "module", json_string(a->module));
	json_object_set_new(o, "message", json_string(a->message));
	json_object_set_new(o, "event_time",
	                    when[0] ? json_string(when) : json_null());
	json_object_set_new(o, "event",
	                    a->record ? json_deep_copy(a->record)
	                              : json_null());
	json_object_set_new(o, "matched_indicator",
	                    a->ioc ? indicator_to_json(a) : json_null());
	return o;
}

enum th_status th_alerts_write_json(const struct th_alert *const *alerts,
                                    size_t n, const char *module,
                                    const char *path, struct th_err *err)
{
	json_t *list = json_array();
	enum th_status st;
	size_t i;

	if (!list)
		return th_err_set(err, TH_ERR_NOMEM, "out of memory");
	for (i = 0; i < n; i++) {
		if (module && strcmp(alerts[i]->module, module) != 0)
			continue;
		json_array_append_new(list, th_alert_to_json(alerts[i]));
	}
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

static void write_alert_row(FILE *f, const struct th_alert *a)
{
	char when[TH_TIME_STR_MAX];
	const char *fields[4];
	struct th_buf line;
	char *event;

	th_time_format(a->event_time, when);
	event = a->record ? json_dumps(a->record,
	                               JSON_COMPACT | JSON_PRESERVE_ORDER)
	                  : NULL;
	fields[0] = when;
	fields[1] = a->module;
	fields[2] = a->message;
	fields[3] = event ? event : "";
	th_buf_init(&line, (size_t)1 << 30);
	if (th_csv_line(&line, fields, 4) == TH_OK)
		fwrite(line.data, 1, line.len, f);
	th_buf_free(&line);
	free(event);
}

enum th_status th_alerts_write_timeline(const struct th_alert *const *alerts,
                                        size_t n, const char *path,
                                        struct th_err *err)
{
	struct sorted_alert *sorted;
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
		return th_err_set(err, TH_ERR_IO, "cannot write '%s': %s", path,
		                  strerror(errno));
	}
	fputs("\"Event Time\",\"Module\",\"Message\",\"Event\"\n", f);
	for (i = 0; i < n; i++)
		write_alert_row(f, sorted[i].a);
	free(sorted);
	if (fclose(f) != 0)
		return th_err_set(err, TH_ERR_IO, "cannot write '%s': %s", path,
		                  strerror(errno));
	return TH_OK;
}
