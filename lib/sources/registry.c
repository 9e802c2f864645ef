#include <stdlib.h>
#include <string.h>

#include "sources/source.h"
#include "sources/android_sources.h"
#include "sources/ios_backup.h"
#include "sources/ios_fs.h"
#include "sources/sysdiagnose.h"
#include <tracehound/th_run.h>

static const struct th_source_ops *const sources[] = {
        &th_source_ios_backup,
        &th_source_androidqf,
        &th_source_bugreport,
        &th_source_android_backup,
        &th_source_intrusion_logs,
        /* iOS filesystem dumps and sysdiagnoses */
        &th_source_ios_fs,
        &th_source_sysdiagnose,
};

#define NSOURCES (sizeof(sources) / sizeof(sources[0]))

size_t th_sources_count(void)
{
	return NSOURCES;
}

const struct th_source_ops *th_sources_at(size_t i)
{
	return i < NSOURCES ? sources[i] : NULL;
}

const struct th_source_ops *th_sources_find(const char *name)
{
	size_t i;

	for (i = 0; i < NSOURCES; i++)
		if (strcmp(sources[i]->name, name) == 0)
			return sources[i];
	return NULL;
}

const struct th_source_ops *th_sources_bid(const char *path, int *nomem)
{
	const struct th_source_ops *best = NULL;
	int best_bid = TH_BID_NONE, bid, short_of_memory = 0;
	size_t i;

	for (i = 0; i < NSOURCES; i++) {
		bid = sources[i]->bid(path);
		short_of_memory |= bid == TH_BID_NOMEM;
		if (bid > TH_BID_MAX)
			bid = TH_BID_MAX;
		if (bid > best_bid) {
			best_bid = bid;
			best = sources[i];
		}
	}
	if (nomem)
		*nomem = short_of_memory;
	/* A source that could not look might have outbid the winner. */
	return short_of_memory ? NULL : best;
}

enum th_status th_source_open(const struct th_source_ops *ops, const char *path,
                              const struct th_source_options *opt,
                              struct th_source **out, struct th_err *err)
{
	struct th_source *src;
	enum th_status st;

	*out = NULL;
	src = calloc(1, sizeof(*src));
	if (!src || !(src->path = strdup(path))) {
		free(src);
		return th_err_set(err, TH_ERR_NOMEM, "out of memory");
	}
	src->ops = ops;
	st = ops->open(path, opt, &src->state, err);
	if (st != TH_OK) {
		free(src->path);
		free(src);
		return st;
	}
	*out = src;
	return TH_OK;
}

void th_source_free(struct th_source *src)
{
	if (!src)
		return;
	if (src->ops && src->state)
		src->ops->close(src->state);
	free(src->path);
	free(src);
}

enum th_status th_source_find(struct th_source *src,
                              const struct th_artifact *art, th_file_fn fn,
                              void *ctx, struct th_err *err)
{
	if (!src->ops->find)
		return th_err_set(err, TH_ERR_NOTFOUND, "%s",
		                  "this source holds no such artifact");
	return src->ops->find(src->state, art, fn, ctx, err);
}

static struct th_source_info infos[NSOURCES];

size_t th_source_count(void)
{
	return NSOURCES;
}

const struct th_source_info *th_source_info_at(size_t i)
{
	if (i >= NSOURCES)
		return NULL;
	/* Filled on demand: the table is constant, so racing writers write
	 * the same values. */
	infos[i].name = sources[i]->name;
	infos[i].looks_for = sources[i]->looks_for;
	return &infos[i];
}

enum th_status th_source_dumpsys(struct th_source *src, const char *service,
                                 const char **text, size_t *len,
                                 struct th_err *err)
{
	if (!src->ops->dumpsys)
		return th_err_set(err, TH_ERR_NOTFOUND, "%s",
		                  "this evidence holds no dumpsys");
	return src->ops->dumpsys(src->state, service, text, len, err);
}

unsigned th_source_kinds(const struct th_source *src)
{
	return src->ops->kinds ? src->ops->kinds(src->state) : src->ops->kind;
}
