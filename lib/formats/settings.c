/* settings_<namespace>.txt lines, split in place (see settings.h for
 * how each oddity is read). */
#include <string.h>

#include "formats/lines.h"
#include "formats/settings.h"

/* Wider than th_line_trim's blanks: MVT strips the line with Python's
 * str.strip(), which takes "\v" and "\f" too. */
static int blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/* One line: 1 a setting (spans set), 0 blank, -1 malformed. */
static int split(const char *s, size_t n, const char **key, size_t *key_len,
                 const char **value, size_t *value_len)
{
	const char *eq;

	while (n && blank(*s)) {
		s++;
		n--;
	}
	while (n && blank(s[n - 1]))
		n--;
	if (!n)
		return 0;
	eq = memchr(s, '=', n);
	if (!eq || eq == s || (size_t)(eq - s) > TH_SETTINGS_KEY_MAX ||
	    memchr(s, '\0', (size_t)(eq - s)))
		return -1;
	*key = s;
	*key_len = (size_t)(eq - s);
	*value = eq + 1;
	*value_len = n - *key_len - 1;
	return 1;
}

enum th_status th_settings_each(const char *text, size_t len, th_setting_fn fn,
                                void *ctx, size_t *malformed)
{
	const char *line, *key, *value;
	size_t pos = 0, n, key_len, value_len, bad = 0;
	int r;

	if (malformed)
		*malformed = 0;
	if (!text && len)
		return TH_ERR_USAGE;
	while (th_line_next(text, len, &pos, &line, &n)) {
		r = split(line, n, &key, &key_len, &value, &value_len);
		if (r < 0)
			bad++;
		if (r > 0 && fn(ctx, key, key_len, value, value_len))
			break;
	}
	if (malformed)
		*malformed = bad;
	return TH_OK;
}
