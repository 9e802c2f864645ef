#include <errno.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/array.h"
#include "core/fsutil.h"
#include "core/buf.h"
#include "core/timeconv.h"
#include "formats/ndjson.h"
#include "sources/android_sources.h"
#include "sources/intrusion_logs.h"

struct th_ilogs {
	struct th_afs *afs;
	int own;
	char *prefix;
	int tz_minutes;
};

/* An open-addressing set of 64-bit event hashes (0 is "empty"). */
struct seen {
	uint64_t *slot;
	size_t cap, n;
};

struct walk {
	struct th_ilogs *il;
	const char *type;
	int (*fn)(void *ctx, json_t *event, const char *file);
	void *ctx;
	size_t bad;
	struct seen seen;
	int stop;
	struct th_err *err;
};

/* FNV-1a over the text jansson dumps, streamed: no copy to allocate. */
static int hash_dump(const char *s, size_t len, void *ctx)
{
	uint64_t *h = ctx;
	size_t i;

	for (i = 0; i < len; i++) {
		*h ^= (unsigned char)s[i];
		*h *= 1099511628211ull;
	}
	return 0;
}

static int seen_grow(struct seen *s)
{
	size_t cap = s->cap ? s->cap * 2 : 1024, i, j;
	uint64_t *slot = calloc(cap, sizeof(*slot));

	if (!slot)
		return -1;
	for (i = 0; i < s->cap; i++) {
		if (!s->slot[i])
			continue;
		for (j = s->slot[i] & (cap - 1); slot[j];
		     j = (j + 1) & (cap - 1))
			;
		slot[j] = s->slot[i];
	}
	free(s->slot);
	s->slot = slot;
	s->cap = cap;
	return 0;
}

/* 1 when h was new (and is now in), 0 when seen, -1 out of memory. */
static int seen_add(struct seen *s, uint64_t h)
{
	size_t j;

	if ((s->n + 1) * 2 > s->cap && seen_grow(s) != 0)
		return -1;
	for (j = h & (s->cap - 1); s->slot[j]; j = (j + 1) & (s->cap - 1))
		if (s->slot[j] == h)
			return 0;
	s->slot[j] = h;
	s->n++;
	return 1;
}

json_t *th_ilog_parse_line(const char *line, size_t len, const char **type,
                           json_t **event)
{
	json_t *root;
	void *it;

	while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
		len--;
	if (len < 2 || line[0] != '{')
		return NULL;
	root = json_loadb(line, len, JSON_REJECT_DUPLICATES, NULL);
	if (!json_is_object(root) || json_object_size(root) != 1) {
		json_decref(root);
		return NULL;
	}
	it = json_object_iter(root);
	*type = json_object_iter_key(it);
	*event = json_object_iter_value(it);
	if (!json_is_object(*event)) {
		json_decref(root);
		return NULL;
	}
	return root;
}

int th_ilog_tz_parse(const char *tz, int *minutes)
{
	int sign, h = 0, m = 0, n;

	*minutes = 0;
	if (!tz || !*tz || !strcmp(tz, "UTC") || !strcmp(tz, "Z") ||
	    !strcmp(tz, "GMT"))
		return 0;
	if (!strncmp(tz, "UTC", 3) || !strncmp(tz, "GMT", 3))
		tz += 3;
	if (*tz != '+' && *tz != '-')
		return -1;
	sign = *tz++ == '-' ? -1 : 1;
	n = (int)strspn(tz, "0123456789");
	if (n == 1 || n == 2) {
		h = (int)strtol(tz, NULL, 10);
		tz += n;
		if (*tz == ':' && strspn(tz + 1, "0123456789") == 2 && !tz[3])
			m = (tz[1] - '0') * 10 + (tz[2] - '0');
		else if (*tz)
			return -1;
	} else if (n == 4 && !tz[4]) {
		h = (tz[0] - '0') * 10 + (tz[1] - '0');
		m = (tz[2] - '0') * 10 + (tz[3] - '0');
	} else {
		return -1;
	}
	if (h > 14 || m > 59)
		return -1;
	*minutes = sign * (h * 60 + m);
	return 0;
}

int64_t th_ilogs_time(const struct th_ilogs *il, const json_t *event)
{
	const json_t *v = json_object_get(event, "event_time");
	const char *s;
	int64_t t;

	if (json_is_integer(v))
		return th_time_from_android_ms((int64_t)json_integer_value(v));
	if (json_is_real(v))
		return th_time_from_android_ms((int64_t)json_real_value(v));
	if (!(s = json_string_value(v)))
		return TH_TIME_NONE;
	if (strspn(s, "0123456789") == strlen(s) && *s && strlen(s) < 19)
		return th_time_from_android_ms(strtoll(s, NULL, 10));
	/* A device-local wall-clock time. */
	t = th_time_parse(s);
	if (t == TH_TIME_NONE)
		return t;
	return t - (int64_t)(il ? il->tz_minutes : 0) * 60 * 1000000;
}

