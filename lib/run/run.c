/* A check from start to end: pick the source, run the modules, write the
 * result files. */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "run/run_int.h"
#include "core/budget.h"
#include "core/fsutil.h"
#include "core/timeconv.h"

static const char *const level_names[] = {"info", "low", "medium", "high",
                                          "critical"};

const char *th_level_name(enum th_level level)
{
	if ((unsigned)level > TH_LEVEL_CRITICAL)
		return "unknown";
	return level_names[level];
}

const char *th_version(void)
{
	return TH_VERSION;
}

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

static enum th_status copy_options(struct th_run *run,
                                   const struct th_run_options *opt)
{
	size_t i;

	run->target = dup_or_null(opt->target);
	run->output_dir = dup_or_null(opt->output_dir);
	run->command_line = dup_or_null(opt->command_line);
	run->iocs = opt->iocs;
	run->hashes = opt->hashes;
	run->jobs = opt->jobs;
	run->recheck = opt->recheck;
	run->fast = opt->fast;
	run->max_artifact_size = opt->max_artifact_size;
	run->log = opt->log;
	run->log_ctx = opt->log_ctx;
	if (!run->target || (opt->output_dir && !run->output_dir))
		return th_err_set(&run->err, TH_ERR_NOMEM, "out of memory");
	if (!opt->nmodules)
		return TH_OK;
	run->modules = calloc(opt->nmodules, sizeof(*run->modules));
	if (!run->modules)
		return th_err_set(&run->err, TH_ERR_NOMEM, "out of memory");
	for (i = 0; i < opt->nmodules; i++) {
		run->modules[i] = strdup(opt->modules[i]);
		if (!run->modules[i])
			return th_err_set(&run->err, TH_ERR_NOMEM,
			                  "out of memory");
		run->nmodules++;
	}
	return TH_OK;
}

static enum th_status check_modules(struct th_run *run)
{
	size_t i;

	for (i = 0; i < run->nmodules; i++)
		if (!th_modules_find(run->modules[i]))
			return th_err_set(&run->err, TH_ERR_USAGE,
			                  "unknown module '%s'",
			                  run->modules[i]);
	return TH_OK;
}

static enum th_status pick_source(struct th_run *run, const char *forced,
                                  const struct th_source_ops **ops)
{
	int nomem = 0;

	if (access(run->target, F_OK) != 0)
		return th_err_set(&run->err, TH_ERR_IO, "cannot open '%s': %s",
		                  run->target, strerror(errno));
	if (forced) {
		*ops = th_sources_find(forced);
		if (!*ops)
			return th_err_set(&run->err, TH_ERR_USAGE,
			                  "unknown source '%s'", forced);
		return TH_OK;
	}
	*ops = th_sources_bid(run->target, &nomem);
	if (!*ops && nomem)
		return th_err_set(&run->err, TH_ERR_NOMEM,
		                  "cannot tell what '%s' is: out of memory",
		                  run->target);
	if (!*ops)
		return th_err_set(&run->err, TH_ERR_NOTFOUND,
		                  "'%s' is not recognised as evidence",
		                  run->target);
	return TH_OK;
}

static enum th_status open_output(struct th_run *run)
{
	char *logpath;
	enum th_status st;
	int inside;

	if (!run->output_dir)
		return TH_OK;
	inside =
	        run->recheck ? 0 : th_path_inside(run->output_dir, run->target);
	if (inside < 0)
		return th_err_set(&run->err, TH_ERR_NOMEM, "%s",
		                  "out of memory");
	if (inside)
		return th_err_set(&run->err, TH_ERR_USAGE,
		                  "refusing to write results to '%s': it is "
		                  "inside the evidence '%s'",
		                  run->output_dir, run->target);
	st = th_mkdir_p(run->output_dir, 0, &run->err);
	if (st != TH_OK)
		return st;
	logpath = th_path_join(run->output_dir, "command.log");
	run->logf = logpath ? fopen(logpath, "w") : NULL;
	if (!logpath)
		st = th_err_set(&run->err, TH_ERR_NOMEM, "out of memory");
	else if (!run->logf)
		st = th_err_errno(&run->err, errno, "cannot write '%s'",
		                  logpath);
	free(logpath);
	return st;
}

