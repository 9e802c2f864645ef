/*
 * th_match_guess: what a value pasted by an analyst could be. Shapes
 * only (no lookups), most specific first, so a caller can try each type
 * in turn and report the first hit.
 */
#include <string.h>

#include "formats/url.h"
#include "iocs/iocs_int.h"

struct guess {
	enum th_match_type *types;
	size_t cap, n;
};

static void add(struct guess *g, enum th_match_type t)
{
	size_t i;

	for (i = 0; i < g->n; i++)
		if (g->types[i] == t)
			return;
	if (g->n < g->cap)
		g->types[g->n++] = t;
}

static int is_alpha(char c)
{
	return (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
}

static int is_hex(char c)
{
	return (c >= '0' && c <= '9') ||
	       ((c | 0x20) >= 'a' && (c | 0x20) <= 'f');
}

/* Whether every byte of s[0..len) is in `set` or alphanumeric. */
static int only(const char *s, size_t len, const char *set)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (!is_alpha(s[i]) && !(s[i] >= '0' && s[i] <= '9') &&
		    !strchr(set, s[i]))
			return 0;
	return 1;
}

/* Hex digits, optionally in ':'-separated pairs, 32/40/64 of them. */
static int is_hash(const char *s, size_t len)
{
	size_t i, n = 0;

	for (i = 0; i < len; i++) {
		if (is_hex(s[i]))
			n++;
		else if (s[i] != ':' || i % 3 != 2)
			return 0;
	}
	return n == 32 || n == 40 || n == 64;
}

/* 8-4-4-4-12 hex digits. */
static int is_uuid(const char *s, size_t len)
{
	size_t i;

	if (len != 36)
		return 0;
	for (i = 0; i < len; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (s[i] != '-')
				return 0;
		} else if (!is_hex(s[i])) {
			return 0;
		}
	}
	return 1;
}

/* "scheme://...", or a bare "host.tld/..." as links in text are. */
static int is_url(const char *s, size_t len)
{
	const char *slash = memchr(s, '/', len);
	size_t h, tld;

	for (h = 0; h + 3 <= len; h++)
		if (!memcmp(s + h, "://", 3))
			return h > 0;
	if (!slash || slash == s)
		return 0;
	h = (size_t)(slash - s);
	for (tld = h; tld > 0 && s[tld - 1] != '.'; tld--)
		if (!is_alpha(s[tld - 1]))
			return 0;
	return tld > 1 && h - tld >= 2 && only(s, h, ".-_:");
}

static int is_email(const char *s, size_t len)
{
	const char *at = memchr(s, '@', len);
	size_t d;

	if (len > 7 && !strncmp(s, "mailto:", 7))
		return 1;
	if (!at || at == s)
		return 0;
	d = (size_t)(at - s) + 1;
	return d < len && memchr(s + d, '.', len - d) &&
	       only(s + d, len - d, ".-");
}

/* Android property names: "ro.build.version", "persist.sys.x". */
static int is_property(const char *s, size_t len)
{
	static const char *const prefixes[] = {
	        "ro.",        "persist.",  "sys.",    "vendor.",
	        "debug.",     "init.",     "dalvik.", "ctl.",
	        "service.",   "net.",      "gsm.",    "wifi.",
	        "bluetooth.", "security.", "dev.",    "log.tag."};
	size_t i, n;

	for (i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
		n = strlen(prefixes[i]);
		if (len > n && !strncmp(s, prefixes[i], n))
			return only(s, len, "._-");
	}
	return 0;
}

static void guess_dotted(struct guess *g, const char *s, size_t len)
{
	if (is_property(s, len))
		add(g, TH_MATCH_PROPERTY);
	if (only(s, len, ".-_") && s[0] != '.' && s[len - 1] != '.')
		add(g, TH_MATCH_DOMAIN);
	if (only(s, len, "._-"))
		add(g, TH_MATCH_APP_ID);
	add(g, TH_MATCH_FILE_NAME);
	add(g, TH_MATCH_PROCESS);
}

size_t th_match_guess(const char *value, enum th_match_type *types, size_t cap)
{
	struct guess g = {.types = types, .cap = cap};
	size_t len;

	if (!value)
		return 0;
	while (*value == ' ' || *value == '\t')
		value++;
	len = strlen(value);
	while (len > 0 && (value[len - 1] == ' ' || value[len - 1] == '\t'))
		len--;
	if (len == 0)
		return 0;
	if (is_hash(value, len)) {
		add(&g, TH_MATCH_HASH);
		add(&g, TH_MATCH_CERT_HASH);
	} else if (th_ip_normalise(value, len, NULL, 0)) {
		add(&g, TH_MATCH_IP);
	} else if (value[0] == '/') {
		add(&g, TH_MATCH_FILE_PATH);
	} else if (is_url(value, len)) {
		add(&g, TH_MATCH_URL);
	} else if (is_email(value, len)) {
		add(&g, TH_MATCH_EMAIL);
	} else if (is_uuid(value, len)) {
		add(&g, TH_MATCH_PROFILE_ID);
	} else if (memchr(value, '.', len) && !memchr(value, ' ', len)) {
		guess_dotted(&g, value, len);
	} else {
		add(&g, TH_MATCH_PROCESS);
		add(&g, TH_MATCH_FILE_NAME);
		if (only(value, len, "_"))
			add(&g, TH_MATCH_APP_ID);
	}
	return g.n;
}
