/* The androidqf source: an acquisition folder or its .zip, read in
 * place; a nested bugreport.zip, backup.ab or intrusion_logs/ adds the
 * bugreport, backup and intrusion-log modules to the same run. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/fsutil.h"
#include "formats/ab.h"
#include "formats/dumpsys.h"
#include "sources/android_backup.h"
#include "sources/android_sources.h"
#include "sources/androidqf.h"
#include "sources/bugreport.h"
#include "sources/intrusion_logs.h"

#define DUMPSYS_MAX ((size_t)2 << 30)

struct aqf {
	struct th_afs *afs;
	struct th_br *br;
	struct th_err br_err; /* why a nested bugreport.zip cannot be read */
	struct th_abk *ab;
	struct th_err ab_err; /* why a nested backup.ab cannot be read */
	char *ab_local;
	int ab_temp;
	struct th_ilogs *il;
	struct th_afs_map map;
	struct th_dumpsys *idx;
	int tried;
	struct th_err load_err;
	char cut[TH_ERR_MSG_MAX]; /* a cut-off dumpsys.txt, until said */
};

static const char *const strong[] = {"packages.json", "acquisition.json"};
static const char *const weak[] = {
        "getprop.txt",       "dumpsys.txt", "ps.txt",
        "processes.json",    "files.json",  "settings_secure.txt",
        "root_binaries.json"};

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* 1 or 0; -1 when it could not look for want of memory. */
static int has(const char *dir, const struct th_afs *a, const char *name)
{
	char *p;
	int ok;

	if (a)
		return th_afs_lookup(a, name) >= 0;
	p = th_path_join(dir, name);
	if (!p)
		return -1;
	ok = th_is_file(p);
	free(p);
	return ok;
}

/* The bid for the first of `names` present, else TH_BID_NONE. */
static int score_names(const char *dir, const struct th_afs *a,
                       const char *const *names, size_t n, int bid)
{
	size_t i;
	int h;

	for (i = 0; i < n; i++)
		if ((h = has(dir, a, names[i])) != 0)
			return h < 0 ? TH_BID_NOMEM : bid;
	return TH_BID_NONE;
}

static int score(const char *dir, const struct th_afs *a)
{
	static const char *const ab[] = {"backup.ab"};
	int b = score_names(dir, a, strong, N(strong), 85);

	if (b == TH_BID_NONE)
		b = score_names(dir, a, weak, N(weak), 60);
	/* A folder holding only an androidqf backup.ab (MVT's
	 * androidqf_encrypted sample). */
	if (b == TH_BID_NONE)
		b = score_names(dir, a, ab, N(ab), 30);
	return b;
}

static int score_zip(struct th_afs *a)
{
	return score(NULL, a);
}

static int bid(const char *path)
{
	if (th_is_dir(path))
		return score(path, NULL);
	return th_afs_score_zip(path, score_zip);
}

static void aqf_close(void *state)
{
	struct aqf *q = state;

	if (!q)
		return;
	th_br_free(q->br);
	th_abk_free(q->ab);
	th_ilogs_free(q->il);
	if (q->ab_temp && q->ab_local)
		unlink(q->ab_local);
	free(q->ab_local);
	th_dumpsys_free(q->idx);
	th_afs_unmap(&q->map);
	th_afs_free(q->afs);
	free(q);
}

/* A nested bugreport.zip keeps the acquisition's limits; one that
 * cannot be read (over a limit, damaged) only fails what would have
 * been found in it (aqf_find), short of memory the whole open. */
static enum th_status open_bugreport(struct aqf *q, struct th_err *err)
{
	struct th_afs *inner = NULL;
	enum th_status st;
	char *local = NULL;
	long i = th_afs_lookup(q->afs, "bugreport.zip");
	int temp = 0;

	if (i < 0)
		return TH_OK;
	/* The copy stays in the acquisition's private folder until close. */
	st = th_afs_local(q->afs, (size_t)i, &local, &temp, &q->br_err);
	if (st == TH_OK)
		st = th_afs_open(local, &inner, &q->br_err);
	free(local);
	if (st == TH_OK) {
		th_afs_inherit(inner, q->afs);
		st = th_br_new(inner, &q->br, &q->br_err);
	}
	if (st == TH_ERR_NOMEM)
		return th_err_copy(err, &q->br_err);
	return TH_OK;
}

