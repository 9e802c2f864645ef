/*
 * System traces (shared reference/ios.md 2, 3 and 6): an iMessage lookup
 * of the attacker's e-mail in idstatuscache, a configuration profile that
 * hides notifications and the event that installed it, QuaDream's
 * "Meeting"/"Notes" calendar event, Lockdown Mode off. Look-alikes: an
 * e-mail one letter off, a profile whose notification payload is not the
 * first, an ordinary "Meeting", Lockdown Mode on (info only).
 */
#include <stddef.h>

#include "gen.h"
#include "core/buf.h"
#include "core/err.h"

#define AT(days, secs) (TH_GEN_BACKUP_TIME - (days)*INT64_C(86400) + (secs))

#define PROFILES                                                               \
	"SysSharedContainerDomain-systemgroup.com.apple.configurationprofiles"
#define PLIST_HEAD                                                             \
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"                         \
	"<!DOCTYPE plist PUBLIC \"-//Apple//DTD PLIST 1.0//EN\" "              \
	"\"http://www.apple.com/DTDs/PropertyList-1.0.dtd\">\n"                \
	"<plist version=\"1.0\">\n"
#define PLIST_TAIL "</plist>\n"

/* LookupDate is Cocoa seconds: 684703300 is 2022-09-12 19:21:40 UTC. */
#define LOOKUP(user, date)                                                     \
	"\t\t<key>" user "</key>\n\t\t<dict><key>IDStatus</key>"               \
	"<integer>1</integer><key>LookupDate</key><real>" date "</real>"       \
	"</dict>\n"

static const char idstatus_infected[] =
        PLIST_HEAD "<dict>\n\t<key>com.apple.madrid</key>\n\t<dict>\n" LOOKUP(
                "mailto:bergers.o79@gmail.com", "684703300.5")
                LOOKUP("mailto:bergers.o78@gmail.com", "680000000")
                        LOOKUP("tel:+41791234567",
                               "670000000") "\t</dict>\n</dict>\n" PLIST_TAIL;

static const char idstatus_clean[] =
        PLIST_HEAD "<dict>\n\t<key>com.apple.madrid</key>\n\t<dict>\n" LOOKUP(
                "mailto:bergers.o78@gmail.com", "680000000")
                LOOKUP("tel:+41791234567",
                       "670000000") "\t</dict>\n</dict>\n" PLIST_TAIL;

#define PAYLOAD(type)                                                          \
	"\t\t<dict><key>PayloadType</key><string>" type "</string>"            \
	"<key>PayloadUUID</key><string>5B2C3D4E-0000-4000-8000-00000000000"    \
	"1</string></dict>\n"

static const char profile_hiding[] = PLIST_HEAD
        "<dict>\n\t<key>PayloadDisplayName</key><string>Carrier "
        "Settings</string>\n\t<key>PayloadType</key>"
        "<string>Configuration</string>\n\t<key>PayloadUUID</key>"
        "<string>8F1C7A52-3C1D-4E8A-9B7E-2D6F0A9C4B11</string>\n"
        "\t<key>InstallDate</key><date>2022-09-12T19:22:00Z</date>\n"
        "\t<key>PayloadContent</key>\n\t<array>\n" PAYLOAD(
                "com.apple.notificationsettings") "\t</array>\n</"
                                                  "dict>\n" PLIST_TAIL;

static const char profile_wifi[] = PLIST_HEAD
        "<dict>\n\t<key>PayloadDisplayName</key><string>Office "
        "Wi-Fi</string>\n\t<key>PayloadType</key>"
        "<string>Configuration</string>\n\t<key>PayloadUUID</key>"
        "<string>0D9E8F7A-6B5C-4D3E-8F2A-1B0C9D8E7F60</string>\n"
        "\t<key>InstallDate</key><date>2022-03-01T08:00:00Z</date>\n"
        "\t<key>PayloadContent</key>\n\t<array>\n" PAYLOAD(
                "com.apple.wifi.managed")
                PAYLOAD("com.apple.notificationsettings") "\t</array>\n</"
                                                          "dict>\n" PLIST_TAIL;

