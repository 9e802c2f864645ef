/* The indicator engine: STIX2 loading, patterns, and every matching rule
 * of reference/iocs.md, on small bundles written here and on the real
 * indicator files in ../shared. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <tracehound/th_iocs.h>
#include "support.h"
#include "core/buf.h"
#include "core/fsutil.h"
#include "core/pool.h"
#include "iocs/iocs_int.h"

/* A bundle: one malware `malware`, one indicator per (JSON-escaped)
 * pattern, each tied to the malware by a relationship. */
static char *bundle(const char *malware, const char *const *pats)
{
	struct th_buf b;
	size_t i;

	th_buf_init(&b, 1 << 20);
	th_buf_printf(&b,
	              "{\"type\": \"bundle\", \"id\": \"bundle--1\", "
	              "\"objects\": [{\"type\": \"malware\", \"id\": "
	              "\"malware--1\", \"name\": \"%s\"}",
	              malware);
	for (i = 0; pats[i]; i++)
		th_buf_printf(
		        &b,
		        ",{\"type\":\"indicator\",\"id\":\"indicator--%zu\","
		        "\"pattern\":\"%s\"},{\"type\":\"relationship\","
		        "\"relationship_type\":\"indicates\",\"source_"
		        "ref\":\"indicator--%zu\",\"target_ref\":"
		        "\"malware--1\"}",
		        i, pats[i], i);
	th_buf_adds(&b, "]}");
	return th_buf_take(&b, NULL);
}

/* A set loaded from one temporary bundle of these patterns. */
static struct th_iocs *load_patterns(const char *const *pats)
{
	char *dir = t_tmpdir(), *json = bundle("Evil", pats), *path;
	struct th_iocs *iocs;

	assert_non_null(dir);
	path = t_write(dir, "evil.stix2", json, strlen(json));
	iocs = t_iocs_load(path);
	assert_int_equal(th_iocs_nerrors(iocs), 0);
	free(path);
	free(json);
	t_tmpdir_free(dir);
	return iocs;
}

/* The value of the hit, or "-" when there is none. */
static const char *hit(const struct th_iocs *iocs, enum th_match_type type,
                       const char *value)
{
	const struct th_ioc *ioc = th_iocs_match(iocs, type, value);

	return ioc ? ioc->value : "-";
}

static void test_names(void **state)
{
	enum th_match_type t = TH_MATCH_DOMAIN;
	size_t i;

	assert_string_equal(th_ioc_kind_key(TH_IOC_SHA256),
	                    "file:hashes.sha256");
	assert_string_equal(th_ioc_kind_key(TH_IOC_PROPERTY),
	                    "android-property:name");
	assert_string_equal(th_ioc_kind_key(TH_IOC_KIND_COUNT), "unknown");
	for (i = 0; i < TH_MATCH_TYPE_COUNT; i++) {
		assert_int_equal(th_match_type_parse(th_match_type_name(i), &t),
		                 TH_OK);
		assert_int_equal(t, i);
	}
	assert_string_equal(th_match_type_name(TH_MATCH_FILE_PATH),
	                    "file-path");
	assert_int_equal(th_match_type_parse("Domain", &t), TH_ERR_USAGE);
	assert_int_equal(th_match_type_parse(NULL, &t), TH_ERR_USAGE);
}

/* The normalised value of a pattern, or "!reason". */
static const char *parse(const char *pat, enum th_ioc_kind *kind)
{
	static char val[TH_IOC_VALUE_MAX + 1];
	const char *why;
	size_t len;

	why = th_ioc_pattern_parse(pat, strlen(pat), kind, val, &len);
	if (why) {
		snprintf(val, sizeof(val), "!%s", why);
		return val;
	}
	assert_int_equal(len, strlen(val));
	return val;
}

static void test_pattern_forms(void **state)
{
	enum th_ioc_kind k = TH_IOC_KIND_COUNT;

	assert_string_equal(parse("[domain-name:value = 'Evil.COM.']", &k),
	                    "evil.com");
	assert_int_equal(k, TH_IOC_DOMAIN);
	assert_string_equal(parse("[domain-name:value='a.b']", &k), "a.b");
	assert_string_equal(
	        parse(" [ url:value  =  'http://X.com/a=b?c=d' ] ", &k),
	        "http://x.com/a=b?c=d");
	assert_int_equal(k, TH_IOC_URL);
	assert_string_equal(parse("[file:name = 'it\\'s \\\\ x']", &k),
	                    "it's \\ x");
	assert_string_equal(parse("[file:hashes.'SHA-256' = 'AB12']", &k),
	                    "ab12");
	assert_int_equal(k, TH_IOC_SHA256);
	assert_string_equal(parse("[file:hashes.'MD5'='00']", &k), "00");
	assert_int_equal(k, TH_IOC_MD5);
	assert_string_equal(parse("[app:cert.sha1='AA:BB']", &k), "aabb");
	assert_int_equal(k, TH_IOC_CERT_SHA1);
	assert_string_equal(parse("[ipv6-addr:value='2001:DB8:0::1']", &k),
	                    "2001:db8::1");
	assert_string_equal(parse("[email-addr:value='mailto:A@B.org']", &k),
	                    "a@b.org");
	assert_string_equal(parse("[process:name='MobileSMSd']", &k),
	                    "MobileSMSd");
}

static void test_pattern_rejects(void **state)
{
	char big[TH_IOC_VALUE_MAX + 64];
	enum th_ioc_kind k;

	assert_string_equal(parse("[domain-name:value = foo]", &k),
	                    "!pattern has no quoted value");
	assert_string_equal(parse("[domain-name:value = \"foo\"]", &k),
	                    "!pattern has no quoted value");
	assert_string_equal(parse("domain-name:value = 'foo'", &k),
	                    "!pattern is not in brackets");
	assert_string_equal(parse("[domain-name:value 'foo']", &k),
	                    "!pattern is not a comparison");
	assert_string_equal(parse("[= 'foo']", &k),
	                    "!pattern is not a comparison");
	assert_string_equal(parse("[url:value = 'abc]", &k),
	                    "!pattern has an unterminated value");
	assert_string_equal(parse("[url:value = 'a' OR url:value = 'b']", &k),
	                    "!pattern is not a single comparison");
	assert_string_equal(parse("[mutex:name = 'x']", &k),
	                    "!unknown pattern key");
	assert_string_equal(parse("[file:hashes.'SHA-512' = 'x']", &k),
	                    "!unknown pattern key");
	assert_string_equal(parse("[ipv4-addr:value = '1.2.3']", &k),
	                    "!not an IPv4 address");
	assert_string_equal(parse("[file:name = '  ']", &k),
	                    "!pattern has an empty value");
	snprintf(big, sizeof(big), "[file:name = '%0*d']", TH_IOC_VALUE_MAX + 1,
	         7);
	assert_string_equal(parse(big, &k), "!pattern value is too long");
}

