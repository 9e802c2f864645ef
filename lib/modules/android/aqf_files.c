/* aqf_files: androidqf's files.json (a JSON array or JSON lines, up to
 * millions of entries, streamed one at a time): paths and hashes vs
 * indicators, and anything under /data/local/tmp/. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/pool.h"
#include "core/timeconv.h"
#include "formats/ndjson.h"
#include "formats/jsonseq.h"
#include "modules/android/android_modules.h"
#include "modules/android/android_util.h"

#define LOCAL_TMP      "/data/local/tmp/"
#define LINE_MAX_BYTES (1u << 20)
#define BATCH_LINES    8192
#define BATCH_BYTES    ((size_t)16 << 20)

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
 * on this thread. */
struct batch {
	struct th_buf text;
	size_t off[BATCH_LINES + 1];
	json_t *rec[BATCH_LINES];
	size_t n;
};

static void parse_one(void *ctx, size_t i)
{
	struct batch *b = ctx;
	size_t len = b->off[i + 1] - b->off[i] - 1; /* without the NUL */

	b->rec[i] = len > LINE_MAX_BYTES ? NULL
	                                 : json_loadb(b->text.data + b->off[i],
	                                              len, 0, NULL);
}

static void emit_batch(struct files_walk *w, struct batch *b)
{
	size_t i, len;

	th_pool_for(0, b->n, parse_one, b);
	for (i = 0; i < b->n; i++) {
		len = b->off[i + 1] - b->off[i];
		if (!b->rec[i])
			w->bad += strspn(b->text.data + b->off[i], " \t\r\n") <
			          len;
		else if (w->st == TH_OK)
			on_record(w, b->rec[i]);
		json_decref(b->rec[i]);
	}
	th_buf_reset(&b->text);
	b->n = 0;
}

static void read_lines(struct files_walk *w, FILE *f)
{
	struct batch *b = calloc(1, sizeof(*b));
	struct th_buf line;
	int too_long;

	if (!b) {
		w->st = TH_ERR_NOMEM;
		return;
	}
	th_buf_init(&line, LINE_MAX_BYTES);
	th_buf_init(&b->text, BATCH_BYTES + LINE_MAX_BYTES + 1);
	while (w->st == TH_OK &&
	       th_ndjson_getline(f, &line, LINE_MAX_BYTES, &too_long)) {
		if (too_long) {
			w->bad++;
			continue;
		}
		b->off[b->n] = b->text.len;
		/* Each line keeps its NUL so the blank test stays inside. */
		if (th_buf_add(&b->text, th_buf_str(&line), line.len + 1) !=
		    TH_OK) {
			w->st = TH_ERR_NOMEM;
			break;
		}
		b->off[++b->n] = b->text.len;
		if (b->n == BATCH_LINES || b->text.len > BATCH_BYTES)
			emit_batch(w, b);
	}
	if (b->n)
		emit_batch(w, b);
	th_buf_free(&b->text);
	th_buf_free(&line);
	free(b);
}

static int on_file(void *ctx, const struct th_file *file)
{
	struct files_walk *w = ctx;
	struct th_err err = {0};
	FILE *f = fopen(file->local_path, "r");
	int c;

	w->seen = 1;
	if (!f)
		return 0;
	while ((c = fgetc(f)) == ' ' || c == '\n' || c == '\r' || c == '\t')
		;
	if (c == '{') {
		rewind(f);
		read_lines(w, f);
	} else if (th_jsonseq_each(file->local_path, on_record, w, &err) !=
	           TH_OK) {
		th_run_log(w->run, TH_LOG_WARN, "cannot read '%s': %s",
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
