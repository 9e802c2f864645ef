/* whatsapp_contacts: WhatsApp's address book (ContactsV2.sqlite) with
 * each contact's disappearing-messages timer, which ChatStorage does not
 * keep for one-to-one chats. Records and timeline only. */
#include <stdio.h>
#include <string.h>

#include "core/buf.h"
#include "core/jsonutil.h"
#include "modules/ios/evdb.h"
#include "modules/ios/ios_modules.h"

#define TABLE "ZWAADDRESSBOOKCONTACT"

static const struct th_artifact artifacts[] = {
        {.backup_domain = "AppDomainGroup-group.net.whatsapp.WhatsApp.shared",
         .backup_path = "ContactsV2.sqlite",
         .fs_glob = "private/var/mobile/Containers/Shared/AppGroup/*/"
                    "ContactsV2.sqlite"},
        {0},
};

enum kind { STR, DATE, NUM };

/* MVT's record fields and the columns they come from (WhatsApp renames
 * columns across versions: a missing one gives null). */
static const struct field {
	const char *name, *col, *alt;
	enum kind kind;
} fields[] = {
        {"whatsapp_id", "ZWHATSAPPID", NULL, STR},
        {"lid", "ZLID", NULL, STR},
        {"phone_number", "ZPHONENUMBER", NULL, STR},
        {"localized_phone_number", "ZLOCALIZEDPHONENUMBER", NULL, STR},
        {"full_name", "ZFULLNAME", NULL, STR},
        {"given_name", "ZGIVENNAME", NULL, STR},
        {"last_name", "ZLASTNAME", NULL, STR},
        {"user_name", "ZUSERNAME", NULL, STR},
        {"business_name", "ZBUSINESSNAME", NULL, STR},
        {"about_text", "ZABOUTTEXT", NULL, STR},
        {"about_emoji", "ZABOUTEMOJI", NULL, STR},
        {"notes", "ZNOTES", NULL, STR},
        {"disappearing_mode_duration", "ZDISAPPEARINGMODEDURATION", NULL, NUM},
        {"disappearing_mode_timestamp", "ZDISAPPEARINGMODETIMESTAMP", NULL,
         DATE},
        {"about_timestamp", "ZABOUTTIMESTAMP", NULL, DATE},
        {"last_updated", "ZLASTUPDATED", NULL, DATE},
        {"phone_status", "ZPHONESTATUS", "ZPHONENUMBERSTATUS", NUM},
        {"sync_policy", "ZSYNCPOLICY", NULL, NUM},
};

#define NFIELDS  (sizeof(fields) / sizeof(fields[0]))
#define DURATION 12 /* index of disappearing_mode_duration */

struct ctx {
	int has_duration;
	size_t on;
};

