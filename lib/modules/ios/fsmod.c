#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/fsutil.h"
#include "core/jsonutil.h"
#include "formats/sysdiag_text.h"
#include "modules/ios/fsmod.h"
#include "sources/ios_fs.h"
#include "sources/sysdiagnose.h"

struct each {
	struct th_run *run;
	th_fsmod_fn fn;
	void *ctx;
	size_t found;
	int stop;
};

static int is_end(const struct th_artifact *a)
{
	return !a->backup_domain && !a->backup_path && !a->fs_glob &&
	       !a->sysdiag_glob && !a->android_glob;
}

static int visit(void *ctx, const struct th_file *f)
{
	struct each *e = ctx;

	e->found++;
	th_run_log(e->run, TH_LOG_DEBUG, "reading '%s'", f->name);
	e->stop = e->fn(e->run, f, e->ctx);
	return e->stop;
}

enum th_status th_fsmod_each(struct th_run *run, const struct th_artifact *arts,
                             const char *what, th_fsmod_fn fn, void *ctx)
{
	struct each e = {.run = run, .fn = fn, .ctx = ctx};
	struct th_err err = {0};
	enum th_status st;

	for (; arts && !is_end(arts) && !e.stop; arts++) {
		st = th_source_find(th_run_source(run), arts, visit, &e, &err);
		if (st != TH_OK && st != TH_ERR_NOTFOUND)
			th_run_log(run, TH_LOG_WARN, "%s", err.msg);
	}
	if (!e.found)
		return th_run_fail(run, TH_ERR_NOTFOUND,
		                   "no %s in the evidence", what);
	return TH_OK;
}

struct th_tree *th_fsmod_tree(struct th_run *run)
{
	struct th_source *src = th_run_source(run);
	struct th_tree *t = th_fs_tree(src);

	return t ? t : th_sysdiag_tree(src);
}

enum th_status th_fsmod_read(struct th_run *run, const struct th_file *f,
                             size_t max, char **data, size_t *len)
{
	struct th_err err = {0};
	enum th_status st;

	st = th_read_file(f->local_path, max, data, len, &err);
	if (st != TH_OK)
		th_run_log(run, TH_LOG_WARN, "cannot read '%s': %s", f->name,
		           err.msg);
	return st;
}

const char *th_fsmod_str(const json_t *rec, const char *key)
{
	return json_string_value(json_object_get(rec, key));
}

void th_fsmod_set_str(json_t *rec, const char *key, const char *s)
{
	json_object_set_new(rec, key, th_json_string(s));
}

int64_t th_fsmod_parse_time(const char *s)
{
	return th_text_time(s);
}