/* Its PayloadUUID is the demo set's configuration-profile indicator. */
static const char profile_implant[] =
        PLIST_HEAD "<dict>\n\t<key>PayloadDisplayName</key><string>Device "
                   "Management</string>\n\t<key>PayloadType</key>"
                   "<string>Configuration</string>\n\t<key>PayloadUUID</key>"
                   "<string>E7A1C3B5-2D4F-4A6B-8C9D-0E1F2A3B4C5D</string>\n"
                   "\t<key>InstallDate</key><date>2022-09-12T19:23:00Z</date>\n"
                   "\t<key>PayloadContent</key>\n\t<array>\n" PAYLOAD(
                           "com.apple.mdm") "\t</array>\n</dict>\n" PLIST_TAIL;

static const char profile_events[] = PLIST_HEAD
        "<dict>\n\t<key>ProfileEvents</key>\n\t<array>\n\t\t<dict>"
        "<key>8F1C7A52-3C1D-4E8A-9B7E-2D6F0A9C4B11</key><dict>"
        "<key>timestamp</key><date>2022-09-12T19:22:00Z</date>"
        "<key>operation</key><string>install</string>"
        "<key>process</key><string>profiled</string></dict></dict>\n"
        "\t\t<dict><key>E7A1C3B5-2D4F-4A6B-8C9D-0E1F2A3B4C5D</key><dict>"
        "<key>timestamp</key><date>2022-09-12T19:23:00Z</date>"
        "<key>operation</key><string>install</string>"
        "<key>process</key><string>profiled</string></dict></dict>\n"
        "\t</array>\n</dict>\n" PLIST_TAIL;

static const char prefs_lockdown_off[] = PLIST_HEAD
        "<dict>\n\t<key>AppleLocale</key><string>en_US</string>\n"
        "\t<key>LDMGlobalEnabled</key><false/>\n</dict>\n" PLIST_TAIL;

static const char prefs_lockdown_on[] =
        PLIST_HEAD "<dict>\n\t<key>AppleLocale</key><string>en_US</string>\n"
                   "\t<key>LDMGlobalEnabled</key><true/>\n</dict>\n" PLIST_TAIL;

#define CAL_SCHEMA                                                             \
	"CREATE TABLE CalendarItem (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, " \
	"summary TEXT, description TEXT, start_date REAL, end_date REAL, "     \
	"all_day INTEGER, calendar_id INTEGER, organizer_id INTEGER, url "     \
	"TEXT, last_modified REAL, external_id TEXT, external_mod_tag TEXT, "  \
	"unique_identifier TEXT, hidden INTEGER, UUID TEXT, creation_date "    \
	"REAL, action TEXT, created_by_id INTEGER);"                           \
	"CREATE TABLE Participant (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, "  \
	"UUID TEXT, email TEXT, phone_number TEXT, comment TEXT, "             \
	"last_modified REAL);"                                                 \
	"INSERT INTO Participant VALUES (1, 'P-1', 'bergers.o78@gmail.com', "  \
	"NULL, NULL, 680000000);"                                              \
	"INSERT INTO CalendarItem (summary, description, start_date, "         \
	"end_date, all_day, calendar_id, organizer_id, last_modified, UUID, "  \
	"creation_date) VALUES ('Meeting', 'Quarterly review', 680100000, "    \
	"680103600, 0, 1, 1, 680000000, 'C-ORDINARY', 680000000);"

static enum th_status calendar_infected(struct th_buf *out, struct th_err *err)
{
	return th_gen_sqlite_image(
	        CAL_SCHEMA
	        "INSERT INTO CalendarItem (summary, description, start_date, "
	        "end_date, all_day, calendar_id, organizer_id, last_modified, "
	        "UUID, creation_date) VALUES ('Meeting', 'Notes', 684703500, "
	        "684707100, 0, 1, NULL, 684703400, 'C-QUADREAM', 684703400);",
	        out, err);
}

static enum th_status calendar_clean(struct th_buf *out, struct th_err *err)
{
	return th_gen_sqlite_image(CAL_SCHEMA, out, err);
}

/* Rows planted in two variants (infected and clean) at one path are
 * built by functions: test_gen compares `text` with the stored file by
 * path alone. */
