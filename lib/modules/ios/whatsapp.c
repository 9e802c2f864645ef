/* whatsapp: WhatsApp messages (ChatStorage.sqlite) with the links in
 * their text, previews and media, less WhatsApp's own media host. */
#include <stdio.h>
#include <string.h>

#include "core/buf.h"
#include "core/jsonutil.h"
#include "modules/ios/evdb.h"
#include "modules/ios/ios_modules.h"

static const struct th_artifact artifacts[] = {
        {.backup_domain = "AppDomainGroup-group.net.whatsapp.WhatsApp.shared",
         .backup_path = "ChatStorage.sqlite",
         .fs_glob = "private/var/mobile/Containers/Shared/AppGroup/*/"
                    "ChatStorage.sqlite"},
        {0},
};

/* Where links hide in a message row. */
static const char *const link_fields[] = {"ZTEXT", "ZMATCHEDTEXT", "ZMEDIAURL",
                                          "ZCONTENT1", "ZCONTENT2"};

/* WhatsApp's own media store: every media message links there. */
static const char *const media_hosts[] = {"https://mmg-fna.whatsapp.net/",
                                          "https://mmg.whatsapp.net/", NULL};

static json_t *links_of(const json_t *rec)
{
	json_t *links = json_array();
	const char *s;
	size_t i;

	for (i = 0; links && i < sizeof(link_fields) / sizeof(*link_fields);
	     i++) {
		s = th_rec_str(rec, link_fields[i]);
		if (s)
			th_links_collect(s, strlen(s), links, media_hosts);
	}
	return links;
}

static void emit_event(struct th_run *run, const json_t *rec, int64_t t)
{
	const json_t *links = json_object_get(rec, "links"), *u;
	const char *text = th_rec_str(rec, "ZTEXT"),
	           *from = th_rec_str(rec, "ZFROMJID");
	struct th_buf d;
	size_t i;

	th_buf_init(&d, 64 * 1024);
	th_buf_adds(&d, "'");
	th_text_add_escaped(&d, text);
	th_buf_printf(&d, "' from %s", from ? from : "Unknown");
	json_array_foreach(links, i, u)
	{
		th_buf_adds(&d, i ? ", " : " - Embedded links: ");
		th_buf_adds(&d, json_string_value(u));
	}
	th_run_event(run, t, "message", th_buf_str(&d));
	th_buf_free(&d);
}

/* MVT's derived fields on a row of ZWAMESSAGE.* and its joins. */
static void finish(struct th_run *run, json_t *rec)
{
	char source[64];
	json_t *date;
	int64_t t;

	date = json_object_get(rec, "ZMESSAGEDATE");
	t = json_is_number(date) ? th_evtime_cocoa(json_number_value(date))
	                         : TH_TIME_NONE;
	th_json_set_new(rec, "isodate", th_json_time(t));
	if (!th_rec_str(rec, "ZTEXT"))
		th_json_set_new(rec, "ZTEXT", json_string(""));
	th_json_set_new(rec, "links", links_of(rec));
	if (json_array_size(json_object_get(rec, "links"))) {
		snprintf(source, sizeof(source), "whatsapp %lld",
		         (long long)json_integer_value(
		                 json_object_get(rec, "Z_PK")));
		th_links_record(run, json_object_get(rec, "links"), t, source);
	}
	emit_event(run, rec, t);
}

static enum th_status build_sql(sqlite3 *db, struct th_buf *sql)
{
	static const char *const data_cols[] = {
	        "ZCONTENT1", "ZCONTENT2", "ZMATCHEDTEXT", "ZSUMMARY", "ZTITLE"};
	int media = th_sqlite_has_column(db, "ZWAMEDIAITEM", "ZMESSAGE"),
	    data = th_sqlite_has_column(db, "ZWAMESSAGEDATAITEM", "ZMESSAGE");
	enum th_status st = th_buf_adds(sql, "SELECT ZWAMESSAGE.*");
	size_t i;

	if (media < 0 || data < 0) /* SQLite could not look */
		st = TH_ERR_NOMEM;

	if (st == TH_OK)
		st = th_evdb_col(sql, db, "ZWAMEDIAITEM", "ZAUTHORNAME",
		                 "ZAUTHORNAME", 1);
	if (st == TH_OK)
		st = th_evdb_col(sql, db, "ZWAMEDIAITEM", "ZMEDIAURL",
		                 "ZMEDIAURL", 1);
	for (i = 0; st == TH_OK && i < 5; i++)
		st = th_evdb_col(sql, db, "ZWAMESSAGEDATAITEM", data_cols[i],
		                 data_cols[i], 1);
	if (st == TH_OK)
		st = th_buf_adds(sql, " FROM ZWAMESSAGE");
	if (st == TH_OK && media)
		st = th_buf_adds(sql,
		                 " LEFT JOIN ZWAMEDIAITEM ON "
		                 "ZWAMEDIAITEM.ZMESSAGE = ZWAMESSAGE.Z_PK");
	if (st == TH_OK && data)
		st = th_buf_adds(sql, " LEFT JOIN ZWAMESSAGEDATAITEM ON "
		                      "ZWAMESSAGEDATAITEM.ZMESSAGE = "
		                      "ZWAMESSAGE.Z_PK");
	return st;
}

static const struct th_evdb_need need[] = {
        {.table = "ZWAMESSAGE", .column = "Z_PK"}, {0}};

static const struct th_evdb_select messages = {
        .need = need,
        .missing = "ZWAMESSAGE table",
        .build = build_sql,
        .finish = finish,
};

static enum th_status whatsapp_run(struct th_run *run)
{
	return th_evdb_each_select(run, artifacts,
	                           "WhatsApp ChatStorage.sqlite", &messages);
}

static void whatsapp_check(struct th_run *run, const json_t *rec)
{
	const json_t *links = json_object_get(rec, "links");
	json_t *found = NULL;

	if (!th_run_iocs(run))
		return;
	/* MVT leaves "links" out of some records: look at the fields. */
	if (!json_is_array(links)) {
		found = links_of(rec);
		links = found;
	}
	th_links_check(run, links, TH_LEVEL_CRITICAL,
	               th_rec_time(rec, "isodate"), rec);
	json_decref(found);
}

const struct th_module th_mod_whatsapp = {
        .slug = "whatsapp",
        .title = "WhatsApp messages, with the links they carry",
        .sources = TH_SRC_IOS_BACKUP | TH_SRC_IOS_FS,
        .shape = TH_RECORDS_LIST,
        .run = whatsapp_run,
        .check = whatsapp_check,
        .artifacts = artifacts,
};
