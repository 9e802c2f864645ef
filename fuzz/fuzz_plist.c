/* Plists from evidence: the pre-scan and libplist behind it, the JSON
 * conversion and the NSKeyedArchiver resolver. Any input must come back
 * as a status, never a crash, a hang or a leak. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "formats/nskeyed.h"
#include "formats/plist_util.h"

static void resolve(plist_t p, const char *top_key)
{
	struct th_err err = {0};
	plist_t r = NULL;
	json_t *j = NULL;

	if (th_nskeyed_resolve(p, top_key, &r, &err) != TH_OK) {
		/* A failure says why, and leaves nothing to free. */
		if (r || !err.msg[0])
			abort();
		return;
	}
	if (th_plist_to_json(r, 0, &j, &err) == TH_OK)
		json_decref(j);
	plist_free(r);
}

/* Every key of $top, not only "root": callers ask for others. At most
 * a few, so one input stays fast. */
static void resolve_tops(plist_t p)
{
	plist_t top = plist_get_node_type(p) == PLIST_DICT
	                      ? plist_dict_get_item(p, "$top")
	                      : NULL;
	plist_dict_iter it = NULL;
	char *key = NULL;
	plist_t v = NULL;
	int n = 0;

	if (!top || plist_get_node_type(top) != PLIST_DICT)
		return;
	plist_dict_new_iter(top, &it);
	while (it && n++ < 4) {
		plist_dict_next_item(top, it, &key, &v);
		if (!key)
			break;
		resolve(p, key);
		free(key);
		key = NULL;
	}
	free(it);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct th_err err = {0};
	plist_t p = NULL;
	json_t *j = NULL;

	if (th_plist_parse(data, size, NULL, &p, &err) != TH_OK)
		return 0;
	if (th_plist_to_json(p, 0, &j, &err) == TH_OK)
		json_decref(j);
	resolve(p, NULL);
	resolve_tops(p);
	plist_free(p);
	return 0;
}
