/*
 * Operation Triangulation (shared reference/ios.md 6): SMS attachment
 * folders with no attachment left in them and the StatusBarIconManager
 * and FaceTime preference files, all born within 5 minutes of BackupAgent
 * using the network (gen_plant_netusage.c, at TRI_TIME). Look-alikes: a
 * folder close in time that still holds its attachment, and a folder
 * born hours later. (The ImageIO preferences file is a look-alike of
 * gen_plant.c, born months earlier.)
 */
#include <stddef.h>

#include "gen.h"

#define AT(days, secs) (TH_GEN_BACKUP_TIME - (days)*INT64_C(86400) + (secs))
#define TRI_TIME       AT(10, 10800)
#define ATT            "Library/SMS/Attachments/"
#define GUID_EMPTY     "4B7D2C1A-9E8F-4A3B-8C7D-6E5F4A3B2C1D"
#define GUID_FULL      "9A8B7C6D-5E4F-4321-8765-0FEDCBA98765"

const struct th_gen_plant th_gen_triangulation_plants[] = {
        {TH_GEN_INFECTED, "HomeDomain", ATT "f3", 2, TRI_TIME + 55, NULL, NULL,
         "folder"},
        {TH_GEN_INFECTED, "HomeDomain", ATT "f3/03", 2, TRI_TIME + 60, NULL,
         NULL, "trace: an attachment folder born next to BackupAgent"},
        {TH_GEN_INFECTED, "HomeDomain", ATT "f3/03/" GUID_EMPTY, 2,
         TRI_TIME + 61, NULL, NULL,
         "trace: its message folder, emptied by the implant"},
        {TH_GEN_INFECTED, "HomeDomain",
         "Library/Preferences/com.apple.locationd.StatusBarIconManager.plist",
         1, TRI_TIME + 120, NULL, NULL,
         "trace: StatusBarIconManager preferences born next to BackupAgent"},
        {TH_GEN_INFECTED, "HomeDomain",
         "Library/Preferences/com.apple.imservice.ids.FaceTime.plist", 1,
         TRI_TIME + 150, NULL, NULL,
         "trace: FaceTime preferences born next to BackupAgent"},

        /* Look-alikes. */
        {TH_GEN_INFECTED, "HomeDomain", ATT "a7", 2, TRI_TIME + 85, NULL, NULL,
         "folder"},
        {TH_GEN_INFECTED, "HomeDomain", ATT "a7/05", 2, TRI_TIME + 88, NULL,
         NULL, "look-alike: close in time, but an attachment is inside"},
        {TH_GEN_INFECTED, "HomeDomain", ATT "a7/05/" GUID_FULL, 2,
         TRI_TIME + 90, NULL, NULL,
         "look-alike: close in time, but an attachment is inside"},
        {TH_GEN_INFECTED, "HomeDomain", ATT "a7/05/" GUID_FULL "/IMG_0005.HEIC",
         1, TRI_TIME + 91, "not really a photo", NULL,
         "the real attachment that cancels its folder"},
        {TH_GEN_ALWAYS, "HomeDomain", ATT "c2", 2, TRI_TIME + 4 * 3600, NULL,
         NULL, "folder"},
        {TH_GEN_ALWAYS, "HomeDomain", ATT "c2/07", 2, TRI_TIME + 4 * 3600 + 5,
         NULL, NULL, "look-alike: an empty attachment folder hours later"},
};

const size_t th_gen_triangulation_nplants =
        sizeof(th_gen_triangulation_plants) /
        sizeof(th_gen_triangulation_plants[0]);
