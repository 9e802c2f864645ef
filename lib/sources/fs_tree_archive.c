/*
 * Loading a dump tree from an archive (.tar, .tar.gz, .zip): the index
 * of every member, and the members modules want extracted into the
 * tree's private temp folder, each bounded by --max-artifact-size and
 * charged to the run's extraction budget (core/budget.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/budget.h"
#include "core/limits.h"
#include "core/timeconv.h"
#include "iocs/hmap.h"
#include "sources/fs_tree.h"

#define MEMBER_MAX ((int64_t)4 << 30) /* one extracted member, bytes */

struct awalk {
	struct th_tree *t;
	const char *strip;
	size_t strip_len;
	th_tree_want_fn want;
	void *ctx;
	int extract_only; /* a later pass: the index is already built */
	enum th_status st;
	/* Folders indexed so far. Many archives list only files; their
	 * folders are implied, and modules (filesystem) look at folders. */
	struct th_hmap dirs;
	struct th_arena names;
};

/* Indexes the folder rel[0..len) unless it is already; its time is
 * the member's own when it is a member, unknown when implied. */
static enum th_status add_dir(struct awalk *w, const char *rel, size_t len,
                              int64_t mtime)
{
	void *old = NULL;
	char *key;
	enum th_status st;

	if (th_hmap_get(&w->dirs, 0, rel, len, th_hmap_hash(0, rel, len)))
		return TH_OK;
	key = th_arena_strndup(&w->names, rel, len);
	if (!key)
		return TH_ERR_NOMEM;
	st = th_hmap_put(&w->dirs, 0, key, len, key, &old);
	if (st == TH_OK)
		st = th_tree_add(w->t, key, mtime, TH_MEMBER_DIR, 0);
	return st;
}

/* The folders above a member, shortest first. */
static enum th_status add_parents(struct awalk *w, const char *rel)
{
	enum th_status st = TH_OK;
	const char *slash;

	for (slash = strchr(rel, '/'); slash && st == TH_OK;
	     slash = strchr(slash + 1, '/'))
		st = add_dir(w, rel, (size_t)(slash - rel), TH_TIME_NONE);
	return st;
}

/* Writes the member to dest, at most cap bytes, charged to bw. */
static int write_member(struct th_archive *ar, const char *dest,
                        const char *rel, int64_t cap, int64_t max,
                        struct th_budget_write *bw, struct th_err *e)
{
	enum th_status st;

	unlink(dest); /* a member seen twice: the last one wins */
	st = th_archive_extract(ar, dest, cap, bw, e);
	if (st == TH_ERR_LIMIT && bw->refused)
		return bw->refused == TH_BUDGET_OVER ? TH_TREE_OVER_BUDGET
		                                     : TH_TREE_NO_SPACE;
	if (st == TH_ERR_LIMIT && cap < max)
		th_err_set(e, TH_ERR_FORMAT,
		           "cannot extract '%s': longer than its header says "
		           "(%lld bytes)",
		           rel, (long long)cap);
	else if (st == TH_ERR_LIMIT)
		th_limit_artifact_hit(e, rel, (uint64_t)max);
	return st == TH_ERR_LIMIT && cap >= max ? TH_TREE_OVER_ARTIFACT
	                                        : TH_TREE_NOT_REFUSED;
}

/* Extracts member `m` under the temp folder as `rel`; returns
 * TH_TREE_NOT_REFUSED, or why a limit refused it (e->status says whether it
 * was written). Failures are counted, not fatal: one damaged member
 * must not stop the others. A size the header states bounds the copy
 * and is charged to the run's budget first: a member claiming more
 * than the limit is refused before anything is inflated, and a zip
 * entry inflating past its claim (a deflate bomb) is cut there. */
static int extract(struct awalk *w, struct th_archive *ar, const char *rel,
                   const struct th_member *m, struct th_err *e)
{
	struct th_tree *t = w->t;
	struct th_budget_write bw = {0};
	char *dest = th_path_join(t->tmp.path, rel), *slash;
	size_t lim = th_limit_artifact(t->member_max, MEMBER_MAX);
	int64_t max = lim > INT64_MAX ? INT64_MAX : (int64_t)lim;
	int64_t cap = m->size >= 0 && m->size < max ? m->size : max;
	int why = TH_TREE_NOT_REFUSED;

	if (!dest) {
		th_err_set(e, TH_ERR_NOMEM, "out of memory");
		return why;
	}
	slash = strrchr(dest, '/');
	*slash = '\0';
	if (m->size > max) {
		th_limit_artifact_hit(e, rel, (uint64_t)max);
		why = TH_TREE_OVER_ARTIFACT;
	} else if (th_mkdir_p(dest, 1, e) == TH_OK) {
		*slash = '/';
		if (th_budget_begin(&bw, t->budget, t->tmp.path, rel, m->size,
		                    e) != TH_OK)
			why = bw.refused == TH_BUDGET_OVER ? TH_TREE_OVER_BUDGET
			                                   : TH_TREE_NO_SPACE;
		else
			why = write_member(ar, dest, rel, cap, max, &bw, e);
	}
	th_budget_end(&bw, e->status == TH_OK);
	free(dest);
	return why;
}

