/* What modules call while they run: records, events, alerts, log. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "core/array.h"
#include "run/run_int.h"
#include "core/buf.h"
#include "core/jsonutil.h"
#include "core/limits.h"
#include "core/timeconv.h"

#define ALERT_MSG_MAX 4096
#define ALERTS_MAX    1000000 /* a flood beyond this is itself the finding */

struct th_source *th_run_source(struct th_run *run)
{
	return run->src;
}

const struct th_iocs *th_run_iocs(const struct th_run *run)
{
	return run->iocs;
}

static const char *cur_slug(const struct th_run *run)
{
	return run->cur ? run->cur->slug : NULL;
}

enum th_status th_run_record(struct th_run *run, json_t *record)
{
	enum th_status st;

	if (!record)
		return TH_ERR_NOMEM;
	st = th_records_write(&run->records, record, &run->rec_err);
	if (run->cur && run->cur->check)
		run->cur->check(run, record);
	json_decref(record);
	return st;
}

enum th_status th_run_record_texts(struct th_run *run, const struct iovec *recs,
                                   size_t n)
{
	return th_records_write_texts(&run->records, recs, n, &run->rec_err);
}

void th_run_event(struct th_run *run, int64_t t, const char *event,
                  const char *description)
{
	enum th_status st;

	if (t == TH_TIME_NONE || !run->output_dir)
		return;
	st = th_timeline_add(
	        &run->timeline, t, cur_slug(run) ? cur_slug(run) : "",
	        event ? event : "", description ? description : "");
	/* Out of memory fails the module (a timeline with holes must not
	 * look whole). An event over 1 MiB, or one past the in-memory
	 * limit when spilling has failed, is dropped: said once and
	 * counted, as evidence can repeat it millions of times. */
	if (st == TH_ERR_NOMEM)
		th_run_warn(run, st, "%s",
		            "timeline event dropped: out of memory");
	else if (st == TH_ERR_LIMIT && run->timeline_dropped++ == 0)
		th_run_log(run, TH_LOG_WARN, "%s",
		           "timeline event dropped: longer than 1 MiB, or the "
		           "timeline is full (the count of all drops comes at "
		           "the end)");
	else if (st == TH_ERR_IO)
		th_run_log(run, TH_LOG_WARN, "%s",
		           "the timeline cannot spill to its temp folder: its "
		           "events stay in memory");
}

static struct alert_slot *new_alert(struct th_run *run)
{
	struct alert_slot *a;

	if (run->nalerts >= ALERTS_MAX)
		return NULL;
	if (th_array_reserve(&run->alerts, &run->alerts_cap, run->nalerts,
	                     sizeof(*run->alerts)) != TH_OK)
		return NULL;
	a = calloc(1, sizeof(*a));
	if (a)
		run->alerts[run->nalerts++] = a;
	return a;
}

/* Formats into a malloc'ed string, cut at ALERT_MSG_MAX bytes. */
static char *format_msg(const char *fmt, va_list ap)
{
	char *msg = malloc(ALERT_MSG_MAX);

	if (msg)
		vsnprintf(msg, ALERT_MSG_MAX, fmt, ap);
	return msg;
}

/* An alert lost or cut short for want of memory fails the module (as a
 * record that cannot be written does): a forensic run must not look
 * clean when it is not. */
static void alert_nomem(struct th_run *run)
{
	if (run->rec_err.status == TH_OK)
		th_err_set(&run->rec_err, TH_ERR_NOMEM,
		           "cannot record an alert: out of memory");
}

void th_run_alert(struct th_run *run, enum th_level level, int64_t t,
                  const json_t *record, const struct th_ioc *ioc,
                  const char *value, const char *fmt, ...)
{
	struct alert_slot *a = new_alert(run);
	va_list ap;

	if (!a) {
		if (run->nalerts < ALERTS_MAX)
			alert_nomem(run);
		return;
	}
	va_start(ap, fmt);
	a->message = format_msg(fmt, ap);
	va_end(ap);
	a->value = value ? strdup(value) : NULL;
	a->record = record ? json_deep_copy(record) : NULL;
	if (!a->message || (value && !a->value) || (record && !a->record))
		alert_nomem(run);
	a->pub = (struct th_alert){
	        .level = level,
	        .module = cur_slug(run) ? cur_slug(run) : "",
	        .message = a->message ? a->message : "",
	        .event_time = t,
	        .record = a->record,
	        .ioc = ioc,
	        .matched_value = a->value,
	};
	run->cur_alerts++;
	th_run_log(run, TH_LOG_DEBUG, "alert (%s): %s", th_level_name(level),
	           a->pub.message);
}

