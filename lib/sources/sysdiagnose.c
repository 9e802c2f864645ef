/* The sysdiagnose source: an archive or folder, indexed once at open. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/fsutil.h"
#include "sources/sysdiagnose.h"
#include "sources/tree_src.h"

#define PREFIX       "sysdiagnose_"
#define CHILDREN_MAX 4096
#define TOP_SCAN_MAX 100 /* members looked at for the top folder */

struct sd_state {
	struct th_tree_src src; /* strip: an archive's top folder, or NULL */
	char *root;             /* folder: the sysdiagnose's top folder */
};

static int has(const char *dir, const char *name)
{
	char *p = th_path_join(dir, name);
	int ok = p && (th_is_file(p) || th_is_dir(p));

	free(p);
	return ok;
}

/* 0-100 for a folder that is a sysdiagnose's top folder. */
static int bid_top(const char *dir)
{
	int marks = has(dir, "ps.txt") + has(dir, "system_logs.logarchive") +
	            has(dir, "sysdiagnose.log") + has(dir, "crashes_and_spins");

	if (!marks)
		return TH_BID_NONE;
	if (strncmp(th_path_base(dir), PREFIX, strlen(PREFIX)) == 0)
		return 85;
	return marks >= 2 ? 75 : TH_BID_NONE;
}

/* The one sysdiagnose_* child folder of dir (malloc'ed), or NULL. */
static char *top_child(const char *dir)
{
	struct dirent *de;
	char *found = NULL, *p;
	size_t seen = 0;
	DIR *d = opendir(dir);

	if (!d)
		return NULL;
	while (seen++ < CHILDREN_MAX && (de = readdir(d)) != NULL) {
		if (strncmp(de->d_name, PREFIX, strlen(PREFIX)) != 0)
			continue;
		p = th_path_join(dir, de->d_name);
		if (p && th_is_dir(p) && bid_top(p) > TH_BID_NONE && !found) {
			found = p;
			continue;
		}
		free(p);
	}
	closedir(d);
	return found;
}

static int archive_named(const char *path)
{
	return strncmp(th_path_base(path), PREFIX, strlen(PREFIX)) == 0 &&
	       th_archive_name_ok(path);
}

static int bid(const char *path)
{
	char *child;
	int b;

	if (th_is_file(path))
		return archive_named(path) ? 95 : TH_BID_NONE;
	if (!th_is_dir(path))
		return TH_BID_NONE;
	b = bid_top(path);
	if (b > TH_BID_NONE)
		return b;
	child = top_child(path);
	free(child);
	return child ? 80 : TH_BID_NONE;
}

struct top_scan {
	char *top;
	size_t seen;
};

/* The sysdiagnose_* folder the members sit in, from the first members
 * (an archive may start with "./" or a stray file). */
static int top_member(void *ctx, struct th_archive *ar,
                      const struct th_member *m)
{
	struct top_scan *t = ctx;
	size_t n = strcspn(m->path, "/");

	if (strncmp(m->path, PREFIX, strlen(PREFIX)) == 0 &&
	    (m->path[n] == '/' || m->type == TH_MEMBER_DIR))
		t->top = strndup(m->path, n);
	return t->top != NULL || ++t->seen >= TOP_SCAN_MAX;
}

static void sd_close(void *state)
{
	struct sd_state *s = state;

	if (!s)
		return;
	th_tree_src_free(&s->src);
	free(s->root);
	free(s);
}

static enum th_status open_archive(struct sd_state *s, struct th_err *err)
{
	struct th_err scan_err = {0};
	struct top_scan top = {0};

	th_archive_each(s->src.path, 0, top_member, &top, NULL, &scan_err);
	s->src.strip = top.top;
	return th_tree_src_load_archive(&s->src, TH_SRC_SYSDIAGNOSE, 1, err);
}

static enum th_status sd_open(const char *path,
                              const struct th_source_options *opt, void **state,
                              struct th_err *err)
{
	struct sd_state *s = malloc(sizeof(*s));
	enum th_status st;

	*state = NULL;
	if (!s)
		return th_err_set(err, TH_ERR_NOMEM, "out of memory");
	s->root = NULL;
	st = th_tree_src_init(&s->src, path, err);
	if (st == TH_OK)
		s->src.tree.member_max = opt ? opt->max_artifact_size : 0;
	if (st == TH_OK && th_is_dir(path)) {
		s->root = bid_top(path) > TH_BID_NONE ? NULL : top_child(path);
		st = th_tree_load_dir(&s->src.tree, s->root ? s->root : path,
		                      err);
	} else if (st == TH_OK) {
		st = open_archive(s, err);
	}
	if (st != TH_OK) {
		sd_close(s);
		return st;
	}
	*state = s;
	return TH_OK;
}

static enum th_status sd_find(void *state, const struct th_artifact *art,
                              th_file_fn fn, void *ctx, struct th_err *err)
{
	struct sd_state *s = state;

	if (!art->sysdiag_glob)
		return th_err_set(err, TH_ERR_NOTFOUND,
		                  "no sysdiagnose location for this artifact");
	return th_tree_src_find(&s->src, art->sysdiag_glob, fn, ctx, err);
}

static enum th_status sd_each_input(void *state,
                                    int (*fn)(void *ctx, const char *path),
                                    void *ctx, struct th_err *err)
{
	struct sd_state *s = state;

	return th_tree_src_each_input(&s->src, fn, ctx, err);
}

const struct th_source_ops th_source_sysdiagnose = {
        .name = "sysdiagnose",
        .kind = TH_SRC_SYSDIAGNOSE,
        .looks_for = "a sysdiagnose_*.tar.gz, or its extracted folder "
                     "(ps.txt, system_logs.logarchive, ...)",
        .bid = bid,
        .open = sd_open,
        .close = sd_close,
        .find = sd_find,
        .each_input = sd_each_input,
};

struct th_tree *th_sysdiag_tree(struct th_source *src)
{
	if (!src || src->ops != &th_source_sysdiagnose)
		return NULL;
	return &((struct sd_state *)src->state)->src.tree;
}

const char *th_sysdiag_warning(struct th_source *src)
{
	struct sd_state *s;

	if (!src || src->ops != &th_source_sysdiagnose)
		return NULL;
	s = src->state;
	return th_tree_warning(&s->src.tree, s->src.path);
}

const char *th_sysdiag_name(struct th_source *src)
{
	struct sd_state *s;

	if (!src || src->ops != &th_source_sysdiagnose)
		return NULL;
	s = src->state;
	if (s->src.strip)
		return s->src.strip;
	return th_path_base(s->root ? s->root : s->src.path);
}
