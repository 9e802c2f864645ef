/* The ios-fs source: a dump folder or archive, indexed once at open. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/fsutil.h"
/* The source reads the module registry only for the artifacts modules
 * declared, so a streamed archive is read once for all of them. */
#include "modules/module.h"
#include "sources/ios_fs.h"

#define SCAN_MEMBERS 5000 /* archive members looked at when bidding */
#define GLOBS_MAX    1024
#define ROOT_MARK    "private/var"

struct fs_state {
	struct th_tree tree;
	char *path;
	char *strip; /* the archive folder holding private/var, or NULL */
	const char *globs[GLOBS_MAX];
	size_t nglobs;
};

static int is_end(const struct th_artifact *a)
{
	return !a->backup_domain && !a->backup_path && !a->fs_glob &&
	       !a->sysdiag_glob && !a->android_glob;
}

size_t th_fs_module_globs(unsigned kind, int which, const char **out,
                          size_t cap)
{
	const struct th_module *m;
	const struct th_artifact *a;
	const char *g;
	size_t i, n = 0;

	for (i = 0; i < th_modules_count(); i++) {
		m = th_modules_at(i);
		if (!(m->sources & kind) || !m->artifacts)
			continue;
		for (a = m->artifacts; !is_end(a); a++) {
			g = which ? a->sysdiag_glob : a->fs_glob;
			if (g && n < cap)
				out[n] = g;
			n += g != NULL;
		}
	}
	return n;
}

static int match_any(const char *const *globs, size_t n, const char *path)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (th_tree_glob_match(globs[i], path))
			return 1;
	return 0;
}

int th_fs_globs_match(const char *const *globs, size_t n, const char *path)
{
	static const char *const sidecars[] = {"-wal", "-journal"};
	char db[TH_ARCHIVE_PATH_MAX];
	size_t i, len = strlen(path), sl;

	if (match_any(globs, n, path))
		return 1;
	for (i = 0; i < 2; i++) {
		sl = strlen(sidecars[i]);
		if (len <= sl || len >= sizeof(db) ||
		    strcmp(path + len - sl, sidecars[i]) != 0)
			continue;
		memcpy(db, path, len - sl);
		db[len - sl] = '\0';
		return match_any(globs, n, db);
	}
	return 0;
}

/* The folder before "private/var" in a member path ("" at the top),
 * malloc'ed, or NULL when the path has no such component. */
static char *root_of(const char *path)
{
	const char *p = path;
	size_t ml = strlen(ROOT_MARK);

	while ((p = strstr(p, ROOT_MARK)) != NULL) {
		if ((p == path || p[-1] == '/') && (p[ml] == '/' || !p[ml]))
			return strndup(path,
			               p == path ? 0 : (size_t)(p - path - 1));
		p += ml;
	}
	return NULL;
}

struct scan {
	char *root;
	size_t seen;
};

static int scan_member(void *ctx, struct th_archive *ar,
                       const struct th_member *m)
{
	struct scan *s = ctx;

	s->root = root_of(m->path);
	return s->root != NULL || ++s->seen >= SCAN_MEMBERS;
}

/* Looks for private/var among the first members; the folder it is in,
 * or NULL. */
static char *scan_root(const char *path)
{
	struct scan s = {0};
	struct th_err err = {0};

	th_archive_each(path, 0, scan_member, &s, NULL, &err);
	return s.root;
}

static int bid(const char *path)
{
	char *p, *root;
	int ok;

	if (th_is_dir(path)) {
		p = th_path_join(path, ROOT_MARK);
		ok = p && th_is_dir(p);
		free(p);
		return ok ? 85 : TH_BID_NONE;
	}
	if (!th_is_file(path) || !th_archive_name_ok(path) ||
	    strncmp(th_path_base(path), "sysdiagnose_", 12) == 0)
		return TH_BID_NONE;
	root = scan_root(path);
	free(root);
	return root ? 80 : TH_BID_NONE;
}

static int want(void *ctx, const char *path)
{
	struct fs_state *s = ctx;

	return th_fs_globs_match(s->globs, s->nglobs, path);
}

static void fs_close(void *state)
{
	struct fs_state *s = state;

	if (!s)
		return;
	th_tree_free(&s->tree);
	free(s->path);
	free(s->strip);
	free(s);
}

static enum th_status fs_open(const char *path,
                              const struct th_source_options *opt, void **state,
                              struct th_err *err)
{
	struct fs_state *s = calloc(1, sizeof(*s));
	enum th_status st;
	size_t n;

	*state = NULL;
	if (!s || !(s->path = strdup(path))) {
		free(s);
		return th_err_set(err, TH_ERR_NOMEM, "out of memory");
	}
	if (th_is_dir(path)) {
		st = th_tree_load_dir(&s->tree, path, err);
	} else {
		n = th_fs_module_globs(TH_SRC_IOS_FS, 0, s->globs, GLOBS_MAX);
		s->nglobs = n < GLOBS_MAX ? n : GLOBS_MAX;
		s->strip = scan_root(path);
		st = th_tree_load_archive(&s->tree, path, s->strip, want, s,
		                          err);
	}
	if (st != TH_OK) {
		fs_close(s);
		return st;
	}
	*state = s;
	return TH_OK;
}

/* A glob no module declared: one more pass over the archive for it. */
static enum th_status extract_late(struct fs_state *s, const char *glob,
                                   struct th_err *err)
{
	struct fs_state one = {.nglobs = 1};
	enum th_status st;

	one.globs[0] = glob;
	st = th_tree_extract(&s->tree, s->path, s->strip, want, &one, err);
	if (st == TH_OK && s->nglobs < GLOBS_MAX)
		s->globs[s->nglobs++] = glob;
	return st;
}

static int declared(const struct fs_state *s, const char *glob)
{
	size_t i;

	for (i = 0; i < s->nglobs; i++)
		if (s->globs[i] == glob || strcmp(s->globs[i], glob) == 0)
			return 1;
	return 0;
}

static enum th_status fs_find(void *state, const struct th_artifact *art,
                              th_file_fn fn, void *ctx, struct th_err *err)
{
	struct fs_state *s = state;
	enum th_status st;

	if (!art->fs_glob)
		return th_err_set(err, TH_ERR_NOTFOUND,
		                  "no filesystem location for this artifact");
	if (s->tree.archive && !declared(s, art->fs_glob)) {
		st = extract_late(s, art->fs_glob, err);
		if (st != TH_OK)
			return st;
	}
	return th_tree_find(&s->tree, art->fs_glob, fn, ctx, err);
}

static enum th_status fs_each_input(void *state,
                                    int (*fn)(void *ctx, const char *path),
                                    void *ctx, struct th_err *err)
{
	struct fs_state *s = state;
	char *p;
	size_t i;

	if (s->tree.archive) {
		fn(ctx, s->path);
		return TH_OK;
	}
	for (i = 0; i < s->tree.n; i++) {
		if (s->tree.e[i].type != TH_MEMBER_FILE)
			continue;
		p = th_path_join(s->path, th_tree_path(&s->tree, i));
		if (!p)
			return th_err_set(err, TH_ERR_NOMEM, "out of memory");
		if (fn(ctx, p)) {
			free(p);
			break;
		}
		free(p);
	}
	return TH_OK;
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
	return &((struct fs_state *)src->state)->tree;
}

const char *th_fs_warning(struct th_source *src)
{
	struct fs_state *s;

	if (!src || src->ops != &th_source_ios_fs)
		return NULL;
	s = src->state;
	return th_tree_warning(&s->tree, s->path);
}
