/* id_status_cache: Apple ID lookups made by identity services (iMessage,
 * FaceTime): {service: {"mailto:x" | "tel:+..": {LookupDate, IDStatus}}}.
 * A lookup of an attacker's iCloud account is the zero-click Pegasus
 * trace (Amnesty International, 2021). */
#include <stdio.h>
#include <string.h>

#include "core/jsonutil.h"
#include "core/timeconv.h"
#include "modules/ios/ios_modules.h"
#include "modules/ios/evdb.h"

#define USER_MAX 1024

static const struct th_artifact idstatus_artifacts[] = {
        {.backup_domain = "HomeDomain",
         .backup_path = "Library/Preferences/"
                        "com.apple.identityservices.idstatuscache.plist",
         .fs_glob = "private/var/mobile/Library/Preferences/"
                    "com.apple.identityservices.idstatuscache.plist"},
        {.fs_glob = "private/var/mobile/Library/IdentityServices/"
                    "idstatuscache.plist"},
        {0},
};

struct idstatus {
	struct th_run *run;
	enum th_status st;
	json_t *counts; /* user -> occurrences, over the whole file */
	const char *service;
	size_t n;
};

/* An entry with both keys, MVT's condition for keeping it. */
static int usable(plist_t entry, double *date, plist_t *status)
{
	int ok;

	if (plist_get_node_type(entry) != PLIST_DICT)
		return 0;
	*status = plist_dict_get_item(entry, "IDStatus");
	*date = th_evplist_num(plist_dict_get_item(entry, "LookupDate"), &ok);
	return ok && *status;
}

static int count_user(void *ctx, const char *user, plist_t entry)
{
	struct idstatus *s = ctx;
	json_t *c;
	plist_t status;
	double date;

	if (!usable(entry, &date, &status))
		return 0;
	c = json_object_get(s->counts, user);
	th_json_set_new(s->counts, user,
	                json_integer(c ? json_integer_value(c) + 1 : 1));
	return 0;
}

static int count_service(void *ctx, const char *service, plist_t users)
{
	(void)service;
	th_evplist_dict_each(users, count_user, ctx);
	return 0;
}

static void idstatus_events(struct th_run *run, const json_t *rec)
{
	char desc[2048], b[3][USER_MAX];

	snprintf(desc, sizeof(desc), "Lookup of %s within %s (Status %s)",
	         th_rec_show(rec, "user", b[0], sizeof(b[0])),
	         th_rec_show(rec, "package", b[1], sizeof(b[1])),
	         th_rec_show(rec, "idstatus", b[2], sizeof(b[2])));
	th_run_event(run, th_rec_time(rec, "isodate"), "lookup", desc);
}

static int on_user(void *ctx, const char *user, plist_t entry)
{
	struct idstatus *s = ctx;
	json_t *rec, *status_json;
	plist_t status;
	double date;

	if (!usable(entry, &date, &status))
		return 0;
	status_json = th_evplist_json(s->run, status, "IDStatus");
	rec = json_object();
	if (!rec || !status_json) {
		json_decref(rec);
		json_decref(status_json);
		s->st = rec ? TH_OK : TH_ERR_NOMEM;
		return !rec;
	}
	th_rec_set(rec, "package", th_json_string(s->service));
	th_rec_set(rec, "user", th_json_string(user));
	th_rec_set(rec, "isodate", th_json_time(th_time_from_cocoa(date)));
	th_rec_set(rec, "idstatus", status_json);
	th_rec_set(rec, "occurrences",
	           json_incref(json_object_get(s->counts, user)));
	idstatus_events(s->run, rec);
	s->n++;
	s->st = th_run_record(s->run, rec);
	return s->st != TH_OK;
}

static int on_service(void *ctx, const char *service, plist_t users)
{
	struct idstatus *s = ctx;

	s->service = service;
	th_evplist_dict_each(users, on_user, s);
	return s->st != TH_OK;
}

static enum th_status idstatus_file(struct th_run *run, const struct th_file *f,
                                    void *ctx, struct th_err *err)
{
	struct idstatus s = {.run = run, .st = TH_OK};
	plist_t root = NULL;

	enum th_status st = th_evplist_read(f, &root, err);

	(void)ctx;
	if (st != TH_OK)
		return st;
	s.counts = json_object();
	if (!s.counts) {
		plist_free(root);
		return TH_ERR_NOMEM;
	}
	th_evplist_dict_each(root, count_service, &s);
	th_evplist_dict_each(root, on_service, &s);
	json_decref(s.counts);
	plist_free(root);
	th_run_log(run, TH_LOG_INFO, "%zu ID status lookups in %s", s.n,
	           f->name);
	return s.st == TH_ERR_NOMEM ? s.st : TH_OK;
}

static enum th_status idstatus_run(struct th_run *run)
{
	return th_evfile_each_err(run, idstatus_artifacts,
	                          "idstatuscache.plist", idstatus_file, NULL);
}

static void idstatus_check(struct th_run *run, const json_t *rec)
{
	const char *user = th_rec_str(rec, "user");
	char email[USER_MAX];
	size_t n;

	if (!user)
		return;
	if (strncmp(user, "mailto:", 7) == 0) {
		/* MVT strips quotes around the address. */
		snprintf(email, sizeof(email), "%s",
		         user + 7 + (user[7] == '\''));
		n = strlen(email);
		if (n && email[n - 1] == '\'')
			email[n - 1] = '\0';
		if (th_run_check(run, TH_MATCH_EMAIL, email, TH_LEVEL_CRITICAL,
		                 th_rec_time(rec, "isodate"), rec))
			return;
	}
	if (strstr(user, "\\x00\\x00"))
		th_run_alert(run, TH_LEVEL_HIGH, th_rec_time(rec, "isodate"),
		             rec, NULL, user,
		             "ID status cache entry with a suspicious pattern: "
		             "'%s'",
		             user);
}

const struct th_module th_mod_id_status_cache = {
        .slug = "id_status_cache",
        .title = "Apple ID lookups by iMessage and FaceTime",
        .sources = TH_SRC_IOS_BACKUP | TH_SRC_IOS_FS,
        .shape = TH_RECORDS_LIST,
        .run = idstatus_run,
        .check = idstatus_check,
        .artifacts = idstatus_artifacts,
};
