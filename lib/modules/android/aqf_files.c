/* aqf_files: androidqf's files.json (a JSON array or JSON lines, up to
 * millions of entries, streamed one at a time): paths and hashes vs
 * indicators, and anything under /data/local/tmp/. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>

#include "core/buf.h"
#include "core/pool.h"
#include "core/timeconv.h"
#include "formats/flatjson.h"
#include "formats/jsonseq.h"
#include "formats/ndjson.h"
#include "modules/android/android_modules.h"
#include "modules/android/android_util.h"

#define LOCAL_TMP      "/data/local/tmp/"
#define LINE_MAX_BYTES (1u << 20)
#define BATCH_LINES    8192
#define BATCH_BYTES    ((size_t)16 << 20)
#define VALUE_MAX      4096
#define FAST_RUN       512 /* records a write */

/* "-rwxr-x---" or a number: whether anyone may execute it. */
static int executable(const json_t *mode)
{
	const char *s = json_string_value(mode);

	if (json_is_integer(mode))
		return (json_integer_value(mode) & 0111) != 0;
	if (!s || strlen(s) < 10)
		return 0;
	return s[3] == 'x' || s[6] == 'x' || s[9] == 'x' || s[3] == 's' ||
	       s[6] == 's' || s[9] == 't';
}

static int64_t file_time(const json_t *rec)
{
	int64_t s = th_jint(rec, "modified_time", -1);

	return s < 0 ? TH_TIME_NONE : th_time_from_unix((double)s);
}

static void files_check(struct th_run *run, const json_t *rec)
{
	static const char *const hashes[] = {"sha256", "sha1", "md5"};
	const char *path = th_jstr(rec, "path");
	int64_t t = file_time(rec);
	size_t i;

	if (!path)
		return;
	th_run_check(run, TH_MATCH_FILE_PATH, path, TH_LEVEL_HIGH, t, rec);
	for (i = 0; i < 3; i++) {
		const char *h = th_jstr(rec, hashes[i]);

		if (h && *h)
			th_run_check(run, TH_MATCH_HASH, h, TH_LEVEL_CRITICAL,
			             t, rec);
	}
	if (strncmp(path, LOCAL_TMP, strlen(LOCAL_TMP)) == 0)
		th_run_alert(run, TH_LEVEL_HIGH, t, rec, NULL, path,
		             "%sfile '%s' in /data/local/tmp/",
		             executable(json_object_get(rec, "mode"))
		                     ? "executable "
		                     : "",
		             path);
}

struct files_walk {
	struct th_run *run;
	enum th_status st;
	size_t bad;
	int seen;
};

static int on_record(void *ctx, const json_t *rec)
{
	struct files_walk *w = ctx;
	const char *path = th_jstr(rec, "path");

	if (!json_is_object(rec) || !path) {
		w->bad++;
		return 0;
	}
	th_run_event(w->run, file_time(rec), "file_modified", path);
	w->st = th_run_record(w->run, json_incref((json_t *)rec));
	return w->st != TH_OK;
}

/* JSON lines are parsed a batch at a time on every core (parsing is
 * most of the cost of a million-entry listing), then emitted in order
 * on this thread. A line that is a flat object raising nothing (nearly
 * all of them) is written as its record text by th_flatjson on the
 * workers, with no json_t; any other line goes through jansson and the
 * module's check, as before. */
struct fast_line {
	int ok;
	size_t text_len; /* the record's text at the line's region */
	size_t path_off; /* then the path, NUL-terminated */
	int64_t t;
};

/* What the two batches share; only one batch's task uses it at a time. */
struct reader {
	FILE *f;
	struct th_buf line;
	const struct th_iocs *iocs;
};

struct batch {
	struct reader *rd;
	struct th_buf text;
	size_t off[BATCH_LINES + 1];
	json_t *rec[BATCH_LINES];
	struct fast_line fast[BATCH_LINES];
	size_t out_off[BATCH_LINES + 1]; /* each line's region in out */
	char *out;
	size_t out_cap;
	size_t n;
	size_t bad;        /* lines too long, dropped while reading */
	enum th_status st; /* of reading and planning */
};

/* th_iocs_match wants a C string; a value longer than any path or hash
 * counts as a possible hit and goes the slow way. */
static int hits(const struct th_iocs *iocs, enum th_match_type type,
                const struct th_flatjson_field *f)
{
	char v[VALUE_MAX];

	if (f->type != TH_FLATJSON_STRING || f->val_len == 0)
		return 0;
	if (f->val_len >= sizeof(v))
		return 1;
	memcpy(v, f->val, f->val_len);
	v[f->val_len] = '\0';
	return th_iocs_match(iocs, type, v) != NULL;
}

