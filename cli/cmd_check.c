/*
 * tracehound check / check-backup: open the evidence with the best
 * bidding (or the forced) source, run the modules, print what was found
 * and exit 1 when anything reached high or critical.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "secret.h"

struct log_ctx {
	enum th_log_level min; /* lines below this are not shown */
};

/* Called from the run's worker threads too: one fprintf per line, so
 * stdio's own lock keeps lines whole. */
static void log_line(void *ctx, enum th_log_level level, const char *module,
                     const char *message)
{
	static const char *const names[] = {"debug", "info", "warning",
	                                    "error"};
	const struct log_ctx *lc = ctx;
	const char *name = (unsigned)level < 4 ? names[level] : "log";

	if (level < lc->min)
		return;
	if (module)
		fprintf(stderr, "%s: %s: %s\n", module, name, message);
	else
		fprintf(stderr, "tracehound: %s: %s\n", name, message);
}

static enum th_log_level log_threshold(const struct cli_opts *o)
{
	if (o->quiet)
		return TH_LOG_ERROR;
	if (o->verbose >= 2)
		return TH_LOG_DEBUG;
	return o->verbose == 1 ? TH_LOG_INFO : TH_LOG_WARN;
}

static int known_module(const char *slug)
{
	size_t i;

	for (i = 0; i < th_module_count(); i++)
		if (strcmp(th_module_info_at(i)->slug, slug) == 0)
			return 1;
	return 0;
}

static int check_modules(const struct cli_opts *o)
{
	size_t i;

	for (i = 0; i < o->nmodules; i++) {
		if (known_module(o->modules[i]))
			continue;
		cli_error("unknown module '%s'", o->modules[i]);
		fputs("see 'tracehound modules' for the list\n", stderr);
		return CLI_EXIT_ERROR;
	}
	return CLI_EXIT_OK;
}

/* A missing path gets the system's reason, not "not recognised". */
static int check_target(const char *path)
{
	struct stat st;

	if (stat(path, &st) == 0)
		return CLI_EXIT_OK;
	cli_error("cannot open '%s': %s", path, strerror(errno));
	return CLI_EXIT_ERROR;
}

static void print_not_recognised(const char *path)
{
	const struct th_source_info *s;
	size_t i;

	cli_error("cannot check '%s': not a kind of evidence tracehound "
	          "recognises",
	          path);
	fputs("looked for:\n", stderr);
	for (i = 0; i < th_source_count(); i++) {
		s = th_source_info_at(i);
		fprintf(stderr, "  %-14s %s\n", s->name, s->looks_for);
	}
}

/* Indicators for a run: none at all is allowed (heuristics only), but
 * indicator files that all fail to load are an error, not a silent
 * downgrade. */
static int load_iocs(const struct cli_opts *o, struct cli_iocs *c)
{
	int rc = cli_iocs_load(o, c);

	if (rc != CLI_EXIT_OK)
		return rc;
	if (c->tried > 0 && th_iocs_nfiles(c->set) == 0) {
		cli_error("no indicator file could be loaded (%zu tried)",
		          c->tried);
		return CLI_EXIT_ERROR;
	}
	return CLI_EXIT_OK;
}

/* The check-* commands that force a source, by the source's name. */
static const struct {
	const char *command;
	const char *source;
} forced_sources[] = {
        {"check-backup", "ios-backup"},
        {"check-fs", "ios-fs"},
        {"check-sysdiagnose", "sysdiagnose"},
        {"check-androidqf", "androidqf"},
        {"check-bugreport", "bugreport"},
        {"check-android-backup", "android-backup"},
        {"check-intrusion-logs", "intrusion-logs"},
};

static const char *forced_source(const char *command)
{
	size_t i;

	for (i = 0; i < sizeof(forced_sources) / sizeof(forced_sources[0]); i++)
		if (strcmp(forced_sources[i].command, command) == 0)
			return forced_sources[i].source;
	return NULL;
}

static void fill_options(const struct cli_cmd *cmd, const struct cli_opts *o,
                         const struct cli_iocs *c, struct log_ctx *lc,
                         struct th_run_options *ro)
{
	memset(ro, 0, sizeof(*ro));
	ro->target = o->args[0];
	ro->source = forced_source(cmd->name);
	/* check-iocs: the path is a results folder, not evidence. */
	ro->recheck = strcmp(cmd->name, "check-iocs") == 0;
	ro->output_dir = o->output;
	ro->modules = o->nmodules ? o->modules : NULL;
	ro->nmodules = o->nmodules;
	ro->iocs = c->set;
	ro->hashes = o->hashes;
	ro->jobs = o->jobs;
	ro->fast = o->fast;
	ro->timezone = o->timezone;
	ro->max_artifact_size = o->max_artifact_size;
	ro->max_extract = o->max_extract;
	ro->command_line = o->command_line;
	lc->min = log_threshold(o);
	ro->log = log_line;
	ro->log_ctx = lc;
}

static int open_run(const struct th_run_options *ro, struct th_run **run)
{
	enum th_status s;

	s = th_run_new(run, ro);
	if (s == TH_OK)
		return CLI_EXIT_OK;
	if (s == TH_ERR_NOTFOUND && !ro->source)
		print_not_recognised(ro->target);
	else if (*run && th_run_error(*run) && *th_run_error(*run))
		cli_error("%s", th_run_error(*run));
	else
		cli_error("cannot check '%s': %s", ro->target,
		          th_status_str(s));
	return CLI_EXIT_ERROR;
}

static int report(struct th_run *run, const struct cli_opts *o,
                  const struct cli_iocs *c)
{
	struct cli_check_summary sum = {
	        .target = o->args[0],
	        .output = o->output,
	        .indicators = th_iocs_total(c->set),
	        .ioc_files = th_iocs_nfiles(c->set),
	};

	if (o->json)
		return cli_check_print_json(run, &sum);
	cli_check_print_text(run, &sum);
	return CLI_EXIT_OK;
}

int cli_cmd_check(const struct cli_cmd *cmd, struct cli_opts *o)
{
	struct th_run_options ro;
	struct th_run *run = NULL;
	struct cli_iocs c = {0};
	struct log_ctx lc;
	struct cli_secret sec = {0};
	enum th_status s;
	int rc;

	rc = check_modules(o);
	if (rc == CLI_EXIT_OK)
		rc = check_target(o->args[0]);
	if (rc == CLI_EXIT_OK)
		rc = load_iocs(o, &c);
	if (rc == CLI_EXIT_OK && (cmd->opts & CLI_O_SECRET))
		rc = cli_secret_for(o, o->args[0], &sec);
	if (rc != CLI_EXIT_OK)
		goto out;
	fill_options(cmd, o, &c, &lc, &ro);
	cli_secret_apply(&sec, &ro);
	rc = open_run(&ro, &run);
	if (rc != CLI_EXIT_OK)
		goto out;
	if (th_iocs_total(c.set) == 0 && !o->quiet)
		cli_warn("no indicators loaded: heuristics only (add STIX2 "
		         "files with --iocs; see 'tracehound help iocs')");
	s = th_run_execute(run);
	rc = report(run, o, &c);
	if (s != TH_OK) {
		cli_error("%s", th_run_error(run) ? th_run_error(run)
		                                  : th_status_str(s));
		rc = CLI_EXIT_ERROR;
	} else if (rc == CLI_EXIT_OK &&
	           th_run_max_level(run) >= (int)TH_LEVEL_HIGH) {
		rc = CLI_EXIT_FOUND;
	}
out:
	if (run)
		th_run_free(run);
	cli_secret_wipe(&sec);
	cli_iocs_free(&c);
	return rc;
}
