/*
 * libFuzzer target: a STIX2 bundle loaded from memory, then every loaded
 * value looked up again as the types th_match_guess proposes for it.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "iocs/iocs_int.h"

static void probe(const struct th_iocs *iocs, const char *value)
{
	enum th_match_type types[TH_MATCH_TYPE_COUNT];
	size_t n = th_match_guess(value, types, TH_MATCH_TYPE_COUNT), i;

	for (i = 0; i < n; i++)
		th_iocs_match(iocs, types[i], value);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct th_iocs *iocs;
	const struct th_ioc *ioc;
	size_t i;

	if (th_iocs_new(&iocs) != TH_OK)
		return 0;
	th_iocs_load_buffer(iocs, "fuzz.stix2", (const char *)data, size);
	/* Every value the index holds must be found as what it is. */
	for (i = 0; i < iocs->index.mask + 1 && iocs->index.slots; i++) {
		ioc = iocs->index.slots[i].val;
		if (!ioc || iocs->index.slots[i].tag >= TH_IOC_KIND_COUNT)
			continue;
		if (!th_iocs_find(iocs, ioc->kind, ioc->value,
		                  strlen(ioc->value)))
			abort();
		probe(iocs, ioc->value);
	}
	th_iocs_free(iocs);
	return 0;
}
