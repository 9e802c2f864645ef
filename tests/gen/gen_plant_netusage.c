/*
 * Network-usage traces: DataUsage.sqlite and addaily's netUsageBaseline
 * (shared reference/ios.md 3 and 6). Infected: the Pegasus process `bh`
 * seconds after the Safari visit of gen_plant.c (AT(21, 37200)), a
 * ZLIVEUSAGE row whose ZPROCESS row was deleted, a hole in the ZPROCESS
 * keys, and BackupAgent with traffic (Triangulation, see
 * gen_plant_triangulation.c). Look-alikes in both: `bhd`, BackupAgent2
 * with traffic, a contiguous key sequence.
 */
#include <stdio.h>

#include "gen.h"
#include "core/buf.h"
#include "core/err.h"

#define AT(days, secs) (TH_GEN_BACKUP_TIME - (days)*INT64_C(86400) + (secs))
#define COCOA(unix_s)  ((long long)((unix_s)-INT64_C(978307200)))

#define DU_SCHEMA                                                              \
	"CREATE TABLE ZPROCESS (Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, "     \
	"Z_OPT INTEGER, ZFIRSTTIMESTAMP TIMESTAMP, ZTIMESTAMP TIMESTAMP, "     \
	"ZBUNDLENAME VARCHAR, ZPROCNAME VARCHAR);"                             \
	"CREATE TABLE ZLIVEUSAGE (Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, "   \
	"Z_OPT INTEGER, ZKIND INTEGER, ZMETADATA INTEGER, ZTAG INTEGER, "      \
	"ZHASPROCESS INTEGER, ZBILLCYCLEEND TIMESTAMP, ZTIMESTAMP TIMESTAMP, " \
	"ZWIFIIN FLOAT, ZWIFIOUT FLOAT, ZWWANIN FLOAT, ZWWANOUT FLOAT);"

#define PROC "INSERT INTO ZPROCESS VALUES (%d, 4, 1, %lld, %lld, %s, '%s');"
#define USAGE                                                                  \
	"INSERT INTO ZLIVEUSAGE VALUES (%d, 3, 1, 0, 0, 0, %d, NULL, "         \
	"%lld, %d, %d, %d, %d);"

/* The BackupAgent time the Triangulation plants sit around. */
#define TRI_TIME AT(10, 10800)

static enum th_status image(struct th_buf *sql, struct th_buf *out,
                            struct th_err *err)
{
	enum th_status st = th_gen_sqlite_image(th_buf_str(sql), out, err);

	th_buf_free(sql);
	return st;
}

static enum th_status datausage_infected(struct th_buf *out, struct th_err *err)
{
	struct th_buf s;

	th_buf_init(&s, 1 << 16);
	th_buf_adds(&s, DU_SCHEMA);
	th_buf_printf(&s, PROC, 1, COCOA(AT(300, 0)), COCOA(AT(1, 0)),
	              "'com.apple.mobilesafari'", "MobileSafari");
	th_buf_printf(&s, PROC, 2, COCOA(AT(21, 37205)), COCOA(AT(21, 37260)),
	              "NULL", "bh");
	/* Z_PK 3 deleted: a hole. */
	th_buf_printf(&s, PROC, 4, COCOA(AT(60, 100)), COCOA(AT(2, 0)), "NULL",
	              "bhd");
	th_buf_printf(&s, PROC, 5, COCOA(AT(200, 0)), COCOA(AT(1, 600)), "NULL",
	              "BackupAgent2");
	th_buf_printf(&s, PROC, 6, COCOA(TRI_TIME), COCOA(TRI_TIME + 30),
	              "NULL", "BackupAgent");
	th_buf_printf(&s, USAGE, 1, 1, COCOA(AT(21, 37200)), 5000, 900, 0, 0);
	th_buf_printf(&s, USAGE, 2, 2, COCOA(AT(21, 37206)), 0, 0, 73456,
	              12034);
	th_buf_printf(&s, USAGE, 3, 4, COCOA(AT(60, 200)), 100, 50, 0, 0);
	th_buf_printf(&s, USAGE, 4, 5, COCOA(AT(1, 700)), 800000, 90000, 0, 0);
	th_buf_printf(&s, USAGE, 5, 6, COCOA(TRI_TIME), 1200, 3400, 0, 0);
	/* Usage of process 7, whose ZPROCESS row is gone (twice: one
	 * alert). */
	th_buf_printf(&s, USAGE, 6, 7, COCOA(AT(21, 37290)), 0, 0, 4096, 2048);
	th_buf_printf(&s, USAGE, 7, 7, COCOA(AT(21, 37300)), 0, 0, 512, 256);
	return image(&s, out, err);
}

static enum th_status datausage_clean(struct th_buf *out, struct th_err *err)
{
	struct th_buf s;

	th_buf_init(&s, 1 << 16);
	th_buf_adds(&s, DU_SCHEMA);
	th_buf_printf(&s, PROC, 1, COCOA(AT(300, 0)), COCOA(AT(1, 0)),
	              "'com.apple.mobilesafari'", "MobileSafari");
	th_buf_printf(&s, PROC, 2, COCOA(AT(60, 100)), COCOA(AT(2, 0)), "NULL",
	              "bhd");
	th_buf_printf(&s, PROC, 3, COCOA(AT(200, 0)), COCOA(AT(1, 600)), "NULL",
	              "BackupAgent2");
	th_buf_printf(&s, USAGE, 1, 1, COCOA(AT(21, 37200)), 5000, 900, 0, 0);
	th_buf_printf(&s, USAGE, 2, 2, COCOA(AT(60, 200)), 100, 50, 0, 0);
	th_buf_printf(&s, USAGE, 3, 3, COCOA(AT(1, 700)), 800000, 90000, 0, 0);
	return image(&s, out, err);
}

