#include <arpa/inet.h>
#include <string.h>

#include <tracehound/th_iocs.h>
#include "formats/url.h"

static int is_alpha(unsigned char c)
{
	return (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
}

static int is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static int is_alnum(unsigned char c)
{
	return is_alpha(c) || is_digit(c);
}

static int is_blank(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' ||
	       c == '\v';
}

static unsigned char lower(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') ? (unsigned char)(c | 0x20) : c;
}

/* Only these bytes can make an address: a cheap test before inet_pton,
 * which matters on the domain lookup path. */
static int ip_chars(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (!is_digit((unsigned char)s[i]) && s[i] != '.' &&
		    s[i] != ':' &&
		    !((s[i] | 0x20) >= 'a' && (s[i] | 0x20) <= 'f'))
			return 0;
	return len > 0;
}

int th_ip_normalise(const char *s, size_t len, char *out, size_t cap)
{
	unsigned char addr[16];
	char tmp[TH_IP_TEXT_MAX];
	int family = 0;

	if (len == 0 || len >= sizeof(tmp) || !ip_chars(s, len))
		return 0;
	memcpy(tmp, s, len);
	tmp[len] = '\0';
	if (inet_pton(AF_INET, tmp, addr) == 1)
		family = AF_INET;
	else if (inet_pton(AF_INET6, tmp, addr) == 1)
		family = AF_INET6;
	else
		return 0;
	if (out && !inet_ntop(family, addr, out, (socklen_t)cap))
		return 0;
	return family == AF_INET ? 4 : 6;
}

/* The length of a "scheme://" prefix (up to the "://"), else 0. */
static size_t scheme_len(const char *s, size_t len)
{
	size_t i;

	if (len == 0 || !is_alpha((unsigned char)s[0]))
		return 0;
	for (i = 1; i < len; i++) {
		if (is_alnum((unsigned char)s[i]) || s[i] == '+' ||
		    s[i] == '-' || s[i] == '.')
			continue;
		if (len - i >= 3 && memcmp(s + i, "://", 3) == 0)
			return i;
		return 0;
	}
	return 0;
}

static int ends_authority(char c)
{
	return c == '/' || c == '?' || c == '#' || c == '\\';
}

/* The port after a ':' at s[i], or -1. */
static int parse_port(const char *s, size_t i, size_t end)
{
	int port = 0;

	if (i >= end || s[i] != ':' || i + 1 == end)
		return -1;
	for (i++; i < end; i++) {
		if (!is_digit((unsigned char)s[i]) || port > 6553)
			return -1;
		port = port * 10 + (s[i] - '0');
	}
	return port <= 65535 ? port : -1;
}

enum th_status th_url_split(const char *s, size_t len, struct th_url_parts *out)
{
	size_t start, end, at, i;

	memset(out, 0, sizeof(*out));
	out->port = -1;
	out->scheme_len = scheme_len(s, len);
	start = out->scheme_len ? out->scheme_len + 3 : 0;
	if (!out->scheme_len && len >= 2 && s[0] == '/' && s[1] == '/')
		start = 2;
	for (end = start; end < len && !ends_authority(s[end]); end++)
		;
	out->path_off = end;
	/* Userinfo ends at the last '@' of the authority. */
	for (at = start, i = start; i < end; i++)
		if (s[i] == '@')
			at = i + 1;
	if (at < end && s[at] == '[') {
		for (i = at + 1; i < end && s[i] != ']'; i++)
			;
		if (i == end)
			return TH_ERR_FORMAT;
		out->host_off = at + 1;
		out->host_len = i - at - 1;
		out->bracketed = 1;
		out->port = parse_port(s, i + 1, end);
	} else {
		for (i = at; i < end && s[i] != ':'; i++)
			;
		out->host_off = at;
		out->host_len = i - at;
		out->port = parse_port(s, i, end);
	}
	return out->host_len ? TH_OK : TH_ERR_FORMAT;
}

static enum th_status copy_host(const char *h, size_t n, char *out, size_t cap,
                                size_t *out_len)
{
	size_t i;

	if (n > 1 && h[n - 1] == '.')
		n--;
	if (th_ip_normalise(h, n, out, cap))
		goto done;
	if (n >= cap)
		return TH_ERR_LIMIT;
	for (i = 0; i < n; i++)
		out[i] = (char)lower((unsigned char)h[i]);
	out[n] = '\0';
done:
	if (out_len)
		*out_len = strlen(out);
	return TH_OK;
}

enum th_status th_url_host(const char *s, size_t len, char *out, size_t cap,
                           size_t *out_len)
{
	struct th_url_parts p;
	enum th_status st;

	if (cap == 0)
		return TH_ERR_LIMIT;
	while (len > 0 && is_blank((unsigned char)s[0])) {
		s++;
		len--;
	}
	while (len > 0 && is_blank((unsigned char)s[len - 1]))
		len--;
	/* A bare IPv6 address would otherwise split at its first ':'. */
	if (cap >= TH_IP_TEXT_MAX && th_ip_normalise(s, len, out, cap) == 6) {
		if (out_len)
			*out_len = strlen(out);
		return TH_OK;
	}
	st = th_url_split(s, len, &p);
	if (st != TH_OK)
		return st;
	return copy_host(s + p.host_off, p.host_len, out, cap, out_len);
}

/* --- links in free text --- */

static int is_host_char(unsigned char c)
{
	return is_alnum(c) || c == '-' || c == '.' || c == '_';
}

/* Printable ASCII that may appear in a link written in text. Bytes over
 * 0x7f end a link: in messages they are far more often punctuation or
 * words glued to the link than internationalised paths. */
static int is_url_char(unsigned char c)
{
	if (c <= 0x20 || c >= 0x7f)
		return 0;
	return !strchr("<>\"`{}|\\^", c);
}

/* Drops punctuation that ends a sentence rather than the link, and a
 * closing bracket that has no opening one inside the link. */
static size_t trim_tail(const char *u, size_t n, size_t min)
{
	long paren = 0, brack = 0;
	size_t i;
	char c;

	for (i = 0; i < n; i++) {
		paren += (u[i] == '(') - (u[i] == ')');
		brack += (u[i] == '[') - (u[i] == ']');
	}
	while (n > min) {
		c = u[n - 1];
		if (c == ')' && paren < 0)
			paren++;
		else if (c == ']' && brack < 0)
			brack++;
		else if (!strchr(".,;:!?'\"*", c))
			break;
		n--;
	}
	return n;
}

static size_t url_end(const char *t, size_t i, size_t len)
{
	while (i < len && is_url_char((unsigned char)t[i]))
		i++;
	return i;
}

/* "http://" or "https://" at t[i..j) + "://", with a host after it. */
static size_t scheme_link(const char *t, size_t i, size_t j, size_t len)
{
	size_t n = j - i, h = j + 3;

	if (n != 4 && n != 5)
		return 0;
	if (lower((unsigned char)t[i]) != 'h' ||
	    lower((unsigned char)t[i + 1]) != 't' ||
	    lower((unsigned char)t[i + 2]) != 't' ||
	    lower((unsigned char)t[i + 3]) != 'p' ||
	    (n == 5 && lower((unsigned char)t[i + 4]) != 's'))
		return 0;
	if (len - j < 4 || memcmp(t + j, "://", 3) != 0)
		return 0;
	if (!is_host_char((unsigned char)t[h]) && t[h] != '[')
		return 0;
	return trim_tail(t + i, url_end(t, h, len) - i, h + 1 - i);
}

/* A bare "host.tld/..." at t[i..j): the last label is 2-63 letters and a
 * '/' follows, which rules out "e.g." and version numbers. */
static size_t bare_link(const char *t, size_t i, size_t j, size_t len)
{
	size_t k = j;

	if (j >= len || t[j] != '/' || t[i] == '.' || t[i] == '-')
		return 0;
	while (k > i && t[k - 1] != '.') {
		if (!is_alpha((unsigned char)t[k - 1]))
			return 0;
		k--;
	}
	/* k - 1 is the last dot; t[i] is not a dot, so a label precedes it. */
	if (k == i || j - k < 2 || j - k > 63 || t[k - 2] == '.')
		return 0;
	return trim_tail(t + i, url_end(t, j, len) - i, j + 1 - i);
}

void th_text_each_url(const char *text, size_t len,
                      int (*fn)(void *ctx, const char *url, size_t url_len),
                      void *ctx)
{
	size_t i = 0, j, n;
	unsigned char prev;

	while (text && i < len) {
		if (!is_host_char((unsigned char)text[i])) {
			i++;
			continue;
		}
		for (j = i; j < len && is_host_char((unsigned char)text[j]);
		     j++)
			;
		prev = i ? (unsigned char)text[i - 1] : ' ';
		n = scheme_link(text, i, j, len);
		/* After '@' it is an e-mail address, after '/' a path. */
		if (!n && prev != '@' && prev != '/')
			n = bare_link(text, i, j, len);
		if (n && fn(ctx, text + i, n))
			return;
		i = n ? i + n : j;
	}
}
