/* The sysdiagnose source: an archive or folder, indexed once at open. */
#include <dirent.h>
#include <errno.h>
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

/* 1 when dir/name exists, 0 when not, -1 out of memory. */
static int has(const char *dir, const char *name)
{
	char *p = th_path_join(dir, name);
	int ok = p ? th_is_file(p) || th_is_dir(p) : -1;

	free(p);
	return ok;
}

/* 0-100 for a folder that is a sysdiagnose's top folder; TH_BID_NOMEM
 * when it could not look. */
static int bid_top(const char *dir)
{
	static const char *const marks_of[] = {
	        "ps.txt", "system_logs.logarchive", "sysdiagnose.log",
	        "crashes_and_spins"};
	int marks = 0, h;
	size_t i;

	for (i = 0; i < sizeof(marks_of) / sizeof(*marks_of); i++) {
		h = has(dir, marks_of[i]);
		if (h < 0)
			return TH_BID_NOMEM;
		marks += h;
	}
	if (!marks)
		return TH_BID_NONE;
	if (strncmp(th_path_base(dir), PREFIX, strlen(PREFIX)) == 0)
		return 85;
	return marks >= 2 ? 75 : TH_BID_NONE;
}

/* The one sysdiagnose_* child folder of dir (malloc'ed), or NULL (with
 * *nomem set when it could not look for want of memory). */
static char *top_child(const char *dir, int *nomem)
{
	struct dirent *de;
	char *found = NULL, *p;
	size_t seen = 0;
	int b;
	DIR *d = opendir(dir);

	*nomem = !d && errno == ENOMEM;
	if (!d)
		return NULL;
	while (!*nomem && seen++ < CHILDREN_MAX && (de = readdir(d)) != NULL) {
		if (strncmp(de->d_name, PREFIX, strlen(PREFIX)) != 0)
			continue;
		p = th_path_join(dir, de->d_name);
		b = !p ? TH_BID_NOMEM : th_is_dir(p) ? bid_top(p) : 0;
		*nomem = b == TH_BID_NOMEM;
		if (b > TH_BID_NONE && !found) {
			found = p;
			continue;
		}
		free(p);
	}
	closedir(d);
	if (*nomem) {
		free(found);
		return NULL;
	}
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
	int b, nomem = 0;

	if (th_is_file(path))
		return archive_named(path) ? 95 : TH_BID_NONE;
	if (!th_is_dir(path))
		return TH_BID_NONE;
	b = bid_top(path);
	if (b > TH_BID_NONE || b == TH_BID_NOMEM)
		return b;
	child = top_child(path, &nomem);
	free(child);
	return nomem ? TH_BID_NOMEM : child ? 80 : TH_BID_NONE;
}

struct top_scan {
	char *top;
	size_t seen;
	int nomem;
};

/* The sysdiagnose_* folder the members sit in, from the first members
 * (an archive may start with "./" or a stray file). */
static int top_member(void *ctx, struct th_archive *ar,
                      const struct th_member *m)
{
	struct top_scan *t = ctx;
	size_t n = strcspn(m->path, "/");

	if (strncmp(m->path, PREFIX, strlen(PREFIX)) == 0 &&
	    (m->path[n] == '/' || m->type == TH_MEMBER_DIR)) {
		t->top = strndup(m->path, n);
		t->nomem = !t->top;
	}
	return t->top != NULL || t->nomem || ++t->seen >= TOP_SCAN_MAX;
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

	if (th_archive_each(s->src.path, 0, top_member, &top, NULL,
	                    &scan_err) == TH_ERR_NOMEM ||
	    top.nomem) {
		free(top.top);
		return th_err_set(err, TH_ERR_NOMEM, "cannot open '%s': %s",
		                  s->src.path, "out of memory");
	}
	s->src.strip = top.top;
	return th_tree_src_load_archive(&s->src, TH_SRC_SYSDIAGNOSE, 1, err);
}

static enum th_status open_dir(struct sd_state *s, const char *path,
                               struct th_err *err)
{
	int b = bid_top(path), nomem = b == TH_BID_NOMEM;

	if (!nomem && b == TH_BID_NONE)
		s->root = top_child(path, &nomem);
	if (nomem)
		return th_err_set(err, TH_ERR_NOMEM, "cannot open '%s': %s",
		                  path, "out of memory");
	return th_tree_load_dir(&s->src.tree, s->root ? s->root : path, err);
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
	if (st == TH_OK)
		s->src.tree.budget = opt ? opt->budget : NULL;
	if (st == TH_OK && th_is_dir(path)) {
		st = open_dir(s, path, err);
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
