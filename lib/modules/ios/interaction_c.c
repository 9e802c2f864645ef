/* interaction_c: CoreDuet's record of who the user interacted with, in
 * which app (interactionC.db). Four schema generations, newest first:
 * the older ones lack attachments and recipients. Timeline only. */
#include <stdio.h>

#include "modules/ios/ios_modules.h"
#include "modules/ios/evdb.h"

static const struct th_artifact interaction_c_artifacts[] = {
        {.backup_domain = "HomeDomain",
         .backup_path = "Library/CoreDuet/People/interactionC.db",
         .fs_glob = "private/var/mobile/Library/CoreDuet/People/"
                    "interactionC.db"},
        {0},
};

#define I_BASE                                                                 \
	"SELECT i.ZSTARTDATE AS start_date, i.ZENDDATE AS end_date, "          \
	"i.ZBUNDLEID AS bundle_id, i.ZACCOUNT AS account, "                    \
	"c.ZDISPLAYNAME AS sender_display_name, c.ZIDENTIFIER AS "             \
	"sender_identifier, c.ZPERSONID AS sender_personid, "                  \
	"i.ZRECIPIENTCOUNT AS recipient_count, i.ZDOMAINIDENTIFIER AS "        \
	"domain_identifier, i.ZISRESPONSE AS is_response, "                    \
	"c.ZINCOMINGRECIPIENTCOUNT AS incoming_recipient_count, "              \
	"c.ZINCOMINGSENDERCOUNT AS incoming_sender_count, "                    \
	"c.ZOUTGOINGRECIPIENTCOUNT AS outgoing_recipient_count, "              \
	"i.ZCREATIONDATE AS interactions_creation_date, c.ZCREATIONDATE AS "   \
	"contacts_creation_date, c.ZFIRSTINCOMINGRECIPIENTDATE AS "            \
	"first_incoming_recipient_date, c.ZFIRSTINCOMINGSENDERDATE AS "        \
	"first_incoming_sender_date, c.ZFIRSTOUTGOINGRECIPIENTDATE AS "        \
	"first_outgoing_recipient_date, c.ZLASTINCOMINGSENDERDATE AS "         \
	"last_incoming_sender_date, c.ZLASTINCOMINGRECIPIENTDATE AS "          \
	"last_incoming_recipient_date, c.ZLASTOUTGOINGRECIPIENTDATE AS "       \
	"last_outgoing_recipient_date, c.ZCUSTOMIDENTIFIER AS custom_id, "     \
	"i.ZCONTENTURL AS interaction_content_url, i.ZLOCATIONUUID AS "        \
	"location_uuid, i.Z_PK AS table_id"

#define I_DIRECTION                                                            \
	", CASE i.ZDIRECTION WHEN 0 THEN 'INCOMING' WHEN 1 THEN 'OUTGOING' "   \
	"END AS direction"

#define I_RECIPIENT                                                            \
	", r.ZDISPLAYNAME AS recipient_display_name, r.ZIDENTIFIER AS "        \
	"recipient_identifier, r.ZPERSONID AS recipient_personid, "            \
	"a.ZCONTENTTEXT AS content, a.ZUTI AS uti, a.ZCONTENTURL AS "          \
	"attachment_content_url, a.ZSIZEINBYTES AS size, HEX(a.ZIDENTIFIER) "  \
	"AS attachment_id, a.ZCLOUDIDENTIFIER AS cloud_id"

#define I_JOINS                                                                \
	" FROM ZINTERACTIONS i LEFT JOIN ZCONTACTS c ON i.ZSENDER = c.Z_PK "   \
	"LEFT JOIN Z_1INTERACTIONS j ON i.Z_PK = j.Z_3INTERACTIONS "           \
	"LEFT JOIN ZATTACHMENT a ON j.Z_1ATTACHMENTS = a.Z_PK "                \
	"LEFT JOIN Z_2INTERACTIONRECIPIENT k ON i.Z_PK = "                     \
	"k.Z_3INTERACTIONRECIPIENT LEFT JOIN ZCONTACTS r ON k.Z_2RECIPIENTS "  \
	"= r.Z_PK"

#define I_SIMPLE                                                               \
	" FROM ZINTERACTIONS i LEFT JOIN ZCONTACTS c ON i.ZSENDER = c.Z_PK"

static const char *const interaction_c_sql[] = {
        I_BASE I_DIRECTION I_RECIPIENT
        ", a.ZPHOTOLOCALIDENTIFIER AS photo_local_id, i.ZGROUPNAME AS "
        "group_name, i.ZDERIVEDINTENTIDENTIFIER AS derivied_intent_id" I_JOINS,
        I_BASE I_DIRECTION I_RECIPIENT I_JOINS,
        I_BASE
        ", i.ZDIRECTION AS direction, i.ZMECHANISM AS mechanism" I_SIMPLE,
        /* The oldest: no domain, content URL or location columns. */
        "SELECT i.ZSTARTDATE AS start_date, i.ZENDDATE AS end_date, "
        "i.ZCREATIONDATE AS interactions_creation_date, i.ZBUNDLEID AS "
        "bundle_id, i.ZACCOUNT AS account, c.ZDISPLAYNAME AS "
        "sender_display_name, c.ZIDENTIFIER AS sender_identifier, "
        "i.ZDIRECTION AS direction, i.Z_PK AS table_id" I_SIMPLE,
        NULL,
};

static const char *const interaction_c_times[] = {
        "start_date",
        "end_date",
        "interactions_creation_date",
        "contacts_creation_date",
        "first_incoming_recipient_date",
        "first_incoming_sender_date",
        "first_outgoing_recipient_date",
        "last_incoming_sender_date",
        "last_incoming_recipient_date",
        "last_outgoing_recipient_date",
        NULL,
};

static void interaction_c_events(struct th_run *run, const json_t *rec)
{
	char desc[2048], b[6][256];

	snprintf(desc, sizeof(desc), "[%s] %s - from %s (%s) to %s (%s): %s",
	         th_rec_show(rec, "bundle_id", b[0], sizeof(b[0])),
	         th_rec_show(rec, "account", b[1], sizeof(b[1])),
	         th_rec_show(rec, "sender_display_name", b[2], sizeof(b[2])),
	         th_rec_show(rec, "sender_identifier", b[3], sizeof(b[3])),
	         th_rec_show(rec, "recipient_display_name", b[4], sizeof(b[4])),
	         th_rec_show(rec, "recipient_identifier", b[5], sizeof(b[5])),
	         th_rec_str(rec, "content") ? th_rec_str(rec, "content") : "");
	th_rec_time_events(run, rec, interaction_c_times, desc);
}

static const struct th_evdb_query interaction_c_query = {
        .sql = interaction_c_sql,
        .cocoa = interaction_c_times,
        .events = interaction_c_events};

static enum th_status interaction_c_run(struct th_run *run)
{
	return th_evdb_each_records(run, interaction_c_artifacts,
	                            "interactionC.db", &interaction_c_query,
	                            "interactions");
}

const struct th_module th_mod_interaction_c = {
        .slug = "interaction_c",
        .title = "contact interactions from CoreDuet's interactionC.db",
        .sources = TH_SRC_IOS_BACKUP | TH_SRC_IOS_FS,
        .shape = TH_RECORDS_LIST,
        .run = interaction_c_run,
        .artifacts = interaction_c_artifacts,
};
