/*
 * libFuzzer target: the shutdown.log parser and the process-name
 * helper, on arbitrary bytes (not NUL-terminated), plus the archive
 * member-path normaliser and link check on the same bytes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "formats/archive.h"
#include "formats/shutdown_log.h"

static int on_block(void *ctx, const struct th_shutdown_block *b)
{
	char name[64];
	size_t i;

	(void)ctx;
	if (b->nclients > TH_SHUTDOWN_CLIENTS_MAX)
		abort();
	for (i = 0; i < b->nclients; i++) {
		if (strlen(b->clients[i].path) >= TH_SHUTDOWN_PATH_MAX)
			abort();
		th_shutdown_process(b->clients[i].path, name, sizeof(name));
	}
	return 0;
}

/* A cleaned path never has a ".." component nor a leading '/'. */
static void check_clean(const char *out)
{
	const char *p = out;
	size_t n;

	if (out[0] == '/')
		abort();
	while (*p) {
		n = strcspn(p, "/");
		if (n == 0 || (n == 2 && p[0] == '.' && p[1] == '.'))
			abort();
		p += n;
		if (*p)
			p++;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s, out[256];

	th_shutdown_parse((const char *)data, size, on_block, NULL);
	s = malloc(size + 1);
	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	if (th_archive_path_clean(s, out, sizeof(out)) == 0)
		check_clean(out);
	th_archive_link_inside(s, s + strlen(s) / 2);
	free(s);
	return 0;
}
