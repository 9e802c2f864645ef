#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/budget.h"
#include "core/fsutil.h"
#include "core/limits.h"
#include "formats/ab.h"
#include "sources/android_backup.h"
#include "sources/android_fs.h"

#define MEMBER_MAX ((int64_t)1 << 30) /* one tar member copied out */

struct th_abk {
	char *path;
	char *password;
	struct th_tmpdir tmp;
	unsigned serial;
	uint64_t member_max;      /* --max-artifact-size; 0: MEMBER_MAX */
	struct th_budget *budget; /* the run's --max-extract, or NULL */
};

struct ab_state {
	struct th_abk *ab;  /* an .ab file */
	struct th_afs *afs; /* or an extracted folder */
};

enum th_status th_abk_open(const char *path, const char *password,
                           struct th_abk **out, struct th_err *err)
{
	struct th_ab_reader *r = NULL;
	struct th_abk *b;
	enum th_status st;

	*out = NULL;
	/* Reading the header now gives a wrong password at open, before
	 * any module runs. */
	st = th_ab_reader_open(path, password, &r, err);
	th_ab_reader_free(r);
	if (st != TH_OK)
		return st;
	b = calloc(1, sizeof(*b));
	if (!b || !(b->path = strdup(path)) ||
	    (password && !(b->password = strdup(password)))) {
		th_abk_free(b);
		return th_err_set(err, TH_ERR_NOMEM, "out of memory");
	}
	*out = b;
	return TH_OK;
}

void th_abk_set_member_max(struct th_abk *b, uint64_t max)
{
	b->member_max = max;
}

void th_abk_set_budget(struct th_abk *b, struct th_budget *budget)
{
	b->budget = budget;
}

void th_abk_free(struct th_abk *b)
{
	if (!b)
		return;
	if (b->password) {
		OPENSSL_cleanse(b->password, strlen(b->password));
		free(b->password);
	}
	th_tmpdir_free(&b->tmp);
	free(b->path);
	free(b);
}

struct find_walk {
	struct th_abk *b;
	const char *glob, *prefix;
	th_file_fn fn;
	void *ctx;
	struct th_err *err;
	enum th_status st;
	size_t count;
};

/* Copies the current member to `path`, at most `max` bytes, each chunk
 * charged to bw first. */
static enum th_status copy_member(struct th_ab_walk *w, const char *name,
                                  const char *path, uint64_t max,
                                  struct th_budget_write *bw,
                                  struct th_err *err)
{
	char buf[65536];
	uint64_t total = 0;
	ssize_t n;
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);

	if (fd < 0)
		return th_err_errno(err, errno, "cannot create '%s'", path);
	while ((n = th_ab_member_read(w, buf, sizeof(buf))) > 0) {
		total += (uint64_t)n;
		if (total > max) {
			close(fd);
			return th_limit_artifact_hit(err, name, max);
		}
		if (th_budget_more(bw, (uint64_t)n, err) != TH_OK) {
			close(fd);
			return TH_ERR_LIMIT;
		}
		if (write(fd, buf, (size_t)n) != n) {
			close(fd);
			return th_err_errno(
			        err, errno,
			        "cannot copy '%s' out of the backup", name);
		}
	}
	close(fd);
	if (n < 0)
		return th_err_set(err, th_ab_member_failed(w),
		                  "cannot read '%s' in the backup", name);
	return TH_OK;
}

/* A member over the artifact limit is refused by its tar size before
 * the budget is asked; then its size is charged, and it is copied. */
static enum th_status charged_copy(struct find_walk *fw, struct th_ab_walk *w,
                                   const struct th_ab_member *m,
                                   const char *local)
{
	size_t max = th_limit_artifact(fw->b->member_max, MEMBER_MAX);
	struct th_budget_write bw;
	enum th_status st;

	if (m->size >= 0 && (uint64_t)m->size > max)
		return th_limit_artifact_hit(fw->err, m->name, max);
	st = th_budget_begin(&bw, fw->b->budget, fw->b->tmp.path, m->name,
	                     m->size, fw->err);
	if (st == TH_OK)
		st = copy_member(w, m->name, local, max, &bw, fw->err);
	th_budget_end(&bw, st == TH_OK);
	return st;
}

