/* The run's state, shared by run.c (lifecycle) and emit.c (what modules
 * call). Not for modules: they use modules/module.h. */
#ifndef TH_RUN_INT_H
#define TH_RUN_INT_H

#include <stdio.h>
#include "core/err.h"
#include "modules/module.h"
#include "report/report.h"
#include "sources/source.h"

struct alert_slot {
	struct th_alert pub;
	char *message;
	char *value;
	json_t *record;
};

struct result_slot {
	struct th_module_result pub;
	char *message;
};

struct th_run {
	/* options, copied */
	char *target;
	char *output_dir;
	char *command_line;
	char **modules;
	size_t nmodules;
	const struct th_iocs *iocs;
	int hashes;
	int jobs;
	int recheck;
	th_log_fn log;
	void *log_ctx;

	struct th_err err;
	int64_t started;
	struct th_source *src;
	struct th_source_options src_opt; /* the caller's secrets: not owned */
	FILE *logf;                       /* command.log */

	/* the module now running */
	const struct th_module *cur;
	struct th_records_out records;
	size_t cur_alerts;
	struct th_err rec_err; /* first record-writing error of a module */
	struct th_err mod_err; /* why the module failed (th_run_fail) */

	struct result_slot *results;
	size_t nresults;
	struct alert_slot **alerts;
	size_t nalerts, alerts_cap;
	struct th_timeline timeline;
	size_t timeline_dropped;    /* events th_timeline_add refused */
	struct th_records_out urls; /* urls.json, opened at the first link */
	int urls_open;
	int fast;
	uint64_t max_artifact_size; /* --max-artifact-size; 0: defaults */
	struct th_budget *budget;   /* --max-extract, shared by the sources */
};

/* Writes to command.log and passes the line to the caller's callback. */
void th_run_logv(struct th_run *run, enum th_log_level level,
                 const char *module, const char *fmt, va_list ap);

/* Frees every alert. */
void th_run_free_alerts(struct th_run *run);

#endif