/* Whether files_check could raise anything for this entry. */
static int may_alert(const struct th_iocs *iocs, const struct th_flatjson *o,
                     const struct th_flatjson_field *path)
{
	static const char *const hashes[] = {"sha256", "sha1", "md5"};
	const struct th_flatjson_field *h;
	size_t i;

	if (path->val_len >= strlen(LOCAL_TMP) &&
	    memcmp(path->val, LOCAL_TMP, strlen(LOCAL_TMP)) == 0)
		return 1;
	if (!iocs)
		return 0;
	if (hits(iocs, TH_MATCH_FILE_PATH, path))
		return 1;
	for (i = 0; i < 3; i++)
		if ((h = th_flatjson_get(o, hashes[i])) &&
		    hits(iocs, TH_MATCH_HASH, h))
			return 1;
	return 0;
}

/* Writes line i's record and path into its region when it is a flat
 * object with a string path, an integer modified_time (or none) and
 * nothing to alert on. Anything else is left to jansson. */
static enum th_status fast_parse(struct batch *b, size_t i, const char *line,
                                 size_t len)
{
	struct th_flatjson o;
	const struct th_flatjson_field *path, *mt;
	struct fast_line *fl = &b->fast[i];
	char *out = b->out + b->out_off[i];
	size_t cap = b->out_off[i + 1] - b->out_off[i];
	int64_t s = -1;

	if (th_flatjson_parse(line, len, &o) != TH_OK)
		return TH_ERR_FORMAT;
	path = th_flatjson_get(&o, "path");
	mt = th_flatjson_get(&o, "modified_time");
	if (!path || path->type != TH_FLATJSON_STRING ||
	    (mt && mt->type == TH_FLATJSON_STRING) ||
	    may_alert(b->rd->iocs, &o, path))
		return TH_ERR_FORMAT;
	if (th_flatjson_dump(&o, out, cap, &fl->text_len) != TH_OK ||
	    cap - fl->text_len <= path->val_len)
		return TH_ERR_LIMIT;
	fl->path_off = fl->text_len;
	memcpy(out + fl->path_off, path->val, path->val_len);
	out[fl->path_off + path->val_len] = '\0';
	th_flatjson_int(mt, &s); /* true, false, null: no time */
	fl->t = s < 0 ? TH_TIME_NONE : th_time_from_unix((double)s);
	return TH_OK;
}

static void parse_one(void *ctx, size_t i)
{
	struct batch *b = ctx;
	const char *line = b->text.data + b->off[i];
	size_t len = b->off[i + 1] - b->off[i] - 1; /* without the NUL */

	b->rec[i] = NULL;
	b->fast[i].ok = fast_parse(b, i, line, len) == TH_OK;
	if (!b->fast[i].ok && len <= LINE_MAX_BYTES)
		b->rec[i] = json_loadb(line, len, 0, NULL);
}

/* Gives each line a region for its record text and path. */
static enum th_status plan_regions(struct batch *b)
{
	size_t i, len, cap;
	char *p;

	b->out_off[0] = 0;
	for (i = 0; i < b->n; i++) {
		len = b->off[i + 1] - b->off[i];
		b->out_off[i + 1] =
		        b->out_off[i] + th_flatjson_dump_max(len) + len;
	}
	if (b->out_off[b->n] <= b->out_cap)
		return TH_OK;
	cap = b->out_off[b->n];
	p = malloc(cap); /* nothing to keep: no realloc copy */
	if (!p)
		return TH_ERR_NOMEM;
	free(b->out);
	b->out = p;
	b->out_cap = cap;
	return TH_OK;
}

/* Emits the fast lines from i on (at most FAST_RUN): their events,
 * then their records in one write. Returns how many. */
static size_t emit_fast(struct files_walk *w, const struct batch *b, size_t i)
{
	struct iovec recs[FAST_RUN];
	const struct fast_line *fl;
	size_t n = 0;
	char *out;

	for (; i < b->n && b->fast[i].ok && n < FAST_RUN; i++) {
		fl = &b->fast[i];
		out = b->out + b->out_off[i];
		th_run_event(w->run, fl->t, "file_modified",
		             out + fl->path_off);
		recs[n++] = (struct iovec){out, fl->text_len};
	}
	w->st = th_run_record_texts(w->run, recs, n);
	return n;
}

/* Emits a parsed batch in order, then empties it. */
static void emit_batch(struct files_walk *w, struct batch *b)
{
	size_t i = 0, len;

	while (i < b->n) {
		len = b->off[i + 1] - b->off[i];
		if (b->fast[i].ok) {
			i += w->st == TH_OK ? emit_fast(w, b, i) : 1;
			continue;
		}
		if (!b->rec[i])
			w->bad += strspn(b->text.data + b->off[i], " \t\r\n") <
			          len;
		else if (w->st == TH_OK)
			on_record(w, b->rec[i]);
		json_decref(b->rec[i++]);
	}
	th_buf_reset(&b->text);
	b->n = 0;
}