static void test_match_domain(void **state)
{
	const char *pats[] = {"[domain-name:value='pegasus.com']",
	                      "[domain-name:value='Deep.Sub.Evil.NET.']",
	                      "[domain-name:value='b.pegasus.com']", NULL};
	struct th_iocs *iocs = load_patterns(pats);

	assert_string_equal(hit(iocs, TH_MATCH_DOMAIN, "pegasus.com"),
	                    "pegasus.com");
	assert_string_equal(hit(iocs, TH_MATCH_DOMAIN, "x.pegasus.com"),
	                    "pegasus.com");
	/* The most specific indicator wins. */
	assert_string_equal(hit(iocs, TH_MATCH_DOMAIN, "a.b.pegasus.com"),
	                    "b.pegasus.com");
	assert_string_equal(hit(iocs, TH_MATCH_DOMAIN, "WWW.PEGASUS.COM."),
	                    "pegasus.com");
	assert_string_equal(
	        hit(iocs, TH_MATCH_DOMAIN, "https://u:p@x.Pegasus.com:8443/a"),
	        "pegasus.com");
	assert_string_equal(hit(iocs, TH_MATCH_DOMAIN, "deep.sub.evil.net"),
	                    "deep.sub.evil.net");
	assert_string_equal(hit(iocs, TH_MATCH_DOMAIN, "notpegasus.com"), "-");
	assert_string_equal(hit(iocs, TH_MATCH_DOMAIN, "pegasus.com.evil.org"),
	                    "-");
	assert_string_equal(hit(iocs, TH_MATCH_DOMAIN, "pegasus.co"), "-");
	assert_string_equal(hit(iocs, TH_MATCH_DOMAIN, "com"), "-");
	assert_string_equal(hit(iocs, TH_MATCH_DOMAIN, "sub.evil.net"), "-");
	assert_string_equal(hit(iocs, TH_MATCH_DOMAIN, ""), "-");
	assert_string_equal(hit(iocs, TH_MATCH_DOMAIN, "x@pegasus.com.x"), "-");
	th_iocs_free(iocs);
}

static void test_match_ip(void **state)
{
	const char *pats[] = {"[ipv4-addr:value='1.2.3.4']",
	                      "[ipv6-addr:value='2001:DB8::0:1']",
	                      "[domain-name:value='5.6.7.8']",
	                      "[domain-name:value='3.4']", NULL};
	struct th_iocs *iocs = load_patterns(pats);

	assert_string_equal(hit(iocs, TH_MATCH_IP, "1.2.3.4"), "1.2.3.4");
	assert_string_equal(hit(iocs, TH_MATCH_IP, "1.2.3.4:443"), "1.2.3.4");
	assert_string_equal(hit(iocs, TH_MATCH_IP, "2001:db8:0:0::1"),
	                    "2001:db8::1");
	assert_string_equal(hit(iocs, TH_MATCH_IP, "[2001:db8::1]:80"),
	                    "2001:db8::1");
	/* An address a file lists as a domain is found as an address. */
	assert_string_equal(hit(iocs, TH_MATCH_IP, "5.6.7.8"), "5.6.7.8");
	assert_string_equal(hit(iocs, TH_MATCH_DOMAIN, "5.6.7.8"), "5.6.7.8");
	assert_string_equal(hit(iocs, TH_MATCH_DOMAIN, "http://1.2.3.4/x"),
	                    "1.2.3.4");
	assert_string_equal(hit(iocs, TH_MATCH_URL, "http://[2001:db8::1]/"),
	                    "2001:db8::1");
	/* An address is not walked by labels. */
	assert_string_equal(hit(iocs, TH_MATCH_IP, "9.9.3.4"), "-");
	assert_string_equal(hit(iocs, TH_MATCH_DOMAIN, "9.9.3.4"), "-");
	assert_string_equal(hit(iocs, TH_MATCH_DOMAIN, "x.3.4"), "3.4");
	assert_string_equal(hit(iocs, TH_MATCH_IP, "::FFFF:1.2.3.4"),
	                    "1.2.3.4");
	assert_string_equal(hit(iocs, TH_MATCH_IP, "::ffff:5.6.7.8"),
	                    "5.6.7.8");
	assert_string_equal(hit(iocs, TH_MATCH_IP, "::1.2.3.4"), "-");
	assert_string_equal(hit(iocs, TH_MATCH_IP, "1.2.3.5"), "-");
	assert_string_equal(hit(iocs, TH_MATCH_IP, "2001:db8::2"), "-");
	assert_string_equal(hit(iocs, TH_MATCH_IP, "evil.com"), "-");
	th_iocs_free(iocs);
}

static void test_match_url(void **state)
{
	const char *pats[] = {"[url:value='https://Short.LY/AbC?x=1']",
	                      "[domain-name:value='evil.com']", NULL};
	struct th_iocs *iocs = load_patterns(pats);

	assert_string_equal(hit(iocs, TH_MATCH_URL, "HTTPS://short.ly/AbC?x=1"),
	                    "https://short.ly/AbC?x=1");
	/* The path is case-sensitive; the host then is not an indicator. */
	assert_string_equal(hit(iocs, TH_MATCH_URL, "https://short.ly/abc?x=1"),
	                    "-");
	assert_string_equal(hit(iocs, TH_MATCH_URL, "https://short.ly/AbC"),
	                    "-");
	assert_string_equal(hit(iocs, TH_MATCH_URL, "http://a.evil.com/q?r"),
	                    "evil.com");
	assert_string_equal(hit(iocs, TH_MATCH_URL, "https://evil.community/"),
	                    "-");
	/* A domain lookup of the URL's host does not hit the URL itself. */
	assert_string_equal(hit(iocs, TH_MATCH_DOMAIN, "short.ly"), "-");
	th_iocs_free(iocs);
}

static void test_match_process(void **state)
{
	const char *pats[] = {
	        "[process:name='Diagnosticd']",
	        "[process:name='com.apple.Mappit.SnapshotService']",
	        "[process:name='exactly16charsxx']", "[process:name='bh']",
	        NULL};
	struct th_iocs *iocs = load_patterns(pats);

	assert_string_equal(hit(iocs, TH_MATCH_PROCESS, "Diagnosticd"),
	                    "Diagnosticd");
	assert_string_equal(hit(iocs, TH_MATCH_PROCESS, "diagnosticd"), "-");
	assert_string_equal(hit(iocs, TH_MATCH_PROCESS, "/usr/libexec/bh"),
	                    "bh");
	/* iOS keeps 16 characters of a process name. */
	assert_string_equal(hit(iocs, TH_MATCH_PROCESS, "com.apple.Mappit"),
	                    "com.apple.Mappit.SnapshotService");
	assert_string_equal(hit(iocs, TH_MATCH_PROCESS, "com.apple.Mappi"),
	                    "-");
	assert_string_equal(hit(iocs, TH_MATCH_PROCESS, "com.apple.MappitX"),
	                    "-");
	assert_string_equal(hit(iocs, TH_MATCH_PROCESS, "exactly16charsxx"),
	                    "exactly16charsxx");
	assert_string_equal(hit(iocs, TH_MATCH_PROCESS, "Diagnostic"), "-");
	th_iocs_free(iocs);
}

