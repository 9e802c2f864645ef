/* Running the selected modules and writing the result files. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/array.h"
#include "core/budget.h"
#include "run/run_int.h"
#include "core/fsutil.h"
#include "core/jsonutil.h"
#include "formats/jsonseq.h"

static int selected(const struct th_run *run, const struct th_module *m)
{
	size_t i;

	if (!run->nmodules)
		return 1;
	for (i = 0; i < run->nmodules; i++)
		if (strcmp(run->modules[i], m->slug) == 0)
			return 1;
	return 0;
}

static struct result_slot *add_result(struct th_run *run,
                                      const struct th_module *m)
{
	struct result_slot *r;

	r = realloc(run->results, (run->nresults + 1) * sizeof(*r));
	if (!r)
		return NULL;
	run->results = r;
	r = &run->results[run->nresults++];
	memset(r, 0, sizeof(*r));
	r->pub.slug = m->slug;
	return r;
}

static void set_message(struct result_slot *r, const char *msg)
{
	free(r->message);
	r->message = msg && *msg ? strdup(msg) : NULL;
	r->pub.message = r->message;
}

/* Writes <slug>_detected.json when the module raised alerts. */
static enum th_status write_detected(struct th_run *run,
                                     const struct th_module *m,
                                     struct th_err *err)
{
	char name[256];
	char *path;
	enum th_status st;

	if (!run->output_dir || !run->cur_alerts)
		return TH_OK;
	snprintf(name, sizeof(name), "%s_detected.json", m->slug);
	path = th_path_join(run->output_dir, name);
	if (!path)
		return th_err_set(err, TH_ERR_NOMEM, "cannot write '%s': %s",
		                  name, "out of memory");
	st = th_alerts_write_json((const struct th_alert *const *)run->alerts,
	                          run->nalerts, m->slug, path, err);
	free(path);
	return st;
}

static int recheck_record(void *ctx, const json_t *record)
{
	struct th_run *run = ctx;

	run->records.count++;
	run->cur->check(run, record);
	return 0;
}

/* check-iocs: the module's checks on the records of a results folder. */
static enum th_status recheck_module(struct th_run *run)
{
	char name[256];
	char *path;
	enum th_status st;
	struct th_err err = {0};

	snprintf(name, sizeof(name), "%s.json", run->cur->slug);
	path = th_path_join(run->target, name);
	if (!path)
		return TH_ERR_NOMEM;
	if (!th_is_file(path)) {
		free(path);
		return th_run_fail(run, TH_ERR_NOTFOUND, "no %s in the folder",
		                   name);
	}
	st = th_jsonseq_each(path, recheck_record, run, &err);
	if (st != TH_OK)
		th_err_copy(&run->mod_err, &err);
	free(path);
	return st;
}

/* Whether a failure the module reported on its way (a record not
 * written, th_run_warn) decides its result over what it returned: when
 * it returned TH_OK, and always when the failure was out of memory, as
 * a module that then found "nothing" did not look everywhere. */
static int reported_wins(enum th_status returned, enum th_status reported)
{
	if (reported == TH_OK || returned == TH_ERR_NOMEM)
		return 0;
	return returned == TH_OK || reported == TH_ERR_NOMEM;
}

/* TH_ERR_NOMEM when the module's result could not be recorded (it is
 * then not run); else TH_OK, whatever the module returned. */
static enum th_status run_module(struct th_run *run, const struct th_module *m)
{
	struct result_slot *r = add_result(run, m);
	struct th_err err = {0};
	unsigned long lost = th_json_nomem_count();
	enum th_status st;

