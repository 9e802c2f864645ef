#include <string.h>

#include "formats/url.h"
#include "iocs/iocs_int.h"

static const char *const type_names[TH_MATCH_TYPE_COUNT] = {
        [TH_MATCH_DOMAIN] = "domain",
        [TH_MATCH_IP] = "ip",
        [TH_MATCH_URL] = "url",
        [TH_MATCH_PROCESS] = "process",
        [TH_MATCH_EMAIL] = "email",
        [TH_MATCH_FILE_NAME] = "file-name",
        [TH_MATCH_FILE_PATH] = "file-path",
        [TH_MATCH_HASH] = "hash",
        [TH_MATCH_APP_ID] = "app-id",
        [TH_MATCH_CERT_HASH] = "cert-hash",
        [TH_MATCH_PROFILE_ID] = "profile-id",
        [TH_MATCH_PROPERTY] = "property",
};

const char *th_match_type_name(enum th_match_type type)
{
	if ((unsigned)type >= TH_MATCH_TYPE_COUNT)
		return "unknown";
	return type_names[type];
}

enum th_status th_match_type_parse(const char *name, enum th_match_type *out)
{
	size_t i;

	for (i = 0; name && i < TH_MATCH_TYPE_COUNT; i++) {
		if (!strcmp(name, type_names[i])) {
			*out = (enum th_match_type)i;
			return TH_OK;
		}
	}
	return TH_ERR_USAGE;
}

/* --- lookups: every buffer is on the stack, the set is only read --- */

/* An address already normalised: IPv4 indicators, then IPv4 addresses
 * that files list as domains; IPv6 indicators, then for an IPv4-mapped
 * address (::ffff:1.2.3.4) the IPv4 ones. */
static const struct th_ioc *find_ip(const struct th_iocs *iocs, int family,
                                    const char *ip, size_t len)
{
	const struct th_ioc *hit;

	if (family == 6) {
		hit = th_iocs_find(iocs, TH_IOC_IPV6, ip, len);
		/* An IPv4 address seen through an IPv6 socket. */
		if (!hit && len > 7 && !memcmp(ip, "::ffff:", 7) &&
		    th_ip_normalise(ip + 7, len - 7, NULL, 0) == 4)
			hit = find_ip(iocs, 4, ip + 7, len - 7);
		return hit;
	}
	hit = th_iocs_find(iocs, TH_IOC_IPV4, ip, len);
	return hit ? hit : th_iocs_find(iocs, TH_IOC_DOMAIN, ip, len);
}

/*
 * A lower-cased host against domain indicators: the host itself and every
 * suffix that starts after a dot. The hash runs from the last byte to the
 * first, so each suffix's hash comes on the way, O(length) in all. The
 * longest (most specific) hit wins.
 */
static const struct th_ioc *walk_labels(const struct th_iocs *iocs,
                                        const char *host, size_t len)
{
	const struct th_ioc *hit = NULL, *got;
	uint32_t h = th_hmap_hash_start(TH_IOC_DOMAIN);
	size_t i = len;

	while (i > 0) {
		h = th_hmap_hash_step(h, (unsigned char)host[--i]);
		if (i > 0 && host[i - 1] != '.')
			continue;
		got = th_hmap_get(&iocs->index, TH_IOC_DOMAIN, host + i,
		                  len - i, th_hmap_hash_end(h));
		if (got)
			hit = got;
	}
	return hit;
}

static const struct th_ioc *match_host(const struct th_iocs *iocs,
                                       const char *value, size_t len)
{
	char host[TH_HOST_MAX];
	size_t n;
	int family;

	if (th_url_host(value, len, host, sizeof(host), &n) != TH_OK)
		return NULL;
	/* An address is never walked by labels: 4.3.2.1 is not in 3.2.1. */
	family = th_ip_normalise(host, n, NULL, 0);
	if (family)
		return find_ip(iocs, family, host, n);
	return walk_labels(iocs, host, n);
}

static const struct th_ioc *match_ip(const struct th_iocs *iocs,
                                     const char *value, size_t len)
{
	char ip[TH_IP_TEXT_MAX], host[TH_HOST_MAX];
	int family;
	size_t n;

	family = th_ip_normalise(value, len, ip, sizeof(ip));
	if (family)
		return find_ip(iocs, family, ip, strlen(ip));
	/* "1.2.3.4:443", "[::1]:80", "http://1.2.3.4/x". */
	if (th_url_host(value, len, host, sizeof(host), &n) != TH_OK)
		return NULL;
	family = th_ip_normalise(host, n, NULL, 0);
	return family ? find_ip(iocs, family, host, n) : NULL;
}

/* Normalises value as `kind` would be and looks it up exactly. */
static const struct th_ioc *find_norm(const struct th_iocs *iocs,
                                      enum th_ioc_kind kind, const char *value,
                                      size_t len)
{
	char buf[TH_IOC_VALUE_MAX + 1];

	if (len > TH_IOC_VALUE_MAX)
		return NULL;
	memcpy(buf, value, len);
	if (th_ioc_value_normalise(kind, buf, &len))
		return NULL;
	return th_iocs_find(iocs, kind, buf, len);
}

