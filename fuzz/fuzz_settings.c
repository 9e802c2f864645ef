/*
 * libFuzzer target: androidqf settings_*.txt "key=value" lines, on
 * arbitrary bytes (not NUL-terminated).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "formats/settings.h"

struct span {
	const char *text;
	size_t len;
	size_t count;
};

static int blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

static int on_setting(void *ctx, const char *key, size_t key_len,
                      const char *value, size_t value_len)
{
	struct span *s = ctx;

	/* Keys and values lie inside the text, the value right after the
	 * key's '='. */
	if (key < s->text || key + key_len > s->text + s->len ||
	    value < s->text || value + value_len > s->text + s->len ||
	    value != key + key_len + 1 || key[key_len] != '=')
		abort();
	/* A key is not empty, not too long, holds no NUL, '=' or line
	 * break, and starts with no blank; neither ends with one. */
	if (!key_len || key_len > TH_SETTINGS_KEY_MAX ||
	    memchr(key, '\0', key_len) || memchr(key, '=', key_len) ||
	    memchr(key, '\n', key_len) || blank(key[0]))
		abort();
	if (memchr(value, '\n', value_len) ||
	    (value_len && blank(value[value_len - 1])))
		abort();
	s->count++;
	return 0;
}

static int stop_first(void *ctx, const char *key, size_t key_len,
                      const char *value, size_t value_len)
{
	(void)key;
	(void)key_len;
	(void)value;
	(void)value_len;
	++*(size_t *)ctx;
	return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct span s = {(const char *)data, size, 0};
	size_t bad = 0, lines = 0, i, first = 0;

	if (th_settings_each(s.text, size, on_setting, &s, &bad) != TH_OK)
		abort();
	/* Each line is a setting, malformed, or blank: never two of them. */
	for (i = 0; i < size; i++)
		lines += data[i] == '\n';
	if (s.count + bad > lines + 1)
		abort();
	/* Stopping early calls back once at most. */
	th_settings_each(s.text, size, stop_first, &first, NULL);
	if (first > 1 || (s.count && first != 1))
		abort();
	return 0;
}
