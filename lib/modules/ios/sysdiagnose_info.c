/* sysdiagnose_info: the device model, iOS version and build of a
 * sysdiagnose, from its name, SystemVersion.plist and
 * remotectl_dumpstate.txt (whichever are there). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/jsonutil.h"
#include "formats/plist_util.h"
#include "modules/ios/fsmod.h"
#include "modules/ios/ios_modules.h"
#include "sources/sysdiagnose.h"

#define DUMPSTATE_MAX ((size_t)16 << 20)
#define VALUE_MAX     128

static const struct th_artifact artifacts[] = {
        {.sysdiag_glob = "*SystemVersion.plist"},
        {.sysdiag_glob = "remotectl_dumpstate.txt"},
        {0},
};

/* "Key => Value" lines of remotectl_dumpstate.txt we keep. */
static const char *const dump_keys[][2] = {
        {"ProductType", "product_type"},  {"HWModel", "hw_model"},
        {"ProductVersion", "os_version"}, {"BuildVersion", "build"},
        {"DeviceClass", "device_class"},
};

/* sysdiagnose_<date>_<time>_iPhone-OS_<device>_<build> */
static void from_name(json_t *info, const char *name)
{
	const char *os = strstr(name, "_iPhone-OS_");
	const char *last = strrchr(name, '_');

	th_fsmod_set_str(info, "name", name);
	if (os && last && last > os + 10) {
		th_fsmod_set_str(info, "build", last + 1);
		th_json_set_new(info, "os", json_string("iPhone OS"));
	}
}

static void from_plist(struct th_run *run, json_t *info, const char *path,
                       const char *name)
{
	static const char *const keys[][2] = {
	        {"ProductVersion", "os_version"},
	        {"ProductBuildVersion", "build"},
	        {"ProductName", "os"},
	};
	struct th_err err = {0};
	const char *v;
	enum th_status st;
	plist_t p = NULL;
	size_t i;

	st = th_plist_read_file(path, &p, &err);
	if (st != TH_OK) {
		th_run_warn(run, st, "%s", err.msg);
		return;
	}
	for (i = 0; i < 3; i++) {
		v = plist_get_node_type(p) == PLIST_DICT
		            ? th_plist_dict_str(p, keys[i][0])
		            : NULL;
		if (v)
			th_fsmod_set_str(info, keys[i][1], v);
	}
	th_run_log(run, TH_LOG_DEBUG, "read '%s'", name);
	plist_free(p);
}

static void dump_line(json_t *info, const char *s, const char *end)
{
	const char *arrow = NULL, *p;
	size_t i, klen, vlen;

	while (s < end && (*s == ' ' || *s == '\t'))
		s++;
	for (p = s; p + 1 < end && !arrow; p++)
		if (p[0] == '=' && p[1] == '>')
			arrow = p;
	if (!arrow)
		return;
	for (klen = (size_t)(arrow - s); klen && s[klen - 1] == ' '; klen--)
		;
	for (p = arrow + 2; p < end && *p == ' '; p++)
		;
	for (vlen = (size_t)(end - p);
	     vlen && (p[vlen - 1] == ' ' || p[vlen - 1] == '\r'); vlen--)
		;
	for (i = 0; i < sizeof(dump_keys) / sizeof(dump_keys[0]); i++)
		if (klen == strlen(dump_keys[i][0]) &&
		    !memcmp(s, dump_keys[i][0], klen) && vlen < VALUE_MAX &&
		    !json_object_get(info, dump_keys[i][1]))
			th_json_set_new(info, dump_keys[i][1],
			                th_json_stringn(p, vlen));
}

static int on_file(struct th_run *run, const struct th_file *f, void *ctx)
{
	json_t *info = ctx;
	char *text = NULL, *s, *nl;
	size_t len = 0;

	if (strstr(f->name, "SystemVersion.plist")) {
		from_plist(run, info, f->local_path, f->name);
		return 0;
	}
	if (th_fsmod_read(run, f, DUMPSTATE_MAX, &text, &len) != TH_OK)
		return 0;
	for (s = text; s < text + len; s = nl + 1) {
		nl = memchr(s, '\n', (size_t)(text + len - s));
		if (!nl)
			nl = text + len;
		dump_line(info, s, nl);
	}
	free(text);
	return 0;
}

static enum th_status run_info(struct th_run *run)
{
	struct th_source *src = th_run_source(run);
	const char *warning = th_sysdiag_warning(src);
	json_t *info = json_object();

	if (!info)
		return TH_ERR_NOMEM;
	if (warning)
		th_run_log(run, TH_LOG_WARN, "%s", warning);
	if (th_sysdiag_name(src))
		from_name(info, th_sysdiag_name(src));
	/* A sysdiagnose without these files still has its name. */
	th_fsmod_each(run, artifacts, "SystemVersion.plist", on_file, info);
	return th_run_record(run, info);
}

const struct th_module th_mod_sysdiagnose_info = {
        .slug = "sysdiagnose_info",
        .title = "device model, iOS version and build of a sysdiagnose",
        .sources = TH_SRC_SYSDIAGNOSE,
        .shape = TH_RECORDS_OBJECT,
        .run = run_info,
        .check = NULL,
        .artifacts = artifacts,
};
