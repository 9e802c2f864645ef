/* URLs, hosts and addresses (lib/formats/url.c), and links in text. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <tracehound/th_iocs.h>
#include "support.h"
#include "formats/url.h"

/* The host of s, or an "!<status>" string when th_url_host fails. */
static const char *host_of(const char *s)
{
	static char out[TH_HOST_MAX];
	enum th_status st;
	size_t n = 99;

	st = th_url_host(s, strlen(s), out, sizeof(out), &n);
	if (st != TH_OK) {
		snprintf(out, sizeof(out), "!%d", (int)st);
		return out;
	}
	assert_int_equal(n, strlen(out));
	return out;
}

static void test_host_forms(void **state)
{
	assert_string_equal(host_of("https://WWW.Example.COM/a/B?c=d"),
	                    "www.example.com");
	assert_string_equal(host_of("http://user:pw@evil.com:8080/x"),
	                    "evil.com");
	assert_string_equal(host_of("evil.com."), "evil.com");
	assert_string_equal(host_of("Evil.com./path"), "evil.com");
	assert_string_equal(host_of("evil.com:443"), "evil.com");
	assert_string_equal(host_of("  evil.com/x  "), "evil.com");
	assert_string_equal(host_of("//cdn.evil.com/x.js"), "cdn.evil.com");
	assert_string_equal(host_of("mailto:Someone@Mail.Evil.com"),
	                    "mail.evil.com");
	assert_string_equal(host_of("https://a@b@c.evil.com/"), "c.evil.com");
	assert_string_equal(host_of("https://evil.com#frag"), "evil.com");
	assert_string_equal(host_of("https://evil.com?q=a/b"), "evil.com");
	assert_string_equal(host_of("https://evil.com\\@good.com/"),
	                    "evil.com");
}

static void test_host_addresses(void **state)
{
	assert_string_equal(host_of("http://[2001:DB8::0:1]:8080/x"),
	                    "2001:db8::1");
	assert_string_equal(host_of("2001:0db8:0000::1"), "2001:db8::1");
	assert_string_equal(host_of("http://10.1.2.3:80/"), "10.1.2.3");
	assert_string_equal(host_of("10.1.2.3."), "10.1.2.3");
	/* Not an address: leading zeros are not dotted decimal. */
	assert_string_equal(host_of("010.1.2.3"), "010.1.2.3");
}

static void test_host_errors(void **state)
{
	char big[3000], out[8];

	assert_string_equal(host_of(""), "!3");
	assert_string_equal(host_of("https://"), "!3");
	assert_string_equal(host_of("https:///path"), "!3");
	assert_string_equal(host_of("http://user@/x"), "!3");
	assert_string_equal(host_of("http://[::1/x"), "!3");
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_string_equal(host_of(big), "!4");
	/* A caller buffer too small is a limit, not an overflow. */
	assert_int_equal(th_url_host("example.com", 11, out, sizeof(out), NULL),
	                 TH_ERR_LIMIT);
	assert_int_equal(th_url_host("a.b", 3, out, 0, NULL), TH_ERR_LIMIT);
}

static void test_split_parts(void **state)
{
	const char *u = "HTTPS://u@[::1]:8443/p?q";
	struct th_url_parts p;

	assert_int_equal(th_url_split(u, strlen(u), &p), TH_OK);
	assert_int_equal(p.scheme_len, 5);
	assert_int_equal(p.host_len, 3);
	assert_memory_equal(u + p.host_off, "::1", 3);
	assert_int_equal(p.port, 8443);
	assert_true(p.bracketed);
	assert_string_equal(u + p.path_off, "/p?q");
	u = "evil.com:99999/x";
	assert_int_equal(th_url_split(u, strlen(u), &p), TH_OK);
	assert_int_equal(p.scheme_len, 0);
	assert_int_equal(p.port, -1);
	assert_false(p.bracketed);
	assert_int_equal(p.host_len, 8);
	/* Only "://" makes a scheme: "host:port" stays a host. */
	u = "example.com:8080";
	assert_int_equal(th_url_split(u, strlen(u), &p), TH_OK);
	assert_int_equal(p.scheme_len, 0);
	assert_int_equal(p.port, 8080);
}

