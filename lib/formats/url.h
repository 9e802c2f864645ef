/*
 * URLs, hosts and IP addresses as evidence writes them: split a URL (or a
 * bare "host/path") into parts, take its lower-cased host, recognise and
 * normalise IPv4/IPv6 addresses. Nothing here allocates; every function
 * works on (pointer, length) and writes into caller buffers, so the
 * indicator matchers can call them on every lookup. th_text_each_url,
 * which pulls links out of free text, is declared in th_iocs.h.
 */
#ifndef TH_FORMATS_URL_H
#define TH_FORMATS_URL_H

#include <stddef.h>
#include <tracehound/th_status.h>

/* Room for a host: DNS names stop at 253; anything longer is not a host
 * anyone can reach, and th_url_host refuses it (TH_ERR_LIMIT). */
#define TH_HOST_MAX 1024
/* Room for a normalised address, NUL included (INET6_ADDRSTRLEN). */
#define TH_IP_TEXT_MAX 46

/* Where a URL's parts are, as offsets into the string that was split. */
struct th_url_parts {
	size_t scheme_len; /* "https" is 5; 0 when there is no "scheme://" */
	size_t host_off;   /* the host, without userinfo, port or [ ] */
	size_t host_len;
	size_t path_off; /* the first byte after the authority (or len) */
	int port;        /* -1 when absent or not a number */
	int bracketed;   /* the host was written as [IPv6] */
};

/*
 * Splits "scheme://user@host:port/path?query#frag", "//host/path" or a
 * bare "host:port/path". TH_ERR_FORMAT when there is no host (empty, or
 * an unclosed "[").
 */
enum th_status th_url_split(const char *s, size_t len,
                            struct th_url_parts *out);

/*
 * Writes the host of a URL, of a bare host or host/path, or an address,
 * into out (cap bytes, NUL-terminated): surrounding blanks skipped,
 * lower-cased, one trailing dot removed, IP addresses normalised (IPv6 as
 * inet_ntop writes it, without brackets). *out_len may be NULL.
 * TH_ERR_FORMAT (no host), TH_ERR_LIMIT (the host does not fit).
 */
enum th_status th_url_host(const char *s, size_t len, char *out, size_t cap,
                           size_t *out_len);

/*
 * Whether s[0..len) is an IPv4 address in dotted form (4) or an IPv6
 * address (6), else 0. When it is one and out is not NULL, writes its
 * normalised text into out (cap >= TH_IP_TEXT_MAX).
 */
int th_ip_normalise(const char *s, size_t len, char *out, size_t cap);

#endif
