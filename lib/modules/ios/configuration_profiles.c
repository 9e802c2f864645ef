/* configuration_profiles: the configuration profiles installed on the
 * device (profile-* plists). A PayloadUUID that is an indicator is
 * critical; a profile whose first payload is notification settings can
 * hide an exploit's notifications (medium). */
#include <stdio.h>
#include <string.h>
#include <openssl/evp.h>

#include "core/jsonutil.h"
#include "modules/ios/ios_modules.h"
#include "modules/ios/evdb.h"

#define PROFILES_DOMAIN                                                        \
	"SysSharedContainerDomain-systemgroup.com.apple.configurationprofiles"
#define NOTIFICATION_SETTINGS "com.apple.notificationsettings"

static const struct th_artifact profiles_artifacts[] = {
        {.backup_domain = PROFILES_DOMAIN,
         .backup_path = "Library/ConfigurationProfiles/profile-*"},
        {0},
};

/* hex(SHA1(domain "-" relativePath)), the backup's file ID. */
static json_t *file_id_of(const struct th_file *f)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0, i;
	char out[2 * EVP_MAX_MD_SIZE + 1];
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	int ok;

	if (!c || !f->domain || !f->relative_path) {
		EVP_MD_CTX_free(c);
		return json_null();
	}
	ok = EVP_DigestInit_ex(c, EVP_sha1(), NULL) &&
	     EVP_DigestUpdate(c, f->domain, strlen(f->domain)) &&
	     EVP_DigestUpdate(c, "-", 1) &&
	     EVP_DigestUpdate(c, f->relative_path, strlen(f->relative_path)) &&
	     EVP_DigestFinal_ex(c, md, &n);
	EVP_MD_CTX_free(c);
	if (!ok)
		return json_null();
	for (i = 0; i < n; i++) {
		out[2 * i] = hex[md[i] >> 4];
		out[2 * i + 1] = hex[md[i] & 15];
	}
	out[2 * n] = '\0';
	return json_string(out);
}

static void profile_event(struct th_run *run, const json_t *rec)
{
	const json_t *p = json_object_get(rec, "plist");
	char desc[2048], b[4][512];

	snprintf(desc, sizeof(desc), "%s installed: %s - %s: %s",
	         th_rec_show(p, "PayloadType", b[0], sizeof(b[0])),
	         th_rec_show(p, "PayloadUUID", b[1], sizeof(b[1])),
	         th_rec_show(p, "PayloadDisplayName", b[2], sizeof(b[2])),
	         th_rec_show(p, "PayloadDescription", b[3], sizeof(b[3])));
	th_run_event(run, th_rec_time(rec, "install_date"),
	             "configuration_profile_install", desc);
}

static enum th_status profile_file(struct th_run *run, const struct th_file *f,
                                   void *ctx, struct th_err *err)
{
	plist_t root = NULL;
	json_t *rec, *p = NULL;
	size_t *n = ctx;
	enum th_status st;

	/* MVT keeps a profile it cannot parse, with an empty plist. */
	st = th_evplist_read(f, &root, err);
	if (st == TH_ERR_NOMEM)
		return st;
	if (st == TH_OK)
		p = th_evplist_json(run, root, f->name);
	plist_free(root);
	if (!json_is_object(p)) {
		json_decref(p);
		p = json_object();
	}
	rec = json_object();
	if (!rec || !p) {
		json_decref(rec);
		json_decref(p);
		return TH_ERR_NOMEM;
	}
	th_rec_set(rec, "file_id", file_id_of(f));
	th_rec_set(rec, "relative_path", th_json_string(f->relative_path));
	th_rec_set(rec, "domain", th_json_string(f->domain));
	th_rec_set(rec, "install_date",
	           json_is_string(json_object_get(p, "InstallDate"))
	                   ? json_incref(json_object_get(p, "InstallDate"))
	                   : json_null());
	th_rec_set(rec, "plist", p);
	profile_event(run, rec);
	(*n)++;
	/* A profile that cannot be parsed is still a record (MVT's). */
	return th_run_record(run, rec) == TH_ERR_NOMEM ? TH_ERR_NOMEM : TH_OK;
}

static enum th_status profiles_run(struct th_run *run)
{
	enum th_status st;
	size_t n = 0;

	st = th_evfile_each_err(run, profiles_artifacts,
	                        "configuration profile", profile_file, &n);
	if (st == TH_OK)
		th_run_log(run, TH_LOG_INFO, "%zu configuration profiles", n);
	return st;
}

static void profiles_check(struct th_run *run, const json_t *rec)
{
	const json_t *p = json_object_get(rec, "plist");
	const json_t *first =
	        json_array_get(json_object_get(p, "PayloadContent"), 0);
	const char *type = th_rec_str(first, "PayloadType");
	int64_t t = th_rec_time(rec, "install_date");
	char name[512];

	if (!th_rec_str(p, "PayloadUUID"))
		return;
	if (th_run_check(run, TH_MATCH_PROFILE_ID, th_rec_str(p, "PayloadUUID"),
	                 TH_LEVEL_CRITICAL, t, rec))
		return;
	if (type && strcmp(type, NOTIFICATION_SETTINGS) == 0)
		th_run_alert(run, TH_LEVEL_MEDIUM, t, rec, NULL, type,
		             "configuration profile '%s' sets notification "
		             "settings first (%s): it may hide notifications",
		             th_rec_show(p, "PayloadDisplayName", name,
		                         sizeof(name)),
		             NOTIFICATION_SETTINGS);
}

const struct th_module th_mod_configuration_profiles = {
        .slug = "configuration_profiles",
        .title = "installed configuration profiles",
        .sources = TH_SRC_IOS_BACKUP,
        .shape = TH_RECORDS_LIST,
        .run = profiles_run,
        .check = profiles_check,
        .artifacts = profiles_artifacts,
};
