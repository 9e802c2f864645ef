/* The intrusion-logs source: bids, open, and the plumbing to the
 * th_ilogs walker (intrusion_logs.c). */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/fsutil.h"
#include "sources/android_sources.h"
#include "sources/intrusion_logs.h"

#define HEAD_MAX   65536
#define PROBE_MAX  8   /* .txt files looked at when bidding */
#define DIR_PROBE  256 /* folder entries looked at when bidding */
#define NESTED_MAX ((int64_t)64 << 20)

static int ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	return n > k && strcmp(s + n - k, suffix) == 0;
}

static int head_is_event(const char *buf, size_t len)
{
	const char *nl = memchr(buf, '\n', len), *type;
	json_t *event, *root;

	root = th_ilog_parse_line(buf, nl ? (size_t)(nl - buf) : len, &type,
	                          &event);
	json_decref(root);
	return root != NULL;
}

static int score_nested(struct th_afs *a, size_t i, int depth);

static int score_at(struct th_afs *a, const char *prefix, int depth)
{
	const struct th_afs_member *m;
	struct th_err e = {0};
	size_t i, probed = 0, len, plen = strlen(prefix);
	char *buf = malloc(HEAD_MAX);
	int b = TH_BID_NONE;

	if (!buf)
		return TH_BID_NOMEM;
	for (i = 0; !b && probed < PROBE_MAX && (m = th_afs_at(a, i)); i++) {
		if (strncmp(m->name, prefix, plen) != 0)
			continue;
		if (ends_with(m->name, ".txt")) {
			probed++;
			if (th_afs_head(a, i, buf, HEAD_MAX, &len, &e) != TH_OK)
				b = e.status == TH_ERR_NOMEM ? TH_BID_NOMEM
				                             : TH_BID_NONE;
			else if (head_is_event(buf, len))
				b = 75;
		} else if (ends_with(m->name, ".zip") && depth < 1 &&
		           m->size >= 0 && m->size <= NESTED_MAX) {
			probed++;
			b = score_nested(a, i, depth);
		}
	}
	free(buf);
	return b;
}

static int score_nested(struct th_afs *a, size_t i, int depth)
{
	struct th_afs *inner = NULL;
	struct th_err e = {0};
	char *local = NULL;
	int temp = 0, b = TH_BID_NONE;

	if (th_afs_local(a, i, &local, &temp, &e) != TH_OK)
		return e.status == TH_ERR_NOMEM ? TH_BID_NOMEM : b;
	if (th_afs_open(local, &inner, &e) == TH_OK)
		b = score_at(inner, "", depth + 1);
	else if (e.status == TH_ERR_NOMEM)
		b = TH_BID_NOMEM;
	if (b > TH_BID_NONE)
		b = 70;
	th_afs_free(inner);
	if (temp)
		unlink(local);
	free(local);
	return b;
}

int th_ilogs_score(struct th_afs *afs, const char *prefix)
{
	return score_at(afs, prefix, 0);
}

static int probe_txt(const char *p)
{
	char buf[4096];
	size_t n;
	FILE *f = fopen(p, "rb");

	if (!f)
		return errno == ENOMEM ? TH_BID_NOMEM : TH_BID_NONE;
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	return head_is_event(buf, n) ? 75 : TH_BID_NONE;
}

static int score_export(struct th_afs *a)
{
	return score_at(a, "", 0) ? 70 : TH_BID_NONE;
}

/* An export zip in the folder (the logs may come as zips only). */
static int probe_zip(const char *p)
{
	return th_afs_score_zip(p, score_export);
}

static int score_top(struct th_afs *a)
{
	return th_ilogs_score(a, "");
}

/* A folder is probed without a full walk: its first .txt files, then
 * its first .zip. */
static int bid_dir(const char *path)
{
	struct dirent *de;
	int seen = 0, zips = 0, b = TH_BID_NONE;
	DIR *d = opendir(path);
	char *p;

	if (!d)
		return errno == ENOMEM ? TH_BID_NOMEM : b;
	while (!b && seen++ < DIR_PROBE && (de = readdir(d)) != NULL) {
		if (!(p = th_path_join(path, de->d_name))) {
			b = TH_BID_NOMEM;
			break;
		}
		if (ends_with(de->d_name, ".txt") && th_is_file(p))
			b = probe_txt(p);
		else if (ends_with(de->d_name, ".zip") && !zips++)
			b = probe_zip(p);
		free(p);
	}
	closedir(d);
	return b;
}

static int bid(const char *path)
{
	if (th_is_dir(path))
		return bid_dir(path);
	return th_afs_score_zip(path, score_top);
}

static enum th_status il_open(const char *path,
                              const struct th_source_options *opt, void **state,
                              struct th_err *err)
{
	struct th_afs *a = NULL;
	enum th_status st = th_afs_open(path, &a, err);

	*state = NULL;
	if (st != TH_OK)
		return st;
	/* --max-artifact-size holds here as on the other Android sources. */
	th_afs_use_options(a, opt);
	return th_ilogs_new(a, 1, "", opt ? opt->timezone : NULL,
	                    (struct th_ilogs **)state, err);
}

static void il_close(void *state)
{
	th_ilogs_free(state);
}

static enum th_status il_inputs(void *state, int (*fn)(void *, const char *),
                                void *ctx, struct th_err *err)
{
	th_afs_each_input(th_ilogs_afs(state), fn, ctx);
	return TH_OK;
}

const struct th_source_ops th_source_intrusion_logs = {
        .name = "intrusion-logs",
        .kind = TH_SRC_INTRUSION_LOGS,
        .looks_for = "Android intrusion logs (NDJSON .txt files, a folder "
                     "or .zip)",
        .bid = bid,
        .open = il_open,
        .close = il_close,
        .each_input = il_inputs,
};