static enum th_status make_idstatus_infected(struct th_buf *out,
                                             struct th_err *err)
{
	(void)err;
	return th_buf_add(out, idstatus_infected,
	                  sizeof(idstatus_infected) - 1);
}

static enum th_status make_idstatus_clean(struct th_buf *out,
                                          struct th_err *err)
{
	(void)err;
	return th_buf_add(out, idstatus_clean, sizeof(idstatus_clean) - 1);
}

static enum th_status make_prefs_lockdown_off(struct th_buf *out,
                                              struct th_err *err)
{
	(void)err;
	return th_buf_add(out, prefs_lockdown_off,
	                  sizeof(prefs_lockdown_off) - 1);
}

static enum th_status make_prefs_lockdown_on(struct th_buf *out,
                                             struct th_err *err)
{
	(void)err;
	return th_buf_add(out, prefs_lockdown_on,
	                  sizeof(prefs_lockdown_on) - 1);
}

const struct th_gen_plant th_gen_system_plants[] = {
        {TH_GEN_INFECTED, "HomeDomain",
         "Library/Preferences/com.apple.identityservices.idstatuscache.plist",
         1, AT(21, 37300), NULL, make_idstatus_infected,
         "trace: iMessage lookup of bergers.o79@gmail.com; look-alike "
         "bergers.o78@gmail.com"},
        {TH_GEN_CLEAN, "HomeDomain",
         "Library/Preferences/com.apple.identityservices.idstatuscache.plist",
         1, AT(21, 37300), NULL, make_idstatus_clean,
         "look-alike: bergers.o78@gmail.com is one letter off"},
        {TH_GEN_ALWAYS, PROFILES, "Library/ConfigurationProfiles", 2,
         AT(400, 0), NULL, NULL, "folder"},
        {TH_GEN_INFECTED, PROFILES,
         "Library/ConfigurationProfiles/"
         "profile-6c1e2b0a9d8f7e6d5c4b3a29180f7e6d.stub",
         1, AT(21, 37320), profile_hiding, NULL,
         "trace: a profile whose first payload is notification settings"},
        {TH_GEN_INFECTED, PROFILES,
         "Library/ConfigurationProfiles/"
         "profile-e7a1c3b52d4f4a6b8c9d0e1f2a3b4c5d.stub",
         1, AT(21, 37380), profile_implant, NULL,
         "trace: a profile whose PayloadUUID is an indicator"},
        {TH_GEN_ALWAYS, PROFILES,
         "Library/ConfigurationProfiles/"
         "profile-0a1b2c3d4e5f60718293a4b5c6d7e8f9.stub",
         1, AT(215, 0), profile_wifi, NULL,
         "look-alike: notification settings, but not the first payload"},
        {TH_GEN_INFECTED, PROFILES,
         "Library/ConfigurationProfiles/MCProfileEvents.plist", 1,
         AT(21, 37320), profile_events, NULL,
         "trace: the install of the hiding profile (every event is low)"},
        {TH_GEN_INFECTED, "HomeDomain", "Library/Calendar/Calendar.sqlitedb", 1,
         AT(100, 0), NULL, calendar_infected,
         "trace: QuaDream's 'Meeting'/'Notes'; look-alike: an ordinary "
         "'Meeting' organised by bergers.o78@gmail.com"},
        {TH_GEN_CLEAN, "HomeDomain", "Library/Calendar/Calendar.sqlitedb", 1,
         AT(100, 0), NULL, calendar_clean, "look-alike: an ordinary 'Meeting'"},
        {TH_GEN_INFECTED, "HomeDomain",
         "Library/Preferences/.GlobalPreferences.plist", 1, AT(5, 0), NULL,
         make_prefs_lockdown_off, "trace: Lockdown Mode off (low)"},
        {TH_GEN_CLEAN, "HomeDomain",
         "Library/Preferences/.GlobalPreferences.plist", 1, AT(5, 0), NULL,
         make_prefs_lockdown_on, "Lockdown Mode on (info only)"},
};

const size_t th_gen_system_nplants =
        sizeof(th_gen_system_plants) / sizeof(th_gen_system_plants[0]);
