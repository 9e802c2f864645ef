#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/array.h"
#include "core/budget.h"
#include "core/limits.h"
#include "core/timeconv.h"
#include "iocs/hmap.h"
#include "sources/fs_tree.h"

#define MEMBER_MAX ((int64_t)4 << 30) /* one extracted member, bytes */

static enum th_status add_entry(struct th_tree *t, const char *path,
                                int64_t mtime, int type, int local)
{
	size_t len = strlen(path) + 1;
	char *na;

	if (t->n >= TH_TREE_ENTRIES_MAX)
		return TH_ERR_LIMIT;
	if (th_array_reserve(&t->e, &t->cap, t->n, sizeof(*t->e)) != TH_OK)
		return TH_ERR_NOMEM;
	if (t->alen + len > t->acap) {
		size_t ncap = t->acap ? t->acap * 2 : 65536;

		while (ncap < t->alen + len)
			ncap *= 2;
		na = realloc(t->arena, ncap);
		if (!na)
			return TH_ERR_NOMEM;
		t->arena = na;
		t->acap = ncap;
	}
	memcpy(t->arena + t->alen, path, len);
	t->e[t->n] = (struct th_tree_entry){.off = t->alen,
	                                    .mtime = mtime,
	                                    .type = (unsigned char)type,
	                                    .local = (unsigned char)local};
	t->alen += len;
	t->n++;
	return TH_OK;
}

static void refuse(struct th_tree *t, const char *path)
{
	if (t->stats.refused++ == 0)
		snprintf(t->stats.first_refused, sizeof(t->stats.first_refused),
		         "%.*s", (int)sizeof(t->stats.first_refused) - 1, path);
}

static int64_t stat_mtime(const struct stat *st)
{
	return th_time_from_unix((double)st->st_mtim.tv_sec +
	                         (double)st->st_mtim.tv_nsec / 1e9);
}

struct dwalk {
	struct th_tree *t;
	char path[PATH_MAX];
	struct th_err *err;
};

static enum th_status walk_fd(struct dwalk *w, int fd, size_t plen, int depth);

/* One folder entry; path already holds its relative path. */
static enum th_status visit(struct dwalk *w, int dfd, const char *name,
                            size_t plen, int depth)
{
	struct stat st;
	char target[PATH_MAX];
	ssize_t n;
	int fd;

	if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) != 0)
		return TH_OK; /* vanished or unreadable: not evidence */
	if (S_ISREG(st.st_mode))
		return add_entry(w->t, w->path, stat_mtime(&st), TH_MEMBER_FILE,
		                 1);
	if (S_ISLNK(st.st_mode)) {
		n = readlinkat(dfd, name, target, sizeof(target) - 1);
		if (n < 0)
			return TH_OK;
		target[n] = '\0';
		if (!th_archive_link_inside(w->path, target)) {
			refuse(w->t, w->path);
			return TH_OK;
		}
		return add_entry(w->t, w->path, stat_mtime(&st), TH_MEMBER_LINK,
		                 1);
	}
	if (!S_ISDIR(st.st_mode)) {
		refuse(w->t, w->path);
		return TH_OK;
	}
	if (add_entry(w->t, w->path, stat_mtime(&st), TH_MEMBER_DIR, 0) !=
	    TH_OK)
		return TH_ERR_NOMEM;
	if (depth >= TH_TREE_DEPTH_MAX)
		return TH_OK;
	fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return TH_OK;
	return walk_fd(w, fd, plen, depth + 1);
}

/* Walks the folder open at fd (taken over). */
static enum th_status walk_fd(struct dwalk *w, int fd, size_t plen, int depth)
{
	enum th_status st = TH_OK;
	struct dirent *de;
	size_t nlen;
	DIR *d = fdopendir(fd);

	if (!d) {
		close(fd);
		/* An unreadable folder is not evidence; one we had no
		 * memory to read is a hole in the index. */
		return errno == ENOMEM
		               ? th_err_errno(w->err, errno, "cannot read '%s'",
		                              w->path)
		               : TH_OK;
	}
	while (st == TH_OK && (de = readdir(d)) != NULL) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		nlen = strlen(de->d_name);
		if (plen + nlen + 2 > sizeof(w->path)) {
			refuse(w->t, de->d_name);
			continue;
		}
		if (plen)
			w->path[plen] = '/';
		memcpy(w->path + plen + (plen ? 1 : 0), de->d_name, nlen + 1);
		st = visit(w, dirfd(d), de->d_name,
		           plen + nlen + (plen ? 1 : 0), depth);
		w->path[plen] = '\0';
	}
	closedir(d);
	return st;
}

enum th_status th_tree_load_dir(struct th_tree *t, const char *root,
                                struct th_err *err)
{
	struct dwalk *w;
	enum th_status st;
	int fd;

	t->base = strdup(root);
	w = calloc(1, sizeof(*w));
	if (!t->base || !w) {
		free(w);
		return th_err_set(err, TH_ERR_NOMEM, "out of memory");
	}
	fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		free(w);
		return th_err_errno(err, errno, "cannot open '%s'", root);
	}
	w->t = t;
	w->err = err;
	st = walk_fd(w, fd, 0, 0);
	free(w);
	if (st == TH_ERR_LIMIT)
		return th_err_set(err, st,
		                  "cannot index '%s': more than %zu "
		                  "entries",
		                  root, TH_TREE_ENTRIES_MAX);
	if (st != TH_OK)
		return th_err_set(err, st, "out of memory");
	return TH_OK;
}

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
		st = add_entry(w->t, key, mtime, TH_MEMBER_DIR, 0);
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
		w->st = add_entry(w->t, rel, m->mtime, (int)m->type, local);
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

