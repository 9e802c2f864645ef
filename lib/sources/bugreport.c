#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "core/fsutil.h"
#include "formats/dumpsys.h"
#include "sources/android_sources.h"
#include "sources/bugreport.h"

#define MAIN_ENTRY_MAX 4096

struct th_br {
	struct th_afs *afs;
	struct th_afs_map map;
	struct th_dumpsys *idx;
	int tried;
	struct th_err load_err;
	char cut[TH_ERR_MSG_MAX]; /* a cut-off dumpstate, until said */
};

enum th_status th_br_new(struct th_afs *afs, struct th_br **out,
                         struct th_err *err)
{
	struct th_br *br = calloc(1, sizeof(*br));

	*out = NULL;
	if (!br) {
		th_afs_free(afs);
		return th_err_set(err, TH_ERR_NOMEM, "out of memory");
	}
	br->afs = afs;
	*out = br;
	return TH_OK;
}

void th_br_free(struct th_br *br)
{
	if (!br)
		return;
	th_dumpsys_free(br->idx);
	th_afs_unmap(&br->map);
	th_afs_free(br->afs);
	free(br);
}

struct th_afs *th_br_afs(const struct th_br *br)
{
	return br->afs;
}

static long first_match(const struct th_afs *a, const char *glob)
{
	const struct th_afs_member *m;
	size_t i;

	for (i = 0; (m = th_afs_at(a, i)) != NULL; i++)
		if (fnmatch(glob, m->name, 0) == 0)
			return (long)i;
	return -1;
}

/* main_entry.txt names the dumpstate; else dumpState_*.log; else a
 * dumpsys.txt in a subfolder. -2 when main_entry.txt could not be read
 * for want of memory (another guess might pick another file). */
static long find_dumpstate(struct th_afs *a)
{
	struct th_err e = {0};
	char *name = NULL;
	size_t len = 0;
	long i = th_afs_lookup(a, "main_entry.txt");

	if (i >= 0 && th_afs_read(a, (size_t)i, MAIN_ENTRY_MAX, &name, &len,
	                          &e) == TH_ERR_NOMEM)
		return -2;
	if (i >= 0 && e.status == TH_OK) {
		while (len && (name[len - 1] == '\n' || name[len - 1] == '\r' ||
		               name[len - 1] == ' '))
			name[--len] = '\0';
		i = th_afs_lookup(a, name);
		free(name);
		if (i >= 0)
			return i;
	}
	if ((i = first_match(a, "dumpState_*.log")) >= 0)
		return i;
	if ((i = first_match(a, "dumpstate*.txt")) >= 0)
		return i;
	return first_match(a, "*/dumpsys.txt");
}

static enum th_status load(struct th_br *br)
{
	long i;

	br->tried = 1;
	i = find_dumpstate(br->afs);
	if (i == -2)
		return th_err_set(
		        &br->load_err, TH_ERR_NOMEM,
		        "cannot read 'main_entry.txt': out of memory");
	if (i < 0)
		return th_err_set(&br->load_err, TH_ERR_NOTFOUND,
		                  "no dumpstate in '%s'", th_afs_path(br->afs));
	if (th_afs_map_member(br->afs, (size_t)i, TH_BR_DUMPSTATE_MAX, &br->map,
	                      &br->load_err) != TH_OK)
		return br->load_err.status;
	th_dumpsys_index(br->map.text, br->map.len, &br->idx, &br->load_err);
	th_dumpsys_cut_warning(br->idx, th_afs_at(br->afs, (size_t)i)->name,
	                       br->cut, sizeof(br->cut));
	/* Modules page their sections in again as they read them. */
	th_afs_map_release(&br->map);
	return br->load_err.status;
}

enum th_status th_br_dumpsys(struct th_br *br, const char *service,
                             const char **text, size_t *len, struct th_err *err)
{
	enum th_status st;

	if (!br->tried)
		load(br);
	if (!br->idx)
		return th_err_copy(err, &br->load_err);
	st = strchr(service, ' ')
	             ? th_dumpsys_block(br->idx, service, text, len)
	             : th_dumpsys_section(br->idx, service, text, len);
	if (st != TH_OK)
		return th_err_set(err, st, "no dumpsys section '%s'", service);
	/* Said once, with the first section handed out. */
	if (br->cut[0])
		th_err_set(err, TH_OK, "%s", br->cut);
	br->cut[0] = '\0';
	return TH_OK;
}

int th_br_score(const struct th_afs *afs)
{
	if (th_afs_lookup(afs, "main_entry.txt") >= 0)
		return 90;
	if (first_match(afs, "dumpState_*.log") >= 0 ||
	    first_match(afs, "dumpstate*.txt") >= 0)
		return 80;
	return TH_BID_NONE;
}

/* --- the source --- */

static int score_zip(struct th_afs *a)
{
	return th_br_score(a);
}

static int bid(const char *path)
{
	char *p;
	int b;

	if (th_is_dir(path)) {
		/* A folder is probed by name: no walk for a bid. */
		p = th_path_join(path, "main_entry.txt");
		if (!p)
			return TH_BID_NOMEM;
		b = th_is_file(p) ? 90 : TH_BID_NONE;
		free(p);
		return b;
	}
	return th_afs_score_zip(path, score_zip);
}

static enum th_status br_open(const char *path,
                              const struct th_source_options *opt, void **state,
                              struct th_err *err)
{
	struct th_afs *a = NULL;
	enum th_status st = th_afs_open(path, &a, err);

	*state = NULL;
	if (st != TH_OK)
		return st;
	th_afs_use_options(a, opt);
	if (th_br_score(a) == TH_BID_NONE &&
	    first_match(a, "*/dumpsys.txt") < 0) {
		th_afs_free(a);
		return th_err_set(err, TH_ERR_FORMAT,
		                  "'%s' is not a bugreport: no main_entry.txt "
		                  "or dumpstate",
		                  path);
	}
	return th_br_new(a, (struct th_br **)state, err);
}

static void br_close(void *state)
{
	th_br_free(state);
}

static enum th_status br_find(void *state, const struct th_artifact *art,
                              th_file_fn fn, void *ctx, struct th_err *err)
{
	struct th_br *br = state;

	if (!art->android_glob)
		return th_err_set(err, TH_ERR_NOTFOUND, "%s",
		                  "no such artifact in a bugreport");
	return th_afs_each(br->afs, art->android_glob, NULL, fn, ctx, err);
}

static enum th_status br_dumpsys(void *state, const char *service,
                                 const char **text, size_t *len,
                                 struct th_err *err)
{
	return th_br_dumpsys(state, service, text, len, err);
}

static enum th_status br_inputs(void *state, int (*fn)(void *, const char *),
                                void *ctx, struct th_err *err)
{
	struct th_br *br = state;

	th_afs_each_input(br->afs, fn, ctx);
	return TH_OK;
}

const struct th_source_ops th_source_bugreport = {
        .name = "bugreport",
        .kind = TH_SRC_BUGREPORT,
        .looks_for = "an Android bugreport (.zip or folder with "
                     "main_entry.txt)",
        .bid = bid,
        .open = br_open,
        .close = br_close,
        .find = br_find,
        .dumpsys = br_dumpsys,
        .each_input = br_inputs,
};