static const struct th_ioc *match_url(const struct th_iocs *iocs,
                                      const char *value, size_t len)
{
	const struct th_ioc *hit = find_norm(iocs, TH_IOC_URL, value, len);

	return hit ? hit : match_host(iocs, value, len);
}

static const char *base_name(const char *s, size_t *len)
{
	size_t i = *len;

	while (i > 0 && s[i - 1] != '/')
		i--;
	*len -= i;
	return s + i;
}

static const struct th_ioc *match_process(const struct th_iocs *iocs,
                                          const char *value, size_t len)
{
	const struct th_ioc *hit;

	value = base_name(value, &len);
	hit = th_iocs_find(iocs, TH_IOC_PROCESS, value, len);
	if (!hit && len == 16)
		hit = th_iocs_find(iocs, TH_TAG_PROCESS16, value, len);
	return hit;
}

/*
 * The path itself, then every prefix that ends at a '/' boundary, with
 * and without that '/' ("/a/b/" and "/a/b" both cover "/a/b/c"); then
 * the base name as a file name. Prefixes longer than the longest path
 * indicator cannot hit and are not hashed, which bounds the work on a
 * hostile "////..." path.
 */
static const struct th_ioc *match_path(const struct th_iocs *iocs,
                                       const char *value, size_t len)
{
	const struct th_ioc *hit = NULL;
	const char *base;
	size_t i;

	if (len <= iocs->max_path)
		hit = th_iocs_find(iocs, TH_IOC_FILE_PATH, value, len);
	i = len < iocs->max_path + 1 ? len : iocs->max_path + 1;
	for (; !hit && i > 0; i--) {
		if (value[i - 1] != '/')
			continue;
		if (i < len && i <= iocs->max_path)
			hit = th_iocs_find(iocs, TH_IOC_FILE_PATH, value, i);
		if (!hit && i > 1)
			hit = th_iocs_find(iocs, TH_IOC_FILE_PATH, value,
			                   i - 1);
	}
	if (hit)
		return hit;
	base = base_name(value, &len);
	return len ? th_iocs_find(iocs, TH_IOC_FILE_NAME, base, len) : NULL;
}

static const struct th_ioc *match_hash(const struct th_iocs *iocs,
                                       const char *value, size_t len, int files)
{
	static const enum th_ioc_kind file_kinds[3] = {TH_IOC_MD5, TH_IOC_SHA1,
	                                               TH_IOC_SHA256};
	static const enum th_ioc_kind cert_kinds[3] = {
	        TH_IOC_CERT_MD5, TH_IOC_CERT_SHA1, TH_IOC_CERT_SHA256};
	char buf[TH_IOC_VALUE_MAX + 1];
	const struct th_ioc *hit = NULL;
	int algo;

	if (len > TH_IOC_VALUE_MAX)
		return NULL;
	memcpy(buf, value, len);
	/* Normalising as a hash: blanks, ':' separators, case. */
	th_ioc_value_normalise(TH_IOC_SHA256, buf, &len);
	algo = len == 32 ? 0 : len == 40 ? 1 : len == 64 ? 2 : -1;
	if (algo < 0)
		return NULL;
	if (files)
		hit = th_iocs_find(iocs, file_kinds[algo], buf, len);
	if (!hit)
		hit = th_iocs_find(iocs, cert_kinds[algo], buf, len);
	return hit;
}

const struct th_ioc *th_iocs_match(const struct th_iocs *iocs,
                                   enum th_match_type type, const char *value)
{
	size_t len;

	if (!iocs || !value)
		return NULL;
	len = strlen(value);
	switch (type) {
	case TH_MATCH_DOMAIN:
		return match_host(iocs, value, len);
	case TH_MATCH_IP:
		return match_ip(iocs, value, len);
	case TH_MATCH_URL:
		return match_url(iocs, value, len);
	case TH_MATCH_PROCESS:
		return match_process(iocs, value, len);
	case TH_MATCH_EMAIL:
		return find_norm(iocs, TH_IOC_EMAIL, value, len);
	case TH_MATCH_FILE_NAME:
		value = base_name(value, &len);
		return th_iocs_find(iocs, TH_IOC_FILE_NAME, value, len);
	case TH_MATCH_FILE_PATH:
		return match_path(iocs, value, len);
	case TH_MATCH_HASH:
		return match_hash(iocs, value, len, 1);
	case TH_MATCH_CERT_HASH:
		return match_hash(iocs, value, len, 0);
	case TH_MATCH_APP_ID:
		return th_iocs_find(iocs, TH_IOC_APP_ID, value, len);
	case TH_MATCH_PROFILE_ID:
		return find_norm(iocs, TH_IOC_PROFILE_ID, value, len);
	case TH_MATCH_PROPERTY:
		return th_iocs_find(iocs, TH_IOC_PROPERTY, value, len);
	default:
		return NULL;
	}
}
