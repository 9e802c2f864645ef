#include <string.h>

#include "formats/ndjson.h"

#define CHUNK 65536

int th_ndjson_getline(FILE *f, struct th_buf *line, size_t max, int *too_long)
{
	char chunk[CHUNK];
	size_t n;
	int any = 0;

	th_buf_reset(line);
	*too_long = 0;
	while (fgets(chunk, sizeof(chunk), f)) {
		any = 1;
		n = strlen(chunk);
		if (!*too_long && line->len + n > max) {
			*too_long = 1;
			th_buf_reset(line);
		}
		if (!*too_long && th_buf_add(line, chunk, n) != TH_OK) {
			th_buf_reset(line);
			return -1;
		}
		if (n && chunk[n - 1] == '\n')
			break;
	}
	return any;
}