static void test_match_email(void **state)
{
	const char *pats[] = {"[email-addr:value='Bob.Smith@Evil.COM']", NULL};
	struct th_iocs *iocs = load_patterns(pats);

	assert_string_equal(hit(iocs, TH_MATCH_EMAIL, "bob.smith@evil.com"),
	                    "bob.smith@evil.com");
	assert_string_equal(
	        hit(iocs, TH_MATCH_EMAIL, "mailto:BOB.SMITH@evil.com"),
	        "bob.smith@evil.com");
	assert_string_equal(hit(iocs, TH_MATCH_EMAIL, "bob.smith@evil.co"),
	                    "-");
	assert_string_equal(hit(iocs, TH_MATCH_EMAIL, "ob.smith@evil.com"),
	                    "-");
	th_iocs_free(iocs);
}

static void test_match_files(void **state)
{
	const char *pats[] = {"[file:name='evil.dylib']",
	                      "[file:path='/private/var/db/evil/']",
	                      "[file:path='/usr/lib/bad']", NULL};
	struct th_iocs *iocs = load_patterns(pats);
	enum th_match_type p = TH_MATCH_FILE_PATH;

	assert_string_equal(hit(iocs, p, "/private/var/db/evil/x/y"),
	                    "/private/var/db/evil/");
	assert_string_equal(hit(iocs, p, "/private/var/db/evil/"),
	                    "/private/var/db/evil/");
	assert_string_equal(hit(iocs, p, "/private/var/db/evilx/y"), "-");
	assert_string_equal(hit(iocs, p, "/usr/lib/bad"), "/usr/lib/bad");
	assert_string_equal(hit(iocs, p, "/usr/lib/bad/sub"), "/usr/lib/bad");
	assert_string_equal(hit(iocs, p, "/usr/lib/bad/"), "/usr/lib/bad");
	assert_string_equal(hit(iocs, p, "/usr/lib/badness"), "-");
	assert_string_equal(hit(iocs, p, "/usr/lib"), "-");
	assert_string_equal(hit(iocs, p, "/tmp/x/evil.dylib"), "evil.dylib");
	assert_string_equal(hit(iocs, p, "/tmp/x/evil.dylib2"), "-");
	assert_string_equal(hit(iocs, TH_MATCH_FILE_NAME, "evil.dylib"),
	                    "evil.dylib");
	assert_string_equal(hit(iocs, TH_MATCH_FILE_NAME, "/a/evil.dylib"),
	                    "evil.dylib");
	assert_string_equal(hit(iocs, TH_MATCH_FILE_NAME, "Evil.dylib"), "-");
	assert_string_equal(hit(iocs, TH_MATCH_FILE_NAME, "bad"), "-");
	th_iocs_free(iocs);
}

#define H32 "0123456789abcdef0123456789ABCDEF"
#define H40 "AAAAAAAAAA0123456789abcdef0123456789abcd"
#define H64 H32 H32

static void test_match_hashes(void **state)
{
	const char *pats[] = {
	        "[file:hashes.md5='" H32 "']",
	        "[file:hashes.'SHA-1'='" H40 "']",
	        "[app:cert.sha256='" H64 "']",
	        "[app:cert.md5='ffffffffffffffffffffffffffffffff']", NULL};
	struct th_iocs *iocs = load_patterns(pats);
	const struct th_ioc *ioc;

	ioc = th_iocs_match(iocs, TH_MATCH_HASH, H32);
	assert_non_null(ioc);
	assert_int_equal(ioc->kind, TH_IOC_MD5);
	assert_string_equal(ioc->value, "0123456789abcdef0123456789abcdef");
	ioc = th_iocs_match(iocs, TH_MATCH_HASH,
	                    "aaaaaaaaaa0123456789ABCDEF"
	                    "0123456789abcd");
	assert_non_null(ioc);
	assert_int_equal(ioc->kind, TH_IOC_SHA1);
	/* A hash lookup falls back to certificates; a certificate lookup
	 * never hits a file hash. */
	ioc = th_iocs_match(iocs, TH_MATCH_HASH, H64);
	assert_non_null(ioc);
	assert_int_equal(ioc->kind, TH_IOC_CERT_SHA256);
	assert_null(th_iocs_match(iocs, TH_MATCH_CERT_HASH, H32));
	ioc = th_iocs_match(iocs, TH_MATCH_CERT_HASH,
	                    "FF:FF:FF:FF:FF:FF:FF:FF:FF:FF:FF:FF:FF:FF:FF:FF");
	assert_non_null(ioc);
	assert_int_equal(ioc->kind, TH_IOC_CERT_MD5);
	assert_null(th_iocs_match(iocs, TH_MATCH_HASH, H32 "0"));
	assert_null(th_iocs_match(iocs, TH_MATCH_HASH, "0123"));
	assert_null(th_iocs_match(iocs, TH_MATCH_HASH,
	                          "1123456789abcdef0123456789abcdef"));
	th_iocs_free(iocs);
}

static void test_match_exact_kinds(void **state)
{
	const char *pats[] = {"[app:id='com.Evil.App']",
	                      "[configuration-profile:id='D7BA2D3D-5DE2-4A3B-"
	                      "8B1E-7A5C9F1B2E10']",
	                      "[android-property:name='persist.evil.on']",
	                      NULL};
	struct th_iocs *iocs = load_patterns(pats);

	assert_string_equal(hit(iocs, TH_MATCH_APP_ID, "com.Evil.App"),
	                    "com.Evil.App");
	assert_string_equal(hit(iocs, TH_MATCH_APP_ID, "com.evil.app"), "-");
	assert_string_equal(hit(iocs, TH_MATCH_APP_ID, "com.Evil"), "-");
	assert_string_equal(hit(iocs, TH_MATCH_PROFILE_ID,
	                        "d7ba2d3d-5de2-4a3b-8b1e-7a5c9f1b2e10"),
	                    "d7ba2d3d-5de2-4a3b-8b1e-7a5c9f1b2e10");
	assert_string_equal(hit(iocs, TH_MATCH_PROFILE_ID,
	                        "D7BA2D3D-5DE2-4A3B-8B1E-7A5C9F1B2E11"),
	                    "-");
	assert_string_equal(hit(iocs, TH_MATCH_PROPERTY, "persist.evil.on"),
	                    "persist.evil.on");
	assert_string_equal(hit(iocs, TH_MATCH_PROPERTY, "persist.evil"), "-");
	/* A value is only found as its own kind. */
	assert_string_equal(hit(iocs, TH_MATCH_DOMAIN, "persist.evil.on"), "-");
	assert_string_equal(hit(iocs, TH_MATCH_PROCESS, "com.Evil.App"), "-");
	assert_null(th_iocs_match(iocs, TH_MATCH_TYPE_COUNT, "com.Evil.App"));
	assert_null(th_iocs_match(iocs, TH_MATCH_APP_ID, NULL));
	th_iocs_free(iocs);
}

