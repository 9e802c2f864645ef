#include <string.h>

#include "formats/lines.h"

int th_line_next(const char *text, size_t len, size_t *pos, const char **line,
                 size_t *n)
{
	const char *s, *nl;
	size_t k;

	if (!text || *pos >= len)
		return 0;
	s = text + *pos;
	nl = memchr(s, '\n', len - *pos);
	k = nl ? (size_t)(nl - s) : len - *pos;
	*pos += nl ? k + 1 : k;
	if (k && s[k - 1] == '\r')
		k--;
	*line = s;
	*n = k;
	return 1;
}

static int blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

void th_line_trim(const char **s, size_t *n)
{
	while (*n && blank(**s)) {
		(*s)++;
		(*n)--;
	}
	while (*n && blank((*s)[*n - 1]))
		(*n)--;
}

int th_line_starts(const char *s, size_t n, const char *prefix)
{
	size_t k = strlen(prefix);

	return n >= k && memcmp(s, prefix, k) == 0;
}

size_t th_line_indent(const char *s, size_t n)
{
	size_t i = 0;

	while (i < n && s[i] == ' ')
		i++;
	return i;
}

int th_line_blank(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!blank(s[i]))
			return 0;
	return 1;
}

const char *th_line_find(const char *s, size_t n, const char *needle)
{
	size_t k = strlen(needle), i;

	for (i = 0; k && i + k <= n; i++)
		if (s[i] == needle[0] && memcmp(s + i, needle, k) == 0)
			return s + i;
	return NULL;
}
