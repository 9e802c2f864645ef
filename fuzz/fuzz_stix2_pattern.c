/*
 * libFuzzer target: the STIX2 pattern parser alone ("[key = 'value']",
 * escapes, then the value's normalisation per kind), on arbitrary bytes
 * (not NUL-terminated). fuzz_stix2 reaches it only through whole JSON
 * bundles; here every byte of the pattern is the fuzzer's.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "iocs/iocs_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char val[TH_IOC_VALUE_MAX + 1];
	enum th_ioc_kind kind = TH_IOC_KIND_COUNT;
	size_t len = SIZE_MAX;
	const char *why;

	memset(val, 0x5a, sizeof(val));
	why = th_ioc_pattern_parse((const char *)data, size, &kind, val, &len);
	if (why) {
		/* A reason is a static, non-empty string. */
		if (!*why)
			abort();
		return 0;
	}
	/* A value is known by kind, not empty, within its room and
	 * NUL-terminated. */
	if ((unsigned)kind >= TH_IOC_KIND_COUNT || !len ||
	    len > TH_IOC_VALUE_MAX || val[len] != '\0' ||
	    !strcmp(th_ioc_kind_key(kind), "unknown"))
		abort();
	return 0;
}
