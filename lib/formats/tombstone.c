/* Text tombstones: "Key: value" header lines, the first "pid:" line and
 * the "signal" line; everything after (registers, backtraces, memory,
 * logs) is skipped. The protobuf form is in tombstone_pb.c. */
#include <stdlib.h>
#include <string.h>

#include "formats/tombstone.h"
#include "formats/lines.h"
#include "core/jsonutil.h"
#include "core/timeconv.h"

#define BANNER "*** *** *** *** *** *** *** *** *** *** *** *** *** *** *** ***"

static int digits(const char *s, size_t n, long long *out)
{
	long long v = 0;
	size_t i;

	if (!n || n > 18)
		return 0;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 1;
}

int64_t th_tombstone_time(const char *s)
{
	int64_t t = th_time_parse(s);
	long long hh, mm;
	const char *p, *q;
	char sign;

	if (t == TH_TIME_NONE)
		return t;
	p = s + 19;
	if (*p == '.')
		for (p++; *p >= '0' && *p <= '9'; p++)
			;
	sign = *p;
	if ((sign != '+' && sign != '-') || !digits(p + 1, 2, &hh))
		return t;
	q = p + 3;
	if (*q == ':')
		q++;
	if (!digits(q, 2, &mm) || hh > 23 || mm > 59)
		return t;
	/* Local time minus its offset is UTC. */
	return t + (sign == '+' ? -1 : 1) * (int64_t)(hh * 3600 + mm * 60) *
	                   1000000;
}

/* Sets `key` to a string, unless already set (the first line wins). */
static int set_once(json_t *rec, const char *key, const char *s, size_t n)
{
	const json_t *old = json_object_get(rec, key);

	if (old && !json_is_null(old))
		return 1;
	return json_object_set_new(rec, key, th_json_stringn(s, n)) == 0;
}

static int set_int_once(json_t *rec, const char *key, const char *s, size_t n)
{
	const json_t *old = json_object_get(rec, key);
	long long v;

	th_line_trim(&s, &n);
	if ((old && !json_is_null(old)) || !digits(s, n, &v))
		return 1;
	return json_object_set_new(rec, key, json_integer(v)) == 0;
}

static int set_time(json_t *rec, const char *s, size_t n)
{
	char buf[64], out[TH_TIME_STR_MAX];
	int64_t t;

	if (n >= sizeof(buf))
		return 1;
	memcpy(buf, s, n);
	buf[n] = '\0';
	t = th_tombstone_time(buf);
	if (t == TH_TIME_NONE)
		return set_once(rec, "timestamp", s, n);
	th_time_format(t, out);
	return set_once(rec, "timestamp", out, strlen(out));
}

/* "pid: 25541, tid: 21307, name: x  >>> /bin/path <<<" */
static int pid_line(json_t *rec, const char *s, size_t n)
{
	const char *arrow = th_line_find(s, n, ">>>"), *end, *p, *comma, *c;
	size_t k;

	if (!json_is_null(json_object_get(rec, "pid")))
		return 1; /* the crashing thread's line comes first */
	end = arrow ? arrow : s + n;
	for (p = s; p < end; p = comma + 1) {
		comma = memchr(p, ',', (size_t)(end - p));
		if (!comma)
			comma = end;
		c = memchr(p, ':', (size_t)(comma - p));
		if (c) {
			const char *v = c + 1, *key = p;
			size_t vn = (size_t)(comma - v), kn = (size_t)(c - p);

			th_line_trim(&key, &kn);
			th_line_trim(&v, &vn);
			if ((kn == 3 && !memcmp(key, "pid", 3) &&
			     !set_int_once(rec, "pid", v, vn)) ||
			    (kn == 3 && !memcmp(key, "tid", 3) &&
			     !set_int_once(rec, "tid", v, vn)) ||
			    (kn == 4 && !memcmp(key, "name", 4) &&
			     !set_once(rec, "process_name", v, vn)))
				return 0;
		}
		if (comma == end)
			break;
	}
	if (!arrow)
		return 1;
	p = arrow + 3;
	k = n - (size_t)(p - s);
	th_line_trim(&p, &k);
	while (k && (p[k - 1] == '<' || p[k - 1] == ' '))
		k--;
	return set_once(rec, "binary_path", p, k);
}

/* "signal 6 (SIGABRT), code -1 (SI_QUEUE), fault addr --------":
 * `word` is "signal " or "code "; the number and the name in braces. */
static void sig_part(const char *s, size_t n, const char *word, long long *num,
                     const char **name, size_t *name_len)
{
	const char *p = th_line_find(s, n, word), *open, *close, *end = s + n;
	int neg = 0;
	size_t i = 0;

	*name = "UNKNOWN";
	*name_len = 7;
	*num = 0;
	if (!p)
		return;
	p += strlen(word);
	if (p < end && *p == '-') {
		neg = 1;
		p++;
	}
	while (p + i < end && i < 12 && p[i] >= '0' && p[i] <= '9')
		*num = *num * 10 + (p[i++] - '0');
	if (neg)
		*num = -*num;
	open = memchr(p, '(', (size_t)(end - p));
	close = open ? memchr(open, ')', (size_t)(end - open)) : NULL;
	if (open && close &&
	    (!memchr(p, ',', (size_t)(end - p)) ||
	     open < (const char *)memchr(p, ',', (size_t)(end - p)))) {
		*name = open + 1;
		*name_len = (size_t)(close - open - 1);
	}
}

