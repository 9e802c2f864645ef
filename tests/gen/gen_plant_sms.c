/*
 * The SMS area: sms.db with its planted traces (a link to a Pegasus
 * delivery domain, Apple's threat notification, a received attachment
 * under /var/tmp/ ending in "-1") and their look-alikes, which clean
 * backups carry alone. Also a large sms.db for the benchmark.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <sqlite3.h>

#include "gen.h"
#include "core/buf.h"
#include "core/err.h"

#define COCOA_EPOCH INT64_C(978307200)
/* `days` before the backup, plus `secs`, in sms.db's nanoseconds since
 * 2001 (iOS 11 and later). */
#define NS(days, secs)                                                         \
	((TH_GEN_BACKUP_TIME - (days)*INT64_C(86400) + (secs)-COCOA_EPOCH) *   \
	 INT64_C(1000000000))
#define UNIX(days, secs) (TH_GEN_BACKUP_TIME - (days)*INT64_C(86400) + (secs))

static const char schema[] =
        "CREATE TABLE handle (ROWID INTEGER PRIMARY KEY AUTOINCREMENT "
        "UNIQUE, id TEXT NOT NULL, country TEXT, service TEXT NOT NULL, "
        "uncanonicalized_id TEXT, UNIQUE (id, service));"
        "CREATE TABLE message (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, "
        "guid TEXT UNIQUE NOT NULL, text TEXT, handle_id INTEGER DEFAULT 0, "
        "service TEXT, account TEXT, date INTEGER, date_read INTEGER, "
        "is_from_me INTEGER DEFAULT 0, cache_has_attachments INTEGER "
        "DEFAULT 0);"
        "CREATE TABLE attachment (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, "
        "guid TEXT UNIQUE NOT NULL, created_date INTEGER DEFAULT 0, "
        "start_date INTEGER DEFAULT 0, filename TEXT, mime_type TEXT, "
        "transfer_name TEXT, total_bytes INTEGER DEFAULT 0, is_outgoing "
        "INTEGER DEFAULT 0, user_info BLOB, is_sticker INTEGER DEFAULT 0);"
        "CREATE TABLE message_attachment_join (message_id INTEGER "
        "REFERENCES message (ROWID) ON DELETE CASCADE, attachment_id "
        "INTEGER REFERENCES attachment (ROWID) ON DELETE CASCADE, "
        "UNIQUE(message_id, attachment_id));"
        "INSERT INTO handle VALUES (1, '+15555550101', 'us', 'SMS', NULL),"
        "(2, 'threat-notifications@apple.com', 'us', 'iMessage', NULL),"
        "(3, '+15555550199', 'us', 'iMessage', NULL);";

static enum th_status add_lookalikes(struct th_buf *b)
{
	return th_buf_printf(
	        b,
	        "INSERT INTO message VALUES "
	        "(3, 'GEN-SMS-0003', 'Download the brochure at "
	        "https://bun54l2b67.get1tn0w.notfree247downloads.com/b.pdf', "
	        "1, "
	        "'SMS', 'p:+15555550100', %" PRId64 ", 0, 0, 0),"
	        "(4, 'GEN-SMS-0004', 'About the alerts you read of: "
	        "https://support.apple.com/en-us/102174 explains Apple threat "
	        "notifications', 1, 'SMS', 'p:+15555550100', %" PRId64
	        ", %" PRId64 ", 0, 0),"
	        "(5, 'GEN-SMS-0005', 'ok, thanks!', 1, 'SMS', "
	        "'p:+15555550100', %" PRId64 ", 0, 1, 0),"
	        "(7, 'GEN-SMS-0007', char(65532), 3, 'iMessage', "
	        "'e:demo@icloud.com', %" PRId64 ", 0, 0, 1);"
	        "INSERT INTO attachment VALUES "
	        "(2, 'GEN-ATT-0002', %" PRId64 ", %" PRId64 ", "
	        "'~/Library/SMS/Attachments/3f/15/GEN-ATT-0002/IMG_0042.jpeg', "
	        "'image/jpeg', 'IMG_0042.jpeg', 183422, 0, NULL, 0),"
	        "(3, 'GEN-ATT-0003', %" PRId64 ", %" PRId64 ", "
	        "'/var/tmp/com.apple.messages/outgoing/IMG_0099.HEIC-1', "
	        "'image/heic', 'IMG_0099.HEIC', 92211, 1, NULL, 0);"
	        "INSERT INTO message_attachment_join VALUES (7, 2), (5, 3);",
	        NS(60, 3600), NS(45, 7200), NS(45, 7260), NS(40, 100),
	        NS(35, 5000), NS(35, 5000), NS(35, 5001), NS(40, 100),
	        NS(40, 100));
}

