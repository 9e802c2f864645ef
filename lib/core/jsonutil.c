#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/jsonutil.h"

/* Length of the valid UTF-8 sequence at s (at most `left` bytes), or 0. */
static size_t utf8_seq(const unsigned char *s, size_t left)
{
	size_t n, i;
	uint32_t cp;

	if (s[0] < 0x80)
		return s[0] ? 1 : 0;
	if ((s[0] & 0xe0) == 0xc0)
		n = 2, cp = s[0] & 0x1f;
	else if ((s[0] & 0xf0) == 0xe0)
		n = 3, cp = s[0] & 0x0f;
	else if ((s[0] & 0xf8) == 0xf0)
		n = 4, cp = s[0] & 0x07;
	else
		return 0;
	if (n > left)
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) ||
	    (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

static _Thread_local unsigned long nomem_count;

unsigned long th_json_nomem_count(void)
{
	return nomem_count;
}

json_t *th_json_stringn(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	unsigned char *out;
	size_t i = 0, o = 0, n;
	json_t *j;

	if (!s)
		return json_null();
	j = json_stringn(s, len);
	if (j)
		return j;
	/* Invalid UTF-8 or an embedded NUL: rebuild, 3 bytes per bad byte. */
	if (len > (SIZE_MAX - 1) / 3)
		return json_null();
	out = malloc(len * 3 + 1);
	if (!out) {
		nomem_count++;
		return json_null();
	}
	while (i < len) {
		n = utf8_seq(p + i, len - i);
		if (n) {
			memcpy(out + o, p + i, n);
			o += n;
			i += n;
			continue;
		}
		memcpy(out + o, "\xef\xbf\xbd", 3);
		o += 3;
		i++;
	}
	j = json_stringn(out ? (const char *)out : "", o);
	free(out);
	if (!j)
		nomem_count++; /* valid UTF-8 now: only memory fails */
	return j ? j : json_null();
}

json_t *th_json_string(const char *s)
{
	return s ? th_json_stringn(s, strlen(s)) : json_null();
}
