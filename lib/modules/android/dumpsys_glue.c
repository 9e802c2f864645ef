#include <string.h>

#include "modules/android/dumpsys_glue.h"

struct emit {
	struct th_run *run;
	void (*event)(struct th_run *run, const json_t *rec);
	enum th_status st;
};

static int on_record(void *ctx, json_t *rec)
{
	struct emit *e = ctx;

	if (!rec) { /* the parser could not allocate it */
		e->st = TH_ERR_NOMEM;
		return 1;
	}
	if (e->event)
		e->event(e->run, rec);
	e->st = th_run_record(e->run, rec);
	return e->st != TH_OK;
}

enum th_status th_dsm_run(struct th_run *run, const char *service,
                          th_section_each parse,
                          void (*event)(struct th_run *run, const json_t *rec))
{
	struct emit e = {run, event, TH_OK};
	struct th_err err = {0};
	const char *text;
	size_t len;
	enum th_status st;

	st = th_source_dumpsys(th_run_source(run), service, &text, &len, &err);
	if (st != TH_OK)
		return th_run_fail(run, st, "%s",
		                   err.msg[0] ? err.msg : "no dumpsys section");
	if (err.msg[0]) /* a cut-off dumpsys: read all the same */
		th_run_log(run, TH_LOG_WARN, "%s", err.msg);
	st = parse(text, len, on_record, &e);
	if (st == TH_ERR_LIMIT) {
		th_run_log(run, TH_LOG_WARN,
		           "dumpsys section '%s': too many entries, the rest "
		           "are ignored",
		           service);
		st = TH_OK;
	} else if (st == TH_ERR_NOTFOUND) {
		return th_run_fail(run, st,
		                   "dumpsys section '%s' holds nothing to read",
		                   service);
	}
	if (st != TH_OK)
		return th_run_fail(run, st, "dumpsys section '%s': %s", service,
		                   th_status_str(st));
	return e.st;
}

const struct th_ioc *th_dsm_check_app(struct th_run *run, const json_t *rec,
                                      const char *key, int64_t t)
{
	const char *v = json_string_value(json_object_get(rec, key));

	if (!v || !*v)
		return NULL;
	return th_run_check(run, TH_MATCH_APP_ID, v, TH_LEVEL_CRITICAL, t, rec);
}

int th_dsm_in_list(const char *const *list, const char *name)
{
	for (; name && *list; list++)
		if (strcmp(*list, name) == 0)
			return 1;
	return 0;
}
