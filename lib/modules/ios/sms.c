/* sms: every message of sms.db (SMS and iMessage) with the links in its
 * text; Apple's threat notifications and links to indicators alert. */
#include <stdio.h>
#include <string.h>

#include "core/buf.h"
#include "core/jsonutil.h"
#include "modules/ios/evdb.h"
#include "modules/ios/ios_modules.h"

/* Apple's threat-notification texts (2021 and 2024 wordings). */
static const char *const threat_texts[] = {
        "ALERT: State-sponsored attackers may be targeting your iPhone",
        "ALERT: Apple detected a targeted mercenary spyware attack against "
        "your iPhone",
};

const struct th_artifact th_art_sms_db[] = {
        {.backup_domain = "HomeDomain",
         .backup_path = "Library/SMS/sms.db",
         .fs_glob = "private/var/mobile/Library/SMS/sms.db"},
        {0},
};

/* Python's str() of a JSON value, as MVT's descriptions show it. */
static const char *py_str(const json_t *rec, const char *key, char *tmp,
                          size_t cap)
{
	const json_t *v = json_object_get(rec, key);

	if (json_is_string(v))
		return json_string_value(v);
	if (json_is_integer(v)) {
		snprintf(tmp, cap, "%lld", (long long)json_integer_value(v));
		return tmp;
	}
	return "None";
}

/* MVT's sms_received / sms_read events (built with plain appends: this
 * runs for every message of a large sms.db). */
static void emit_events(struct th_run *run, const json_t *rec, int64_t t,
                        int64_t t_read)
{
	char a[32], b[32], c[32], d[32];
	struct th_buf desc;

	th_buf_init(&desc, 64 * 1024);
	th_buf_adds(&desc, py_str(rec, "service", a, 32));
	th_buf_adds(&desc, ": ");
	th_buf_adds(&desc, py_str(rec, "guid", b, 32));
	th_buf_adds(&desc, " \"");
	th_text_add_escaped(&desc, th_rec_str(rec, "text"));
	th_buf_adds(&desc, "\" from ");
	th_buf_adds(&desc, py_str(rec, "phone_number", c, 32));
	th_buf_adds(&desc, " (");
	th_buf_adds(&desc, py_str(rec, "account", d, 32));
	th_buf_adds(&desc, ")");
	th_run_event(run, t, "sms_received", th_buf_str(&desc));
	if (t_read != TH_TIME_NONE)
		th_run_event(run, t_read, "sms_read", th_buf_str(&desc));
	th_buf_free(&desc);
}

static int64_t num_time(const json_t *rec, const char *key)
{
	const json_t *v = json_object_get(rec, key);

	return json_is_number(v) ? th_evtime_cocoa(json_number_value(v))
	                         : TH_TIME_NONE;
}

/* Adds MVT's derived fields to a row of message.*. */
static void finish(struct th_run *run, json_t *rec)
{
	int64_t t = num_time(rec, "date"), t_read = num_time(rec, "date_read");
	const char *text = th_rec_str(rec, "text");
	json_t *links = json_array();
	char source[64];

	th_json_set_new(rec, "isodate", th_json_time(t));
	th_json_set_new(rec, "isodate_read", th_json_time(t_read));
	th_json_set_new(rec, "direction",
	                json_string(json_integer_value(json_object_get(
	                                    rec, "is_from_me")) == 1
	                                    ? "sent"
	                                    : "received"));
	if (!text)
		th_json_set_new(rec, "text", json_string(""));
	text = th_rec_str(rec, "text");
	th_links_collect(text, strlen(text), links, NULL);
	if (json_array_size(links)) {
		snprintf(source, sizeof(source), "sms %lld",
		         (long long)json_integer_value(
		                 json_object_get(rec, "ROWID")));
		th_links_record(run, links, t, source);
	}
	th_json_set_new(rec, "links", links);
	emit_events(run, rec, t, t_read);
}

static enum th_status build_sql(sqlite3 *db, struct th_buf *sql)
{
	int handle = th_sqlite_has_column(db, "handle", "id");

	if (handle < 0) /* SQLite could not look */
		return TH_ERR_NOMEM;
	return th_buf_adds(
	        sql, handle ? "SELECT message.*, handle.id AS phone_number "
	                      "FROM message LEFT JOIN handle ON "
	                      "handle.ROWID = message.handle_id ORDER BY "
	                      "message.ROWID"
	                    : "SELECT message.*, NULL AS phone_number FROM "
	                      "message ORDER BY message.ROWID");
}

static const struct th_evdb_need need[] = {{.table = "message"}, {0}};

static const struct th_evdb_select messages = {
        .need = need,
        .missing = "message table",
        .build = build_sql,
        .finish = finish,
};

static enum th_status sms_run(struct th_run *run)
{
	return th_evdb_each_select(run, th_art_sms_db, "sms.db", &messages);
}

static void sms_check(struct th_run *run, const json_t *rec)
{
	const char *text = th_rec_str(rec, "text");
	int64_t t = th_rec_time(rec, "isodate");
	const json_t *links = json_object_get(rec, "links");
	json_t *found = NULL;
	size_t i;

	for (i = 0; text && i < sizeof(threat_texts) / sizeof(*threat_texts);
	     i++)
		if (strstr(text, threat_texts[i]))
			th_run_alert(run, TH_LEVEL_HIGH, t, rec, NULL,
			             threat_texts[i],
			             "Apple's threat notification received: "
			             "\"%s\"",
			             threat_texts[i]);
	if (!th_run_iocs(run))
		return;
	/* Records from other tools may lack "links": look at the text. */
	if (!json_array_size(links) && text) {
		found = json_array();
		th_links_collect(text, strlen(text), found, NULL);
		links = found;
	}
	th_links_check(run, links, TH_LEVEL_CRITICAL, t, rec);
	json_decref(found);
}

const struct th_module th_mod_sms = {
        .slug = "sms",
        .title = "SMS and iMessage messages, with the links they carry",
        .sources = TH_SRC_IOS_BACKUP | TH_SRC_IOS_FS,
        .shape = TH_RECORDS_LIST,
        .run = sms_run,
        .check = sms_check,
        .artifacts = th_art_sms_db,
};
