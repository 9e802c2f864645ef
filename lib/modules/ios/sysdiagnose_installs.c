/* sysdiagnose_installs: app installs and uninstalls from the
 * MobileInstallation logs, each bundle id checked against app ids. A
 * spyware app removed after use still leaves its install line. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/jsonutil.h"
#include "formats/sysdiag_text.h"
#include "modules/ios/fsmod.h"
#include "modules/ios/ios_modules.h"

#define LOG_MAX ((size_t)256 << 20)

static const struct th_artifact artifacts[] = {
        {.sysdiag_glob = "logs/MobileInstallation/mobile_installation.log*"},
        {0},
};

static enum th_status on_line(struct th_run *run, const char *line,
                              const char *file)
{
	const char *event = NULL;
	char id[TH_BUNDLE_ID_MAX], desc[TH_BUNDLE_ID_MAX + 64];
	int64_t t = TH_TIME_NONE;
	json_t *rec;

	if (!th_install_line(line, &event, id, &t))
		return TH_OK;
	rec = json_object();
	if (!rec)
		return TH_ERR_NOMEM;
	th_json_set_new(rec, "timestamp", th_json_time(t));
	th_json_set_new(rec, "event", json_string(event));
	th_fsmod_set_str(rec, "bundle_id", id);
	th_fsmod_set_str(rec, "file", file);
	snprintf(desc, sizeof(desc), "%s of %s", event, id);
	th_run_event(run, t, event, desc);
	return th_run_record(run, rec);
}

static enum th_status read_file(struct th_run *run, const struct th_file *f,
                                void *ctx)
{
	enum th_status st = TH_OK;
	char *text = NULL, *s, *nl;
	size_t len = 0;

	(void)ctx;
	if (th_fsmod_read(run, f, LOG_MAX, &text, &len) != TH_OK)
		return TH_OK;
	for (s = text; s < text + len && st == TH_OK; s = nl + 1) {
		nl = memchr(s, '\n', (size_t)(text + len - s));
		if (!nl)
			nl = text + len;
		*nl = '\0';
		st = on_line(run, s, f->name);
	}
	free(text);
	return st;
}

static enum th_status run_installs(struct th_run *run)
{
	return th_fsmod_each_until(run, artifacts, "MobileInstallation log",
	                           read_file, NULL);
}

static void check_installs(struct th_run *run, const json_t *rec)
{
	th_run_check(run, TH_MATCH_APP_ID, th_rec_str(rec, "bundle_id"),
	             TH_LEVEL_CRITICAL,
	             th_fsmod_parse_time(th_rec_str(rec, "timestamp")), rec);
}

const struct th_module th_mod_sysdiagnose_installs = {
        .slug = "sysdiagnose_installs",
        .title = "app installs and uninstalls (MobileInstallation logs)",
        .sources = TH_SRC_SYSDIAGNOSE,
        .shape = TH_RECORDS_LIST,
        .run = run_installs,
        .check = check_installs,
        .artifacts = artifacts,
};
