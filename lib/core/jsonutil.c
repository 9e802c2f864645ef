#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/jsonutil.h"

/* Length of the valid UTF-8 sequence at s (at most `left` bytes), or 0. */
static size_t utf8_seq(const unsigned char *s, size_t left)
{
	size_t n, i;
	uint32_t cp;

	if (s[0] < 0x80)
		return 1; /* NUL too: json_stringn keeps it, so must this */
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

void th_json_nomem_note(void)
{
	nomem_count++;
}

/* Whether s is valid UTF-8: jansson refuses object keys that are not. */
static int utf8_ok(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t left = strlen(s), n;

	for (; left; p += n, left -= n)
		if ((n = utf8_seq(p, left)) == 0)
			return 0;
	return 1;
}

int th_json_set_new(json_t *obj, const char *key, json_t *v)
{
	if (v && json_object_set_new(obj, key, v) == 0)
		return 0;
	/* A key from evidence that is not UTF-8 is refused, not lost to
	 * memory: not counted. */
	if (v && key && json_is_object(obj) && !utf8_ok(key))
		return -1;
	nomem_count++;
	return -1;
}

/* A th_buf sink whose first failure sticks: jansson ignores the
 * status of some of its writes. */
struct dump_sink {
	struct th_buf b;
	enum th_status st;
};

static int dump_to_buf(const char *buf, size_t n, void *ctx)
{
	struct dump_sink *s = ctx;

	if (s->st == TH_OK)
		s->st = th_buf_add(&s->b, buf, n);
	return s->st == TH_OK ? 0 : -1;
}

char *th_json_dumps(const json_t *v, size_t flags)
{
	struct dump_sink s = {.st = TH_OK};
	int bad;

	th_buf_init(&s.b, (size_t)1 << 30);
	bad = json_dump_callback(v, dump_to_buf, &s, flags) != 0;
	if (bad || s.st != TH_OK) {
		th_buf_free(&s.b);
		return NULL;
	}
	return th_buf_take(&s.b, NULL);
}

int th_json_append_new(json_t *arr, json_t *v)
{
	if (!v || json_array_append_new(arr, v) != 0) {
		nomem_count++;
		return -1;
	}
	return 0;
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
	/* Invalid UTF-8, or no memory (tried again: the same bytes must
	 * come out either way): rebuild, 3 bytes per bad byte. */
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
