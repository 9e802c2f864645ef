#include <string.h>

#include "formats/url.h"
#include "iocs/iocs_int.h"

/* Indexed by enum th_ioc_kind. */
static const char *const kind_keys[TH_IOC_KIND_COUNT] = {
        [TH_IOC_DOMAIN] = "domain-name:value",
        [TH_IOC_IPV4] = "ipv4-addr:value",
        [TH_IOC_IPV6] = "ipv6-addr:value",
        [TH_IOC_URL] = "url:value",
        [TH_IOC_PROCESS] = "process:name",
        [TH_IOC_EMAIL] = "email-addr:value",
        [TH_IOC_FILE_NAME] = "file:name",
        [TH_IOC_FILE_PATH] = "file:path",
        [TH_IOC_MD5] = "file:hashes.md5",
        [TH_IOC_SHA1] = "file:hashes.sha1",
        [TH_IOC_SHA256] = "file:hashes.sha256",
        [TH_IOC_APP_ID] = "app:id",
        [TH_IOC_CERT_MD5] = "app:cert.md5",
        [TH_IOC_CERT_SHA1] = "app:cert.sha1",
        [TH_IOC_CERT_SHA256] = "app:cert.sha256",
        [TH_IOC_PROFILE_ID] = "configuration-profile:id",
        [TH_IOC_PROPERTY] = "android-property:name",
};

const char *th_ioc_kind_key(enum th_ioc_kind kind)
{
	if ((unsigned)kind >= TH_IOC_KIND_COUNT)
		return "unknown";
	return kind_keys[kind];
}

static int is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static char lower(char c)
{
	return (c >= 'A' && c <= 'Z') ? (char)(c | 0x20) : c;
}

static int has_prefix(const char *s, size_t len, const char *prefix)
{
	size_t n = strlen(prefix);

	return len >= n && memcmp(s, prefix, n) == 0;
}

/* "md5", "'SHA-1'", "SHA256": the hash algorithm after "file:hashes." or
 * "app:cert.", as 0 (md5), 1 (sha1), 2 (sha256) or -1. */
static int hash_algo(const char *s, size_t len)
{
	char name[8];
	size_t i, n = 0;

	if (len >= 2 && s[0] == '\'' && s[len - 1] == '\'') {
		s++;
		len -= 2;
	}
	for (i = 0; i < len; i++) {
		if (s[i] == '-')
			continue;
		if (n == sizeof(name) - 1)
			return -1;
		name[n++] = lower(s[i]);
	}
	name[n] = '\0';
	if (!strcmp(name, "md5"))
		return 0;
	if (!strcmp(name, "sha1"))
		return 1;
	return strcmp(name, "sha256") ? -1 : 2;
}

/* The kind of a pattern key, or -1 when we do not know the key. */
static int key_kind(const char *k, size_t len)
{
	static const char file_hashes[] = "file:hashes.";
	static const char app_cert[] = "app:cert.";
	int algo;
	size_t i;

	if (has_prefix(k, len, file_hashes)) {
		algo = hash_algo(k + sizeof(file_hashes) - 1,
		                 len - (sizeof(file_hashes) - 1));
		return algo < 0 ? -1 : TH_IOC_MD5 + algo;
	}
	if (has_prefix(k, len, app_cert)) {
		algo = hash_algo(k + sizeof(app_cert) - 1,
		                 len - (sizeof(app_cert) - 1));
		return algo < 0 ? -1 : TH_IOC_CERT_MD5 + algo;
	}
	for (i = 0; i < TH_IOC_KIND_COUNT; i++)
		if (strlen(kind_keys[i]) == len &&
		    !memcmp(kind_keys[i], k, len))
			return (int)i;
	return -1;
}

/* Copies the quoted value starting after the opening quote at pat[*i],
 * undoing \' and \\; leaves *i after the closing quote. */
static const char *unquote(const char *pat, size_t end, size_t *i, char *val,
                           size_t *val_len)
{
	size_t n = 0, j = *i;
	char c;

	while (j < end && pat[j] != '\'') {
		c = pat[j++];
		if (c == '\\' && j < end && (pat[j] == '\'' || pat[j] == '\\'))
			c = pat[j++];
		if (n == TH_IOC_VALUE_MAX)
			return "pattern value is too long";
		val[n++] = c;
	}
	if (j == end)
		return "pattern has an unterminated value";
	val[n] = '\0';
	*val_len = n;
	*i = j + 1;
	return NULL;
}

static size_t skip_blanks(const char *s, size_t i, size_t end)
{
	while (i < end && is_blank(s[i]))
		i++;
	return i;
}

