#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/fsutil.h"
#include "core/limits.h"
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

	th_evfile_find_all(run, arts, NULL, visit, &e, &e.stop);
	if (!e.found)
		return th_run_fail(run, TH_ERR_NOTFOUND,
		                   "no %s in the evidence", what);
	return TH_OK;
}

struct each_until {
	th_fsmod_file_fn fn;
	th_fsmod_db_fn dbfn;
	void *ctx;
	enum th_status st;
};

static int visit_until(struct th_run *run, const struct th_file *f, void *ctx)
{
	struct each_until *e = ctx;

	e->st = e->fn(run, f, e->ctx);
	return e->st != TH_OK;
}

enum th_status th_fsmod_each_until(struct th_run *run,
                                   const struct th_artifact *arts,
                                   const char *what, th_fsmod_file_fn fn,
                                   void *ctx)
{
	struct each_until e = {.fn = fn, .ctx = ctx, .st = TH_OK};
	enum th_status walk;

	walk = th_fsmod_each(run, arts, what, visit_until, &e);
	return walk != TH_OK ? walk : e.st;
}

static enum th_status open_db(struct th_run *run, const struct th_file *f,
                              void *ctx)
{
	struct each_until *e = ctx;
	struct th_sqlite *db = NULL;
	struct th_err err = {0};
	enum th_status st;

	st = th_sqlite_open(f->local_path, &db, &err);
	if (st != TH_OK) {
		th_run_warn(run, st, "%s", err.msg);
		return st == TH_ERR_NOMEM ? st : TH_OK;
	}
	st = e->dbfn(run, db, f, e->ctx);
	th_sqlite_close(db);
	return st;
}

enum th_status th_fsmod_each_db(struct th_run *run,
                                const struct th_artifact *arts,
                                const char *what, th_fsmod_db_fn fn, void *ctx)
{
	struct each_until inner = {.dbfn = fn, .ctx = ctx};

	return th_fsmod_each_until(run, arts, what, open_db, &inner);
}

struct th_tree *th_fsmod_tree(struct th_run *run)
{
	struct th_source *src = th_run_source(run);
	struct th_tree *t = th_fs_tree(src);

	return t ? t : th_sysdiag_tree(src);
}

int th_fsmod_check_components(struct th_run *run, const json_t *rec,
                              const char *path, size_t max, const char *skip,
                              enum th_level level, int64_t t)
{
	char comp[TH_FSMOD_COMPONENT_MAX];
	const char *p = path, *slash;
	size_t n;

	if (max > sizeof(comp))
		max = sizeof(comp);
	for (; *p; p = *slash ? slash + 1 : slash) {
		slash = strchr(p, '/');
		if (!slash)
			slash = p + strlen(p);
		n = (size_t)(slash - p);
		if (n == 0 || n >= max)
			continue;
		memcpy(comp, p, n);
		comp[n] = '\0';
		if ((!skip || strcmp(comp, skip) != 0) &&
		    th_run_check(run, TH_MATCH_PROCESS, comp, level, t, rec))
			return 1;
	}
	return 0;
}

enum th_status th_fsmod_read(struct th_run *run, const struct th_file *f,
                             size_t max, char **data, size_t *len)
{
	struct th_err err = {0};
	enum th_status st;

	st = th_read_artifact(f->local_path, f->name,
	                      th_run_artifact_max(run, max), data, len, &err);
	if (st == TH_ERR_LIMIT)
		th_run_warn(run, st, "%s", err.msg);
	else if (st != TH_OK)
		th_run_warn(run, st, "cannot read '%s': %s", f->name, err.msg);
	return st;
}

void th_fsmod_set_str(json_t *rec, const char *key, const char *s)
{
	th_json_set_new(rec, key, th_json_string(s));
}

int64_t th_fsmod_parse_time(const char *s)
{
	return th_text_time(s);
}
