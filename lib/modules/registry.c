#include <stdio.h>
#include <string.h>

#include "modules/module.h"
#include "modules/ios/ios_modules.h"

/* One row per module. The order is the order modules run and print. */
static const struct th_module *const modules[] = {
        &th_mod_backup_info,
        &th_mod_manifest,
};

#define NMODULES (sizeof(modules) / sizeof(modules[0]))

size_t th_modules_count(void)
{
	return NMODULES;
}

const struct th_module *th_modules_at(size_t i)
{
	return i < NMODULES ? modules[i] : NULL;
}

const struct th_module *th_modules_find(const char *slug)
{
	size_t i;

	for (i = 0; i < NMODULES; i++)
		if (strcmp(modules[i]->slug, slug) == 0)
			return modules[i];
	return NULL;
}

/* The public view of the registry, for `tracehound modules`. */
static const char *const source_names[] = {
        "ios-backup", "ios-fs",         "sysdiagnose",    "androidqf",
        "bugreport",  "android-backup", "intrusion-logs",
};

static struct th_module_info module_infos[NMODULES];
static char module_sources[NMODULES][160];

size_t th_module_count(void)
{
	return NMODULES;
}

const struct th_module_info *th_module_info_at(size_t i)
{
	size_t b, len = 0;
	char *s;

	if (i >= NMODULES)
		return NULL;
	s = module_sources[i];
	s[0] = '\0';
	for (b = 0; b < sizeof(source_names) / sizeof(source_names[0]); b++) {
		if (!(modules[i]->sources & (1u << b)))
			continue;
		len += (size_t)snprintf(s + len,
		                        sizeof(module_sources[i]) - len, "%s%s",
		                        len ? ", " : "", source_names[b]);
		if (len >= sizeof(module_sources[i]))
			break;
	}
	module_infos[i].slug = modules[i]->slug;
	module_infos[i].title = modules[i]->title;
	module_infos[i].sources = s;
	return &module_infos[i];
}
