/*
 * libFuzzer target: the dumpsys splitter, then every section parser on
 * the whole input and on each section and block the splitter found.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "formats/dumpsys.h"
#include "formats/dumpsys_parse.h"

static const th_section_each parsers[] = {
        th_dumpsys_accessibility_each,   th_dumpsys_activities_each,
        th_dumpsys_receivers_each,       th_dumpsys_packages_each,
        th_dumpsys_appops_each,          th_dumpsys_battery_daily_each,
        th_dumpsys_battery_history_each, th_dumpsys_dbinfo_each,
        th_dumpsys_platform_compat_each, th_dumpsys_adb_each,
};

static int drop(void *ctx, json_t *rec)
{
	(void)ctx;
	/* Every record is an object that serialises. */
	char *s = json_dumps(rec, 0);

	if (!json_is_object(rec) || !s)
		abort();
	free(s);
	json_decref(rec);
	return 0;
}

static void all(const char *text, size_t len)
{
	size_t i;

	for (i = 0; i < sizeof(parsers) / sizeof(parsers[0]); i++)
		parsers[i](text, len, drop, NULL);
}

/* A section cut off is named inside the text, its body ends with the
 * text, and its warning fits the message. */
static void cut_off(const struct th_dumpsys *d, const char *text, size_t size)
{
	const char *name, *body;
	char key[128], msg[512];
	size_t nlen, blen;

	if (!th_dumpsys_cut_off(d, &name, &nlen)) {
		if (th_dumpsys_cut_warning(d, "f", msg, sizeof(msg)))
			abort();
		return;
	}
	if (name < text || name + nlen > text + size ||
	    !th_dumpsys_cut_warning(d, "f", msg, sizeof(msg)) ||
	    strlen(msg) >= sizeof(msg))
		abort();
	if (nlen >= sizeof(key) || memchr(name, '\0', nlen) ||
	    memchr(name, ' ', nlen))
		return;
	memcpy(key, name, nlen);
	key[nlen] = '\0';
	/* The first section of a name wins: only then is this its body. */
	if (th_dumpsys_section(d, key, &body, &blen) == TH_OK &&
	    body + blen > text + size)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data, *body, *name;
	struct th_dumpsys *d = NULL;
	struct th_err err = {0};
	size_t i, blen, nlen;
	char key[128];
	int block;

	all(text, size);
	if (th_dumpsys_index(text, size, &d, &err) != TH_OK)
		return 0;
	for (i = 0; th_dumpsys_at(d, i, &name, &nlen, &block); i++) {
		if (nlen >= sizeof(key) || memchr(name, '\0', nlen))
			continue;
		memcpy(key, name, nlen);
		key[nlen] = '\0';
		if ((block ? th_dumpsys_block(d, key, &body, &blen)
		           : th_dumpsys_section(d, key, &body, &blen)) != TH_OK)
			continue;
		/* A body lies inside the text. */
		if (body < text || body + blen > text + size)
			abort();
		all(body, blen);
	}
	cut_off(d, text, size);
	th_dumpsys_free(d);
	return 0;
}