void th_tree_free(struct th_tree *t)
{
	if (!t)
		return;
	th_tmpdir_free(&t->tmp);
	free(t->base);
	free(t->arena);
	free(t->e);
	memset(t, 0, sizeof(*t));
}

/* The literal run of glob from its start, and from its end. */
static size_t literal_head(const char *g)
{
	return strcspn(g, "*?[\\");
}

int th_tree_glob_match(const char *glob, const char *path)
{
	size_t head = literal_head(glob), glen, plen, tail = 0;

	if (strncmp(glob, path, head) != 0)
		return 0;
	if (!glob[head])
		return path[head] == '\0';
	glen = strlen(glob);
	while (tail < glen - head && !strchr("*?]\\", glob[glen - 1 - tail]))
		tail++;
	plen = strlen(path);
	if (tail > plen || memcmp(glob + glen - tail, path + plen - tail, tail))
		return 0;
	return fnmatch(glob, path, 0) == 0;
}

/* A link inside the tree: the real file, if it is a regular file that
 * is still inside base (malloc'ed), else NULL (with *nomem set when it
 * could not tell for want of memory). */
static char *resolve_link(const struct th_tree *t, const char *local,
                          int *nomem)
{
	char *real = realpath(local, NULL);
	struct stat st;
	int inside = 0;

	*nomem = !real && errno == ENOMEM;
	if (real)
		inside = th_path_inside(real, t->base);
	*nomem |= inside < 0;
	if (inside > 0 && stat(real, &st) == 0 && S_ISREG(st.st_mode))
		return real;
	free(real);
	return NULL;
}

/* What the module looking for `first` (and n - 1 more refused
 * members) is told. */
static enum th_status refused_msg(const struct th_tree *t, size_t first,
                                  size_t n, struct th_err *err)
{
	static const char *const why[] = {
	        "",
	        "it is larger than the artifact limit (--max-artifact-size)",
	        "the run reached its extraction limit (--max-extract)",
	        "too little free space in the temp folder (set TMPDIR to a "
	        "larger disk)"};
	unsigned r = t->e[first].refused;

	if (n > 1)
		return th_err_set(err, TH_ERR_LIMIT,
		                  "'%s' was not extracted: %s; and %zu more",
		                  th_tree_path(t, first), why[r < 4 ? r : 0],
		                  n - 1);
	return th_err_set(err, TH_ERR_LIMIT, "'%s' was not extracted: %s",
	                  th_tree_path(t, first), why[r < 4 ? r : 0]);
}

enum th_status th_tree_find(struct th_tree *t, const char *glob, th_file_fn fn,
                            void *ctx, struct th_err *err)
{
	struct th_file f = {0};
	char *local, *real;
	size_t i, refused = 0, first = 0;
	int stop = 0, nomem = 0;

	for (i = 0; i < t->n && !stop; i++) {
		if ((!t->e[i].local && !t->e[i].refused) ||
		    t->e[i].type == TH_MEMBER_DIR ||
		    !th_tree_glob_match(glob, th_tree_path(t, i)))
			continue;
		if (!t->e[i].local) {
			first = refused++ ? first : i;
			continue;
		}
		local = th_path_join(t->base, th_tree_path(t, i));
		if (!local)
			return th_err_set(err, TH_ERR_NOMEM, "out of memory");
		real = t->e[i].type == TH_MEMBER_LINK
		               ? resolve_link(t, local, &nomem)
		               : NULL;
		if (nomem) {
			free(local);
			return th_err_set(err, TH_ERR_NOMEM,
			                  "cannot read '%s': %s",
			                  th_tree_path(t, i), "out of memory");
		}
		f.name = th_tree_path(t, i);
		f.local_path = real ? real : local;
		if (t->e[i].type != TH_MEMBER_LINK || real)
			stop = fn(ctx, &f);
		free(real);
		free(local);
	}
	return refused ? refused_msg(t, first, refused, err) : TH_OK;
}

int th_tree_has_name(const struct th_tree *t, const char *name, int prefix)
{
	size_t i, len = strlen(name);
	const char *base;

	for (i = 0; i < t->n; i++) {
		base = strrchr(th_tree_path(t, i), '/');
		base = base ? base + 1 : th_tree_path(t, i);
		if (prefix ? strncmp(base, name, len) == 0
		           : strcmp(base, name) == 0)
			return 1;
	}
	return 0;
}

const char *th_tree_warning(struct th_tree *t, const char *what)
{
	int n = 0;

	t->warning[0] = '\0';
	if (t->stats.refused)
		n = snprintf(t->warning, sizeof(t->warning),
		             "'%s': %zu entries refused (absolute path, '..', "
		             "device file or link leaving the evidence), "
		             "first '%s'",
		             what, t->stats.refused, t->stats.first_refused);
	if (t->failed && n >= 0 && (size_t)n < sizeof(t->warning))
		n += snprintf(t->warning + n, sizeof(t->warning) - (size_t)n,
		              "%s%zu members could not be extracted: %s",
		              n ? "; " : "", t->failed, t->first_failed);
	if (t->damaged[0] && n >= 0 && (size_t)n < sizeof(t->warning))
		snprintf(t->warning + n, sizeof(t->warning) - (size_t)n,
		         "%s%s (the members before the damage were read)",
		         n ? "; " : "", t->damaged);
	return t->warning[0] ? t->warning : NULL;
}
