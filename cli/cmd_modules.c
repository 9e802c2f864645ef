/*
 * tracehound modules: the check modules, the evidence each one reads,
 * and what it looks at.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

static int print_json(void)
{
	json_t *arr = json_array(), *o;
	const struct th_module_info *m;
	size_t i;
	int bad = !arr, rc;

	for (i = 0; !bad && i < th_module_count(); i++) {
		m = th_module_info_at(i);
		o = json_pack("{s:s, s:s, s:s}", "slug", m->slug, "sources",
		              m->sources, "title", m->title);
		bad = json_array_append_new(arr, o);
	}
	if (bad) {
		json_decref(arr);
		cli_error("out of memory");
		return CLI_EXIT_ERROR;
	}
	rc = cli_json_print(arr);
	json_decref(arr);
	return rc;
}

int cli_cmd_modules(const struct cli_cmd *cmd, struct cli_opts *o)
{
	const struct th_module_info *m;
	size_t i, wslug = 4, wsrc = 7;

	if (o->json)
		return print_json();
	for (i = 0; i < th_module_count(); i++) {
		m = th_module_info_at(i);
		if (strlen(m->slug) > wslug)
			wslug = strlen(m->slug);
		if (strlen(m->sources) > wsrc)
			wsrc = strlen(m->sources);
	}
	printf("%-*s  %-*s  %s\n", (int)wslug, "SLUG", (int)wsrc, "SOURCES",
	       "TITLE");
	for (i = 0; i < th_module_count(); i++) {
		m = th_module_info_at(i);
		printf("%-*s  %-*s  %s\n", (int)wslug, m->slug, (int)wsrc,
		       m->sources, m->title);
	}
	return CLI_EXIT_OK;
}
