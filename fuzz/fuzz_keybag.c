/*
 * libFuzzer target: the BackupKeyBag TLV parser, then unwrapping its
 * class keys with a fixed key (integrity failures are expected; reads
 * out of bounds are not). Key derivation is not run: its cost is the
 * iteration count, bounded by TH_KDF_ITER_MAX, not the input.
 */
#include <stdint.h>
#include <stdlib.h>

#include "formats/keybag.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t key[TH_KEYBAG_KEY_LEN] = {1, 2, 3};
	struct th_keybag kb;
	struct th_err err;
	size_t i;

	if (th_keybag_parse(data, size, &kb, &err) != TH_OK)
		return 0;
	if (kb.nclasses == 0 || kb.nclasses >= TH_KEYBAG_MAX_CLASSES ||
	    kb.salt_len == 0 || kb.salt_len > TH_KEYBAG_SALT_MAX ||
	    kb.dpsl_len > TH_KEYBAG_SALT_MAX || kb.iter == 0)
		abort();
	for (i = 0; i < kb.nclasses; i++)
		if (kb.classes[i].wpky_len == 0 ||
		    kb.classes[i].wpky_len > TH_KEYBAG_WPKY_MAX)
			abort();
	th_keybag_unlock(&kb, key, &err);
	th_keybag_wipe(&kb);
	return 0;
}
