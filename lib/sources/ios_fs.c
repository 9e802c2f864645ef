/* The ios-fs source: a dump folder or archive, indexed once at open. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/fsutil.h"
#include "sources/ios_fs.h"

#define SCAN_MEMBERS 5000 /* archive members looked at when bidding */
#define ROOT_MARK    "private/var"

/* The folder before "private/var" in a member path ("" at the top),
 * malloc'ed, or NULL when the path has no such component (or, with
 * *nomem set, when the copy could not be made). */
static char *root_of(const char *path, int *nomem)
{
	const char *p = path;
	size_t ml = strlen(ROOT_MARK);
	char *r;

	while ((p = strstr(p, ROOT_MARK)) != NULL) {
		if ((p == path || p[-1] == '/') && (p[ml] == '/' || !p[ml])) {
			r = strndup(path,
			            p == path ? 0 : (size_t)(p - path - 1));
			*nomem = !r;
			return r;
		}
		p += ml;
	}
	return NULL;
}

struct scan {
	char *root;
	size_t seen;
	int nomem;
};

static int scan_member(void *ctx, struct th_archive *ar,
                       const struct th_member *m)
{
	struct scan *s = ctx;

	s->root = root_of(m->path, &s->nomem);
	return s->root != NULL || s->nomem || ++s->seen >= SCAN_MEMBERS;
}

/* Looks for private/var among the first members; the folder it is in,
 * or NULL (with *nomem set when it could not look for want of
 * memory). */
static char *scan_root(const char *path, int *nomem)
{
	struct scan s = {0};
	struct th_err err = {0};

	if (th_archive_each(path, 0, scan_member, &s, NULL, &err) ==
	    TH_ERR_NOMEM)
		s.nomem = 1;
	*nomem = s.nomem;
	if (s.nomem) {
		free(s.root);
		return NULL;
	}
	return s.root;
}

static int bid(const char *path)
{
	char *p, *root;
	int ok, nomem = 0;

	if (th_is_dir(path)) {
		p = th_path_join(path, ROOT_MARK);
		if (!p)
			return TH_BID_NOMEM;
		ok = th_is_dir(p);
		free(p);
		return ok ? 85 : TH_BID_NONE;
	}
	if (!th_is_file(path) || !th_archive_name_ok(path) ||
	    strncmp(th_path_base(path), "sysdiagnose_", 12) == 0)
		return TH_BID_NONE;
	root = scan_root(path, &nomem);
	free(root);
	return nomem ? TH_BID_NOMEM : root ? 80 : TH_BID_NONE;
}

static void fs_close(void *state)
{
	struct th_tree_src *s = state;

	if (!s)
		return;
	th_tree_src_free(s);
	free(s);
}

static enum th_status fs_open(const char *path,
                              const struct th_source_options *opt, void **state,
                              struct th_err *err)
{
	struct th_tree_src *s = malloc(sizeof(*s));
	enum th_status st;
	int nomem = 0;

	*state = NULL;
	if (!s)
		return th_err_set(err, TH_ERR_NOMEM, "out of memory");
	st = th_tree_src_init(s, path, err);
	if (st == TH_OK)
		s->tree.member_max = opt ? opt->max_artifact_size : 0;
	if (st == TH_OK)
		s->tree.budget = opt ? opt->budget : NULL;
	if (st == TH_OK && th_is_dir(path)) {
		st = th_tree_load_dir(&s->tree, path, err);
	} else if (st == TH_OK) {
		s->strip = scan_root(path, &nomem);
		st = nomem ? th_err_set(err, TH_ERR_NOMEM,
		                        "cannot open '%s': out of memory", path)
		           : th_tree_src_load_archive(s, TH_SRC_IOS_FS, 0, err);
	}
	if (st != TH_OK) {
		fs_close(s);
		return st;
	}
	*state = s;
	return TH_OK;
}

static enum th_status fs_find(void *state, const struct th_artifact *art,
                              th_file_fn fn, void *ctx, struct th_err *err)
{
	if (!art->fs_glob)
		return th_err_set(err, TH_ERR_NOTFOUND,
		                  "no filesystem location for this artifact");
	return th_tree_src_find(state, art->fs_glob, fn, ctx, err);
}

static enum th_status fs_each_input(void *state,
                                    int (*fn)(void *ctx, const char *path),
                                    void *ctx, struct th_err *err)
{
	return th_tree_src_each_input(state, fn, ctx, err);
}

const struct th_source_ops th_source_ios_fs = {
        .name = "ios-fs",
        .kind = TH_SRC_IOS_FS,
        .looks_for = "an iOS filesystem dump: a folder holding private/var, "
                     "or a .tar/.tar.gz/.zip of one",
        .bid = bid,
        .open = fs_open,
        .close = fs_close,
        .find = fs_find,
        .each_input = fs_each_input,
};

struct th_tree *th_fs_tree(struct th_source *src)
{
	if (!src || src->ops != &th_source_ios_fs)
		return NULL;
	return &((struct th_tree_src *)src->state)->tree;
}

const char *th_fs_warning(struct th_source *src)
{
	struct th_tree_src *s;

	if (!src || src->ops != &th_source_ios_fs)
		return NULL;
	s = src->state;
	return th_tree_warning(&s->tree, s->path);
}
