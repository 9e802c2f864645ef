/*
 * Calls, contacts, interactions, permissions and location clients
 * (shared reference/ios.md 3): a call history, an address book, an older
 * interactionC.db and TCC.db (records and timeline only), and
 * locationd's clients.plist with the Pegasus process `bh` as a client in
 * infected backups; look-alike `bhd` and ordinary apps in both.
 */
#include <stddef.h>

#include "gen.h"
#include "core/buf.h"
#include "core/err.h"

#define AT(days, secs) (TH_GEN_BACKUP_TIME - (days)*INT64_C(86400) + (secs))

static enum th_status call_history(struct th_buf *out, struct th_err *err)
{
	/* Core Data's call table; ZADDRESS is a blob on real devices. */
	return th_gen_sqlite_image(
	        "CREATE TABLE ZCALLRECORD (Z_PK INTEGER PRIMARY KEY, ZDATE "
	        "TIMESTAMP, ZDURATION FLOAT, ZLOCATION VARCHAR, ZADDRESS BLOB, "
	        "ZSERVICE_PROVIDER VARCHAR);"
	        "INSERT INTO ZCALLRECORD VALUES (1, 684000000, 63.5, 'Geneva', "
	        "CAST('+41791234567' AS BLOB), 'com.apple.Telephony');"
	        "INSERT INTO ZCALLRECORD VALUES (2, 684100000, 0, NULL, "
	        "CAST('+41227654321' AS BLOB), 'com.apple.FaceTime');",
	        out, err);
}

static enum th_status address_book(struct th_buf *out, struct th_err *err)
{
	return th_gen_sqlite_image(
	        "CREATE TABLE ABPerson (ROWID INTEGER PRIMARY KEY, First TEXT, "
	        "Middle TEXT, Last TEXT, Organization TEXT);"
	        "CREATE TABLE ABMultiValue (UID INTEGER PRIMARY KEY, record_id "
	        "INTEGER, property INTEGER, value TEXT);"
	        "INSERT INTO ABPerson VALUES (1, 'Ada', NULL, 'Example', "
	        "'Example Ltd');"
	        "INSERT INTO ABPerson VALUES (2, 'Bo', NULL, 'Sample', NULL);"
	        "INSERT INTO ABMultiValue VALUES (1, 1, 3, '+41791234567');"
	        "INSERT INTO ABMultiValue VALUES (2, 1, 4, 'ada@example.com');"
	        "INSERT INTO ABMultiValue VALUES (3, 2, 3, '+41227654321');"
	        "INSERT INTO ABMultiValue VALUES (4, 2, 4, NULL);",
	        out, err);
}

/* An older interactionC.db generation: no attachment or recipient
 * tables, a ZMECHANISM column. */
static enum th_status interactions(struct th_buf *out, struct th_err *err)
{
	return th_gen_sqlite_image(
	        "CREATE TABLE ZCONTACTS (Z_PK INTEGER PRIMARY KEY, "
	        "ZDISPLAYNAME "
	        "TEXT, ZIDENTIFIER TEXT, ZPERSONID TEXT, ZCREATIONDATE REAL, "
	        "ZFIRSTINCOMINGRECIPIENTDATE REAL, ZFIRSTINCOMINGSENDERDATE "
	        "REAL, ZFIRSTOUTGOINGRECIPIENTDATE REAL, "
	        "ZLASTINCOMINGSENDERDATE "
	        "REAL, ZLASTINCOMINGRECIPIENTDATE REAL, "
	        "ZLASTOUTGOINGRECIPIENTDATE REAL, ZINCOMINGRECIPIENTCOUNT "
	        "INTEGER, ZINCOMINGSENDERCOUNT INTEGER, "
	        "ZOUTGOINGRECIPIENTCOUNT "
	        "INTEGER, ZCUSTOMIDENTIFIER TEXT);"
	        "CREATE TABLE ZINTERACTIONS (Z_PK INTEGER PRIMARY KEY, ZSENDER "
	        "INTEGER, ZSTARTDATE REAL, ZENDDATE REAL, ZCREATIONDATE REAL, "
	        "ZBUNDLEID TEXT, ZACCOUNT TEXT, ZDIRECTION INTEGER, "
	        "ZISRESPONSE "
	        "INTEGER, ZMECHANISM INTEGER, ZRECIPIENTCOUNT INTEGER, "
	        "ZDOMAINIDENTIFIER TEXT, ZCONTENTURL TEXT, ZLOCATIONUUID TEXT);"
	        "INSERT INTO ZCONTACTS (Z_PK, ZDISPLAYNAME, ZIDENTIFIER, "
	        "ZCREATIONDATE) VALUES (1, 'Ada Example', '+41791234567', "
	        "683000000);"
	        "INSERT INTO ZINTERACTIONS (ZSENDER, ZSTARTDATE, ZENDDATE, "
	        "ZCREATIONDATE, ZBUNDLEID, ZDIRECTION, ZMECHANISM) VALUES "
	        "(1, 684000000, 684000060, 684000000, 'com.apple.MobileSMS', "
	        "0, "
	        "4), (NULL, 684100000, 684100000, 684100000, "
	        "'com.apple.mobilephone', 1, 1);",
	        out, err);
}