/* The guessed types of a value, as names joined by ','. */
static const char *guess(const char *value)
{
	static char out[256];
	enum th_match_type t[TH_MATCH_TYPE_COUNT];
	size_t n = th_match_guess(value, t, TH_MATCH_TYPE_COUNT), i, used = 0;

	out[0] = '\0';
	for (i = 0; i < n; i++)
		used += (size_t)snprintf(out + used, sizeof(out) - used, "%s%s",
		                         i ? "," : "",
		                         th_match_type_name(t[i]));
	return out;
}

static void test_guess(void **state)
{
	enum th_match_type one[1];

	assert_string_equal(guess("https://evil.com/x"), "url");
	assert_string_equal(guess("evil.com/login"), "url");
	assert_string_equal(guess("bob@evil.com"), "email");
	assert_string_equal(guess("mailto:bob@evil.com"), "email");
	assert_string_equal(guess(H64), "hash,cert-hash");
	assert_string_equal(guess("AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:"
	                          "88:99:AA:BB:CC:DD"),
	                    "hash,cert-hash");
	assert_string_equal(guess("1.2.3.4"), "ip");
	assert_string_equal(guess("2001:db8::1"), "ip");
	assert_string_equal(guess("/private/var/tmp/x"), "file-path");
	assert_string_equal(guess("D7BA2D3D-5DE2-4A3B-8B1E-7A5C9F1B2E10"),
	                    "profile-id");
	assert_string_equal(guess("com.apple.foo"),
	                    "domain,app-id,file-name,process");
	assert_string_equal(guess("persist.sys.evil"),
	                    "property,domain,app-id,file-name,process");
	assert_string_equal(guess("libevil.dylib"),
	                    "domain,app-id,file-name,process");
	assert_string_equal(guess("bh"), "process,file-name,app-id");
	assert_string_equal(guess("Some Process"), "process,file-name");
	assert_string_equal(guess("  "), "");
	assert_int_equal(th_match_guess(NULL, one, 1), 0);
	assert_int_equal(th_match_guess("com.apple.foo", one, 1), 1);
	assert_int_equal(one[0], TH_MATCH_DOMAIN);
}

/* Collections: first report, else the related malware, else the file. */
static const char report_bundle[] =
        "{\"type\":\"bundle\",\"objects\":["
        "{\"type\":\"indicator\",\"id\":\"indicator--r\","
        "\"pattern\":\"[domain-name:value = 'in-report.com']\"},"
        "{\"type\":\"report\",\"id\":\"report--1\",\"name\":\"Report One\","
        "\"object_refs\":[\"indicator--r\",\"identity--x\"]},"
        "{\"type\":\"report\",\"id\":\"report--2\",\"name\":\"Report Two\","
        "\"object_refs\":[\"indicator--r\",\"indicator--m\"]},"
        "{\"type\":\"relationship\",\"relationship_type\":\"indicates\","
        "\"source_ref\":\"indicator--m\",\"target_ref\":\"malware--1\"},"
        "{\"type\":\"relationship\",\"relationship_type\":\"indicates\","
        "\"source_ref\":\"indicator--w\",\"target_ref\":\"malware--1\"},"
        "{\"type\":\"relationship\",\"relationship_type\":\"uses\","
        "\"source_ref\":\"indicator--n\",\"target_ref\":\"malware--1\"},"
        "{\"type\":\"indicator\",\"id\":\"indicator--m\","
        "\"pattern\":\"[domain-name:value = 'both.com']\"},"
        "{\"type\":\"indicator\",\"id\":\"indicator--w\","
        "\"pattern\":\"[domain-name:value = 'by-malware.com']\"},"
        "{\"type\":\"indicator\",\"id\":\"indicator--n\","
        "\"pattern\":\"[domain-name:value = 'orphan.com']\"},"
        "{\"type\":\"indicator\",\"id\":\"indicator--n\","
        "\"pattern\":\"[domain-name:value = 'orphan.com']\"},"
        "{\"type\":\"malware\",\"id\":\"malware--1\",\"name\":\"Evil\"},"
        "{\"type\":\"identity\",\"id\":\"identity--x\",\"name\":\"Me\"}]}";

static const char *coll_of(const struct th_iocs *iocs, const char *domain)
{
	const struct th_ioc *ioc = th_iocs_match(iocs, TH_MATCH_DOMAIN, domain);

	assert_non_null(ioc);
	assert_int_equal(ioc->nsources, 1);
	return ioc->sources[0].collection;
}

static void test_collections(void **state)
{
	char *dir = t_tmpdir(), *path;
	const struct th_ioc_file *f;
	struct th_iocs *iocs;

	path = t_write(dir, "my.set.json", report_bundle,
	               strlen(report_bundle));
	assert_int_equal(th_iocs_new(&iocs), TH_OK);
	assert_int_equal(th_iocs_load(iocs, path), TH_OK);
	assert_string_equal(coll_of(iocs, "in-report.com"), "Report One");
	assert_string_equal(coll_of(iocs, "both.com"), "Report Two");
	assert_string_equal(coll_of(iocs, "by-malware.com"), "Evil");
	assert_string_equal(coll_of(iocs, "orphan.com"), "my.set");
	assert_int_equal(th_iocs_nfiles(iocs), 1);
	f = th_iocs_file(iocs, 0);
	assert_string_equal(f->path, path);
	/* The duplicated indicator object counts once. */
	assert_int_equal(f->indicators, 4);
	assert_int_equal(f->by_kind[TH_IOC_DOMAIN], 4);
	assert_int_equal(f->skipped, 0);
	assert_int_equal(f->ncollections, 4);
	assert_string_equal(f->collections[0], "Report One");
	assert_string_equal(f->collections[3], "my.set");
	assert_null(th_iocs_file(iocs, 1));
	assert_int_equal(th_iocs_total(iocs), 4);
	assert_string_equal(th_iocs_match(iocs, TH_MATCH_DOMAIN, "both.com")
	                            ->sources[0]
	                            .file_name,
	                    "my.set.json");
	th_iocs_free(iocs);
	free(path);
	t_tmpdir_free(dir);
}