static void on_line(struct walk *w, const char *line, size_t len,
                    const char *file)
{
	const char *type;
	json_t *event, *root = th_ilog_parse_line(line, len, &type, &event);
	uint64_t h = 1469598103934665603ull;
	int fresh = -1;

	if (!root) {
		w->bad += strspn(line, " \t\r\n") != len;
		return;
	}
	if (strcmp(type, w->type) != 0) {
		json_decref(root);
		return;
	}
	/* The same event in two files prints the same once keys are
	 * sorted. jansson fails the dump when it cannot allocate. */
	if (json_dump_callback(root, hash_dump, &h,
	                       JSON_SORT_KEYS | JSON_COMPACT) == 0)
		fresh = seen_add(&w->seen, h ? h : 1);
	if (fresh < 0) {
		w->stop = 1;
		th_err_set(w->err, TH_ERR_NOMEM,
		           "cannot read '%s': out of memory", file);
	} else if (w->seen.n > TH_ILOG_EVENTS_MAX) {
		w->stop = 1;
		th_err_set(w->err, TH_ERR_LIMIT,
		           "too many intrusion-log events");
	} else if (fresh) {
		w->stop = w->fn(w->ctx, event, file);
	}
	json_decref(root);
}

static void read_text(struct walk *w, const char *local, const char *file)
{
	FILE *f = fopen(local, "r");
	struct th_buf line;
	int too_long, r = 0;

	/* An unreadable file is one bad file; memory stops the walk. */
	if (!f && errno == ENOMEM) {
		w->stop = 1;
		th_err_errno(w->err, errno, "cannot read '%s'", file);
	}
	if (!f)
		return;
	th_buf_init(&line, TH_ILOG_LINE_MAX);
	while (!w->stop && (r = th_ndjson_getline(f, &line, TH_ILOG_LINE_MAX,
	                                          &too_long)) > 0) {
		if (too_long)
			w->bad++;
		else
			on_line(w, th_buf_str(&line), line.len, file);
	}
	if (r < 0) {
		w->stop = 1;
		th_err_set(w->err, TH_ERR_NOMEM,
		           "cannot read '%s': out of memory", file);
	}
	th_buf_free(&line);
	fclose(f);
}

static enum th_status walk_afs(struct walk *w, struct th_afs *a,
                               const char *prefix, int depth);

static enum th_status walk_member(struct walk *w, struct th_afs *a, size_t i,
                                  int depth)
{
	const struct th_afs_member *m = th_afs_at(a, i);
	struct th_afs *inner = NULL;
	enum th_status st;
	char *local = NULL;
	int temp = 0, is_zip;
	size_t len = strlen(m->name);

	is_zip = len > 4 && !strcmp(m->name + len - 4, ".zip");
	if (!(len > 4 && !strcmp(m->name + len - 4, ".txt")) && !is_zip)
		return TH_OK;
	if (is_zip && depth >= TH_ILOG_NEST_MAX) {
		w->bad++;
		return TH_OK;
	}
	st = th_afs_local(a, i, &local, &temp, w->err);
	if (st != TH_OK)
		return st;
	if (!is_zip)
		read_text(w, local, m->name);
	else if ((st = th_afs_open(local, &inner, w->err)) == TH_OK) {
		th_afs_inherit(inner, a);
		st = walk_afs(w, inner, "", depth + 1);
	} else if (st != TH_ERR_NOMEM) {
		st = TH_OK;
		w->bad++; /* a damaged nested zip: the others still count */
	}
	th_afs_free(inner);
	if (temp)
		unlink(local);
	free(local);
	return st;
}

static enum th_status walk_afs(struct walk *w, struct th_afs *a,
                               const char *prefix, int depth)
{
	const struct th_afs_member *m;
	enum th_status st = TH_OK;
	size_t i, plen = strlen(prefix);

	for (i = 0; st == TH_OK && !w->stop && (m = th_afs_at(a, i)); i++)
		if (strncmp(m->name, prefix, plen) == 0)
			st = walk_member(w, a, i, depth);
	return st;
}

enum th_status th_ilogs_each(struct th_ilogs *il, const char *type,
                             int (*fn)(void *ctx, json_t *event,
                                       const char *file),
                             void *ctx, size_t *bad, struct th_err *err)
{
	struct walk w = {il, type, fn, ctx, 0, {0}, 0, err};
	enum th_status st;

	th_err_clear(err);
	st = walk_afs(&w, il->afs, il->prefix, 0);
	free(w.seen.slot);
	if (bad)
		*bad = w.bad;
	if (st == TH_OK && err->status != TH_OK)
		st = err->status;
	return st;
}

enum th_status th_ilogs_new(struct th_afs *afs, int own, const char *prefix,
                            const char *tz, struct th_ilogs **out,
                            struct th_err *err)
{
	struct th_ilogs *il;

	*out = NULL;
	il = calloc(1, sizeof(*il));
	if (!il || !(il->prefix = strdup(prefix))) {
		free(il);
		if (own)
			th_afs_free(afs);
		return th_err_set(err, TH_ERR_NOMEM, "out of memory");
	}
	il->afs = afs;
	il->own = own;
	if (th_ilog_tz_parse(tz, &il->tz_minutes) != 0) {
		th_ilogs_free(il);
		return th_err_set(err, TH_ERR_USAGE,
		                  "unknown timezone '%s' (use UTC, +HH:MM or "
		                  "-HHMM)",
		                  tz);
	}
	*out = il;
	return TH_OK;
}

void th_ilogs_free(struct th_ilogs *il)
{
	if (!il)
		return;
	if (il->own)
		th_afs_free(il->afs);
	free(il->prefix);
	free(il);
}

struct th_afs *th_ilogs_afs(const struct th_ilogs *il)
{
	return il->afs;
}