enum th_status th_run_new(struct th_run **out, const struct th_run_options *opt)
{
	const struct th_source_ops *ops = NULL;
	struct th_run *run;
	enum th_status st;

	*out = run = calloc(1, sizeof(*run));
	if (!run)
		return TH_ERR_NOMEM;
	run->started = th_time_now();
	th_timeline_init(&run->timeline);
	st = copy_options(run, opt);
	if (st == TH_OK)
		st = check_modules(run);
	if (st == TH_OK && run->recheck && !th_is_dir(run->target))
		st = th_err_set(&run->err, TH_ERR_USAGE,
		                "'%s' is not a results folder", run->target);
	else if (st == TH_OK && !run->recheck)
		st = pick_source(run, opt->source, &ops);
	if (st == TH_OK)
		st = open_output(run);
	if (st != TH_OK)
		return st;
	if (run->command_line)
		th_run_log(run, TH_LOG_INFO, "command: %s", run->command_line);
	if (run->recheck) {
		th_run_log(run, TH_LOG_INFO,
		           "tracehound %s re-checking results in '%s'",
		           th_version(), run->target);
		return TH_OK;
	}
	th_run_log(run, TH_LOG_INFO, "tracehound %s checking '%s' as %s",
	           th_version(), run->target, ops->name);
	if (th_budget_new(opt->max_extract, &run->budget) != TH_OK)
		return th_err_set(&run->err, TH_ERR_NOMEM, "out of memory");
	run->src_opt = (struct th_source_options){
	        .password = opt->password,
	        .key = opt->key,
	        .key_len = opt->key_len,
	        .jobs = opt->jobs,
	        .fast = opt->fast,
	        .timezone = opt->timezone,
	        .max_artifact_size = opt->max_artifact_size,
	        .budget = run->budget,
	};
	return th_source_open(ops, run->target, &run->src_opt, &run->src,
	                      &run->err);
}

void th_run_logv(struct th_run *run, enum th_log_level level,
                 const char *module, const char *fmt, va_list ap)
{
	static const char *const names[] = {"debug", "info", "warning",
	                                    "error"};
	char msg[2048], when[TH_TIME_STR_MAX];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (run->logf) {
		th_time_format(th_time_now(), when);
		fprintf(run->logf, "%s %s %s%s%s", when,
		        names[(unsigned)level <= TH_LOG_ERROR ? level : 0],
		        module ? "[" : "", module ? module : "",
		        module ? "] " : "");
		fputs(msg, run->logf);
		fputc('\n', run->logf);
	}
	if (run->log)
		run->log(run->log_ctx, level, module, msg);
}

void th_run_free(struct th_run *run)
{
	size_t i;

	if (!run)
		return;
	th_source_free(run->src);
	th_budget_free(run->budget);
	if (run->logf)
		fclose(run->logf);
	th_records_close(&run->records, NULL);
	th_records_close(&run->urls, NULL);
	th_run_free_alerts(run);
	for (i = 0; i < run->nresults; i++)
		free(run->results[i].message);
	free(run->results);
	th_timeline_free(&run->timeline);
	for (i = 0; i < run->nmodules; i++)
		free(run->modules[i]);
	free(run->modules);
	free(run->target);
	free(run->output_dir);
	free(run->command_line);
	free(run);
}

const char *th_run_error(const struct th_run *run)
{
	if (!run)
		return "out of memory";
	return run->err.msg[0] ? run->err.msg : th_status_str(run->err.status);
}

const char *th_run_source_name(const struct th_run *run)
{
	if (run->recheck)
		return "results";
	return run->src ? run->src->ops->name : NULL;
}

size_t th_run_nresults(const struct th_run *run)
{
	return run->nresults;
}

const struct th_module_result *th_run_result(const struct th_run *run, size_t i)
{
	return i < run->nresults ? &run->results[i].pub : NULL;
}

size_t th_run_nalerts(const struct th_run *run)
{
	return run->nalerts;
}

const struct th_alert *th_run_alert_at(const struct th_run *run, size_t i)
{
	return i < run->nalerts ? &run->alerts[i]->pub : NULL;
}

int th_run_max_level(const struct th_run *run)
{
	int max = -1;
	size_t i;

	for (i = 0; i < run->nalerts; i++)
		if ((int)run->alerts[i]->pub.level > max)
			max = (int)run->alerts[i]->pub.level;
	return max;
}