static int signal_line(json_t *rec, const char *s, size_t n)
{
	const char *comma = memchr(s, ',', n), *name, *code_name;
	size_t name_len, code_len;
	long long num, code;
	json_t *sig;

	if (!json_is_null(json_object_get(rec, "signal_info")))
		return 1;
	sig_part(s, comma ? (size_t)(comma - s) : n, "signal ", &num, &name,
	         &name_len);
	sig_part(comma ? comma : s + n, comma ? n - (size_t)(comma - s) : 0,
	         "code ", &code, &code_name, &code_len);
	sig = json_object();
	if (!sig || json_object_set_new(rec, "signal_info", sig))
		return 0;
	return !json_object_set_new(sig, "code", json_integer(code)) &&
	       !json_object_set_new(sig, "code_name",
	                            th_json_stringn(code_name, code_len)) &&
	       !json_object_set_new(sig, "name",
	                            th_json_stringn(name, name_len)) &&
	       !json_object_set_new(sig, "number", json_integer(num));
}

static const struct {
	const char *key; /* the line starts "<key>:" */
	const char *field;
	enum { F_STR, F_INT, F_TIME, F_CMDLINE, F_UPTIME } kind;
} text_keys[] = {
        {"Build fingerprint", "build_fingerprint", F_STR},
        {"Revision", "revision", F_STR},
        {"ABI", "arch", F_STR},
        {"Timestamp", "timestamp", F_TIME},
        {"Process uptime", "process_uptime", F_UPTIME},
        {"Cmdline", "command_line", F_CMDLINE},
        {"uid", "uid", F_INT},
        {"Cause", "cause", F_STR},
        {"Abort message", "abort_message", F_STR},
};

static int key_line(json_t *rec, size_t i, const char *v, size_t vn)
{
	json_t *list;

	th_line_trim(&v, &vn);
	while (vn && v[0] == '\'') {
		v++;
		vn--;
	}
	while (vn && v[vn - 1] == '\'')
		vn--;
	switch (text_keys[i].kind) {
	case F_INT:
		return set_int_once(rec, text_keys[i].field, v, vn);
	case F_UPTIME:
		if (vn && v[vn - 1] == 's')
			vn--;
		return set_int_once(rec, text_keys[i].field, v, vn);
	case F_TIME:
		return set_time(rec, v, vn);
	case F_CMDLINE:
		if (!json_is_null(json_object_get(rec, "command_line")))
			return 1;
		list = json_array();
		return list &&
		       !json_array_append_new(list, th_json_stringn(v, vn)) &&
		       !json_object_set_new(rec, "command_line", list);
	default:
		return set_once(rec, text_keys[i].field, v, vn);
	}
}

static int text_line(json_t *rec, const char *s, size_t n)
{
	size_t i, k;

	if (th_line_starts(s, n, "pid: "))
		return pid_line(rec, s, n);
	if (th_line_starts(s, n, "signal "))
		return signal_line(rec, s, n);
	for (i = 0; i < sizeof(text_keys) / sizeof(text_keys[0]); i++) {
		k = strlen(text_keys[i].key);
		if (n > k && !memcmp(s, text_keys[i].key, k) && s[k] == ':')
			return key_line(rec, i, s + k + 1, n - k - 1);
	}
	return 1;
}

/* The record with every field present (null), in MVT's order. */
static json_t *empty_record(void)
{
	static const char *const keys[] = {
	        "build_fingerprint",
	        "revision",
	        "arch",
	        "timestamp",
	        "process_uptime",
	        "command_line",
	        "pid",
	        "tid",
	        "process_name",
	        "binary_path",
	        "selinux_label",
	        "uid",
	        "signal_info",
	        "cause",
	        "abort_message",
	};
	json_t *rec = json_object();
	size_t i;

	for (i = 0; rec && i < sizeof(keys) / sizeof(keys[0]); i++)
		if (json_object_set_new(rec, keys[i], json_null())) {
			json_decref(rec);
			return NULL;
		}
	return rec;
}

enum th_status th_tombstone_parse_text(const char *text, size_t len,
                                       json_t **out, struct th_err *err)
{
	const char *line;
	size_t pos = 0, n;
	json_t *rec = empty_record();

	*out = NULL;
	if (!rec)
		return th_err_set(err, TH_ERR_NOMEM, "out of memory");
	while (th_line_next(text, len, &pos, &line, &n)) {
		if (th_line_blank(line, n) || th_line_find(line, n, BANNER))
			continue;
		if (!text_line(rec, line, n)) {
			json_decref(rec);
			return th_err_set(err, TH_ERR_NOMEM, "out of memory");
		}
	}
	if (json_is_null(json_object_get(rec, "pid")) &&
	    json_is_null(json_object_get(rec, "build_fingerprint"))) {
		json_decref(rec);
		return th_err_set(err, TH_ERR_FORMAT,
		                  "not a tombstone: no pid line and no build "
		                  "fingerprint");
	}
	*out = rec;
	return TH_OK;
}

enum th_status th_tombstone_parse(const unsigned char *data, size_t len,
                                  json_t **out, struct th_err *err)
{
	const char *s = (const char *)data;

	if (th_line_starts(s, len, "***") ||
	    th_line_starts(s, len, "Build fingerprint:") ||
	    (len > 0 &&
	     th_line_find(s, len < 4096 ? len : 4096, "\nBuild fingerprint: ")))
		return th_tombstone_parse_text(s, len, out, err);
	return th_tombstone_parse_proto(data, len, out, err);
}

json_t *th_tombstone_empty(void)
{
	return empty_record();
}