/* A value listed by two files, and twice in one collection. */
static void test_sources_merge(void **state)
{
	const char *a[] = {"[domain-name:value='shared.com']",
	                   "[domain-name:value='Shared.com']",
	                   "[domain-name:value='only-a.com']", NULL};
	const char *b[] = {"[domain-name:value='shared.com.']", NULL};
	char *dir = t_tmpdir(), *ja = bundle("Alpha", a),
	     *jb = bundle("Beta", b);
	char *pa = t_write(dir, "a.stix2", ja, strlen(ja));
	char *pb = t_write(dir, "b.stix2", jb, strlen(jb));
	const struct th_ioc *ioc;
	struct th_iocs *iocs;

	assert_int_equal(th_iocs_new(&iocs), TH_OK);
	assert_int_equal(th_iocs_load(iocs, pa), TH_OK);
	assert_int_equal(th_iocs_load(iocs, pb), TH_OK);
	assert_int_equal(th_iocs_total(iocs), 2);
	ioc = th_iocs_match(iocs, TH_MATCH_DOMAIN, "x.shared.com");
	assert_non_null(ioc);
	assert_int_equal(ioc->kind, TH_IOC_DOMAIN);
	assert_int_equal(ioc->nsources, 2);
	assert_string_equal(ioc->sources[0].collection, "Alpha");
	assert_string_equal(ioc->sources[0].file, pa);
	assert_string_equal(ioc->sources[1].collection, "Beta");
	assert_string_equal(ioc->sources[1].file_name, "b.stix2");
	assert_int_equal(th_iocs_file(iocs, 0)->indicators, 3);
	assert_int_equal(th_iocs_file(iocs, 1)->indicators, 1);
	/* Loading the same file again adds no source. */
	assert_int_equal(th_iocs_load(iocs, pb), TH_OK);
	assert_int_equal(
	        th_iocs_match(iocs, TH_MATCH_DOMAIN, "shared.com")->nsources,
	        2);
	th_iocs_free(iocs);
	free(pa);
	free(pb);
	free(ja);
	free(jb);
	t_tmpdir_free(dir);
}

/* A file with "deep" nested arrays. */
static char *nested(size_t deep, size_t *len)
{
	char *s = malloc(2 * deep + 1);

	memset(s, '[', deep);
	memset(s + deep, ']', deep);
	s[2 * deep] = '\0';
	*len = 2 * deep;
	return s;
}

/* A bundle whose description is a 50 MB string. */
static char *huge_string(size_t *len)
{
	static const char head[] = "{\"type\":\"bundle\",\"objects\":[],"
	                           "\"description\":\"";
	size_t n = (size_t)50 * 1024 * 1024;
	char *s = malloc(sizeof(head) + n + 3);

	memcpy(s, head, sizeof(head) - 1);
	memset(s + sizeof(head) - 1, 'x', n);
	memcpy(s + sizeof(head) - 1 + n, "\"}", 3);
	*len = sizeof(head) - 1 + n + 2;
	return s;
}

struct bad {
	const char *name;
	const char *data; /* NULL: built by the test */
	const char *says; /* part of the error message */
	enum th_status status;
};

static const struct bad bad_files[] = {
        {"b1.json", "this is not JSON", "not JSON", TH_ERR_FORMAT},
        {"b2.stix2", "{\"type\":\"bundle\",\"objects\":[{\"type\":\"ind",
         "not JSON", TH_ERR_FORMAT},
        {"b3.stix2", "[1,2,3]", "not a STIX2 bundle", TH_ERR_FORMAT},
        {"b4.stix2", "{\"type\":\"report\",\"objects\":[]}",
         "not a STIX2 bundle", TH_ERR_FORMAT},
        {"b5.stix2", "{\"type\":\"bundle\",\"objects\":{}}",
         "no \"objects\" array", TH_ERR_FORMAT},
        {"b6.stix2", NULL, "nested deeper than", TH_ERR_LIMIT},
        {"b7.stix2", NULL, "longer than", TH_ERR_LIMIT},
        {"b8.stix2", "", "not JSON", TH_ERR_FORMAT},
        {"b9.stix2", NULL, "larger than", TH_ERR_LIMIT},
};

static void test_bad_files(void **state)
{
	const char *good[] = {"[domain-name:value='good.com']", NULL};
	char *dir = t_tmpdir(), *json = bundle("Good", good), *data, *path;
	size_t i, n = sizeof(bad_files) / sizeof(bad_files[0]), len;
	struct th_iocs *iocs;
	clock_t t0;

	for (i = 0; i < n; i++) {
		data = (char *)bad_files[i].data;
		len = data ? strlen(data) : 0;
		if (i == 5)
			data = nested(100000, &len);
		else if (i == 6)
			data = huge_string(&len);
		path = t_write(dir, bad_files[i].name, data ? data : "", len);
		if (data != bad_files[i].data)
			free(data);
		/* 65 MB, sparse: over the file limit at no disk cost. */
		if (i == 8)
			assert_int_equal(truncate(path, (off_t)65 << 20), 0);
		assert_int_equal(th_iocs_new(&iocs), TH_OK);
		t0 = clock();
		assert_int_equal(th_iocs_load(iocs, path), bad_files[i].status);
		/* Refused at once, not after parsing 50 MB. */
		assert_true(clock() - t0 < 2 * CLOCKS_PER_SEC);
		assert_int_equal(th_iocs_nerrors(iocs), 1);
		assert_true(t_contains(th_iocs_error_at(iocs, 0), path));
		assert_true(t_contains(th_iocs_error_at(iocs, 0),
		                       bad_files[i].says));
		assert_int_equal(th_iocs_nfiles(iocs), 0);
		assert_int_equal(th_iocs_total(iocs), 0);
		th_iocs_free(iocs);
		free(path);
	}
	/* All together with a good one: every error, and the good file. */
	free(t_write(dir, "good.stix2", json, strlen(json)));
	assert_int_equal(th_iocs_new(&iocs), TH_OK);
	assert_int_equal(th_iocs_load(iocs, dir), TH_ERR_FORMAT);
	assert_int_equal(th_iocs_nerrors(iocs), n);
	assert_true(t_contains(th_iocs_error_at(iocs, 0), "b1.json"));
	assert_true(t_contains(th_iocs_error_at(iocs, n - 1), "b9.stix2"));
	assert_null(th_iocs_error_at(iocs, n));
	assert_int_equal(th_iocs_nfiles(iocs), 1);
	assert_string_equal(hit(iocs, TH_MATCH_DOMAIN, "good.com"), "good.com");
	th_iocs_free(iocs);
	free(json);
	t_tmpdir_free(dir);
}

static void test_skipped_patterns(void **state)
{
	const char *pats[] = {"[domain-name:value = foo]",
	                      "[domain-name:value = 'ok.com']",
	                      "[mutex:name = 'x']", NULL};
	char *dir = t_tmpdir(), *json = bundle("Evil", pats);
	char *path = t_write(dir, "x.stix2", json, strlen(json));
	const struct th_ioc_file *f;
	struct th_iocs *iocs;

	assert_int_equal(th_iocs_new(&iocs), TH_OK);
	assert_int_equal(th_iocs_load(iocs, path), TH_OK);
	f = th_iocs_file(iocs, 0);
	assert_int_equal(f->indicators, 1);
	assert_int_equal(f->skipped, 2);
	assert_int_equal(th_iocs_nerrors(iocs), 1);
	assert_true(t_contains(th_iocs_error_at(iocs, 0), "x.stix2': 2 "
	                                                  "indicators skipped: "
	                                                  "pattern has no "
	                                                  "quoted value: "
	                                                  "'[domain-name:value "
	                                                  "= foo]'"));
	assert_string_equal(hit(iocs, TH_MATCH_DOMAIN, "ok.com"), "ok.com");
	th_iocs_free(iocs);
	free(path);
	free(json);
	t_tmpdir_free(dir);
}