#define PLIST_HEAD                                                             \
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"                         \
	"<!DOCTYPE plist PUBLIC \"-//Apple//DTD PLIST 1.0//EN\" "              \
	"\"http://www.apple.com/DTDs/PropertyList-1.0.dtd\">\n"                \
	"<plist version=\"1.0\">\n<dict>\n"
#define PLIST_TAIL "</dict>\n</plist>\n"
#define USAGE_ENTRY(name, date)                                                \
	"\t\t<key>" name "</key>\n\t\t<array><date>" date "</date>"            \
	"<integer>1000</integer><integer>200</integer>"                        \
	"<integer>0</integer><integer>0</integer></array>\n"

/* Dates: AT(21, 37207), AT(10, 10800) (TRI_TIME), AT(60, 100). */
static const char addaily_infected[] =
        PLIST_HEAD "\t<key>netUsageBaseline</key>\n\t<dict>\n" USAGE_ENTRY(
                "bh", "2022-09-12T19:20:07Z")
                USAGE_ENTRY("BackupAgent", "2022-09-23T12:00:00Z") USAGE_ENTRY(
                        "bhd", "2022-08-04T09:01:40Z") "\t</dict>\n" PLIST_TAIL;

static const char addaily_clean[] =
        PLIST_HEAD "\t<key>netUsageBaseline</key>\n\t<dict>\n" USAGE_ENTRY(
                "bhd", "2022-08-04T09:01:40Z")
                USAGE_ENTRY("BackupAgent2",
                            "2022-10-02T09:10:00Z") "\t</dict>\n" PLIST_TAIL;

/* Rows planted in two variants (infected and clean) at one path are
 * built by functions: test_gen compares `text` with the stored file by
 * path alone. */
static enum th_status make_addaily_infected(struct th_buf *out,
                                            struct th_err *err)
{
	(void)err;
	return th_buf_add(out, addaily_infected, sizeof(addaily_infected) - 1);
}

static enum th_status make_addaily_clean(struct th_buf *out, struct th_err *err)
{
	(void)err;
	return th_buf_add(out, addaily_clean, sizeof(addaily_clean) - 1);
}

const struct th_gen_plant th_gen_netusage_plants[] = {
        {TH_GEN_ALWAYS, "WirelessDomain", "", 2, AT(400, 0), NULL, NULL,
         "wireless root"},
        {TH_GEN_INFECTED, "WirelessDomain",
         "Library/Databases/DataUsage.sqlite", 1, AT(300, 0), NULL,
         datausage_infected,
         "trace: bh after the Safari visit, a deleted ZPROCESS row (7) "
         "still used, a hole at Z_PK 3, BackupAgent with traffic; "
         "look-alikes bhd and BackupAgent2"},
        {TH_GEN_CLEAN, "WirelessDomain", "Library/Databases/DataUsage.sqlite",
         1, AT(300, 0), NULL, datausage_clean,
         "look-alike: bhd, BackupAgent2 with traffic, contiguous keys"},
        {TH_GEN_INFECTED, "HomeDomain",
         "Library/Preferences/com.apple.osanalytics.addaily.plist", 1, AT(1, 0),
         NULL, make_addaily_infected,
         "trace: bh and BackupAgent in netUsageBaseline; look-alike bhd"},
        {TH_GEN_CLEAN, "HomeDomain",
         "Library/Preferences/com.apple.osanalytics.addaily.plist", 1, AT(1, 0),
         NULL, make_addaily_clean,
         "look-alike: bhd and BackupAgent2 in netUsageBaseline"},
};

const size_t th_gen_netusage_nplants =
        sizeof(th_gen_netusage_plants) / sizeof(th_gen_netusage_plants[0]);

enum th_status th_gen_datausage(size_t nprocs, struct th_buf *out,
                                struct th_err *err)
{
	struct th_buf s;

	if (nprocs > TH_GEN_ROWS_MAX)
		return th_err_set(err, TH_ERR_USAGE, "too many processes: %zu",
		                  nprocs);
	th_buf_init(&s, 1 << 16);
	th_buf_adds(&s, DU_SCHEMA);
	if (nprocs == 0)
		return image(&s, out, err);
	/* Two usage rows per process, timestamps a minute apart. */
	th_buf_printf(
	        &s,
	        "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 "
	        "FROM n WHERE x < %zu) INSERT INTO ZPROCESS SELECT x, 4, "
	        "1, %lld + 60 * x, %lld + 60 * x + 30, 'com.example.app' "
	        "|| x, 'proc' || x FROM n;"
	        "INSERT INTO ZLIVEUSAGE SELECT NULL, 3, 1, 0, 0, 0, Z_PK, "
	        "NULL, ZTIMESTAMP, 1000, 100, 10, 1 FROM ZPROCESS;"
	        "INSERT INTO ZLIVEUSAGE SELECT NULL, 3, 1, 0, 0, 0, Z_PK, "
	        "NULL, ZTIMESTAMP + 1, 2000, 200, 20, 2 FROM ZPROCESS;",
	        nprocs, COCOA(AT(90, 0)), COCOA(AT(90, 0)));
	return image(&s, out, err);
}