	if (!r)
		return TH_ERR_NOMEM;
	run->cur = m;
	run->cur_alerts = 0;
	th_err_clear(&run->rec_err);
	th_err_clear(&run->mod_err);
	/* Re-checking reads <slug>.json; it must never rewrite it. */
	th_records_init(&run->records, run->recheck ? NULL : run->output_dir,
	                m->slug, m->shape == TH_RECORDS_OBJECT);
	th_run_log(run, TH_LOG_DEBUG, "running: %s", m->title);
	st = run->recheck ? recheck_module(run) : m->run(run);
	if (st != TH_OK && run->mod_err.msg[0])
		th_err_copy(&err, &run->mod_err);
	if (reported_wins(st, run->rec_err.status))
		st = th_err_copy(&err, &run->rec_err);
	if (st != TH_ERR_NOMEM && th_json_nomem_count() != lost)
		st = th_err_set(&err, TH_ERR_NOMEM,
		                "values could not be stored: out of memory");
	if (th_records_close(&run->records, &err) != TH_OK && st == TH_OK)
		st = err.status;
	if (write_detected(run, m, &err) != TH_OK && st == TH_OK)
		st = err.status;
	r->pub.status = st;
	r->pub.records = run->records.count;
	r->pub.alerts = run->cur_alerts;
	if (st != TH_OK)
		set_message(r, err.msg[0] ? err.msg : th_status_str(st));
	if (st == TH_ERR_NOTFOUND)
		th_run_log(run, TH_LOG_INFO, "skipped: %s", r->pub.message);
	else if (st != TH_OK)
		th_run_log(run, TH_LOG_ERROR, "%s", r->pub.message);
	else
		th_run_log(run, TH_LOG_INFO, "%zu records, %zu alerts",
		           r->pub.records, r->pub.alerts);
	run->cur = NULL;
	return TH_OK;
}

/* A module the user asked for that cannot run on this evidence. */
static void skip_module(struct th_run *run, const struct th_module *m)
{
	struct result_slot *r = add_result(run, m);
	char msg[256];

	if (!r)
		return;
	snprintf(msg, sizeof(msg), "does not run on %s evidence",
	         th_run_source_name(run));
	r->pub.status = TH_ERR_UNSUPPORTED;
	set_message(r, msg);
}

struct input_list {
	char **paths;
	size_t n, cap;
};

static int add_input(void *ctx, const char *path)
{
	struct input_list *l = ctx;

	if (th_array_reserve(&l->paths, &l->cap, l->n, sizeof(*l->paths)) !=
	    TH_OK)
		return 1;
	l->paths[l->n] = strdup(path);
	if (l->paths[l->n])
		l->n++;
	return 0;
}

static enum th_status write_info(struct th_run *run, const char *path)
{
	struct input_list inputs = {0};
	struct th_info info = {
	        .target = run->target,
	        .source = th_run_source_name(run),
	        .command_line = run->command_line,
	        .iocs = run->iocs,
	        .started = run->started,
	        .hashes = run->hashes,
	        .jobs = run->jobs,
	};
	struct th_err err = {0};
	enum th_status st;
	size_t i;

	if (run->hashes && run->src && run->src->ops->each_input)
		run->src->ops->each_input(run->src->state, add_input, &inputs,
		                          &err);
	info.inputs = (const char *const *)inputs.paths;
	info.ninputs = inputs.n;
	st = th_info_write(&info, path, &run->err);
	for (i = 0; i < inputs.n; i++)
		free(inputs.paths[i]);
	free(inputs.paths);
	return st;
}

static enum th_status write_outputs(struct th_run *run)
{
	static const char *const names[] = {"alerts.json", "timeline.csv",
	                                    "alerts_timeline.csv", "info.json"};
	const struct th_alert *const *alerts =
	        (const struct th_alert *const *)run->alerts;
	enum th_status st = TH_OK;
	char *path;
	size_t i;

	for (i = 0; i < 4 && st == TH_OK; i++) {
		path = th_path_join(run->output_dir, names[i]);
		if (!path)
			return th_err_set(&run->err, TH_ERR_NOMEM,
			                  "out of memory");
		if (i == 0)
			st = th_alerts_write_json(alerts, run->nalerts, NULL,
			                          path, &run->err);
		else if (i == 1 && !run->recheck) /* no events to re-check */
			st = th_timeline_write(&run->timeline, path, &run->err);
		else if (i == 2)
			st = th_alerts_write_timeline(alerts, run->nalerts,
			                              path, &run->err);
		else
			st = write_info(run, path);
		free(path);
	}
	return st;
}

/* Another module with m's slug that runs on `kinds`: then m stays quiet
 * (MVT's iOS and Android "sms" share a slug and an output file). */
static int twin_runs(const struct th_module *m, unsigned kinds)
{
	const struct th_module *o;
	size_t i;

	for (i = 0; i < th_modules_count(); i++) {
		o = th_modules_at(i);
		if (o != m && strcmp(o->slug, m->slug) == 0 &&
		    (o->sources & kinds))
			return 1;
	}
	return 0;
}

/* Which platform a results folder came from: info.json's "source" when
 * tracehound wrote it, else Android when Android-only files are there. */
