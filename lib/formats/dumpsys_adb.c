/* The adb dumpsys section: the "debugging_manager={...}" block that
 * AdbDebuggingManager prints (an indented key=value dump), with the
 * trusted user keys and the keystore (XML, or binary XML that arrives
 * mangled in text dumps: keys are found by their base64 shape). */
#include <stdlib.h>
#include <string.h>
#include <openssl/evp.h>

#include "formats/dumpsys_parse.h"
#include "formats/lines.h"
#include "core/jsonutil.h"
#include "core/timeconv.h"

#define DEPTH_MAX 8
#define KEYS_MAX  1024
/* An adb RSA public key is 524 bytes (700 base64 characters). */
#define KEY_B64_MAX 4096
/* Every adb public key blob starts with its modulus size in words, 64,
 * little-endian: base64 "QAAAA". */
#define KEY_PREFIX       "QAAAA"
#define LAST_CONN_WINDOW 512

static int set_str(json_t *o, const char *key, const char *s, size_t n)
{
	json_t *v = th_json_stringn(s, n);

	return !v || json_object_set_new(o, key, v) != 0;
}

static int b64_val(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

/* Decodes standard base64 (padding optional); 0 on a bad character. */
static int b64_decode(const char *s, size_t n, unsigned char *out, size_t cap,
                      size_t *out_len)
{
	unsigned acc = 0;
	size_t i, bits = 0, k = 0;
	int v;

	while (n && s[n - 1] == '=')
		n--;
	for (i = 0; i < n; i++) {
		v = b64_val((unsigned char)s[i]);
		if (v < 0)
			return 0;
		acc = (acc << 6) | (unsigned)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (k >= cap)
				return 0;
			out[k++] = (unsigned char)(acc >> bits);
			acc &= (1u << bits) - 1;
		}
	}
	*out_len = k;
	return 1;
}

int th_adb_key_fingerprint(const char *b64, size_t len, char out[48])
{
	static const char hex[] = "0123456789ABCDEF";
	unsigned char raw[KEY_B64_MAX], md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0, i;
	size_t n;

	out[0] = '\0';
	if (!len || len > KEY_B64_MAX ||
	    !b64_decode(b64, len, raw, sizeof(raw), &n) ||
	    !EVP_Digest(raw, n, md, &mdlen, EVP_md5(), NULL) || mdlen != 16)
		return 0;
	for (i = 0; i < 16; i++) {
		out[i * 3] = hex[md[i] >> 4];
		out[i * 3 + 1] = hex[md[i] & 15];
		out[i * 3 + 2] = i == 15 ? '\0' : ':';
	}
	return 1;
}

/* {"user", "fingerprint", "key"} for "<base64> <user>". */
static json_t *key_record(const char *key, size_t key_len, const char *user,
                          size_t user_len)
{
	char fp[48];
	json_t *rec = json_object();

	th_adb_key_fingerprint(key, key_len, fp);
	if (!rec || set_str(rec, "user", user, user_len) ||
	    json_object_set_new(rec, "fingerprint", json_string(fp)) ||
	    set_str(rec, "key", key, key_len)) {
		json_decref(rec);
		return NULL;
	}
	return rec;
}

static int user_key_line(json_t *arr, const char *s, size_t n)
{
	const char *sp;
	json_t *rec;

	th_line_trim(&s, &n);
	if (!n || json_array_size(arr) >= KEYS_MAX)
		return 1;
	sp = memchr(s, ' ', n);
	rec = key_record(s, sp ? (size_t)(sp - s) : n, sp ? sp + 1 : "",
	                 sp ? n - (size_t)(sp + 1 - s) : 0);
	return rec && json_array_append_new(arr, rec) == 0;
}

static int is_b64(char c)
{
	return b64_val((unsigned char)c) >= 0 || c == '=';
}

/* lastConnection="1628501829898" before the next key, in ms. */
static void key_last_connection(json_t *rec, const char *s, size_t n)
{
	const char *p = th_line_find(s, n, "lastConnection=\""), *next;
	char out[TH_TIME_STR_MAX];
	long long ms = 0;
	size_t i;

	/* The attribute follows its key closely: look no further. */
	if (n > LAST_CONN_WINDOW)
		n = LAST_CONN_WINDOW;
	next = th_line_find(s, n, KEY_PREFIX);
	if (!p || (next && next < p))
		return;
	p += 16;
	for (i = 0; p + i < s + n && i < 18 && p[i] >= '0' && p[i] <= '9'; i++)
		ms = ms * 10 + (p[i] - '0');
	if (!i)
		return;
	th_time_format(th_time_from_android_ms(ms), out);
	th_json_set_new(rec, "last_connection", json_string(out));
}

