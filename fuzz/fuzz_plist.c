/* Plists from evidence: the pre-scan and libplist behind it, the JSON
 * conversion and the NSKeyedArchiver resolver. Any input must come back
 * as a status, never a crash, a hang or a leak. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "formats/nskeyed.h"
#include "formats/plist_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct th_err err = {0};
	plist_t p = NULL, r = NULL;
	json_t *j = NULL;

	if (th_plist_parse(data, size, NULL, &p, &err) != TH_OK)
		return 0;
	if (th_plist_to_json(p, 0, &j, &err) == TH_OK)
		json_decref(j);
	if (th_nskeyed_resolve(p, NULL, &r, &err) == TH_OK) {
		if (th_plist_to_json(r, 0, &j, &err) == TH_OK)
			json_decref(j);
		plist_free(r);
	}
	plist_free(p);
	return 0;
}