static void test_ip_normalise(void **state)
{
	char ip[TH_IP_TEXT_MAX];

	assert_int_equal(th_ip_normalise("1.2.3.4", 7, ip, sizeof(ip)), 4);
	assert_string_equal(ip, "1.2.3.4");
	assert_int_equal(
	        th_ip_normalise("FE80:0:0:0::ABCD", 16, ip, sizeof(ip)), 6);
	assert_string_equal(ip, "fe80::abcd");
	assert_int_equal(th_ip_normalise("1.2.3", 5, ip, sizeof(ip)), 0);
	assert_int_equal(th_ip_normalise("1.2.3.256", 9, ip, sizeof(ip)), 0);
	assert_int_equal(th_ip_normalise("example.com", 11, NULL, 0), 0);
	assert_int_equal(th_ip_normalise("", 0, NULL, 0), 0);
	assert_int_equal(th_ip_normalise("::1", 3, NULL, 0), 6);
	/* Only the given bytes count, not what follows them. */
	assert_int_equal(th_ip_normalise("1.2.3.4x", 7, ip, sizeof(ip)), 4);
}

/* Collects the links found in a text, joined by '|'. */
struct links {
	char out[1024];
	int stop_after;
	int n;
};

static int collect(void *ctx, const char *url, size_t len)
{
	struct links *l = ctx;
	size_t used = strlen(l->out);

	snprintf(l->out + used, sizeof(l->out) - used, "%s%.*s",
	         used ? "|" : "", (int)len, url);
	return ++l->n == l->stop_after;
}

static const char *links_in(const char *text)
{
	static struct links l;

	memset(&l, 0, sizeof(l));
	th_text_each_url(text, strlen(text), collect, &l);
	return l.out;
}

static void test_text_scheme_links(void **state)
{
	assert_string_equal(
	        links_in("Your parcel: https://bit.ly/3xYz. Track it now!"),
	        "https://bit.ly/3xYz");
	assert_string_equal(links_in("(see http://evil.com/a?b=c), then"),
	                    "http://evil.com/a?b=c");
	assert_string_equal(links_in("wiki http://w.org/A_(b) ok"),
	                    "http://w.org/A_(b)");
	assert_string_equal(links_in("URL:HTTPS://Evil.com/X;"),
	                    "HTTPS://Evil.com/X");
	assert_string_equal(links_in("<http://a.com/x>\"https://b.com\""),
	                    "http://a.com/x|https://b.com");
	assert_string_equal(links_in("http://[2001:db8::1]:80/x, y"),
	                    "http://[2001:db8::1]:80/x");
	/* No host, another scheme, or glued to a word: no link. */
	assert_string_equal(links_in("http:// nothing ftp://a.com"), "");
	assert_string_equal(links_in("xhttp://a.com"), "");
}

static void test_text_bare_links(void **state)
{
	assert_string_equal(links_in("Go to evil-site.com/login."),
	                    "evil-site.com/login");
	assert_string_equal(links_in("Code 1234 at sub.Evil.io/a/b!"),
	                    "sub.Evil.io/a/b");
	assert_string_equal(links_in("e.g. this, or v1.2.3/4 or i.e. that"),
	                    "");
	assert_string_equal(links_in("host.com without a path"), "");
	assert_string_equal(links_in("me@mail.com/x and /usr/x.so/y"), "");
	assert_string_equal(links_in("a..com/x .com/x"), "");
	assert_string_equal(links_in("one.ab/x two.cd/y"), "one.ab/x|two.cd/y");
}

static void test_text_stops_and_bounds(void **state)
{
	const char *t = "a.com/1 b.com/2 c.com/3";
	struct links l = {.stop_after = 2};

	th_text_each_url(t, strlen(t), collect, &l);
	assert_string_equal(l.out, "a.com/1|b.com/2");
	/* Only len bytes are read: the link is cut where the text ends. */
	memset(&l, 0, sizeof(l));
	th_text_each_url("http://evil.com/abcdef", 18, collect, &l);
	assert_string_equal(l.out, "http://evil.com/ab");
	memset(&l, 0, sizeof(l));
	th_text_each_url("http://", 7, collect, &l);
	th_text_each_url(NULL, 0, collect, &l);
	assert_int_equal(l.n, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_host_forms),
	        cmocka_unit_test(test_host_addresses),
	        cmocka_unit_test(test_host_errors),
	        cmocka_unit_test(test_split_parts),
	        cmocka_unit_test(test_ip_normalise),
	        cmocka_unit_test(test_text_scheme_links),
	        cmocka_unit_test(test_text_bare_links),
	        cmocka_unit_test(test_text_stops_and_bounds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
