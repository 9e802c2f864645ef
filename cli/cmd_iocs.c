/*
 * tracehound iocs: which indicator files would be used, and what each
 * holds, as a table or as JSON.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* Collections shown on a table row without -v (the stalkerware set has
 * hundreds). */
#define ROW_COLLECTIONS 3

static json_t *file_json(const struct th_ioc_file *f)
{
	json_t *o = json_object(), *cols = json_array(), *by = json_object();
	size_t i;
	int bad = !o || !cols || !by;

	for (i = 0; !bad && i < f->ncollections; i++)
		bad = json_array_append_new(cols,
		                            cli_json_string(f->collections[i]));
	for (i = 0; !bad && i < TH_IOC_KIND_COUNT; i++)
		if (f->by_kind[i] > 0)
			bad = json_object_set_new(
			        by, th_ioc_kind_key((enum th_ioc_kind)i),
			        json_integer((json_int_t)f->by_kind[i]));
	if (!bad)
		bad = json_object_set_new(o, "path",
		                          cli_json_string(f->path)) ||
		      json_object_set(o, "collections", cols) ||
		      json_object_set_new(
		              o, "indicators",
		              json_integer((json_int_t)f->indicators)) ||
		      json_object_set(o, "by_type", by) ||
		      json_object_set_new(o, "skipped",
		                          json_integer((json_int_t)f->skipped));
	json_decref(cols);
	json_decref(by);
	if (bad) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static int print_json(const struct th_iocs *set)
{
	json_t *root = json_object(), *files = json_array();
	size_t i;
	int bad = !root || !files, rc;

	for (i = 0; !bad && i < th_iocs_nfiles(set); i++)
		bad = json_array_append_new(files,
		                            file_json(th_iocs_file(set, i)));
	if (!bad)
		bad = json_object_set(root, "files", files) ||
		      json_object_set_new(
		              root, "total",
		              json_integer((json_int_t)th_iocs_total(set)));
	json_decref(files);
	if (bad) {
		json_decref(root);
		cli_error("out of memory");
		return CLI_EXIT_ERROR;
	}
	rc = cli_json_print(root);
	json_decref(root);
	return rc;
}

static void print_collections(const struct th_ioc_file *f, int all)
{
	size_t i, shown = all ? f->ncollections : ROW_COLLECTIONS;

	for (i = 0; i < f->ncollections && i < shown; i++)
		printf("%s%s", i ? ", " : "", f->collections[i]);
	if (f->ncollections > shown)
		printf(" and %zu more", f->ncollections - shown);
	putchar('\n');
}

static void print_kinds(const struct th_ioc_file *f)
{
	size_t i, n = 0;

	fputs("    ", stdout);
	for (i = 0; i < TH_IOC_KIND_COUNT; i++)
		if (f->by_kind[i] > 0)
			printf("%s%s %zu", n++ ? ", " : "",
			       th_ioc_kind_key((enum th_ioc_kind)i),
			       f->by_kind[i]);
	fputs(n ? "\n" : "(no usable indicators)\n", stdout);
}

static void print_table(const struct th_iocs *set, int verbose)
{
	size_t i, n = th_iocs_nfiles(set), width = 4;
	const struct th_ioc_file *f;

	for (i = 0; i < n; i++)
		if (strlen(th_iocs_file(set, i)->path) > width)
			width = strlen(th_iocs_file(set, i)->path);
	printf("%-*s  %10s  %7s  %s\n", (int)width, "FILE", "INDICATORS",
	       "SKIPPED", "COLLECTIONS");
	for (i = 0; i < n; i++) {
		f = th_iocs_file(set, i);
		printf("%-*s  %10zu  %7zu  ", (int)width, f->path,
		       f->indicators, f->skipped);
		print_collections(f, verbose);
		print_kinds(f);
	}
	printf("total: %zu distinct indicator%s in %zu file%s\n",
	       th_iocs_total(set), cli_plural(th_iocs_total(set)), n,
	       cli_plural(n));
}

static void print_none_hint(void)
{
	char *dir = cli_iocs_user_dir();

	cli_warn("no indicator files given or installed");
	fprintf(stderr,
	        "Add some with --iocs FILE|DIR, with TRACEHOUND_IOCS=FILE:DIR, "
	        "or by copying\n*.stix2 files into %s.\nPublished sets: "
	        "AmnestyTech/investigations, mvt-project/mvt-indicators,\n"
	        "AssoEchap/stalkerware-indicators (see README.md).\n",
	        dir ? dir : "$XDG_DATA_HOME/tracehound/iocs");
	free(dir);
}

int cli_cmd_iocs(const struct cli_cmd *cmd, struct cli_opts *o)
{
	struct cli_iocs c = {0};
	int rc;

	rc = cli_iocs_load(o, &c);
	if (rc != CLI_EXIT_OK)
		goto out;
	if (c.tried > 0 && th_iocs_nfiles(c.set) == 0) {
		cli_error("no indicator file could be loaded (%zu tried)",
		          c.tried);
		rc = CLI_EXIT_ERROR;
		goto out;
	}
	if (c.tried == 0 && !o->quiet)
		print_none_hint();
	if (o->json)
		rc = print_json(c.set);
	else
		print_table(c.set, o->verbose);
out:
	cli_iocs_free(&c);
	return rc;
}
