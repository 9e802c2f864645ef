/*
 * libFuzzer target: tombstones, text and protobuf, on arbitrary bytes.
 */
#include <stdint.h>
#include <stdlib.h>

#include "formats/tombstone.h"

static void one(enum th_status st, json_t *rec)
{
	char *s;

	if (st != TH_OK) {
		if (rec)
			abort(); /* no record on failure */
		return;
	}
	s = json_dumps(rec, 0);
	if (!s)
		abort();
	free(s);
	json_decref(rec);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct th_err err = {0};
	json_t *rec = NULL;

	one(th_tombstone_parse_proto(data, size, &rec, &err), rec);
	rec = NULL;
	one(th_tombstone_parse_text((const char *)data, size, &rec, &err), rec);
	rec = NULL;
	one(th_tombstone_parse(data, size, &rec, &err), rec);
	return 0;
}
