/*
 * Info.plist's Applications (shared reference/ios.md 3, applications):
 * a sideloaded app (sourceApp neither the App Store nor MDM) in infected
 * backups; apps from the App Store, one through its product page
 * extension, in both.
 */
#include <stdlib.h>
#include <string.h>

#include "gen.h"

struct app {
	int infected_only;
	const char *bundle;
	const char *source; /* NULL: no sourceApp key (older metadata) */
	const char *purchased;
};

static const struct app apps[] = {
        {1, "com.example.flashlightpro", "com.apple.configurator",
         "2022-09-12T19:30:00Z"},
        {0, "com.example.weather", "com.apple.AppStore",
         "2022-01-10T08:00:00Z"},
        {0, "com.example.notes", "com.apple.AppStore.ProductPageExtension",
         "2022-02-11T09:00:00Z"},
        {0, "com.example.olderapp", NULL, "2020-05-01T10:00:00Z"},
};

static void set_str(plist_t d, const char *key, const char *value)
{
	plist_dict_set_item(d, key, plist_new_string(value));
}

/* iTunesMetadata is a binary plist stored as data. */
static plist_t metadata(const struct app *a)
{
	plist_t m = plist_new_dict(), info = plist_new_dict(), data;
	char *bin = NULL;
	uint32_t len = 0;

	set_str(m, "softwareVersionBundleId", a->bundle);
	set_str(m, "itemName", a->bundle + strlen("com.example."));
	set_str(m, "artistName", "Example Ltd");
	set_str(m, "bundleShortVersionString", "1.0");
	if (a->source)
		set_str(m, "sourceApp", a->source);
	set_str(info, "purchaseDate", a->purchased);
	plist_dict_set_item(m, "com.apple.iTunesStore.downloadInfo", info);
	plist_to_bin(m, &bin, &len);
	plist_free(m);
	data = plist_new_data(bin ? bin : "", bin ? len : 0);
	free(bin);
	return data;
}

void th_gen_info_apps(plist_t info, int infected)
{
	plist_t dict = plist_new_dict(), app;
	size_t i;

	for (i = 0; i < sizeof(apps) / sizeof(apps[0]); i++) {
		if (apps[i].infected_only && !infected)
			continue;
		app = plist_new_dict();
		plist_dict_set_item(app, "iTunesMetadata", metadata(&apps[i]));
		plist_dict_set_item(app, "PlaceholderIcon",
		                    plist_new_data("icon", 4));
		plist_dict_set_item(dict, apps[i].bundle, app);
	}
	plist_dict_set_item(info, "Applications", dict);
}