/* A nested backup.ab: a wrong password fails the open (the user gave
 * one); a missing one only fails the backup modules. */
static enum th_status open_backup(struct aqf *q,
                                  const struct th_source_options *opt,
                                  struct th_err *err)
{
	long i = th_afs_lookup(q->afs, "backup.ab");
	const char *pw = opt ? opt->password : NULL;
	enum th_status st;

	if (i < 0)
		return TH_OK;
	/* Over a limit or unreadable: the backup modules say so. */
	st = th_afs_local(q->afs, (size_t)i, &q->ab_local, &q->ab_temp,
	                  &q->ab_err);
	if (st == TH_ERR_NOMEM)
		return th_err_copy(err, &q->ab_err);
	if (st != TH_OK)
		return TH_OK;
	st = th_abk_open(q->ab_local, pw, &q->ab, &q->ab_err);
	if (st == TH_OK && opt)
		th_abk_set_member_max(q->ab, opt->max_artifact_size);
	if (st == TH_OK && opt)
		th_abk_set_budget(q->ab, opt->budget);
	if (st == TH_ERR_PASSWORD && pw)
		return th_err_copy(err, &q->ab_err);
	if (st == TH_ERR_PASSWORD)
		th_err_set(&q->ab_err, st,
		           "'%s' in the acquisition is encrypted: a backup "
		           "password is needed (-p)",
		           "backup.ab");
	return TH_OK;
}

static enum th_status open_ilogs(struct aqf *q,
                                 const struct th_source_options *opt,
                                 struct th_err *err)
{
	int b = th_ilogs_score(q->afs, "intrusion_logs/");

	if (b == TH_BID_NOMEM)
		return th_err_set(
		        err, TH_ERR_NOMEM,
		        "cannot look for intrusion logs: out of memory");
	if (b == TH_BID_NONE)
		return TH_OK;
	return th_ilogs_new(q->afs, 0, "intrusion_logs/",
	                    opt ? opt->timezone : NULL, &q->il, err);
}

static enum th_status load_dumpsys(struct aqf *q);

static enum th_status aqf_open(const char *path,
                               const struct th_source_options *opt,
                               void **state, struct th_err *err)
{
	struct aqf *q = calloc(1, sizeof(*q));
	enum th_status st;

	*state = NULL;
	if (!q)
		return th_err_set(err, TH_ERR_NOMEM, "out of memory");
	st = th_afs_open(path, &q->afs, err);
	if (st == TH_OK)
		th_afs_use_options(q->afs, opt);
	if (st == TH_OK)
		st = open_bugreport(q, err);
	if (st == TH_OK)
		st = open_backup(q, opt, err);
	if (st == TH_OK)
		st = open_ilogs(q, opt, err);
	/* Indexed before any module runs, while little else is in memory;
	 * a missing or bad dumpsys only fails the dumpsys modules. */
	if (st == TH_OK)
		load_dumpsys(q);
	if (st != TH_OK) {
		aqf_close(q);
		return st;
	}
	*state = q;
	return TH_OK;
}

/* Counts the files a find handed on. */
struct counted {
	th_file_fn fn;
	void *ctx;
	size_t n;
};

static int count_file(void *ctx, const struct th_file *f)
{
	struct counted *c = ctx;

	c->n++;
	return c->fn(c->ctx, f);
}

static enum th_status aqf_find(void *state, const struct th_artifact *art,
                               th_file_fn fn, void *ctx, struct th_err *err)
{
	struct aqf *q = state;
	struct counted c = {fn, ctx, 0};
	enum th_status st;

	if (!art->android_glob)
		return th_err_set(
		        err, TH_ERR_NOTFOUND, "%s",
		        "no such artifact in an androidqf acquisition");
	st = th_afs_each(q->afs, art->android_glob, NULL, count_file, &c, err);
	if (st == TH_OK && q->br)
		st = th_afs_each(th_br_afs(q->br), art->android_glob,
		                 "bugreport.zip", fn, ctx, err);
	/* Not in the acquisition: perhaps in the bugreport it could not
	 * read, which the module then says. */
	else if (st == TH_OK && !c.n && q->br_err.status != TH_OK)
		return th_err_copy(err, &q->br_err);
	if (st != TH_OK)
		return st;
	/* Only backup globs are looked for in the tar stream: every other
	 * find would decrypt and inflate it for nothing. */
	if (strncmp(art->android_glob, "apps/", 5) != 0)
		return TH_OK;
	if (q->ab)
		return th_abk_find(q->ab, art->android_glob, "backup.ab", fn,
		                   ctx, err);
	if (q->ab_err.status != TH_OK)
		return th_err_copy(err, &q->ab_err);
	return TH_OK;
}