static enum th_status add_traces(struct th_buf *b)
{
	return th_buf_printf(
	        b,
	        "INSERT INTO message VALUES "
	        "(1, 'GEN-SMS-0001', 'Your parcel is on hold, confirm the "
	        "delivery: https://bun54l2b67.get1tn0w.free247downloads.com/"
	        "track/84a1', 1, 'SMS', 'p:+15555550100', %" PRId64
	        ", 0, 0, 0),"
	        "(2, 'GEN-SMS-0002', 'ALERT: Apple detected a targeted "
	        "mercenary spyware attack against your iPhone. Apple believes "
	        "you are being targeted by a mercenary spyware attack.', 2, "
	        "'iMessage', 'e:demo@icloud.com', %" PRId64 ", %" PRId64
	        ", 0, 0),"
	        "(6, 'GEN-SMS-0006', char(65532), 3, 'iMessage', "
	        "'e:demo@icloud.com', %" PRId64 ", 0, 0, 1);"
	        "INSERT INTO attachment VALUES "
	        "(1, 'GEN-ATT-0001', %" PRId64 ", %" PRId64 ", "
	        "'/var/tmp/com.apple.messages/com.apple.MobileSMS/"
	        "5B2C1F2E.gif-1', 'image/gif', '5B2C1F2E.gif', 748, 0, NULL, "
	        "0);"
	        "INSERT INTO message_attachment_join VALUES (6, 1);",
	        NS(22, 600), NS(2, 36000), NS(2, 36300), NS(21, 37150),
	        NS(21, 37150), NS(21, 37151));
}

static enum th_status make_db(struct th_buf *out, int infected,
                              struct th_err *err)
{
	return th_gen_db_image(schema, add_lookalikes, add_traces, infected,
	                       "sms.db", out, err);
}

static enum th_status sms_infected(struct th_buf *out, struct th_err *err)
{
	return make_db(out, 1, err);
}

static enum th_status sms_clean(struct th_buf *out, struct th_err *err)
{
	return make_db(out, 0, err);
}

const struct th_gen_plant th_gen_sms_plants[] = {
        {TH_GEN_INFECTED, "HomeDomain", "Library/SMS/sms.db", 1, UNIX(1, 3600),
         NULL, sms_infected,
         "traces: a link to free247downloads.com, Apple's threat "
         "notification, a /var/tmp/...gif-1 attachment; and the "
         "look-alikes"},
        {TH_GEN_CLEAN, "HomeDomain", "Library/SMS/sms.db", 1, UNIX(1, 3600),
         NULL, sms_clean,
         "look-alikes: a notfree247downloads.com link, an apple.com link "
         "about threat notifications, an ordinary and a sent attachment"},
};

const size_t th_gen_sms_nplants =
        sizeof(th_gen_sms_plants) / sizeof(th_gen_sms_plants[0]);

/* --- a large sms.db for the benchmark --- */

static enum th_status exec(sqlite3 *db, const char *sql, struct th_err *err)
{
	return th_gen_db_exec(db, sql, "sms.db", err);
}

static enum th_status fill(sqlite3 *db, size_t n, struct th_err *err)
{
	sqlite3_stmt *ins = NULL;
	char guid[32], text[160];
	int64_t t0 = NS(365, 0);
	enum th_status st = TH_OK;
	size_t i;

	if (sqlite3_prepare_v2(db,
	                       "INSERT INTO message (ROWID, guid, text, "
	                       "handle_id, service, account, date, date_read, "
	                       "is_from_me) VALUES (?, ?, ?, 1, 'SMS', "
	                       "'p:+15555550100', ?, 0, ?)",
	                       -1, &ins, NULL) != SQLITE_OK)
		return exec(db, "SELECT no_such_table", err);
	for (i = 0; i < n && st == TH_OK; i++) {
		snprintf(guid, sizeof(guid), "BENCH-%zu", i + 1);
		if (i % 10 == 0)
			snprintf(text, sizeof(text),
			         "see https://news%zu.example.com/a/%zu",
			         i % 97, i);
		else
			snprintf(text, sizeof(text),
			         "message %zu: see you at the usual place", i);
		sqlite3_bind_int64(ins, 1, (sqlite3_int64)i + 1);
		sqlite3_bind_text(ins, 2, guid, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(ins, 3, text, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(ins, 4,
		                   t0 + (int64_t)i * INT64_C(30000000000));
		sqlite3_bind_int(ins, 5, (int)(i % 3 == 0));
		if (sqlite3_step(ins) != SQLITE_DONE)
			st = th_err_set(err, TH_ERR_IO,
			                "cannot build the sms.db: "
			                "%s",
			                sqlite3_errmsg(db));
		sqlite3_reset(ins);
	}
	sqlite3_finalize(ins);
	return st;
}

enum th_status th_gen_sms_db_file(const char *path, size_t n,
                                  struct th_err *err)
{
	if (n > TH_GEN_ROWS_MAX)
		return th_err_set(err, TH_ERR_USAGE, "too many messages: %zu",
		                  n);
	return th_gen_db_file(path, schema, n, fill, "sms.db", err);
}
