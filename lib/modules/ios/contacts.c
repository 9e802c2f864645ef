/* contacts: the address book (AddressBook.sqlitedb), one record per
 * value of a person (numbers, e-mails). Records only. */
#include "modules/ios/ios_modules.h"
#include "modules/ios/evdb.h"

static const struct th_artifact contacts_artifacts[] = {
        {.backup_domain = "HomeDomain",
         .backup_path = "Library/AddressBook/AddressBook.sqlitedb",
         .fs_glob = "private/var/mobile/Library/AddressBook/"
                    "AddressBook.sqlitedb"},
        {0},
};

static const char *const contacts_sql[] = {
        "SELECT multi.value AS value, person.first AS first, person.middle "
        "AS middle, person.last AS last, person.organization AS "
        "organization FROM ABPerson person, ABMultiValue multi WHERE "
        "person.rowid = multi.record_id AND multi.value NOT NULL ORDER BY "
        "person.rowid ASC",
        NULL,
};

static const struct th_evdb_query contacts_query = {.sql = contacts_sql};

static enum th_status contacts_run(struct th_run *run)
{
	return th_evdb_each_records(run, contacts_artifacts,
	                            "AddressBook.sqlitedb", &contacts_query,
	                            "contact values");
}

const struct th_module th_mod_contacts = {
        .slug = "contacts",
        .title = "contacts from the address book",
        .sources = TH_SRC_IOS_BACKUP | TH_SRC_IOS_FS,
        .shape = TH_RECORDS_LIST,
        .run = contacts_run,
        .artifacts = contacts_artifacts,
};
