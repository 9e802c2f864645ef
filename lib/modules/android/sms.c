/* sms (Android backups): the SMS and MMS of the telephony provider's
 * backup files, zlib-compressed JSON arrays; links in bodies are
 * checked against indicators. Slug and record shape as MVT's. */
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "core/buf.h"
#include "core/jsonutil.h"
#include "core/timeconv.h"
#include "modules/android/android_modules.h"
#include "modules/android/android_util.h"

#define SMS_GLOB  "apps/com.android.providers.telephony/d_f/*_[sm]ms_backup"
#define FILE_MAX  ((size_t)256 << 20)
#define JSON_MAX  ((size_t)1 << 30)
#define LINKS_MAX 256

/* Inflates a zlib stream into a malloc'ed buffer of at most max bytes. */
static enum th_status inflate_all(const char *in, size_t len, size_t max,
                                  char **out, size_t *out_len)
{
	unsigned char chunk[65536];
	enum th_status st = TH_OK;
	struct th_buf b;
	z_stream z = {0};
	int zr = Z_OK;

	if (inflateInit(&z) != Z_OK)
		return TH_ERR_NOMEM;
	th_buf_init(&b, max);
	z.next_in = (unsigned char *)in;
	z.avail_in = (uInt)(len > UINT32_MAX ? UINT32_MAX : len);
	while (zr == Z_OK && st == TH_OK) {
		z.next_out = chunk;
		z.avail_out = sizeof(chunk);
		zr = inflate(&z, Z_NO_FLUSH);
		/* Past max: TH_ERR_LIMIT; a failed growth: TH_ERR_NOMEM. */
		if (zr == Z_OK || zr == Z_STREAM_END)
			st = th_buf_add(&b, chunk, sizeof(chunk) - z.avail_out);
		if (zr == Z_OK && z.avail_in == 0 && z.avail_out != 0)
			zr = Z_DATA_ERROR; /* truncated */
	}
	inflateEnd(&z);
	if (st == TH_OK && zr == Z_MEM_ERROR)
		st = TH_ERR_NOMEM;
	else if (st == TH_OK && zr != Z_STREAM_END)
		st = TH_ERR_FORMAT;
	if (st != TH_OK) {
		th_buf_free(&b);
		return st;
	}
	*out = th_buf_take(&b, out_len);
	return *out ? TH_OK : TH_ERR_NOMEM;
}

static int add_link(void *ctx, const char *url, size_t len)
{
	json_t *links = ctx;

	if (json_array_size(links) >= LINKS_MAX)
		return 1;
	return th_json_append_new(links, th_json_stringn(url, len)) != 0;
}

/* MVT's shape: mms_body becomes body; isodate, direction and links
 * (when the body has links or is blank) are added. */
static void shape(json_t *e)
{
	json_t *mb = json_object_get(e, "mms_body"), *links;
	const char *body;
	int64_t ms = th_jint(e, "date", -1);

	if (mb && json_object_set(e, "body", mb) != 0)
		th_json_nomem_note();
	else if (mb)
		json_object_del(e, "mms_body");
	th_jset(e, "isodate",
	        th_json_time(ms < 0 ? TH_TIME_NONE
	                            : th_time_from_android_ms(ms)));
	th_jset(e, "direction",
	        json_string(th_jint(e, "date_sent", 0) ? "sent" : "received"));
	if (!(body = th_jstr(e, "body")))
		return;
	if (!(links = json_array())) {
		th_json_nomem_note();
		return;
	}
	th_text_each_url(body, strlen(body), add_link, links);
	if (json_array_size(links) || strspn(body, " \t\r\n") == strlen(body))
		th_jset(e, "links", links);
	else
		json_decref(links);
}

struct sms_walk {
	struct th_run *run;
	enum th_status st;
	size_t bad;
};

static void emit(struct sms_walk *w, json_t *e, const char *file)
{
	const char *body = th_jstr(e, "body"), *addr = th_jstr(e, "address");
	const char *dir = th_jstr(e, "direction"); /* NULL: shape() failed */
	json_t *links = json_object_get(e, "links"), *l;
	int64_t t = th_jtime(e, "isodate");
	char desc[1024];
	size_t i;

	snprintf(desc, sizeof(desc), "%s: %s", addr ? addr : "",
	         body ? body : "");
	th_run_event(w->run, t,
	             dir && !strcmp(dir, "sent") ? "sms_sent" : "sms_received",
	             desc);
	json_array_foreach(links, i, l)
	        th_run_url(w->run, json_string_value(l), t, file);
	w->st = th_run_record(w->run, json_incref(e));
}

static int on_file(void *ctx, const char *name, char *data, size_t len)
{
	struct sms_walk *w = ctx;
	json_t *arr, *e;
	char *plain = NULL;
	size_t plen = 0, i;
	enum th_status st = inflate_all(data, len, JSON_MAX, &plain, &plen);

	if (st != TH_OK) {
		th_run_warn(w->run, st, "cannot read '%s': %s", name,
		            st == TH_ERR_FORMAT ? "not a zlib stream"
		                                : th_status_str(st));
		w->bad++;
		return 0;
	}
	arr = json_loadb(plain, plen, JSON_REJECT_DUPLICATES, NULL);
	free(plain);
	if (!json_is_array(arr)) {
		th_run_log(w->run, TH_LOG_WARN,
		           "cannot read '%s': not a JSON array", name);
		w->bad++;
		json_decref(arr);
		return 0;
	}
	json_array_foreach(arr, i, e)
	{
		if (!json_is_object(e) || w->st != TH_OK)
			continue;
		shape(e);
		emit(w, e, name);
	}
	json_decref(arr);
	return w->st != TH_OK;
}

static enum th_status sms_run(struct th_run *run)
{
	struct sms_walk w = {.run = run, .st = TH_OK};
	enum th_status st;

	st = th_android_each(run, SMS_GLOB, FILE_MAX, on_file, &w);
	return st != TH_OK ? st : w.st;
}

static void sms_check(struct th_run *run, const json_t *rec)
{
	json_t *links = json_object_get(rec, "links"), *l;
	int64_t t = th_jtime(rec, "isodate");
	size_t i;

	json_array_foreach(links, i, l)
	        th_run_check(run, TH_MATCH_URL, json_string_value(l),
	                     TH_LEVEL_CRITICAL, t, rec);
}

static const struct th_artifact sms_artifacts[] = {
        {.android_glob = SMS_GLOB},
        {0},
};

const struct th_module th_mod_android_sms = {
        .slug = "sms",
        .title = "SMS and MMS in an Android backup",
        .sources = TH_SRC_ANDROID_BACKUP,
        .shape = TH_RECORDS_LIST,
        .run = sms_run,
        .check = sms_check,
        .artifacts = sms_artifacts,
};
