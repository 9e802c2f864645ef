/*
 * libFuzzer target: intrusion-log NDJSON lines (event type and object,
 * event times, time zones), the bounded line reader, and the lenient
 * JSON reader that quotes
 * integers too big for 64 bits, on arbitrary bytes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "formats/ndjson.h"
#include "modules/android/android_util.h"
#include "sources/intrusion_logs.h"

static void lines(const char *d, size_t size)
{
	const char *end = d + size, *nl, *type;
	json_t *root, *event;

	while (d < end) {
		nl = memchr(d, '\n', (size_t)(end - d));
		if (!nl)
			nl = end;
		root = th_ilog_parse_line(d, (size_t)(nl - d), &type, &event);
		if (root) {
			if (!type || !json_is_object(event))
				abort();
			th_ilogs_time(NULL, event);
			json_decref(root);
		}
		d = nl + 1;
	}
}

/* The bounded line reader: every line fits its limit. */
static void bounded(const uint8_t *data, size_t size)
{
	FILE *f = fmemopen((void *)data, size, "r");
	struct th_buf line;
	int too_long;

	if (!f)
		return;
	th_buf_init(&line, 64);
	while (th_ndjson_getline(f, &line, 64, &too_long) > 0)
		if (line.len > 64 || (too_long && line.len))
			abort();
	th_buf_free(&line);
	fclose(f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	json_t *j;
	int m;

	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	lines(s, size);
	if (size)
		bounded(data, size);
	if (size < 16)
		th_ilog_tz_parse(s, &m);
	j = th_json_load_lenient(s, size);
	json_decref(j);
	free(s);
	return 0;
}
