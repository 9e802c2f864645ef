/*
 * libFuzzer target: the iOS diagnostics text formats (ps.txt tables,
 * MobileInstallation lines, .ips header lines, report times) on
 * arbitrary bytes; the table parser sees them unterminated.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "formats/sysdiag_text.h"

static int on_row(void *ctx, json_t *row)
{
	size_t *n = ctx;

	if (!json_is_object(row) || !json_object_get(row, "command"))
		abort();
	json_decref(row);
	return ++*n > 100000;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char id[TH_BUNDLE_ID_MAX], *s;
	const char *event = NULL;
	size_t rows = 0;
	int64_t t;
	json_t *j;

	th_ps_table_each((const char *)data, size, on_row, &rows);
	j = th_ips_header((const char *)data, size);
	json_decref(j);
	s = malloc(size + 1);
	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	if (th_install_line(s, &event, id, &t) &&
	    (!event || strlen(id) >= TH_BUNDLE_ID_MAX))
		abort();
	th_text_time(s);
	free(s);
	return 0;
}