/* Reads lines into b until it is full or the file ends. */
static void fill_batch(struct batch *b)
{
	struct th_buf *line = &b->rd->line;
	int too_long, r = 0;

	while (b->n < BATCH_LINES && b->text.len <= BATCH_BYTES &&
	       (r = th_ndjson_getline(b->rd->f, line, LINE_MAX_BYTES,
	                              &too_long)) > 0) {
		if (too_long) {
			b->bad++;
			continue;
		}
		b->off[b->n] = b->text.len;
		/* Each line keeps its NUL so the blank test stays inside. */
		if (th_buf_add(&b->text, th_buf_str(line), line->len + 1) !=
		    TH_OK) {
			b->st = TH_ERR_NOMEM;
			break;
		}
		b->off[++b->n] = b->text.len;
	}
	if (r < 0)
		b->st = TH_ERR_NOMEM;
}

/* The background task: the next batch, read and then parsed on every
 * core. An empty batch (b->n == 0) is the end of the file. */
static void fill_and_parse(void *ctx)
{
	struct batch *b = ctx;

	b->bad = 0;
	b->st = TH_OK;
	fill_batch(b);
	if (b->n && plan_regions(b) != TH_OK) {
		b->st = TH_ERR_NOMEM;
		b->n = 0; /* nothing parsed: nothing to free */
	}
	if (b->n)
		th_pool_for(0, b->n, parse_one, b);
}

static struct batch *batch_new(struct reader *rd)
{
	struct batch *b = calloc(1, sizeof(*b));

	if (!b)
		return NULL;
	b->rd = rd;
	th_buf_init(&b->text, BATCH_BYTES + LINE_MAX_BYTES + 1);
	return b;
}

/* Frees a batch, with the trees of lines parsed but never emitted. */
static void batch_free(struct batch *b)
{
	size_t i;

	if (!b)
		return;
	for (i = 0; i < b->n; i++)
		json_decref(b->rec[i]);
	th_buf_free(&b->text);
	free(b->out);
	free(b);
}

/* Two batches in turn: while a background task reads and parses one,
 * this thread emits the other, so writing the records (the one part
 * that cannot be shared) overlaps everything else. */
static void read_lines(struct files_walk *w, FILE *f)
{
	struct reader rd = {.f = f, .iocs = th_run_iocs(w->run)};
	struct batch *b[2] = {batch_new(&rd), batch_new(&rd)}, *cur;
	struct th_pool_task task = {0};
	int k = 0;

	th_buf_init(&rd.line, LINE_MAX_BYTES);
	if (!b[0] || !b[1])
		w->st = TH_ERR_NOMEM;
	else
		th_pool_start(&task, fill_and_parse, b[0]);
	while (w->st == TH_OK) {
		th_pool_wait(&task);
		cur = b[k];
		w->bad += cur->bad;
		if (cur->st != TH_OK)
			w->st = cur->st;
		if (!cur->n || w->st != TH_OK)
			break;
		th_pool_start(&task, fill_and_parse, b[!k]);
		emit_batch(w, cur);
		k = !k;
	}
	th_pool_wait(&task);
	th_buf_free(&rd.line);
	batch_free(b[0]);
	batch_free(b[1]);
}

static int on_file(void *ctx, const struct th_file *file)
{
	struct files_walk *w = ctx;
	struct th_err err = {0};
	FILE *f = fopen(file->local_path, "r");
	int c;

	w->seen = 1;
	if (!f) {
		th_run_warn(w->run, errno == ENOMEM ? TH_ERR_NOMEM : TH_ERR_IO,
		            "cannot read '%s': %s", file->name,
		            strerror(errno));
		return 0;
	}
	while ((c = fgetc(f)) == ' ' || c == '\n' || c == '\r' || c == '\t')
		;
	if (c == '{') {
		rewind(f);
		read_lines(w, f);
	} else if (th_jsonseq_each(file->local_path, on_record, w, &err) !=
	           TH_OK) {
		th_run_warn(w->run, err.status, "cannot read '%s': %s",
		            file->name, err.msg);
	}
	fclose(f);
	return 1;
}

static enum th_status files_run(struct th_run *run)
{
	struct th_artifact art = {.android_glob = "files.json"};
	struct files_walk w = {.run = run, .st = TH_OK};
	struct th_err err = {0};
	enum th_status st;

	st = th_source_find(th_run_source(run), &art, on_file, &w, &err);
	if (st != TH_OK)
		return th_run_fail(run, st, "%s", err.msg);
	if (!w.seen)
		return th_run_fail(run, TH_ERR_NOTFOUND, "no files.json");
	if (w.bad)
		th_run_log(run, TH_LOG_WARN,
		           "files.json: %zu entries are not file objects",
		           w.bad);
	return w.st;
}

static const struct th_artifact files_artifacts[] = {
        {.android_glob = "files.json"},
        {0},
};

const struct th_module th_mod_aqf_files = {
        .slug = "aqf_files",
        .title = "file listing (androidqf files.json)",
        .sources = TH_SRC_ANDROIDQF,
        .shape = TH_RECORDS_LIST,
        .run = files_run,
        .check = files_check,
        .artifacts = files_artifacts,
};
