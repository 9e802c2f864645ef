/*
 * libFuzzer target: a STIX2 bundle loaded from memory, then every loaded
 * value looked up again as what it is and as the types th_match_guess
 * proposes. The same bytes are also parsed in pieces (as large files
 * are), which must give exactly what one whole parse gives.
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

static void same_in_pieces(const char *data, size_t size)
{
	struct th_stix2_file whole, split;
	size_t i;

	th_stix2_file_init(&whole);
	th_stix2_file_init(&split);
	whole.opts.split_min = SIZE_MAX;
	split.opts.split_min = 1;
	split.opts.threads = 1;
	th_stix2_file_parse(&whole, "f", data, size);
	th_stix2_file_parse(&split, "f", data, size);
	if (whole.err.status != split.err.status ||
	    strcmp(whole.err.msg, split.err.msg) ||
	    whole.ninds != split.ninds || whole.skipped != split.skipped)
		abort();
	for (i = 0; i < whole.ninds; i++)
		if (strcmp(whole.inds[i].value, split.inds[i].value) ||
		    strcmp(whole.colls[whole.inds[i].coll],
		           split.colls[split.inds[i].coll]))
			abort();
	th_stix2_file_free(&whole);
	th_stix2_file_free(&split);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct th_ioc *ioc;
	struct th_iocs *iocs;
	size_t i;

	if (th_iocs_new(&iocs) != TH_OK)
		return 0;
	th_iocs_load_buffer(iocs, "fuzz.stix2", (const char *)data, size);
	/* Every value the index holds must be found as what it is. */
	for (i = 0; iocs->index.slots && i <= iocs->index.mask; i++) {
		ioc = iocs->index.slots[i].val;
		if (!ioc || iocs->index.slots[i].tag >= TH_IOC_KIND_COUNT)
			continue;
		if (!th_iocs_find(iocs, ioc->kind, ioc->value,
		                  strlen(ioc->value)))
			abort();
		probe(iocs, ioc->value);
	}
	th_iocs_free(iocs);
	same_in_pieces((const char *)data, size);
	return 0;
}
