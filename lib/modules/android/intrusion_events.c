/* dns_event, connect_event and security_event: the events of Android 16
 * intrusion logs, each distinct event once (the source deduplicates),
 * with its time added as "timestamp". */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/timeconv.h"
#include "modules/android/android_modules.h"
#include "modules/android/android_util.h"
#include "sources/intrusion_logs.h"

struct ev_walk {
	struct th_run *run;
	struct th_ilogs *il;
	const char *type;
	enum th_status st;
};

static void describe(const char *type, const json_t *e, char *out, size_t cap)
{
	const char *pkg = th_jstr(e, "package_name");

	if (!strcmp(type, "dns_event"))
		snprintf(out, cap, "%s looked up %s", pkg ? pkg : "?",
		         th_jstr(e, "hostname") ? th_jstr(e, "hostname") : "?");
	else if (!strcmp(type, "connect_event"))
		snprintf(out, cap, "%s connected to %s", pkg ? pkg : "?",
		         th_jstr(e, "ip_address") ? th_jstr(e, "ip_address")
		                                  : "?");
	else
		snprintf(out, cap, "%s",
		         th_jstr(e, "tag") ? th_jstr(e, "tag")
		                           : "security event");
}

static int on_event(void *ctx, json_t *event, const char *file)
{
	struct ev_walk *w = ctx;
	int64_t t = th_ilogs_time(w->il, event);
	json_t *rec = json_deep_copy(event);
	char desc[512];

	if (!rec) {
		w->st = TH_ERR_NOMEM;
		return 1;
	}
	th_jset(rec, "timestamp", th_json_time(t));
	describe(w->type, rec, desc, sizeof(desc));
	th_run_event(w->run, t, w->type, desc);
	w->st = th_run_record(w->run, rec);
	return w->st != TH_OK;
}

static enum th_status events_run(struct th_run *run, const char *type)
{
	struct ev_walk w = {run, th_ilogs_of(th_run_source(run)), type, TH_OK};
	struct th_err err = {0};
	enum th_status st;
	size_t bad = 0;

	if (!w.il)
		return th_run_fail(run, TH_ERR_NOTFOUND, "no intrusion logs");
	st = th_ilogs_each(w.il, type, on_event, &w, &bad, &err);
	if (bad)
		th_run_log(run, TH_LOG_WARN,
		           "%zu intrusion-log lines are not events", bad);
	if (st != TH_OK)
		return th_run_fail(run, st, "%s", err.msg);
	return w.st;
}

static enum th_status dns_run(struct th_run *run)
{
	return events_run(run, "dns_event");
}

static enum th_status connect_run(struct th_run *run)
{
	return events_run(run, "connect_event");
}

static enum th_status security_run(struct th_run *run)
{
	return events_run(run, "security_event");
}

static void check_package(struct th_run *run, const json_t *rec, int64_t t)
{
	static const char *const keys[] = {"package_name", "package",
	                                   "process_name", "app"};
	size_t i;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		th_run_check(run, TH_MATCH_APP_ID, th_jstr(rec, keys[i]),
		             TH_LEVEL_CRITICAL, t, rec);
}

static void dns_check(struct th_run *run, const json_t *rec)
{
	int64_t t = th_jtime(rec, NULL);
	json_t *ips = json_object_get(rec, "ip_addresses"), *ip;
	size_t i;

	th_run_check(run, TH_MATCH_DOMAIN, th_jstr(rec, "hostname"),
	             TH_LEVEL_CRITICAL, t, rec);
	json_array_foreach(ips, i, ip)
	        th_run_check(run, TH_MATCH_IP, json_string_value(ip),
	                     TH_LEVEL_CRITICAL, t, rec);
	check_package(run, rec, t);
}

static void connect_check(struct th_run *run, const json_t *rec)
{
	const char *ip = th_jstr(rec, "ip_address"), *slash;

	/* Java's InetAddress prints "host/1.2.3.4". */
	if (ip && (slash = strrchr(ip, '/')) != NULL)
		ip = slash + 1;
	th_run_check(run, TH_MATCH_IP, ip, TH_LEVEL_CRITICAL,
	             th_jtime(rec, NULL), rec);
	check_package(run, rec, th_jtime(rec, NULL));
}

/* SecurityLog tags that say something went wrong, and whether they
 * count only on failure (a "success" field of 0 or false). */
static const struct {
	const char *tag;
	int on_failure;
	const char *what;
} bad_tags[] = {
        {"cert_authority_installed", 0, "a CA certificate was installed"},
        {"cert_validation_failure", 0, "a certificate failed validation"},
        {"key_integrity_violation", 0, "a key integrity violation"},
        {"wipe_failure", 0, "a wipe failed"},
        {"crypto_self_test_completed", 1, "a cryptographic self-test failed"},
};

static int failed(const json_t *rec)
{
	const json_t *v = json_object_get(rec, "success");

	if (!v)
		v = json_object_get(rec, "result");
	return json_is_false(v) ||
	       (json_is_integer(v) && !json_integer_value(v));
}

static void security_check(struct th_run *run, const json_t *rec)
{
	const char *tag = th_jstr(rec, "tag");
	int64_t t = th_jtime(rec, NULL);
	size_t i;

	check_package(run, rec, t);
	th_run_check(run, TH_MATCH_FILE_PATH, th_jstr(rec, "path"),
	             TH_LEVEL_CRITICAL, t, rec);
	th_run_check(run, TH_MATCH_FILE_PATH, th_jstr(rec, "file_path"),
	             TH_LEVEL_CRITICAL, t, rec);
	if (!tag)
		return;
	if (!strncasecmp(tag, "tag_", 4))
		tag += 4;
	for (i = 0; i < sizeof(bad_tags) / sizeof(bad_tags[0]); i++)
		if (!strcasecmp(tag, bad_tags[i].tag) &&
		    (!bad_tags[i].on_failure || failed(rec)))
			th_run_alert(run, TH_LEVEL_MEDIUM, t, rec, NULL, tag,
			             "security event: %s", bad_tags[i].what);
}

const struct th_module th_mod_dns_event = {
        .slug = "dns_event",
        .title = "DNS lookups (intrusion logs)",
        .sources = TH_SRC_INTRUSION_LOGS,
        .shape = TH_RECORDS_LIST,
        .run = dns_run,
        .check = dns_check,
};

const struct th_module th_mod_connect_event = {
        .slug = "connect_event",
        .title = "network connections (intrusion logs)",
        .sources = TH_SRC_INTRUSION_LOGS,
        .shape = TH_RECORDS_LIST,
        .run = connect_run,
        .check = connect_check,
};

const struct th_module th_mod_security_event = {
        .slug = "security_event",
        .title = "security log events (intrusion logs)",
        .sources = TH_SRC_INTRUSION_LOGS,
        .shape = TH_RECORDS_LIST,
        .run = security_run,
        .check = security_check,
};
