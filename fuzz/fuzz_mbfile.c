/* MBFile blobs from Manifest.db: the direct binary plist reader behind
 * the fast path. Any input must come back as a status with every field
 * either decoded or at its "absent" value. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "formats/mbfile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct th_err err = {0};
	struct th_mbfile m;

	if (th_mbfile_decode(data, size, &m, &err) == TH_OK) {
		/* The path is always a terminated string within its field. */
		if (strlen(m.relative_path) >= sizeof(m.relative_path))
			__builtin_trap();
		if (m.encryption_key_len > sizeof(m.encryption_key))
			__builtin_trap();
	} else if (!err.msg[0]) {
		__builtin_trap(); /* a failure always says why */
	}
	return 0;
}