const char *th_ioc_pattern_parse(const char *pat, size_t len,
                                 enum th_ioc_kind *kind, char *val,
                                 size_t *val_len)
{
	size_t i, k0, end;
	const char *why;
	int k;

	while (len > 0 && is_blank(pat[len - 1]))
		len--;
	i = skip_blanks(pat, 0, len);
	if (len - i < 2 || pat[i] != '[' || pat[len - 1] != ']')
		return "pattern is not in brackets";
	end = len - 1;
	k0 = i = skip_blanks(pat, i + 1, end);
	while (i < end && !is_blank(pat[i]) && pat[i] != '=')
		i++;
	k = key_kind(pat + k0, i - k0);
	i = skip_blanks(pat, i, end);
	if (i == end || pat[i] != '=' || i == k0)
		return "pattern is not a comparison";
	i = skip_blanks(pat, i + 1, end);
	if (i == end || pat[i] != '\'')
		return "pattern has no quoted value";
	i++;
	why = unquote(pat, end, &i, val, val_len);
	if (why)
		return why;
	if (skip_blanks(pat, i, end) != end)
		return "pattern is not a single comparison";
	if (k < 0)
		return "unknown pattern key";
	*kind = (enum th_ioc_kind)k;
	return th_ioc_value_normalise(*kind, val, val_len);
}

/* --- values --- */

static void lower_span(char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		s[i] = lower(s[i]);
}

static void drop_char(char *s, size_t *len, char c)
{
	size_t i, n = 0;

	for (i = 0; i < *len; i++)
		if (s[i] != c)
			s[n++] = s[i];
	*len = n;
}

static void cut_front(char *s, size_t *len, size_t n)
{
	memmove(s, s + n, *len - n);
	*len -= n;
}

static const char *normalise_ip(enum th_ioc_kind kind, char *val, size_t *len)
{
	char ip[TH_IP_TEXT_MAX];
	int family;

	if (kind == TH_IOC_IPV6 && *len >= 2 && val[0] == '[' &&
	    val[*len - 1] == ']') {
		cut_front(val, len, 1);
		(*len)--;
	}
	family = th_ip_normalise(val, *len, ip, sizeof(ip));
	if (family != (kind == TH_IOC_IPV4 ? 4 : 6))
		return kind == TH_IOC_IPV4 ? "not an IPv4 address"
		                           : "not an IPv6 address";
	*len = strlen(ip);
	memcpy(val, ip, *len);
	return NULL;
}

static void normalise_domain(char *val, size_t *len)
{
	char ip[TH_IP_TEXT_MAX];

	lower_span(val, *len);
	if (*len > 1 && val[*len - 1] == '.')
		(*len)--;
	/* Some files list IPv4 addresses as domains. */
	if (th_ip_normalise(val, *len, ip, sizeof(ip)) == 4) {
		*len = strlen(ip);
		memcpy(val, ip, *len);
	}
}

static void normalise_url(char *val, size_t len)
{
	struct th_url_parts p;

	/* Scheme and host are case-insensitive; the path is not. */
	if (th_url_split(val, len, &p) == TH_OK)
		lower_span(val, p.path_off);
}

static int is_hash(enum th_ioc_kind kind)
{
	return kind == TH_IOC_MD5 || kind == TH_IOC_SHA1 ||
	       kind == TH_IOC_SHA256 || kind == TH_IOC_CERT_MD5 ||
	       kind == TH_IOC_CERT_SHA1 || kind == TH_IOC_CERT_SHA256;
}

static void trim(char *val, size_t *len)
{
	size_t i = 0;

	while (*len > 0 && is_blank(val[*len - 1]))
		(*len)--;
	while (i < *len && is_blank(val[i]))
		i++;
	cut_front(val, len, i);
}

const char *th_ioc_value_normalise(enum th_ioc_kind kind, char *val,
                                   size_t *len)
{
	const char *why = NULL;

	trim(val, len);
	if (kind == TH_IOC_DOMAIN) {
		normalise_domain(val, len);
	} else if (kind == TH_IOC_IPV4 || kind == TH_IOC_IPV6) {
		why = normalise_ip(kind, val, len);
	} else if (kind == TH_IOC_URL) {
		normalise_url(val, *len);
	} else if (kind == TH_IOC_EMAIL) {
		lower_span(val, *len);
		if (has_prefix(val, *len, "mailto:"))
			cut_front(val, len, 7);
	} else if (is_hash(kind)) {
		drop_char(val, len, ':');
		lower_span(val, *len);
	} else if (kind == TH_IOC_PROFILE_ID) {
		lower_span(val, *len);
	}
	val[*len] = '\0';
	if (!why && *len == 0)
		why = "pattern has an empty value";
	return why;
}
