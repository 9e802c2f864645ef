/*
 * What th_gen_backup plants: one row per Manifest entry. Traces come from
 * public reporting on Pegasus (Amnesty International's 2021 forensic
 * methodology; shared reference/ios.md section 6); every trace has a
 * look-alike that must NOT alert, planted in clean and infected backups
 * alike. A new artifact is a new row here (with a `make` function when
 * its contents are a database), not new code in the generator.
 */
#include <stddef.h>

#include "gen.h"
#include "core/buf.h"
#include "core/err.h"

/* `days` before the backup, plus `secs`: readable, fixed timestamps. */
#define AT(days, secs) (TH_GEN_BACKUP_TIME - (days)*INT64_C(86400) + (secs))

#define SAFARI        "AppDomain-com.apple.mobilesafari"
#define LOCAL_STORAGE "Library/WebKit/WebsiteData/LocalStorage/"
#define STAGING       "private/var/db/com.apple.xpc.roleaccountd.staging"

/* An empty WebKit LocalStorage database, as Safari creates per origin. */
static enum th_status local_storage(struct th_buf *out, struct th_err *err)
{
	return th_gen_sqlite_image(
	        "CREATE TABLE ItemTable (key TEXT UNIQUE ON CONFLICT REPLACE, "
	        "value BLOB NOT NULL ON CONFLICT FAIL);",
	        out, err);
}

/* The contents do not matter to the checks (the file's presence in
 * RootDomain does); a small preferences plist keeps the row realistic. */
static const char crash_reporter[] =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<!DOCTYPE plist PUBLIC \"-//Apple//DTD PLIST 1.0//EN\" "
        "\"http://www.apple.com/DTDs/PropertyList-1.0.dtd\">\n"
        "<plist version=\"1.0\">\n<dict>\n"
        "\t<key>AutoSubmit</key>\n\t<false/>\n"
        "</dict>\n</plist>\n";

static const char image_io[] =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<!DOCTYPE plist PUBLIC \"-//Apple//DTD PLIST 1.0//EN\" "
        "\"http://www.apple.com/DTDs/PropertyList-1.0.dtd\">\n"
        "<plist version=\"1.0\">\n<dict>\n"
        "\t<key>ImageIOStatistics</key>\n\t<integer>0</integer>\n"
        "</dict>\n</plist>\n";

const struct th_gen_plant th_gen_backup_plants[] = {
        /* A skeleton of ordinary folders and files. */
        {TH_GEN_ALWAYS, "HomeDomain", "", 2, AT(400, 0), NULL, NULL,
         "home root"},
        {TH_GEN_ALWAYS, "HomeDomain", "Library", 2, AT(400, 60), NULL, NULL,
         "folder"},
        {TH_GEN_ALWAYS, "HomeDomain", "Library/Preferences", 2, AT(400, 120),
         NULL, NULL, "folder"},
        {TH_GEN_ALWAYS, "RootDomain", "", 2, AT(400, 0), NULL, NULL,
         "root root"},
        {TH_GEN_ALWAYS, "RootDomain", "Library/Preferences", 2, AT(400, 180),
         NULL, NULL, "folder"},
        {TH_GEN_ALWAYS, SAFARI, "", 2, AT(380, 0), NULL, NULL,
         "Safari container"},
        {TH_GEN_ALWAYS, SAFARI, "Library/WebKit/WebsiteData/LocalStorage", 2,
         AT(380, 600), NULL, NULL, "folder"},
        {TH_GEN_ALWAYS, SAFARI,
         LOCAL_STORAGE "https_www.wikipedia.org_0.localstorage", 1,
         AT(90, 41000), NULL, local_storage, "benign origin"},
        {TH_GEN_ALWAYS, "CameraRollDomain", "Media/DCIM/100APPLE/IMG_0001.HEIC",
         1, AT(30, 50000), NULL, NULL, "a photo, content not backed up"},

        /* Traces. */
        {TH_GEN_INFECTED, "RootDomain",
         "Library/Preferences/com.apple.CrashReporter.plist", 1, AT(21, 37267),
         crash_reporter, NULL,
         "trace: crash reporting tampered with (Pegasus)"},
        {TH_GEN_INFECTED, SAFARI,
         LOCAL_STORAGE
         "https_bun54l2b67.get1tn0w.free247downloads.com_0.localstorage",
         1, AT(21, 37201), NULL, local_storage,
         "trace: origin on an indicator domain (free247downloads.com)"},
        {TH_GEN_INFECTED, "RootDomain", STAGING "/com.apple.WebKit.Networking",
         1, AT(21, 37230), NULL, NULL,
         "trace: file under an indicator path (roleaccountd staging)"},

        /* Look-alikes. */
        {TH_GEN_ALWAYS, SAFARI,
         LOCAL_STORAGE
         "https_bun54l2b67.get1tn0w.notfree247downloads.com_0.localstorage",
         1, AT(60, 3600), NULL, local_storage,
         "look-alike: notfree247downloads.com is not free247downloads.com"},
        {TH_GEN_ALWAYS, "HomeDomain",
         "Library/Preferences/com.apple.CrashReporter.plist", 1, AT(200, 7200),
         crash_reporter, NULL,
         "look-alike: CrashReporter.plist outside RootDomain"},
        {TH_GEN_ALWAYS, "HomeDomain",
         "Library/Preferences/com.apple.ImageIO.plist", 1, AT(150, 10800),
         image_io, NULL, "look-alike: a benign ImageIO preferences file"},
        {TH_GEN_ALWAYS, "HomeDomain", "Library/Caches/bhd", 1, AT(100, 14400),
         "", NULL, "look-alike: bhd is not the process bh"},
        {TH_GEN_ALWAYS, "RootDomain",
         STAGING ".old/com.apple.WebKit.Networking", 1, AT(120, 18000), NULL,
         NULL, "look-alike: a sibling of the indicator folder"},
};

const size_t th_gen_backup_nplants =
        sizeof(th_gen_backup_plants) / sizeof(th_gen_backup_plants[0]);