/* Every "QAAAA...= user@host" in the keystore span. */
static int keystore_scan(json_t *arr, const char *s, size_t n)
{
	const char *p = s, *end = s + n, *k, *u;
	size_t klen, ulen;
	json_t *rec;

	while ((k = th_line_find(p, (size_t)(end - p), KEY_PREFIX)) != NULL) {
		for (klen = 0; k + klen < end && is_b64(k[klen]); klen++)
			;
		u = k + klen;
		ulen = 0;
		if (u < end && *u == ' ')
			for (u++; u + ulen < end && u[ulen] > 0x20 &&
			          u[ulen] < 0x7f && u[ulen] != '"';
			     ulen++)
				;
		p = u + ulen;
		if (json_array_size(arr) >= KEYS_MAX)
			break;
		rec = key_record(k, klen, u, ulen);
		if (!rec || json_array_append_new(arr, rec))
			return 0;
		key_last_connection(rec, p, (size_t)(end - p));
	}
	return 1;
}

struct adb {
	json_t *stack[DEPTH_MAX];
	size_t depth;
	json_t *multi;   /* user_keys being read, or NULL */
	int in_keystore; /* reading keystore lines up to a blank one */
	const char *ks;  /* where the keystore value starts */
};

static int adb_value(struct adb *a, const char *key, size_t key_len,
                     const char *v, size_t vn)
{
	json_t *cur = a->stack[a->depth - 1], *obj;
	char name[128];

	if (key_len >= sizeof(name))
		return 1;
	memcpy(name, key, key_len);
	name[key_len] = '\0';
	if (vn == 1 && v[0] == '{') {
		if (a->depth >= DEPTH_MAX)
			return 1;
		obj = json_object();
		if (!obj || json_object_set_new(cur, name, obj))
			return 0;
		a->stack[a->depth++] = obj;
		return 1;
	}
	if (strcmp(name, "user_keys") == 0) {
		a->multi = json_array();
		if (!a->multi || json_object_set_new(cur, name, a->multi))
			return 0;
		return user_key_line(a->multi, v, vn);
	}
	if (strcmp(name, "keystore") == 0) {
		a->in_keystore = 1;
		a->ks = v;
		return 1;
	}
	return !set_str(cur, name, v, vn);
}

static int adb_keystore_end(struct adb *a, const char *at)
{
	json_t *arr = json_array();

	a->in_keystore = 0;
	if (!arr ||
	    json_object_set_new(a->stack[a->depth - 1], "keystore", arr))
		return 0;
	return keystore_scan(arr, a->ks, (size_t)(at - a->ks));
}

/* "name=..." (the next field after a multi-line keystore). */
static int is_key_line(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (s[i] == '=')
			return i > 0;
		if (s[i] != '_' &&
		    !((s[i] | 0x20) >= 'a' && (s[i] | 0x20) <= 'z') &&
		    !(s[i] >= '0' && s[i] <= '9'))
			return 0;
	}
	return 0;
}

/* One line inside debugging_manager; 0 on allocation failure. */
static int adb_line(struct adb *a, const char *line, size_t n)
{
	const char *s = line, *eq;
	size_t k = n;

	th_line_trim(&s, &k);
	if (a->in_keystore) {
		if (k && !(k == 1 && s[0] == '}') && !is_key_line(s, k))
			return 1;
		if (!adb_keystore_end(a, line))
			return 0;
	}
	if (a->multi) {
		if (k && !(k == 1 && s[0] == '}'))
			return user_key_line(a->multi, s, k);
		a->multi = NULL;
	}
	if (k == 1 && s[0] == '}') {
		if (a->depth > 0)
			a->depth--;
		return 1;
	}
	eq = k ? memchr(s, '=', k) : NULL;
	if (!eq || a->depth == 0)
		return 1;
	return adb_value(a, s, (size_t)(eq - s), eq + 1,
	                 k - (size_t)(eq + 1 - s));
}

enum th_status th_dumpsys_adb_each(const char *text, size_t len,
                                   th_record_fn fn, void *ctx)
{
	struct adb a = {0};
	const char *line, *s;
	size_t pos = 0, n, k;
	json_t *rec = NULL;

	while (th_line_next(text, len, &pos, &line, &n)) {
		s = line;
		k = n;
		th_line_trim(&s, &k);
		if (!rec) {
			if (k == 19 &&
			    th_line_starts(s, k, "debugging_manager={")) {
				rec = json_object();
				if (!rec)
					return TH_ERR_NOMEM;
				a.stack[a.depth++] = rec;
			}
			continue;
		}
		if (!adb_line(&a, line, n))
			goto nomem;
		if (a.depth == 0)
			break;
	}
	if (!rec)
		return TH_ERR_NOTFOUND;
	if (a.in_keystore && !adb_keystore_end(&a, text + len))
		goto nomem;
	fn(ctx, rec);
	return TH_OK;
nomem:
	json_decref(rec);
	return TH_ERR_NOMEM;
}
