/*
 * What a check found, for a person (summary, alerts by level, one verdict
 * line a non-expert understands) or for a program (--json).
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

/* Long enough for the verdict with a PATH_MAX output folder. */
#define VERDICT_SIZE 8192

struct tally {
	size_t high;   /* high or critical alerts */
	size_t lower;  /* the other alerts */
	size_t failed; /* modules that ended in an error */
};

static void count(const struct th_run *run, struct tally *t)
{
	const struct th_module_result *r;
	size_t i;

	memset(t, 0, sizeof(*t));
	for (i = 0; i < th_run_nalerts(run); i++) {
		if (th_run_alert_at(run, i)->level >= TH_LEVEL_HIGH)
			t->high++;
		else
			t->lower++;
	}
	for (i = 0; i < th_run_nresults(run); i++) {
		r = th_run_result(run, i);
		if (r->status != TH_OK && r->status != TH_ERR_NOTFOUND)
			t->failed++;
	}
}

/* The verdict sentence; *key is its machine-readable name. */
static void verdict(const struct th_run *run,
                    const struct cli_check_summary *sum, char *buf, size_t size,
                    const char **key)
{
	static const char clean[] = "This does not prove the phone is clean: "
	                            "it found no known traces.";
	struct tally t;
	size_t len;

	count(run, &t);
	if (t.high > 0) {
		*key = "suspicious";
		snprintf(buf, size,
		         "%zu high or critical alert%s: signs of a possible "
		         "infection. Keep the phone as it is and ask an "
		         "expert to review the results%s%s%s.",
		         t.high, cli_plural(t.high), sum->output ? " in " : "",
		         sum->output ? sum->output : "",
		         sum->output ? ""
		                     : " (run again with -o DIR to "
		                       "keep them)");
	} else if (t.lower > 0) {
		*key = "review";
		snprintf(buf, size,
		         "no high or critical alerts (%zu lower alert%s to "
		         "review). %s",
		         t.lower, cli_plural(t.lower), clean);
	} else {
		*key = "clean";
		snprintf(buf, size, "no alerts. %s", clean);
	}
	len = strlen(buf);
	if (t.high == 0 && sum->indicators == 0 && len < size)
		len += (size_t)snprintf(buf + len, size - len,
		                        " No indicators were loaded, so only "
		                        "heuristics ran.");
	if (t.failed > 0 && len < size)
		snprintf(buf + len, size - len,
		         " %zu module%s failed: the check is incomplete.",
		         t.failed, cli_plural(t.failed));
}

static void print_result(const struct th_module_result *r, int width)
{
	const char *why = r->message;

	printf("  %-*s  ", width, r->slug);
	if (r->status == TH_OK)
		printf("%zu record%s, %zu alert%s\n", r->records,
		       cli_plural(r->records), r->alerts,
		       cli_plural(r->alerts));
	else if (r->status == TH_ERR_NOTFOUND)
		printf("skipped: %s\n", why ? why : "artifact not found");
	else
		printf("error: %s\n", why ? why : th_status_str(r->status));
}

static void print_results(const struct th_run *run)
{
	size_t i, width = 6;
	const char *slug;

	for (i = 0; i < th_run_nresults(run); i++) {
		slug = th_run_result(run, i)->slug;
		if (strlen(slug) > width)
			width = strlen(slug);
	}
	puts("\nModules:");
	for (i = 0; i < th_run_nresults(run); i++)
		print_result(th_run_result(run, i), (int)width);
}

static enum cli_colour level_colour(enum th_level level)
{
	if (level >= TH_LEVEL_HIGH)
		return CLI_RED;
	return level == TH_LEVEL_MEDIUM ? CLI_YELLOW : CLI_CYAN;
}

static void print_alert(const struct th_alert *a, int colour)
{
	char when[32], cols[512], level[16];
	size_t i;

	snprintf(level, sizeof(level), "%s", th_level_name(a->level));
	for (i = 0; level[i]; i++)
		if (level[i] >= 'a' && level[i] <= 'z')
			level[i] = (char)(level[i] - 'a' + 'A');
	cli_time_format(a->event_time, when);
	printf("  %s%-8s%s  %-26s  %s: %s",
	       cli_colour_on(colour, level_colour(a->level)), level,
	       cli_colour_off(colour), when[0] ? when : "-", a->module,
	       a->message);
	/* The library's standard message already names the collections. */
	if (a->ioc) {
		cli_ioc_collections_str(a->ioc, cols, sizeof(cols));
		if (!strstr(a->message, cols))
			printf(" [%s]", cols);
	}
	putchar('\n');
}

