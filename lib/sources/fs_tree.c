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
#include "core/timeconv.h"
#include "sources/fs_tree.h"

enum th_status th_tree_add(struct th_tree *t, const char *path, int64_t mtime,
                           int type, int local)
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
		return th_tree_add(w->t, w->path, stat_mtime(&st),
		                   TH_MEMBER_FILE, 1);
	if (S_ISLNK(st.st_mode)) {
		n = readlinkat(dfd, name, target, sizeof(target) - 1);
		if (n < 0)
			return TH_OK;
		target[n] = '\0';
		if (!th_archive_link_inside(w->path, target)) {
			refuse(w->t, w->path);
			return TH_OK;
		}
		return th_tree_add(w->t, w->path, stat_mtime(&st),
		                   TH_MEMBER_LINK, 1);
	}
	if (!S_ISDIR(st.st_mode)) {
		refuse(w->t, w->path);
		return TH_OK;
	}
	if (th_tree_add(w->t, w->path, stat_mtime(&st), TH_MEMBER_DIR, 0) !=
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
		              "%s%zu member%s could not be extracted: %s",
		              n ? "; " : "", t->failed,
		              t->failed == 1 ? "" : "s", t->first_failed);
	if (t->damaged[0] && n >= 0 && (size_t)n < sizeof(t->warning))
		snprintf(t->warning + n, sizeof(t->warning) - (size_t)n,
		         "%s%s (the members before the damage were read)",
		         n ? "; " : "", t->damaged);
	return t->warning[0] ? t->warning : NULL;
}