static void test_load_dir(void **state)
{
	const char *b[] = {"[domain-name:value='b.com']", NULL};
	const char *a[] = {"[domain-name:value='a.com']", NULL};
	char *dir = t_tmpdir(), *jb = bundle("B", b), *ja = bundle("A", a);
	struct th_iocs *iocs;
	char *sub;

	free(t_write(dir, "b.stix2", jb, strlen(jb)));
	free(t_write(dir, "a.json", ja, strlen(ja)));
	free(t_write(dir, "c.txt", "junk", 4));
	free(t_write(dir, ".hidden.stix2", "junk", 4));
	sub = th_path_join(dir, "d.stix2");
	assert_int_equal(th_mkdir_p(sub, 0, NULL), TH_OK);
	assert_int_equal(th_iocs_new(&iocs), TH_OK);
	assert_int_equal(th_iocs_load(iocs, dir), TH_OK);
	assert_int_equal(th_iocs_nerrors(iocs), 0);
	assert_int_equal(th_iocs_nfiles(iocs), 2);
	assert_true(t_contains(th_iocs_file(iocs, 0)->path, "/a.json"));
	assert_true(t_contains(th_iocs_file(iocs, 1)->path, "/b.stix2"));
	assert_string_equal(th_iocs_file(iocs, 1)->collections[0], "B");
	/* A path that does not exist is an error naming it. */
	assert_int_equal(th_iocs_load(iocs, "/nonexistent/x.stix2"), TH_ERR_IO);
	assert_int_equal(th_iocs_nerrors(iocs), 1);
	assert_true(t_contains(th_iocs_error_at(iocs, 0),
	                       "'/nonexistent/x.stix2'"));
	th_iocs_free(iocs);
	free(sub);
	free(ja);
	free(jb);
	t_tmpdir_free(dir);
}

static void test_load_buffer(void **state)
{
	const char *pats[] = {"[url:value='http://a.b/c']", NULL};
	char *json = bundle("Buf", pats);
	struct th_iocs *iocs;

	assert_int_equal(th_iocs_new(&iocs), TH_OK);
	assert_int_equal(
	        th_iocs_load_buffer(iocs, "mem.stix2", json, strlen(json)),
	        TH_OK);
	assert_string_equal(hit(iocs, TH_MATCH_URL, "http://a.b/c"),
	                    "http://a.b/c");
	assert_int_equal(th_iocs_load_buffer(iocs, "bad", json, 10),
	                 TH_ERR_FORMAT);
	assert_int_equal(th_iocs_nfiles(iocs), 1);
	assert_int_equal(th_iocs_nerrors(iocs), 1);
	th_iocs_free(iocs);
	free(json);
}

/* Parses text whole and in one-element pieces; both must agree. */
static void same_both_ways(const char *text)
{
	struct th_stix2_file whole, split;
	size_t i;

	th_stix2_file_init(&whole);
	th_stix2_file_init(&split);
	whole.opts.split_min = SIZE_MAX;
	split.opts.split_min = 1;
	split.opts.threads = 2;
	th_stix2_file_parse(&whole, "t.json", text, strlen(text));
	th_stix2_file_parse(&split, "t.json", text, strlen(text));
	assert_int_equal(whole.err.status, split.err.status);
	assert_string_equal(whole.err.msg, split.err.msg);
	assert_int_equal(whole.ninds, split.ninds);
	assert_int_equal(whole.skipped, split.skipped);
	assert_int_equal(whole.ncolls, split.ncolls);
	for (i = 0; i < whole.ninds; i++) {
		assert_string_equal(whole.inds[i].value, split.inds[i].value);
		assert_string_equal(whole.colls[whole.inds[i].coll],
		                    split.colls[split.inds[i].coll]);
	}
	th_stix2_file_free(&whole);
	th_stix2_file_free(&split);
}

#define IND(n, v)                                                              \
	"{\"type\":\"indicator\",\"id\":\"indicator--" n "\","                 \
	"\"pattern\":\"[domain-name:value='" v "']\"}"

/* Large bundles are parsed in pieces: the same result, the same errors. */
static void test_parse_in_pieces(void **state)
{
	static const char *const texts[] = {
	        report_bundle,
	        "{\"type\":\"bundle\",\"objects\":[" IND("1", "a.com") "," IND(
	                "2", "b.com") "," IND("3", "c.com") "]}",
	        /* A trailing comma, an empty element, a bad element. */
	        "{\"type\":\"bundle\",\"objects\":[" IND("1", "a.com") "," IND(
	                "2", "b.com") ",]}",
	        "{\"type\":\"bundle\",\"objects\":[ ," IND("1", "a.com") "]}",
	        "{\"type\":\"bundle\",\"objects\":[" IND("1",
	                                                 "a.com") ", 1 2]}",
	        /* jansson keeps the last of two equal keys. */
	        "{\"type\":\"bundle\",\"objects\":[" IND("1", "a.com") "," IND(
	                "2",
	                "b.com") "],\"objects\":[" IND("3",
	                                               "c.com") "," IND("4",
	                                                                "d.com") "]}",
	        "{\"type\":\"bundle\",\"objects\":[" IND("1", "a.com") "," IND(
	                "2",
	                "b.com") "],\"obj\\u0065cts\":[" IND("3",
	                                                     "c.com") "," IND("4",
	                                                                      "d.com") "]}",
	        /* Brackets that do not pair; "objects" that is not at the top.
	         */
	        "{\"type\":\"bundle\",\"objects\":[" IND("1", "a.com") "," IND(
	                "2", "b.com") "],\"x\":[1,2}",
	        "{\"type\":\"bundle\",\"x\":{\"objects\":[1,2]},\"objects\":"
	        "[" IND("1", "a.com") "," IND("2", "b.com") "]}",
	        "{\"type\":\"bundle\",\"objects\":{\"a\":1,\"b\":2}}",
	        "[\"objects\",[1,2]]",
	        "{\"objects\":[1,2],\"type\":\"bundle\"}",
	        "{\"type\":\"bundle\",\"objects\":[" IND("1", "a.com") "]}",
	};
	struct th_stix2_opts opts = {.threads = 1, .split_min = 1};
	struct th_stix2_json j;
	struct th_err err = {0};
	size_t i;

	for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++)
		same_both_ways(texts[i]);
	/* The pieces are really taken, one element each here... */
	assert_int_equal(th_stix2_json_load(&j, "t", texts[1], strlen(texts[1]),
	                                    &opts, &err),
	                 TH_OK);
	assert_int_equal(j.nparts, 3);
	assert_int_equal(json_array_size(json_object_get(j.root, "objects")),
	                 0);
	th_stix2_json_free(&j);
	/* ...but not when the key is there twice. */
	assert_int_equal(th_stix2_json_load(&j, "t", texts[5], strlen(texts[5]),
	                                    &opts, &err),
	                 TH_OK);
	assert_int_equal(j.nparts, 0);
	th_stix2_json_free(&j);
}

