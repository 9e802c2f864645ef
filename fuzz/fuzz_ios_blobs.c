/*
 * libFuzzer target: the plists iOS keeps in database cells (Safari tab
 * session data, shortcut actions) and the registrable-domain rule. The
 * first byte picks the reader; the rest is the cell.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "modules/ios/blobs.h"
#include "modules/ios/evdb.h"

static void domain(const uint8_t *data, size_t size)
{
	char host[256];
	const char *r;

	if (size >= sizeof(host))
		size = sizeof(host) - 1;
	memcpy(host, data, size);
	host[size] = '\0';
	r = th_domain_registrable(host);
	/* The registrable part is a suffix of the host. */
	if (r < host || r > host + strlen(host) ||
	    strcmp(r, host + (r - host)) != 0)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_t *out = json_array();
	struct th_err err = {0};
	size_t n = 0;

	if (size < 1 || !out) {
		json_decref(out);
		return 0;
	}
	switch (data[0] % 3) {
	case 0:
		th_safari_session_parse(data + 1, size - 1, out, &err);
		break;
	case 1:
		th_shortcut_actions_parse(data + 1, size - 1, out, &n, &err);
		if (n > size)
			abort();
		break;
	default:
		domain(data + 1, size - 1);
	}
	json_decref(out);
	return 0;
}