static int on_member(void *ctx, struct th_ab_walk *w,
                     const struct th_ab_member *m)
{
	struct find_walk *fw = ctx;
	struct th_file f = {0};
	char tname[32], *local, *shown = NULL;
	int stop = 0;

	if (!th_afs_name_safe(m->name) || fnmatch(fw->glob, m->name, 0) != 0)
		return 0;
	snprintf(tname, sizeof(tname), "m%u", fw->b->serial++);
	if (!(local = th_path_join(fw->b->tmp.path, tname))) {
		fw->st = th_err_set(fw->err, TH_ERR_NOMEM, "out of memory");
		return 1;
	}
	fw->st = charged_copy(fw, w, m, local);
	if (fw->st == TH_OK && fw->prefix &&
	    !(shown = th_path_join(fw->prefix, m->name)))
		fw->st = th_err_set(fw->err, TH_ERR_NOMEM, "out of memory");
	if (fw->st == TH_OK) {
		f.name = shown ? shown : m->name;
		f.local_path = local;
		stop = fw->fn(fw->ctx, &f);
	}
	unlink(local);
	free(local);
	free(shown);
	return fw->st != TH_OK || stop;
}

enum th_status th_abk_find(struct th_abk *b, const char *glob,
                           const char *prefix, th_file_fn fn, void *ctx,
                           struct th_err *err)
{
	struct find_walk fw = {b, glob, prefix, fn, ctx, err, TH_OK, 0};
	enum th_status st;

	if (!b->tmp.path && (st = th_tmpdir_new(&b->tmp, err)) != TH_OK)
		return st;
	st = th_ab_each(b->path, b->password, on_member, &fw, err);
	return st != TH_OK ? st : fw.st;
}

static int count_member(void *ctx, struct th_ab_walk *w,
                        const struct th_ab_member *m)
{
	(*(size_t *)ctx)++;
	return 0;
}

enum th_status th_abk_count(struct th_abk *b, size_t *n, struct th_err *err)
{
	*n = 0;
	return th_ab_each(b->path, b->password, count_member, n, err);
}

/* --- the source --- */

static int bid(const char *path)
{
	char *apps;
	int b = TH_BID_NONE;

	if (th_is_file(path)) {
		b = th_ab_probe(path);
		return b < 0 ? TH_BID_NOMEM : b ? 95 : TH_BID_NONE;
	}
	if (!th_is_dir(path))
		return TH_BID_NONE;
	/* An extracted backup: apps/<package>/... */
	if (!(apps = th_path_join(path, "apps")))
		return TH_BID_NOMEM;
	if (th_is_dir(apps))
		b = 40;
	free(apps);
	return b;
}

static void ab_close(void *state)
{
	struct ab_state *s = state;

	if (!s)
		return;
	th_abk_free(s->ab);
	th_afs_free(s->afs);
	free(s);
}

static enum th_status ab_open(const char *path,
                              const struct th_source_options *opt, void **state,
                              struct th_err *err)
{
	struct ab_state *s = calloc(1, sizeof(*s));
	enum th_status st;

	*state = NULL;
	if (!s)
		return th_err_set(err, TH_ERR_NOMEM, "out of memory");
	if (th_is_dir(path))
		st = th_afs_open(path, &s->afs, err);
	else
		st = th_abk_open(path, opt ? opt->password : NULL, &s->ab, err);
	if (st == TH_OK && s->ab && opt) {
		th_abk_set_member_max(s->ab, opt->max_artifact_size);
		th_abk_set_budget(s->ab, opt->budget);
	} else if (st == TH_OK && s->afs) {
		th_afs_use_options(s->afs, opt);
	}
	if (st != TH_OK) {
		ab_close(s);
		return st;
	}
	*state = s;
	return TH_OK;
}

static enum th_status ab_find(void *state, const struct th_artifact *art,
                              th_file_fn fn, void *ctx, struct th_err *err)
{
	struct ab_state *s = state;

	if (!art->android_glob)
		return th_err_set(err, TH_ERR_NOTFOUND, "%s",
		                  "no such artifact in an Android backup");
	if (s->afs)
		return th_afs_each(s->afs, art->android_glob, NULL, fn, ctx,
		                   err);
	return th_abk_find(s->ab, art->android_glob, NULL, fn, ctx, err);
}

static enum th_status ab_inputs(void *state, int (*fn)(void *, const char *),
                                void *ctx, struct th_err *err)
{
	struct ab_state *s = state;
	const struct th_afs_member *m;
	size_t i;

	if (s->ab) {
		fn(ctx, s->ab->path);
		return TH_OK;
	}
	for (i = 0; (m = th_afs_at(s->afs, i)) != NULL; i++)
		if (fn(ctx, m->raw))
			break;
	return TH_OK;
}

const struct th_source_ops th_source_android_backup = {
        .name = "android-backup",
        .kind = TH_SRC_ANDROID_BACKUP,
        .looks_for = "an Android backup (.ab) or its extracted apps/ folder",
        .bid = bid,
        .open = ab_open,
        .close = ab_close,
        .find = ab_find,
        .each_input = ab_inputs,
};
