/*
 * The indicator engine: STIX2 bundles loaded into hash-indexed sets, and
 * matchers that look values up by kind (see shared reference/iocs.md).
 */
#ifndef TH_IOCS_H
#define TH_IOCS_H

#include <stddef.h>
#include "th_status.h"

/* What an indicator is, one per STIX2 pattern key we understand. */
enum th_ioc_kind {
	TH_IOC_DOMAIN,      /* domain-name:value */
	TH_IOC_IPV4,        /* ipv4-addr:value */
	TH_IOC_IPV6,        /* ipv6-addr:value */
	TH_IOC_URL,         /* url:value */
	TH_IOC_PROCESS,     /* process:name */
	TH_IOC_EMAIL,       /* email-addr:value */
	TH_IOC_FILE_NAME,   /* file:name */
	TH_IOC_FILE_PATH,   /* file:path */
	TH_IOC_MD5,         /* file:hashes.md5 */
	TH_IOC_SHA1,        /* file:hashes.sha1 */
	TH_IOC_SHA256,      /* file:hashes.sha256 (also 'SHA-256') */
	TH_IOC_APP_ID,      /* app:id */
	TH_IOC_CERT_MD5,    /* app:cert.md5 */
	TH_IOC_CERT_SHA1,   /* app:cert.sha1 */
	TH_IOC_CERT_SHA256, /* app:cert.sha256 */
	TH_IOC_PROFILE_ID,  /* configuration-profile:id */
	TH_IOC_PROPERTY,    /* android-property:name */
	TH_IOC_KIND_COUNT
};

/* The pattern key of a kind as reference/iocs.md writes it, hash keys
 * normalised: "domain-name:value", "file:hashes.sha256". Static. */
const char *th_ioc_kind_key(enum th_ioc_kind kind);

/* One collection that lists an indicator: the report or malware name (or
 * the file's default collection) and the STIX2 file it came from. */
struct th_ioc_source {
	const char *collection; /* "Pegasus" */
	const char *file;       /* path as given to the loader */
	const char *file_name;  /* its base name, as MVT's stix2_file_name */
};

/* One distinct indicator (kind, value), with every collection listing it
 * (deduplicated, in load order). Owned by the th_iocs that returned it. */
struct th_ioc {
	const char *value; /* normalised: domains and e-mails lower-case */
	enum th_ioc_kind kind;
	size_t nsources;
	const struct th_ioc_source *sources;
};

/* What one loaded file contributed (for `tracehound iocs`). */
struct th_ioc_file {
	const char *path;
	size_t ncollections;
	const char *const *collections; /* distinct names, load order */
	size_t indicators; /* indicator objects with a usable pattern */
	size_t by_kind[TH_IOC_KIND_COUNT];
	size_t skipped; /* indicator objects with an unknown or bad pattern */
};

struct th_iocs;

/* Creates an empty set. Free with th_iocs_free(). TH_ERR_NOMEM. */
enum th_status th_iocs_new(struct th_iocs **out);
void th_iocs_free(struct th_iocs *iocs);

/*
 * Loads a STIX2 file, or every *.stix2 and *.json file in a folder (not
 * recursive, sorted by name). A bad file is skipped whole: its error is
 * kept (th_iocs_nerrors / th_iocs_error_at) and the other files still
 * load. Returns TH_OK when every file loaded, else the first error.
 */
enum th_status th_iocs_load(struct th_iocs *iocs, const char *path);

/* Errors kept by th_iocs_load, one line each naming the file. */
size_t th_iocs_nerrors(const struct th_iocs *iocs);
const char *th_iocs_error_at(const struct th_iocs *iocs, size_t i);

size_t th_iocs_nfiles(const struct th_iocs *iocs);
const struct th_ioc_file *th_iocs_file(const struct th_iocs *iocs, size_t i);

/* Distinct (kind, value) indicators over every loaded file. */
size_t th_iocs_total(const struct th_iocs *iocs);

/* How a value is looked up: what an analyst or a module says it is. */
enum th_match_type {
	TH_MATCH_DOMAIN,     /* host name, or anything with a host in it */
	TH_MATCH_IP,         /* IPv4 or IPv6 address */
	TH_MATCH_URL,        /* whole URL, then its host */
	TH_MATCH_PROCESS,    /* process name (16-character iOS truncation) */
	TH_MATCH_EMAIL,      /* e-mail, "mailto:" removed */
	TH_MATCH_FILE_NAME,  /* base name of a file */
	TH_MATCH_FILE_PATH,  /* full path; then its base name */
	TH_MATCH_HASH,       /* md5/sha1/sha256 by length, files then certs */
	TH_MATCH_APP_ID,     /* Android package or iOS bundle id */
	TH_MATCH_CERT_HASH,  /* Android signing-certificate hash */
	TH_MATCH_PROFILE_ID, /* iOS configuration profile PayloadUUID */
	TH_MATCH_PROPERTY,   /* Android system property name */
	TH_MATCH_TYPE_COUNT
};

/* "domain", "ip", "url", "process", "email", "file-name", "file-path",
 * "hash", "app-id", "cert-hash", "profile-id", "property". Static. */
const char *th_match_type_name(enum th_match_type type);

/* Parses a name of th_match_type_name(). TH_ERR_USAGE if unknown. */
enum th_status th_match_type_parse(const char *name, enum th_match_type *out);

/*
 * The kinds a pasted value could plausibly be, most specific first, e.g.
 * "bh" -> process, file-name; "com.apple.foo" -> domain, app-id,
 * file-name, process. Writes at most `cap` types, returns how many.
 */
size_t th_match_guess(const char *value, enum th_match_type *types, size_t cap);

/*
 * Looks `value` up as `type` by the rules of reference/iocs.md. Returns
 * the indicator hit (owned by iocs) or NULL. O(length of value).
 * Thread-safe on a set no longer being loaded.
 */
const struct th_ioc *th_iocs_match(const struct th_iocs *iocs,
                                   enum th_match_type type, const char *value);

/* Calls fn for every URL found in free text (http(s)://... and bare
 * host.tld/... forms), with its bounds in `text`. Stops when fn returns
 * nonzero. */
void th_text_each_url(const char *text, size_t len,
                      int (*fn)(void *ctx, const char *url, size_t url_len),
                      void *ctx);

#endif
