/*
 * libFuzzer target: the flat-object fast path, checked against jansson.
 * Whatever th_flatjson_parse accepts must load in jansson and dump to
 * the very bytes th_json_append writes for jansson's tree, within
 * th_flatjson_dump_max; any difference aborts.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "formats/flatjson.h"
#include "report/report.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct th_flatjson o;
	const char *text = (const char *)data;
	size_t cap = th_flatjson_dump_max(size), len = 0;
	struct th_buf want;
	char *out;
	json_t *v;

	if (th_flatjson_parse(text, size, &o) != TH_OK)
		return 0;
	v = json_loadb(text, size, 0, NULL);
	out = malloc(cap);
	if (!v || !out)
		abort();
	th_buf_init(&want, (size_t)1 << 30);
	if (th_json_append(&want, v) != TH_OK ||
	    th_flatjson_dump(&o, out, cap, &len) != TH_OK || len != want.len ||
	    memcmp(out, want.data, len) != 0)
		abort();
	th_buf_free(&want);
	json_decref(v);
	free(out);
	return 0;
}