/* TCC.db of iOS 12-13: allowed and prompt_count, no auth_value. */
static enum th_status tcc_v2(struct th_buf *out, struct th_err *err)
{
	return th_gen_sqlite_image(
	        "CREATE TABLE access (service TEXT NOT NULL, client TEXT NOT "
	        "NULL, client_type INTEGER NOT NULL, allowed INTEGER NOT NULL, "
	        "prompt_count INTEGER NOT NULL, csreq BLOB, last_modified "
	        "INTEGER);"
	        "INSERT INTO access VALUES ('kTCCServiceCamera', "
	        "'com.example.weather', 0, 1, 1, NULL, 1640000000);"
	        "INSERT INTO access VALUES ('kTCCServiceMicrophone', "
	        "'com.example.notes', 0, 0, 1, NULL, 1640000100);",
	        out, err);
}

#define PLIST_HEAD                                                             \
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"                         \
	"<!DOCTYPE plist PUBLIC \"-//Apple//DTD PLIST 1.0//EN\" "              \
	"\"http://www.apple.com/DTDs/PropertyList-1.0.dtd\">\n"                \
	"<plist version=\"1.0\">\n<dict>\n"
#define PLIST_TAIL "</dict>\n</plist>\n"
#define CLIENT(key, extra)                                                     \
	"\t<key>" key "</key>\n\t<dict><key>LocationTimeStopped</key>"         \
	"<real>684703400</real>" extra "</dict>\n"

static const char clients_infected[] = PLIST_HEAD CLIENT(
        "com.apple.Maps:", "<key>BundleId</key><string>com.apple.Maps</string>")
        CLIENT("/usr/libexec/bh:", "")
                CLIENT("/usr/libexec/bhd:",
                       "") "\t<key>MigrationVersion</key><integer>3"
                           "</integer>\n" PLIST_TAIL;

static const char clients_clean[] = PLIST_HEAD CLIENT(
        "com.apple.Maps:", "<key>BundleId</key><string>com.apple.Maps</string>")
        CLIENT("/usr/libexec/bhd:",
               "") "\t<key>MigrationVersion</key><integer>3"
                   "</integer>\n" PLIST_TAIL;

/* Two variants at one path: functions, not `text` (see test_gen). */
static enum th_status make_clients_infected(struct th_buf *out,
                                            struct th_err *err)
{
	(void)err;
	return th_buf_add(out, clients_infected, sizeof(clients_infected) - 1);
}

static enum th_status make_clients_clean(struct th_buf *out, struct th_err *err)
{
	(void)err;
	return th_buf_add(out, clients_clean, sizeof(clients_clean) - 1);
}

const struct th_gen_plant th_gen_comms_plants[] = {
        {TH_GEN_ALWAYS, "HomeDomain",
         "Library/CallHistoryDB/CallHistory.storedata", 1, AT(50, 0), NULL,
         call_history, "two calls"},
        {TH_GEN_ALWAYS, "HomeDomain",
         "Library/AddressBook/AddressBook.sqlitedb", 1, AT(300, 0), NULL,
         address_book, "two people, three values (one NULL value left out)"},
        {TH_GEN_ALWAYS, "HomeDomain", "Library/CoreDuet/People/interactionC.db",
         1, AT(300, 0), NULL, interactions,
         "two interactions, an older schema generation"},
        {TH_GEN_ALWAYS, "HomeDomain", "Library/TCC/TCC.db", 1, AT(300, 0), NULL,
         tcc_v2, "camera allowed, microphone denied (iOS 12-13 schema)"},
        {TH_GEN_INFECTED, "RootDomain",
         "Library/Caches/locationd/clients.plist", 1, AT(3, 0), NULL,
         make_clients_infected,
         "trace: the process bh used the location; look-alike bhd"},
        {TH_GEN_CLEAN, "RootDomain", "Library/Caches/locationd/clients.plist",
         1, AT(3, 0), NULL, make_clients_clean, "look-alike: bhd is not bh"},
};

const size_t th_gen_comms_nplants =
        sizeof(th_gen_comms_plants) / sizeof(th_gen_comms_plants[0]);
