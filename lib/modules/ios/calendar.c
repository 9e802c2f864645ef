/* calendar: calendar items with their organizer (Calendar.sqlitedb).
 * The organizer's e-mail is checked against e-mail indicators, and an
 * event titled "Meeting" described "Notes" is what QuaDream's calendar
 * exploit left behind (Citizen Lab and Microsoft, 2023). */
#include <stdio.h>
#include <string.h>

#include "modules/ios/ios_modules.h"
#include "modules/ios/evdb.h"

static const struct th_artifact calendar_artifacts[] = {
        {.backup_domain = "HomeDomain",
         .backup_path = "Library/Calendar/Calendar.sqlitedb",
         .fs_glob = "private/var/mobile/Library/Calendar/Calendar.sqlitedb"},
        {0},
};

#define CAL_ITEM                                                               \
	"SELECT c.ROWID AS id, c.summary AS summary, c.description AS "        \
	"description, c.start_date AS start_date, c.end_date AS end_date, "    \
	"c.all_day AS all_day, c.calendar_id AS calendar_id, c.organizer_id "  \
	"AS organizer_id, c.url AS url, c.last_modified AS last_modified, "    \
	"c.external_id AS external_id, c.external_mod_tag AS "                 \
	"external_mod_tag, c.unique_identifier AS unique_identifier, "         \
	"c.hidden AS hidden, c.UUID AS uuid, c.creation_date AS "              \
	"creation_date, c.action AS action, c.created_by_id AS created_by_id"

#define CAL_PART                                                               \
	", p.UUID AS participant_uuid, p.email AS participant_email, "         \
	"p.phone_number AS participant_phone, p.comment AS "                   \
	"participant_comment, p.last_modified AS participant_last_modified "   \
	"FROM CalendarItem c LEFT JOIN Participant p ON p.ROWID = "            \
	"c.organizer_id"

static const char *const calendar_sql[] = {
        CAL_ITEM CAL_PART,
        /* Older databases: fewer item columns, the same organizer. */
        "SELECT c.ROWID AS id, c.summary AS summary, c.description AS "
        "description, c.start_date AS start_date, c.end_date AS end_date, "
        "c.all_day AS all_day, c.calendar_id AS calendar_id, c.organizer_id "
        "AS organizer_id, c.UUID AS uuid" CAL_PART,
        NULL,
};

static const char *const calendar_times[] = {
        "start_date",
        "end_date",
        "last_modified",
        "creation_date",
        "participant_last_modified",
        NULL,
};

static void calendar_events(struct th_run *run, const json_t *rec)
{
	char desc[2048], b[3][512];
	const char *const *k;

	snprintf(desc, sizeof(desc),
	         "Calendar event %s (%s) (invitation by %s)",
	         th_rec_show(rec, "summary", b[0], sizeof(b[0])),
	         th_rec_show(rec, "description", b[1], sizeof(b[1])),
	         th_rec_show(rec, "participant_email", b[2], sizeof(b[2])));
	/* MVT emits one event per time field, equal times included. */
	for (k = calendar_times; *k; k++)
		th_run_event(run, th_rec_time(rec, *k), *k, desc);
}

static int64_t calendar_time(const json_t *rec)
{
	int64_t t = th_rec_time(rec, "start_date");

	return t != TH_TIME_NONE ? t : th_rec_time(rec, "creation_date");
}

static void calendar_check(struct th_run *run, const json_t *rec)
{
	const char *summary = th_rec_str(rec, "summary"),
	           *description = th_rec_str(rec, "description");
	char uuid[128];

	if (th_run_check(run, TH_MATCH_EMAIL,
	                 th_rec_str(rec, "participant_email"),
	                 TH_LEVEL_CRITICAL, calendar_time(rec), rec))
		return;
	if (summary && description && strcmp(summary, "Meeting") == 0 &&
	    strcmp(description, "Notes") == 0)
		th_run_alert(run, TH_LEVEL_HIGH, calendar_time(rec), rec, NULL,
		             summary,
		             "calendar event 'Meeting' described 'Notes' (%s): "
		             "the trace of QuaDream's calendar exploit",
		             th_rec_show(rec, "uuid", uuid, sizeof(uuid)));
}

static const struct th_evdb_query calendar_query = {.sql = calendar_sql,
                                                    .cocoa = calendar_times,
                                                    .events = calendar_events};

static enum th_status calendar_run(struct th_run *run)
{
	return th_evdb_each_records(run, calendar_artifacts,
	                            "Calendar.sqlitedb", &calendar_query,
	                            "calendar items");
}

const struct th_module th_mod_calendar = {
        .slug = "calendar",
        .title = "calendar events and their organizers",
        .sources = TH_SRC_IOS_BACKUP | TH_SRC_IOS_FS,
        .shape = TH_RECORDS_LIST,
        .run = calendar_run,
        .check = calendar_check,
        .artifacts = calendar_artifacts,
};