/* "Pegasus, Predator": every collection listing the indicator. */
static enum th_status collections_str(const struct th_ioc *ioc,
                                      struct th_buf *b)
{
	enum th_status st = TH_OK;
	size_t i;

	for (i = 0; i < ioc->nsources && st == TH_OK; i++) {
		if (i)
			st = th_buf_adds(b, ", ");
		if (st == TH_OK)
			st = th_buf_adds(b, ioc->sources[i].collection);
	}
	return st;
}

const struct th_ioc *th_run_check(struct th_run *run, enum th_match_type type,
                                  const char *value, enum th_level level,
                                  int64_t t, const json_t *record)
{
	const struct th_ioc *ioc;
	struct th_buf colls;

	if (!value || !*value || !run->iocs)
		return NULL;
	ioc = th_iocs_match(run->iocs, type, value);
	if (!ioc)
		return NULL;
	th_buf_init(&colls, 4096);
	if (collections_str(ioc, &colls) == TH_ERR_NOMEM)
		alert_nomem(run);
	th_run_alert(run, level, t, record, ioc, value,
	             "%s '%s' matches indicator '%s' (%s)",
	             th_match_type_name(type), value, ioc->value,
	             th_buf_str(&colls));
	th_buf_free(&colls);
	return ioc;
}

void th_run_log(struct th_run *run, enum th_log_level level, const char *fmt,
                ...)
{
	va_list ap;

	va_start(ap, fmt);
	th_run_logv(run, level, cur_slug(run), fmt, ap);
	va_end(ap);
}

enum th_status th_run_warn(struct th_run *run, enum th_status status,
                           const char *fmt, ...)
{
	char msg[TH_ERR_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	th_run_log(run, TH_LOG_WARN, "%s", msg);
	/* The first such failure names the module's result. */
	if (status == TH_ERR_NOMEM && run->rec_err.status == TH_OK)
		th_err_set(&run->rec_err, TH_ERR_NOMEM, "%s", msg);
	return status;
}

enum th_status th_run_fail(struct th_run *run, enum th_status status,
                           const char *fmt, ...)
{
	va_list ap;

	run->mod_err.status = status;
	va_start(ap, fmt);
	vsnprintf(run->mod_err.msg, sizeof(run->mod_err.msg), fmt, ap);
	va_end(ap);
	return status;
}

void th_run_url(struct th_run *run, const char *url, int64_t t,
                const char *source)
{
	json_t *rec;
	enum th_status st;

	if (!url || !run->output_dir || run->recheck)
		return;
	if (!run->urls_open) {
		th_records_init(&run->urls, run->output_dir, "urls", 0);
		run->urls_open = 1;
	}
	rec = json_object();
	if (!rec) {
		th_run_warn(run, TH_ERR_NOMEM, "%s",
		            "cannot write urls.json: out of memory");
		return;
	}
	th_json_set_new(rec, "url", th_json_string(url));
	th_json_set_new(rec, "module",
	                th_json_string(cur_slug(run) ? cur_slug(run) : ""));
	th_json_set_new(rec, "source", th_json_string(source));
	th_json_set_new(rec, "timestamp", th_json_time(t));
	st = th_records_write(&run->urls, rec, NULL);
	if (st != TH_OK)
		th_run_warn(run, st, "cannot write urls.json: %s",
		            th_status_str(st));
	json_decref(rec);
}

int th_run_fast(const struct th_run *run)
{
	return run->fast;
}

size_t th_run_artifact_max(const struct th_run *run, uint64_t deflt)
{
	return th_limit_artifact(run->max_artifact_size, deflt);
}

json_t *th_json_time(int64_t t)
{
	char when[TH_TIME_STR_MAX];

	if (t == TH_TIME_NONE)
		return json_null();
	th_time_format(t, when);
	return when[0] ? json_string(when) : json_null();
}

void th_run_free_alerts(struct th_run *run)
{
	size_t i;

	for (i = 0; i < run->nalerts; i++) {
		free(run->alerts[i]->message);
		free(run->alerts[i]->value);
		json_decref(run->alerts[i]->record);
		free(run->alerts[i]);
	}
	free(run->alerts);
	run->alerts = NULL;
	run->nalerts = run->alerts_cap = 0;
}