static const char *duration_label(double d, char *buf, size_t cap)
{
	static const struct {
		double secs;
		const char *label;
	} known[] = {{86400, "24 hours"},
	             {604800, "7 days"},
	             {1209600, "14 days"},
	             {2592000, "30 days"},
	             {7776000, "90 days"}};
	size_t i;

	if (d == 0)
		return "off";
	for (i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (d == known[i].secs)
			return known[i].label;
	snprintf(buf, cap, "%lld seconds", (long long)d);
	return buf;
}

/* CoreData keeps some strings as UTF-8 blobs: read them as text. */
static json_t *field_value(sqlite3_stmt *stmt, int i, enum kind kind)
{
	if (sqlite3_column_type(stmt, i) == SQLITE_NULL)
		return json_null();
	if (kind == DATE)
		return th_json_time(th_evdb_cocoa(stmt, i));
	if (kind == STR)
		return th_json_stringn(
		        (const char *)sqlite3_column_text(stmt, i),
		        (size_t)sqlite3_column_bytes(stmt, i));
	return th_evdb_value(stmt, i);
}

static void add_duration(struct ctx *c, json_t *rec, sqlite3_stmt *stmt)
{
	double d = sqlite3_column_double(stmt, 1 + DURATION);
	char buf[64];

	if (!c->has_duration) {
		th_json_set_new(rec, "disappearing_mode_is_on", json_null());
		th_json_set_new(rec, "disappearing_mode_label", json_null());
		return;
	}
	c->on += d != 0;
	th_json_set_new(rec, "disappearing_mode_is_on", json_boolean(d != 0));
	th_json_set_new(rec, "disappearing_mode_label",
	                json_string(duration_label(d, buf, sizeof(buf))));
}

static void emit_event(struct th_run *run, const json_t *rec)
{
	const char *contact = th_rec_str(rec, "whatsapp_id"),
	           *name = th_rec_str(rec, "full_name");
	int64_t t = th_rec_time(rec, "disappearing_mode_timestamp");
	char desc[4096];

	if (!contact)
		contact = th_rec_str(rec, "lid");
	if (!contact)
		contact = th_rec_str(rec, "phone_number");
	snprintf(
	        desc, sizeof(desc),
	        "WhatsApp disappearing messages timer set to '%s' for %s%s%s%s",
	        th_rec_str(rec, "disappearing_mode_label")
	                ? th_rec_str(rec, "disappearing_mode_label")
	                : "None",
	        contact ? contact : "unknown", name ? " (" : "",
	        name ? name : "", name ? ")" : "");
	th_run_event(run, t, "disappearing_mode_set", desc);
}

static enum th_status fill(struct th_run *run, sqlite3_stmt *stmt, json_t *rec,
                           void *arg)
{
	size_t i;

	th_json_set_new(rec, "row_pk", th_evdb_value(stmt, 0));
	for (i = 0; i < NFIELDS; i++)
		th_json_set_new(rec, fields[i].name,
		                field_value(stmt, (int)i + 1, fields[i].kind));
	add_duration(arg, rec, stmt);
	emit_event(run, rec);
	return TH_OK;
}

static enum th_status build_sql(sqlite3 *db, struct th_buf *sql)
{
	enum th_status st = th_buf_adds(sql, "SELECT Z_PK");
	const char *col;
	size_t i;
	int has;

	for (i = 0; st == TH_OK && i < NFIELDS; i++) {
		col = fields[i].col;
		has = fields[i].alt ? th_sqlite_has_column(db, TABLE, col) : 1;
		if (has < 0) /* SQLite could not look */
			return TH_ERR_NOMEM;
		if (!has)
			col = fields[i].alt;
		st = th_evdb_col(sql, db, TABLE, col, fields[i].name, 1);
	}
	if (st == TH_OK)
		st = th_buf_adds(sql, " FROM " TABLE " ORDER BY Z_PK");
	return st;
}

static const struct th_evdb_need need[] = {{.table = TABLE, .column = "Z_PK"},
                                           {0}};

static const struct th_evdb_select contacts = {
        .need = need,
        .missing = TABLE " table",
        .build = build_sql,
        .fill = fill,
};

static enum th_status read_db(struct th_run *run, struct th_sqlite *db,
                              const struct th_file *file, void *arg)
{
	struct ctx c = {0};
	enum th_status st;
	int has;

	(void)arg;
	has = th_sqlite_has_column(db->db, TABLE, "Z_PK");
	if (has > 0)
		c.has_duration = th_sqlite_has_column(db->db, TABLE,
		                                      fields[DURATION].col);
	if (has < 0 || c.has_duration < 0)
		return th_run_warn(run, TH_ERR_NOMEM, "cannot read '%s': %s",
		                   file->name, "out of memory");
	if (!has) {
		th_run_log(run, TH_LOG_DEBUG, "%s: no " TABLE " table",
		           file->name);
		return TH_OK;
	}
	if (!c.has_duration)
		th_run_log(run, TH_LOG_WARN,
		           "%s: no %s column: disappearing messages state is "
		           "unknown",
		           file->name, fields[DURATION].col);
	st = th_evdb_select(run, db, file, &contacts, &c);
	th_run_log(run, TH_LOG_INFO,
	           "%s: %zu contacts with disappearing messages on", file->name,
	           c.on);
	return st;
}

static enum th_status whatsapp_contacts_run(struct th_run *run)
{
	return th_evdb_each(run, artifacts, "WhatsApp ContactsV2.sqlite",
	                    read_db, NULL);
}

const struct th_module th_mod_whatsapp_contacts = {
        .slug = "whatsapp_contacts",
        .title = "WhatsApp contacts and disappearing-message timers",
        .sources = TH_SRC_IOS_BACKUP | TH_SRC_IOS_FS,
        .shape = TH_RECORDS_LIST,
        .run = whatsapp_contacts_run,
        .check = NULL,
        .artifacts = artifacts,
};