/* Counts by kind of each shared file, as a script counted them. */
struct expect {
	const char *file;
	size_t indicators, ncollections;
	const char *collection; /* the first one */
	size_t counts[TH_IOC_KIND_COUNT];
};

static const struct expect shared_files[] = {
        {"amnesty_android_campaign_2023.stix2",
         2187,
         1,
         "MercenarySpywareCampaign",
         {[TH_IOC_DOMAIN] = 2183,
          [TH_IOC_FILE_PATH] = 1,
          [TH_IOC_PROPERTY] = 3}},
        {"amnesty_cytrox.stix2",
         343,
         1,
         "Predator",
         {[TH_IOC_DOMAIN] = 336,
          [TH_IOC_FILE_PATH] = 6,
          [TH_IOC_PROFILE_ID] = 1}},
        {"amnesty_novispy.stix2",
         18,
         1,
         "NoviSpy",
         {[TH_IOC_DOMAIN] = 7,
          [TH_IOC_APP_ID] = 4,
          [TH_IOC_CERT_SHA256] = 3,
          [TH_IOC_SHA256] = 4}},
        {"amnesty_pegasus.stix2",
         1549,
         1,
         "Pegasus",
         {[TH_IOC_DOMAIN] = 1438,
          [TH_IOC_PROCESS] = 81,
          [TH_IOC_FILE_NAME] = 1,
          [TH_IOC_EMAIL] = 29}},
        {"amnesty_wintego_helios.stix2",
         175,
         1,
         "Wintego Helios",
         {[TH_IOC_DOMAIN] = 175}},
        /* 5046 indicator objects, 38 of them repeated ids. */
        {"echap_stalkerware_2023-05-31.stix2",
         5008,
         137,
         "TheTruthSpy",
         {[TH_IOC_DOMAIN] = 1431,
          [TH_IOC_SHA256] = 2910,
          [TH_IOC_APP_ID] = 568,
          [TH_IOC_CERT_SHA1] = 99}},
        {"mvtind_candiru.stix2", 125, 1, "Candiru", {[TH_IOC_DOMAIN] = 125}},
        {"mvtind_cellebrite.stix2", 1, 1, "Cellebrite", {[TH_IOC_APP_ID] = 1}},
        {"mvtind_coruna.stix2",
         216,
         1,
         "Coruna",
         {[TH_IOC_DOMAIN] = 177,
          [TH_IOC_SHA256] = 20,
          [TH_IOC_FILE_PATH] = 12,
          [TH_IOC_FILE_NAME] = 7}},
        {"mvtind_darksword.stix2",
         43,
         1,
         "DarkSword",
         {[TH_IOC_DOMAIN] = 10,
          [TH_IOC_IPV4] = 3,
          [TH_IOC_SHA256] = 1,
          [TH_IOC_FILE_PATH] = 22,
          [TH_IOC_FILE_NAME] = 7}},
        {"mvtind_eaglemsgspy.stix2",
         51,
         1,
         "EagleMsgSpy",
         {[TH_IOC_DOMAIN] = 13, [TH_IOC_IPV4] = 13, [TH_IOC_SHA256] = 25}},
        {"mvtind_kingspawn.stix2",
         167,
         1,
         "KingSpawn",
         {[TH_IOC_DOMAIN] = 164, [TH_IOC_FILE_PATH] = 2, [TH_IOC_PROCESS] = 1}},
        {"mvtind_operation_triangulation.stix2",
         112,
         1,
         "OperationTriangulation",
         {[TH_IOC_DOMAIN] = 75, [TH_IOC_PROCESS] = 1, [TH_IOC_EMAIL] = 36}},
        {"mvtind_predator.stix2",
         585,
         1,
         "Predator",
         {[TH_IOC_DOMAIN] = 569,
          [TH_IOC_FILE_PATH] = 15,
          [TH_IOC_PROFILE_ID] = 1}},
        {"mvtind_rcs.stix2",
         40,
         1,
         "RCSLab",
         {[TH_IOC_DOMAIN] = 26, [TH_IOC_SHA256] = 9, [TH_IOC_APP_ID] = 5}},
        {"mvtind_residentbat.stix2",
         48,
         1,
         "ResidentBat",
         {[TH_IOC_IPV4] = 24,
          [TH_IOC_APP_ID] = 8,
          [TH_IOC_CERT_SHA256] = 8,
          [TH_IOC_SHA256] = 8}},
        {"mvtind_wyrmspy_dragonegg.stix2",
         53,
         1,
         "WyrmSpy_DragonEgg",
         {[TH_IOC_DOMAIN] = 7,
          [TH_IOC_IPV4] = 5,
          [TH_IOC_SHA256] = 34,
          [TH_IOC_APP_ID] = 7}},
};

static void check_file(const struct th_ioc_file *f, const struct expect *e)
{
	size_t k;

	assert_true(t_contains(f->path, e->file));
	assert_int_equal(f->indicators, e->indicators);
	assert_int_equal(f->skipped, 0);
	assert_int_equal(f->ncollections, e->ncollections);
	assert_string_equal(f->collections[0], e->collection);
	for (k = 0; k < TH_IOC_KIND_COUNT; k++)
		assert_int_equal(f->by_kind[k], e->counts[k]);
}

static void test_shared_iocs(void **state)
{
	size_t n = sizeof(shared_files) / sizeof(shared_files[0]), i;
	struct th_iocs *iocs, *one;
	char *dir, *path;

	T_SHARED_OR_SKIP(dir, "iocs");
	assert_int_equal(th_iocs_new(&iocs), TH_OK);
	assert_int_equal(th_iocs_load(iocs, dir), TH_OK);
	assert_int_equal(th_iocs_nerrors(iocs), 0);
	assert_int_equal(th_iocs_nfiles(iocs), n);
	for (i = 0; i < n; i++) {
		check_file(th_iocs_file(iocs, i), &shared_files[i]);
		/* One file alone gives the same figures. */
		path = th_path_join(dir, shared_files[i].file);
		assert_int_equal(th_iocs_new(&one), TH_OK);
		assert_int_equal(th_iocs_load(one, path), TH_OK);
		check_file(th_iocs_file(one, 0), &shared_files[i]);
		th_iocs_free(one);
		free(path);
	}
	/* Distinct (kind, value) pairs over all files, counted by script. */
	assert_int_equal(th_iocs_total(iocs), 10242);
	th_iocs_free(iocs);
	free(dir);
}

static void expect_hit(const struct th_iocs *iocs, enum th_match_type type,
                       const char *value, const char *ioc_value,
                       const char *collection, size_t nsources)
{
	const struct th_ioc *ioc = th_iocs_match(iocs, type, value);

	assert_non_null(ioc);
	assert_string_equal(ioc->value, ioc_value);
	assert_string_equal(ioc->sources[0].collection, collection);
	assert_int_equal(ioc->nsources, nsources);
}