static unsigned results_kinds(const char *dir)
{
	static const char *const android_files[] = {
	        "aqf_packages.json", "dumpsys_packages.json",
	        "dumpsys_appops.json", "aqf_get_prop.json", "tombstones.json"};
	const struct th_source_ops *ops;
	char *path = th_path_join(dir, "info.json");
	json_error_t jerr;
	json_t *info;
	const char *name;
	unsigned kinds = 0;
	size_t i;

	errno = 0;
	info = path ? json_load_file(path, 0, &jerr) : NULL;
	/* 0: could not tell for want of memory (th_run_execute fails). */
	if (!path ||
	    (!info && (json_error_code(&jerr) == json_error_out_of_memory ||
	               errno == ENOMEM))) {
		free(path);
		return 0;
	}
	name = json_string_value(json_object_get(info, "source"));
	ops = name ? th_sources_find(name) : NULL;
	if (ops)
		kinds = ops->kind;
	json_decref(info);
	free(path);
	for (i = 0;
	     !kinds && i < sizeof(android_files) / sizeof(*android_files);
	     i++) {
		path = th_path_join(dir, android_files[i]);
		if (!path)
			return 0;
		if (th_is_file(path))
			kinds = TH_SRC_ANDROIDQF | TH_SRC_BUGREPORT |
			        TH_SRC_ANDROID_BACKUP | TH_SRC_INTRUSION_LOGS;
		free(path);
	}
	return kinds ? kinds : TH_SRC_IOS_BACKUP | TH_SRC_IOS_FS;
}

/* Whether a results folder holds <slug>.json: modules without one are
 * left out of a re-check silently (a folder holds a few of fifty).
 * -1: could not look for want of memory. */
static int has_results(const struct th_run *run, const struct th_module *m)
{
	char name[256];
	char *path;
	int found;

	snprintf(name, sizeof(name), "%s.json", m->slug);
	path = th_path_join(run->target, name);
	found = path ? th_is_file(path) : -1;
	free(path);
	return found;
}

/* 1 run, 0 leave out, -1 out of memory. */
static int should_run(const struct th_run *run, const struct th_module *m,
                      unsigned kinds)
{
	int has;

	if (!run->recheck)
		return (m->sources & kinds) != 0;
	if (!m->check)
		return 0;
	has = has_results(run, m);
	if (has <= 0)
		return has;
	return (m->sources & kinds) || !twin_runs(m, kinds);
}

enum th_status th_run_execute(struct th_run *run)
{
	const struct th_module *m;
	enum th_status st = TH_OK;
	char line[TH_ERR_MSG_MAX + 64];
	unsigned kinds;
	size_t i;
	int run_it;

	if (!run->src && !run->recheck)
		return th_err_set(&run->err, TH_ERR_USAGE, "%s",
		                  "the run has no open source");
	kinds = run->recheck ? results_kinds(run->target)
	                     : th_source_kinds(run->src);
	if (!kinds && run->recheck)
		return th_err_set(&run->err, TH_ERR_NOMEM,
		                  "cannot read '%s': %s", run->target,
		                  "out of memory");
	for (i = 0; i < th_modules_count(); i++) {
		m = th_modules_at(i);
		if (!selected(run, m))
			continue;
		run_it = should_run(run, m, kinds);
		if (run_it < 0) {
			st = TH_ERR_NOMEM;
		} else if (run_it) {
			if (run_module(run, m) != TH_OK)
				st = TH_ERR_NOMEM;
		} else if (run->nmodules && !run->recheck &&
		           !twin_runs(m, kinds)) {
			skip_module(run, m);
		}
	}
	/* One line for every member the extraction budget refused, however
	 * many: each module said so for its own. */
	if (run->budget && th_budget_summary(run->budget, line, sizeof(line)))
		th_run_log(run, TH_LOG_WARN, "%s", line);
	if (run->timeline_dropped > 1)
		th_run_log(run, TH_LOG_WARN,
		           "%zu timeline events dropped in all",
		           run->timeline_dropped);
	th_run_log(run, TH_LOG_INFO, "%zu alerts in all", run->nalerts);
	if (run->urls_open && th_records_close(&run->urls, &run->err) != TH_OK)
		return run->err.status;
	if (run->output_dir) {
		enum th_status w = write_outputs(run);

		if (w != TH_OK)
			return w;
	}
	if (st != TH_OK)
		return th_err_set(&run->err, st,
		                  "a module could not run: out of memory");
	return TH_OK;
}