/* Most severe first; the run's order within a level. */
static void print_alerts(const struct th_run *run, int colour)
{
	size_t i, n = th_run_nalerts(run);
	const struct th_alert *a;
	int level;

	if (n == 0)
		return;
	printf("\nAlerts (%zu):\n", n);
	for (level = TH_LEVEL_CRITICAL; level >= TH_LEVEL_INFO; level--)
		for (i = 0; i < n; i++) {
			a = th_run_alert_at(run, i);
			if ((int)a->level == level)
				print_alert(a, colour);
		}
}

static void print_header(const struct th_run *run,
                         const struct cli_check_summary *sum)
{
	printf("Target:     %s (%s)\n", sum->target,
	       th_run_source_name(run) ? th_run_source_name(run) : "?");
	if (sum->indicators > 0)
		printf("Indicators: %zu from %zu file%s\n", sum->indicators,
		       sum->ioc_files, cli_plural(sum->ioc_files));
	else
		puts("Indicators: none (heuristics only)");
	if (sum->output)
		printf("Results:    %s\n", sum->output);
}

void cli_check_print_text(const struct th_run *run,
                          const struct cli_check_summary *sum)
{
	int colour = cli_colour_ok(stdout);
	char text[VERDICT_SIZE];
	const char *key;
	struct tally t;

	print_header(run, sum);
	print_results(run);
	print_alerts(run, colour);
	verdict(run, sum, text, sizeof(text), &key);
	count(run, &t);
	printf("\n%sVerdict: %s%s\n",
	       cli_colour_on(colour, t.high ? CLI_RED : CLI_BOLD), text,
	       cli_colour_off(colour));
}

static json_t *result_json(const struct th_module_result *r)
{
	const char *status = r->status == TH_OK             ? "ok"
	                     : r->status == TH_ERR_NOTFOUND ? "skipped"
	                                                    : "error";

	return json_pack("{s:o, s:I, s:I, s:s, s:o}", "slug",
	                 cli_json_string(r->slug), "records",
	                 (json_int_t)r->records, "alerts",
	                 (json_int_t)r->alerts, "status", status, "message",
	                 cli_json_string(r->message));
}

static json_t *ioc_json(const struct th_alert *a)
{
	const struct th_ioc *ioc = a->ioc;
	const struct th_ioc_source *src;

	if (!ioc)
		return json_null();
	src = ioc->nsources ? &ioc->sources[0] : NULL;
	return json_pack(
	        "{s:o, s:s, s:o, s:o, s:o}", "value",
	        cli_json_string(ioc->value), "type", th_ioc_kind_key(ioc->kind),
	        "name", cli_json_string(src ? src->collection : NULL),
	        "stix2_file_name", cli_json_string(src ? src->file_name : NULL),
	        "collections", cli_ioc_collections(ioc));
}

static json_t *alert_json(const struct th_alert *a)
{
	char when[32];

	cli_time_format(a->event_time, when);
	return json_pack("{s:s, s:o, s:o, s:o, s:o, s:o}", "level",
	                 th_level_name(a->level), "module",
	                 cli_json_string(a->module), "message",
	                 cli_json_string(a->message), "event_time",
	                 when[0] ? json_string(when) : json_null(),
	                 "matched_value", cli_json_string(a->matched_value),
	                 "matched_indicator", ioc_json(a));
}

/* Appends fn(item i) for every i; nonzero when something failed. */
static int fill_array(json_t *arr, const struct th_run *run, int alerts)
{
	size_t i, n = alerts ? th_run_nalerts(run) : th_run_nresults(run);
	json_t *v;

	if (!arr)
		return -1;
	for (i = 0; i < n; i++) {
		v = alerts ? alert_json(th_run_alert_at(run, i))
		           : result_json(th_run_result(run, i));
		if (json_array_append_new(arr, v))
			return -1;
	}
	return 0;
}

int cli_check_print_json(const struct th_run *run,
                         const struct cli_check_summary *sum)
{
	json_t *mods = json_array(), *alerts = json_array(), *root = NULL;
	char text[VERDICT_SIZE];
	const char *key;
	int rc = CLI_EXIT_ERROR;

	verdict(run, sum, text, sizeof(text), &key);
	if (fill_array(mods, run, 0) || fill_array(alerts, run, 1))
		goto out;
	root = json_pack("{s:o, s:o, s:I, s:o, s:O, s:O, s:s, s:o}", "target",
	                 cli_json_string(sum->target), "source",
	                 cli_json_string(th_run_source_name(run)), "indicators",
	                 (json_int_t)sum->indicators, "output",
	                 cli_json_string(sum->output), "modules", mods,
	                 "alerts", alerts, "verdict", key, "verdict_text",
	                 cli_json_string(text));
	if (root)
		rc = cli_json_print(root);
out:
	if (!root)
		cli_error("out of memory");
	json_decref(root);
	json_decref(mods);
	json_decref(alerts);
	return rc;
}
