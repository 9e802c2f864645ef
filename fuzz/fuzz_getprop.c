/*
 * libFuzzer target: getprop "[name]: [value]" lines and ps output, on
 * arbitrary bytes (not NUL-terminated).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "formats/getprop.h"

struct span {
	const char *text;
	size_t len;
};

static int on_prop(void *ctx, const char *name, size_t name_len,
                   const char *value, size_t value_len)
{
	const struct span *s = ctx;

	/* Names and values lie inside the text. */
	if (!name_len || name < s->text || name + name_len > s->text + s->len ||
	    value < s->text || value + value_len > s->text + s->len)
		abort();
	return 0;
}

static int on_row(void *ctx, const struct th_ps_row *r)
{
	(void)ctx;
	/* Every column is a string (possibly empty). */
	if (!r->user || !r->pid || !r->ppid || !r->label || !r->name ||
	    !r->vsz || !r->rss || !r->wchan || !r->addr || !r->state)
		abort();
	return strlen(r->name) > 1u << 20;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct span s = {(const char *)data, size};
	struct th_err err = {0};
	size_t skipped;

	th_getprop_each(s.text, size, on_prop, &s, &skipped);
	th_ps_each(s.text, size, on_row, NULL, &err);
	return 0;
}