static enum th_status load_dumpsys(struct aqf *q)
{
	long i = th_afs_lookup(q->afs, "dumpsys.txt");

	q->tried = 1;
	if (i < 0)
		return th_err_set(&q->load_err, TH_ERR_NOTFOUND,
		                  "no dumpsys.txt in '%s'",
		                  th_afs_path(q->afs));
	if (th_afs_map_member(q->afs, (size_t)i, DUMPSYS_MAX, &q->map,
	                      &q->load_err) != TH_OK)
		return q->load_err.status;
	th_dumpsys_index(q->map.text, q->map.len, &q->idx, &q->load_err);
	th_dumpsys_cut_warning(q->idx, "dumpsys.txt", q->cut, sizeof(q->cut));
	/* Modules page their sections in again as they read them. */
	th_afs_map_release(&q->map);
	return q->load_err.status;
}

static enum th_status aqf_dumpsys(void *state, const char *service,
                                  const char **text, size_t *len,
                                  struct th_err *err)
{
	struct aqf *q = state;
	enum th_status st;

	if (!q->tried)
		load_dumpsys(q);
	/* A dumpsys.txt that could not be read for want of memory must not
	 * pass for an absent one: the bugreport's would answer instead. */
	if (!q->idx && (!q->br || q->load_err.status == TH_ERR_NOMEM))
		return th_err_copy(err, &q->load_err);
	if (!q->idx)
		return th_br_dumpsys(q->br, service, text, len, err);
	st = strchr(service, ' ')
	             ? th_dumpsys_block(q->idx, service, text, len)
	             : th_dumpsys_section(q->idx, service, text, len);
	if (st != TH_OK && q->br)
		return th_br_dumpsys(q->br, service, text, len, err);
	if (st != TH_OK)
		return th_err_set(err, st, "no dumpsys section '%s'", service);
	/* Said once, with the first section handed out. */
	if (q->cut[0])
		th_err_set(err, TH_OK, "%s", q->cut);
	q->cut[0] = '\0';
	return TH_OK;
}

static unsigned aqf_kinds(void *state)
{
	struct aqf *q = state;
	unsigned k = TH_SRC_ANDROIDQF;

	if (q->br || q->br_err.status != TH_OK)
		k |= TH_SRC_BUGREPORT;
	if (q->ab || q->ab_err.status != TH_OK)
		k |= TH_SRC_ANDROID_BACKUP;
	if (q->il)
		k |= TH_SRC_INTRUSION_LOGS;
	return k;
}

static enum th_status aqf_inputs(void *state, int (*fn)(void *, const char *),
                                 void *ctx, struct th_err *err)
{
	struct aqf *q = state;

	th_afs_each_input(q->afs, fn, ctx);
	return TH_OK;
}

const struct th_source_ops th_source_androidqf = {
        .name = "androidqf",
        .kind = TH_SRC_ANDROIDQF,
        .looks_for = "an androidqf acquisition (folder or .zip with "
                     "packages.json, getprop.txt, ...)",
        .bid = bid,
        .open = aqf_open,
        .close = aqf_close,
        .find = aqf_find,
        .dumpsys = aqf_dumpsys,
        .kinds = aqf_kinds,
        .each_input = aqf_inputs,
};

/* --- what modules reach through a source --- */

struct th_afs *th_aqf_afs_of(struct th_source *src)
{
	if (!src || src->ops != &th_source_androidqf)
		return NULL;
	return ((struct aqf *)src->state)->afs;
}

struct th_br *th_br_of(struct th_source *src)
{
	if (!src)
		return NULL;
	if (src->ops == &th_source_bugreport)
		return src->state;
	if (src->ops == &th_source_androidqf)
		return ((struct aqf *)src->state)->br;
	return NULL;
}

struct th_ilogs *th_ilogs_of(struct th_source *src)
{
	if (!src)
		return NULL;
	if (src->ops == &th_source_intrusion_logs)
		return src->state;
	if (src->ops == &th_source_androidqf)
		return ((struct aqf *)src->state)->il;
	return NULL;
}
