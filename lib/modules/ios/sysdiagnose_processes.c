/* sysdiagnose_processes: the process lists of a sysdiagnose (ps.txt,
 * ps_thread.txt), each process checked against process indicators. */
#include <stdlib.h>
#include <string.h>

#include "formats/sysdiag_text.h"
#include "modules/ios/fsmod.h"
#include "modules/ios/ios_modules.h"

#define PS_MAX ((size_t)64 << 20)

static const struct th_artifact artifacts[] = {
        {.sysdiag_glob = "ps.txt"},
        {.sysdiag_glob = "ps_thread.txt"},
        {0},
};

struct ctx {
	struct th_run *run;
	const char *file;
	enum th_status st;
};

static int on_row(void *vctx, json_t *rec)
{
	struct ctx *c = vctx;

	th_fsmod_set_str(rec, "file", c->file);
	c->st = th_run_record(c->run, rec);
	return c->st != TH_OK;
}

static enum th_status read_file(struct th_run *run, const struct th_file *f,
                                void *vctx)
{
	struct ctx *c = vctx;
	char *text = NULL;
	size_t len = 0;

	if (th_fsmod_read(run, f, PS_MAX, &text, &len) != TH_OK)
		return TH_OK;
	c->file = f->name;
	if (th_ps_table_each(text, len, on_row, c) < 0)
		c->st = TH_ERR_NOMEM;
	free(text);
	return c->st;
}

static enum th_status run_processes(struct th_run *run)
{
	struct ctx c = {.run = run, .st = TH_OK};

	return th_fsmod_each_until(run, artifacts, "ps.txt", read_file, &c);
}

static void check_processes(struct th_run *run, const json_t *rec)
{
	const char *exe = th_rec_str(rec, "executable");

	if (th_run_check(run, TH_MATCH_PROCESS, th_rec_str(rec, "process"),
	                 TH_LEVEL_CRITICAL, TH_TIME_NONE, rec))
		return;
	if (exe && exe[0] == '/')
		th_run_check(run, TH_MATCH_FILE_PATH, exe, TH_LEVEL_CRITICAL,
		             TH_TIME_NONE, rec);
}

const struct th_module th_mod_sysdiagnose_processes = {
        .slug = "sysdiagnose_processes",
        .title = "running processes in a sysdiagnose (ps.txt, ps_thread.txt)",
        .sources = TH_SRC_SYSDIAGNOSE,
        .shape = TH_RECORDS_LIST,
        .run = run_processes,
        .check = check_processes,
        .artifacts = artifacts,
};
