/* sms_attachments: every attachment row of sms.db with its message's
 * service and sender; file indicators and the /var/tmp/...-1 pattern of
 * zero-click exploits alert. */
#include <stdio.h>
#include <string.h>

#include "core/buf.h"
#include "core/jsonutil.h"
#include "modules/ios/evdb.h"
#include "modules/ios/ios_modules.h"

static int64_t num_time(const json_t *rec, const char *key)
{
	const json_t *v = json_object_get(rec, key);

	return json_is_number(v) ? th_evtime_cocoa(json_number_value(v))
	                         : TH_TIME_NONE;
}

static void set_default(json_t *rec, const char *key, const char *value)
{
	if (!th_rec_str(rec, key))
		th_json_set_new(rec, key, json_string(value));
}

static void emit_event(struct th_run *run, const json_t *rec, int64_t t)
{
	const json_t *bytes = json_object_get(rec, "total_bytes");
	const char *name = th_rec_str(rec, "transfer_name");
	struct th_buf d;

	th_buf_init(&d, 16 * 1024);
	th_buf_printf(
	        &d,
	        "%s: Attachment '%s' %s from %s with %lld bytes "
	        "(is_sticker: %s, has_user_info: %s)",
	        th_rec_str(rec, "service"), name ? name : "None",
	        th_rec_str(rec, "direction"),
	        th_rec_str(rec, "phone_number")
	                ? th_rec_str(rec, "phone_number")
	                : "None",
	        (long long)json_integer_value(bytes),
	        json_integer_value(json_object_get(rec, "is_sticker")) ? "1"
	                                                               : "0",
	        json_is_true(json_object_get(rec, "has_user_info")) ? "True"
	                                                            : "False");
	th_run_event(run, t, "sms_attachment", th_buf_str(&d));
	th_buf_free(&d);
}

/* MVT's derived fields on a row of attachment.*. */
static void finish(struct th_run *run, json_t *rec)
{
	int64_t t = num_time(rec, "created_date");
	int out = json_integer_value(json_object_get(rec, "is_outgoing")) == 1;
	const json_t *ui = json_object_get(rec, "user_info");

	th_json_set_new(rec, "isodate", th_json_time(t));
	th_json_set_new(rec, "start_date",
	                th_json_time(num_time(rec, "start_date")));
	th_json_set_new(rec, "direction",
	                json_string(out ? "sent" : "received"));
	th_json_set_new(rec, "has_user_info",
	                json_boolean(ui && !json_is_null(ui)));
	set_default(rec, "service", "Unknown");
	set_default(rec, "filename", "NULL");
	emit_event(run, rec, t);
}

static enum th_status build_sql(sqlite3 *db, struct th_buf *sql)
{
	int maj = th_sqlite_has_table(db, "message_attachment_join"),
	    msg = th_sqlite_has_table(db, "message"), join, handle;
	enum th_status st;

	/* -1: SQLite could not look, which is not "no such table". */
	if (maj < 0 || msg < 0)
		return TH_ERR_NOMEM;
	join = maj && msg;
	handle = join ? th_sqlite_has_column(db, "handle", "id") : 0;
	if (handle < 0)
		return TH_ERR_NOMEM;
	st = th_buf_adds(sql, "SELECT attachment.ROWID AS attachment_id, "
	                      "attachment.*");
	if (st == TH_OK)
		st = join ? th_evdb_col(sql, db, "message", "service",
		                        "service", 1)
		          : th_buf_adds(sql, ", NULL AS service");
	if (st == TH_OK)
		st = th_buf_adds(sql, handle ? ", handle.id AS phone_number"
		                             : ", NULL AS phone_number");
	if (st == TH_OK)
		st = th_buf_adds(sql, " FROM attachment");
	if (st == TH_OK && join)
		st = th_buf_adds(sql, " LEFT JOIN message_attachment_join ON "
		                      "message_attachment_join.attachment_id = "
		                      "attachment.ROWID LEFT JOIN message ON "
		                      "message.ROWID = "
		                      "message_attachment_join.message_id");
	if (st == TH_OK && handle)
		st = th_buf_adds(sql, " LEFT JOIN handle ON handle.ROWID = "
		                      "message.handle_id");
	return st;
}

static const struct th_evdb_need need[] = {{.table = "attachment"}, {0}};

static const struct th_evdb_select attachments = {
        .need = need,
        .missing = "attachment table",
        .build = build_sql,
        .finish = finish,
};

static enum th_status sms_attachments_run(struct th_run *run)
{
	return th_evdb_each_select(run, th_art_sms_db, "sms.db", &attachments);
}

static int ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	return n >= k && memcmp(s + n - k, suffix, k) == 0;
}

static void sms_attachments_check(struct th_run *run, const json_t *rec)
{
	const char *name = th_rec_str(rec, "filename"),
	           *dir = th_rec_str(rec, "direction");
	int64_t t = th_rec_time(rec, "isodate");

	if (!th_rec_check(run, rec, "filename", TH_MATCH_FILE_PATH,
	                  TH_LEVEL_HIGH, t))
		th_rec_check(run, rec, "transfer_name", TH_MATCH_FILE_NAME,
		             TH_LEVEL_HIGH, t);
	if (!name || !dir || strcmp(dir, "received") != 0 ||
	    !ends_with(name, "-1"))
		return;
	if (strncmp(name, "/var/tmp/", 9) == 0 ||
	    strncmp(name, "/private/var/tmp/", 17) == 0)
		th_run_alert(run, TH_LEVEL_MEDIUM, t, rec, NULL, name,
		             "suspicious attachment '%s' received (a trace "
		             "of zero-click iMessage exploits)",
		             name);
}

const struct th_module th_mod_sms_attachments = {
        .slug = "sms_attachments",
        .title = "SMS and iMessage attachments",
        .sources = TH_SRC_IOS_BACKUP | TH_SRC_IOS_FS,
        .shape = TH_RECORDS_LIST,
        .run = sms_attachments_run,
        .check = sms_attachments_check,
        .artifacts = th_art_sms_db,
};