static void test_shared_matches(void **state)
{
	struct th_iocs *iocs;
	const struct th_ioc *ioc;
	char *dir;

	T_SHARED_OR_SKIP(dir, "iocs");
	assert_int_equal(th_iocs_new(&iocs), TH_OK);
	assert_int_equal(th_iocs_load(iocs, dir), TH_OK);
	expect_hit(iocs, TH_MATCH_PROCESS, "Diagnostics-2543",
	           "Diagnostics-2543", "Pegasus", 1);
	expect_hit(iocs, TH_MATCH_PROCESS, "com.apple.Mappit",
	           "com.apple.Mappit.SnapshotService", "Pegasus", 1);
	expect_hit(iocs, TH_MATCH_DOMAIN, "https://x.weather4free.com/a",
	           "weather4free.com", "Pegasus", 1);
	expect_hit(iocs, TH_MATCH_FILE_NAME, "roleaccountd.plist",
	           "roleaccountd.plist", "Pegasus", 1);
	/* NoviSpy lists addresses as domains. */
	expect_hit(iocs, TH_MATCH_IP, "176.223.111.131", "176.223.111.131",
	           "NoviSpy", 1);
	expect_hit(iocs, TH_MATCH_IP, "62.72.21.10", "62.72.21.10", "DarkSword",
	           1);
	expect_hit(iocs, TH_MATCH_HASH,
	           "05B5E4070B3B8A130B12EA96C5526B4615FCAE121BB802B1A10C3A7A70F"
	           "39901",
	           "05b5e4070b3b8a130b12ea96c5526b4615fcae121bb802b1a10c3a7a70f"
	           "39901",
	           "Coruna", 1);
	/* Listed by Cytrox and by the Predator file: two sources. */
	expect_hit(iocs, TH_MATCH_FILE_PATH, "/data/local/tmp/wd/fs.db",
	           "/data/local/tmp/wd/fs.db", "Predator", 2);
	expect_hit(iocs, TH_MATCH_FILE_PATH, "/tmp/l/x", "/tmp/l/", "Predator",
	           1);
	expect_hit(iocs, TH_MATCH_PROPERTY, "sys.brand.note", "sys.brand.note",
	           "MercenarySpywareCampaign", 1);
	/* One value in two stalkerware collections of one file. */
	ioc = th_iocs_match(iocs, TH_MATCH_DOMAIN, "www.spappmonitoring.com");
	assert_non_null(ioc);
	assert_int_equal(ioc->nsources, 2);
	assert_string_equal(ioc->sources[0].collection, "EasyPhoneTrack");
	assert_string_equal(ioc->sources[1].collection, "SpyPhoneApp");
	assert_string_equal(ioc->sources[1].file_name,
	                    "echap_stalkerware_2023-05-31.stix2");
	assert_null(th_iocs_match(iocs, TH_MATCH_DOMAIN, "www.apple.com"));
	assert_null(th_iocs_match(iocs, TH_MATCH_PROCESS, "launchd"));
	th_iocs_free(iocs);
	free(dir);
}

static void test_shared_fixtures(void **state)
{
	const struct th_ioc_file *f;
	struct expect cytrox;
	struct th_iocs *iocs;
	char *dir;

	T_SHARED_OR_SKIP(dir, "fixtures/mvt/stix2");
	assert_int_equal(th_iocs_new(&iocs), TH_OK);
	assert_int_equal(th_iocs_load(iocs, dir), TH_OK);
	assert_int_equal(th_iocs_nfiles(iocs), 2);
	f = th_iocs_file(iocs, 0);
	assert_true(t_contains(f->path, "638cd3ee5e5f019f84f9e0ea.json"));
	assert_int_equal(f->indicators, 69);
	assert_int_equal(f->by_kind[TH_IOC_URL], 54);
	assert_int_equal(f->by_kind[TH_IOC_DOMAIN], 15);
	assert_int_equal(f->ncollections, 1);
	assert_string_equal(f->collections[0],
	                    "Pegasus Forensic Traces per Target Identified in "
	                    "the Aftermath of the Pegasus Project Revelations "
	                    "- Amnesty International");
	/* The same Cytrox file as in shared/iocs, under another name. */
	cytrox = shared_files[1];
	cytrox.file = "/cytrox.stix2";
	check_file(th_iocs_file(iocs, 1), &cytrox);
	expect_hit(iocs, TH_MATCH_URL, "http://statsads.co/2dL8ARH",
	           "http://statsads.co/2dL8ARH", f->collections[0], 1);
	/* Another path: not that URL, but its host is listed. */
	expect_hit(iocs, TH_MATCH_URL, "http://statsads.co/2dl8arh",
	           "statsads.co", f->collections[0], 1);
	assert_null(th_iocs_match(iocs, TH_MATCH_URL, "http://statsads.com/"));
	th_iocs_free(iocs);
	free(dir);
}

/* Lookups from every core at once on one loaded set. */
struct par {
	const struct th_iocs *iocs;
	int bad;
};

static void par_job(void *ctx, size_t i)
{
	struct par *p = ctx;
	char host[64];
	const struct th_ioc *ioc;
	size_t n;

	for (n = 0; n < 2000; n++) {
		snprintf(host, sizeof(host), "h%zu.x%zu.pegasus.com", i, n);
		ioc = th_iocs_match(p->iocs, TH_MATCH_DOMAIN, host);
		if (!ioc || strcmp(ioc->value, "pegasus.com"))
			p->bad = 1;
		snprintf(host, sizeof(host), "h%zu.notpegasus.com", n);
		if (th_iocs_match(p->iocs, TH_MATCH_URL, host))
			p->bad = 1;
	}
}

static void test_threads(void **state)
{
	const char *pats[] = {"[domain-name:value='pegasus.com']", NULL};
	struct par p = {.iocs = load_patterns(pats)};

	th_pool_for(4, 16, par_job, &p);
	assert_int_equal(p.bad, 0);
	th_iocs_free((struct th_iocs *)p.iocs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_names),
	        cmocka_unit_test(test_pattern_forms),
	        cmocka_unit_test(test_pattern_rejects),
	        cmocka_unit_test(test_match_domain),
	        cmocka_unit_test(test_match_ip),
	        cmocka_unit_test(test_match_url),
	        cmocka_unit_test(test_match_process),
	        cmocka_unit_test(test_match_email),
	        cmocka_unit_test(test_match_files),
	        cmocka_unit_test(test_match_hashes),
	        cmocka_unit_test(test_match_exact_kinds),
	        cmocka_unit_test(test_guess),
	        cmocka_unit_test(test_collections),
	        cmocka_unit_test(test_sources_merge),
	        cmocka_unit_test(test_bad_files),
	        cmocka_unit_test(test_skipped_patterns),
	        cmocka_unit_test(test_load_dir),
	        cmocka_unit_test(test_load_buffer),
	        cmocka_unit_test(test_parse_in_pieces),
	        cmocka_unit_test(test_shared_iocs),
	        cmocka_unit_test(test_shared_matches),
	        cmocka_unit_test(test_shared_fixtures),
	        cmocka_unit_test(test_threads),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