/* Counts a member that could not be extracted. */
static void count_failed(struct th_tree *t, const struct th_err *e)
{
	if (t->failed++ == 0)
		snprintf(t->first_failed, sizeof(t->first_failed), "%s",
		         e->msg);
}

static int on_member(void *ctx, struct th_archive *ar,
                     const struct th_member *m)
{
	struct awalk *w = ctx;
	const char *rel = m->path;
	struct th_err e = {0};
	int local = 0, why = TH_TREE_NOT_REFUSED;

	if (w->strip_len && !strncmp(rel, w->strip, w->strip_len) &&
	    (rel[w->strip_len] == '/' || rel[w->strip_len] == '\0')) {
		rel += w->strip_len;
		if (*rel == '/')
			rel++;
		if (!*rel)
			return 0;
	}
	if (m->type == TH_MEMBER_FILE && w->want && w->want(w->ctx, rel)) {
		why = extract(w, ar, rel, m, &e);
		local = e.status == TH_OK;
		if (!local)
			count_failed(w->t, &e);
		/* Out of memory is no damaged member: the index would
		 * pass a hole for an absent file. */
		if (e.status == TH_ERR_NOMEM) {
			w->st = TH_ERR_NOMEM;
			return 1;
		}
	}
	if (w->extract_only)
		return 0;
	w->st = add_parents(w, rel);
	if (w->st == TH_OK && m->type == TH_MEMBER_DIR)
		w->st = add_dir(w, rel, strlen(rel), m->mtime);
	else if (w->st == TH_OK)
		w->st = th_tree_add(w->t, rel, m->mtime, (int)m->type, local);
	if (w->st == TH_OK && m->type != TH_MEMBER_DIR)
		w->t->e[w->t->n - 1].refused = (unsigned char)why;
	return w->st != TH_OK;
}

enum th_status th_tree_load_archive(struct th_tree *t, const char *path,
                                    const char *strip, th_tree_want_fn want,
                                    void *ctx, struct th_err *err)
{
	struct awalk w = {.t = t, .strip = strip, .want = want, .ctx = ctx};
	enum th_status st;

	w.strip_len = strip ? strlen(strip) : 0;
	t->archive = 1;
	st = th_tmpdir_new(&t->tmp, err);
	if (st != TH_OK)
		return st;
	t->base = strdup(t->tmp.path);
	if (!t->base)
		return th_err_set(err, TH_ERR_NOMEM, "out of memory");
	th_hmap_init(&w.dirs);
	th_arena_init(&w.names);
	st = th_archive_each(path, TH_TREE_ENTRIES_MAX, on_member, &w,
	                     &t->stats, err);
	th_hmap_free(&w.dirs);
	th_arena_free(&w.names);
	if (st == TH_ERR_FORMAT && t->n > 0) {
		/* A truncated dump still holds what came before the damage. */
		snprintf(t->damaged, sizeof(t->damaged), "%s", err->msg);
		th_err_clear(err);
		st = TH_OK;
	}
	if (st == TH_OK && w.st != TH_OK)
		st = th_err_set(err, w.st, "cannot index '%s': %s", path,
		                w.st == TH_ERR_LIMIT ? "too many members"
		                                     : "out of memory");
	return st;
}

enum th_status th_tree_extract(struct th_tree *t, const char *path,
                               const char *strip, th_tree_want_fn want,
                               void *ctx, struct th_err *err)
{
	struct awalk w = {.t = t,
	                  .strip = strip,
	                  .want = want,
	                  .ctx = ctx,
	                  .extract_only = 1};
	struct th_archive_stats stats;
	enum th_status st;
	char *local;
	size_t i;

	w.strip_len = strip ? strlen(strip) : 0;
	if (!t->archive || !t->tmp.path)
		return TH_OK;
	st = th_archive_each(path, TH_TREE_ENTRIES_MAX, on_member, &w, &stats,
	                     err);
	if (st == TH_OK && w.st != TH_OK)
		st = th_err_set(err, w.st, "cannot extract from '%s': %s", path,
		                th_status_str(w.st));
	for (i = 0; st == TH_OK && i < t->n; i++) {
		if (t->e[i].local || t->e[i].type != TH_MEMBER_FILE ||
		    !want(ctx, th_tree_path(t, i)))
			continue;
		local = th_path_join(t->base, th_tree_path(t, i));
		if (!local)
			st = th_err_set(err, TH_ERR_NOMEM, "out of memory");
		t->e[i].local = local && th_is_file(local);
		free(local);
	}
	return st;
}
