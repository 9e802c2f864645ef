/* Archive and folder plumbing shared by the ios-fs and sysdiagnose
 * sources (see tree_src.h). */
#include <stdlib.h>
#include <string.h>

#include "core/fsutil.h"
/* Only for the artifacts modules declared, so a streamed archive is
 * read once for all of them. */
#include "modules/module.h"
#include "sources/tree_src.h"

size_t th_tree_module_globs(unsigned kind, int which, const char **out,
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
		for (a = m->artifacts; !th_artifact_is_end(a); a++) {
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

int th_tree_globs_match(const char *const *globs, size_t n, const char *path)
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

enum th_status th_tree_src_init(struct th_tree_src *s, const char *path,
                                struct th_err *err)
{
	memset(s, 0, sizeof(*s));
	s->path = strdup(path);
	if (!s->path)
		return th_err_set(err, TH_ERR_NOMEM, "out of memory");
	return TH_OK;
}

static int want(void *ctx, const char *path)
{
	struct th_tree_src *s = ctx;

	return th_tree_globs_match(s->globs, s->nglobs, path);
}

enum th_status th_tree_src_load_archive(struct th_tree_src *s, unsigned kind,
                                        int which, struct th_err *err)
{
	size_t n;

	n = th_tree_module_globs(kind, which, s->globs, TH_TREE_GLOBS_MAX);
	s->nglobs = n < TH_TREE_GLOBS_MAX ? n : TH_TREE_GLOBS_MAX;
	return th_tree_load_archive(&s->tree, s->path, s->strip, want, s, err);
}

static int declared(const struct th_tree_src *s, const char *glob)
{
	size_t i;

	for (i = 0; i < s->nglobs; i++)
		if (s->globs[i] == glob || strcmp(s->globs[i], glob) == 0)
			return 1;
	return 0;
}

/* A glob no module declared: one more pass over the archive for it. */
static enum th_status extract_late(struct th_tree_src *s, const char *glob,
                                   struct th_err *err)
{
	struct th_tree_src one = {.nglobs = 1};
	enum th_status st;

	one.globs[0] = glob;
	st = th_tree_extract(&s->tree, s->path, s->strip, want, &one, err);
	if (st == TH_OK && s->nglobs < TH_TREE_GLOBS_MAX)
		s->globs[s->nglobs++] = glob;
	return st;
}

enum th_status th_tree_src_find(struct th_tree_src *s, const char *glob,
                                th_file_fn fn, void *ctx, struct th_err *err)
{
	enum th_status st;

	if (s->tree.archive && !declared(s, glob)) {
		st = extract_late(s, glob, err);
		if (st != TH_OK)
			return st;
	}
	return th_tree_find(&s->tree, glob, fn, ctx, err);
}

enum th_status th_tree_src_each_input(struct th_tree_src *s,
                                      int (*fn)(void *ctx, const char *path),
                                      void *ctx, struct th_err *err)
{
	char *p;
	size_t i;
	int stop;

	if (s->tree.archive) {
		fn(ctx, s->path);
		return TH_OK;
	}
	for (i = 0; i < s->tree.n; i++) {
		if (s->tree.e[i].type != TH_MEMBER_FILE)
			continue;
		/* base is the folder the index was read from */
		p = th_path_join(s->tree.base, th_tree_path(&s->tree, i));
		if (!p)
			return th_err_set(err, TH_ERR_NOMEM, "out of memory");
		stop = fn(ctx, p);
		free(p);
		if (stop)
			break;
	}
	return TH_OK;
}

void th_tree_src_free(struct th_tree_src *s)
{
	th_tree_free(&s->tree);
	free(s->path);
	free(s->strip);
	s->path = s->strip = NULL;
}
