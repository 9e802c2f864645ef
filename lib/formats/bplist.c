#include <stdlib.h>
#include <string.h>

#include "formats/bplist.h"

#define TRAILER_SIZE 32
#define HEADER_SIZE  8

/* Reads an n-byte big-endian unsigned integer, n in 1..8. */
static uint64_t be_uint(const uint8_t *p, unsigned n)
{
	uint64_t v = 0;
	unsigned i;

	for (i = 0; i < n; i++)
		v = (v << 8) | p[i];
	return v;
}

static double be_real(const uint8_t *p, unsigned n)
{
	uint64_t bits = be_uint(p, n);
	uint32_t bits32;
	double d;
	float f;

	if (n == 4) {
		bits32 = (uint32_t)bits;
		memcpy(&f, &bits32, sizeof(f));
		return f;
	}
	memcpy(&d, &bits, sizeof(d));
	return d;
}

enum th_status th_bplist_open(struct th_bplist *b, const void *data, size_t len,
                              struct th_err *err)
{
	const uint8_t *t;
	uint64_t span;

	memset(b, 0, sizeof(*b));
	if (len < HEADER_SIZE + TRAILER_SIZE + 1 ||
	    memcmp(data, "bplist00", HEADER_SIZE) != 0)
		return th_err_set(err, TH_ERR_FORMAT, "not a binary plist");
	b->data = data;
	b->len = len;
	b->end = len - TRAILER_SIZE;
	t = b->data + b->end;
	b->offset_size = t[6];
	b->ref_size = t[7];
	b->nobjects = be_uint(t + 8, 8);
	b->top = be_uint(t + 16, 8);
	b->table = be_uint(t + 24, 8);
	if (b->offset_size < 1 || b->offset_size > 8 || b->ref_size < 1 ||
	    b->ref_size > 8)
		return th_err_set(
		        err, TH_ERR_FORMAT,
		        "bad binary plist trailer: integer sizes %u/%u",
		        b->offset_size, b->ref_size);
	if (b->nobjects == 0 || b->top >= b->nobjects ||
	    b->table < HEADER_SIZE || b->table >= b->end)
		return th_err_set(err, TH_ERR_FORMAT, "%s",
		                  "bad binary plist trailer");
	span = (b->end - b->table) / b->offset_size;
	if (b->nobjects > span)
		return th_err_set(err, TH_ERR_FORMAT,
		                  "binary plist offset table overruns the "
		                  "file (%llu objects)",
		                  (unsigned long long)b->nobjects);
	return TH_OK;
}

/* Reads the element count that follows a marker with low nibble `low`
 * at *pos (advanced past any extended count). 0 on malformed input. */
static int read_count(const struct th_bplist *b, uint8_t low, size_t *pos,
                      uint64_t *n)
{
	uint8_t m;
	unsigned size;

	if (low != 0x0f) {
		*n = low;
		return 1;
	}
	if (*pos >= b->end)
		return 0;
	m = b->data[(*pos)++];
	if ((m & 0xf0) != 0x10 || (m & 0x0f) > 3)
		return 0;
	size = 1u << (m & 0x0f);
	if (size > b->end - *pos)
		return 0;
	*n = be_uint(b->data + *pos, size);
	*pos += size;
	return 1;
}

/* Whether n items of `unit` bytes fit in the object area from pos. */
static int fits(const struct th_bplist *b, size_t pos, uint64_t n,
                uint64_t unit)
{
	return pos <= b->end && n <= (b->end - pos) / unit;
}

static int get_scalar(const struct th_bplist *b, uint8_t m, size_t pos,
                      struct th_bpl_obj *o)
{
	unsigned size = 1u << (m & 0x0f);

	switch (m >> 4) {
	case 0x1: /* int: 1, 2, 4 bytes unsigned; 8 signed; 16: low half */
		if ((m & 0x0f) > 4 || !fits(b, pos, size, 1))
			return 0;
		o->type = TH_BPL_INT;
		if (size == 16)
			pos += 8, size = 8;
		o->i = (int64_t)be_uint(b->data + pos, size);
		return 1;
	case 0x2: /* real: 4 or 8 bytes */
	case 0x3: /* date: 8-byte real, Cocoa seconds */
		if ((size != 4 && size != 8) || !fits(b, pos, size, 1) ||
		    (m >> 4 == 0x3 && size != 8))
			return 0;
		o->type = (m >> 4 == 0x2) ? TH_BPL_REAL : TH_BPL_DATE;
		o->r = be_real(b->data + pos, size);
		return 1;
	case 0x8: /* UID: 1..8 bytes here (wider ones never occur) */
		size = (m & 0x0f) + 1u;
		if (size > 8 || !fits(b, pos, size, 1))
			return 0;
		o->type = TH_BPL_UID;
		o->i = (int64_t)be_uint(b->data + pos, size);
		return 1;
	}
	return 0;
}

static int get_sized(const struct th_bplist *b, uint8_t m, size_t pos,
                     struct th_bpl_obj *o)
{
	uint64_t unit = 1;

	if (!read_count(b, m & 0x0f, &pos, &o->n))
		return 0;
	switch (m >> 4) {
	case 0x4:
		o->type = TH_BPL_DATA;
		break;
	case 0x5:
		o->type = TH_BPL_ASCII;
		break;
	case 0x6:
		o->type = TH_BPL_UTF16;
		unit = 2;
		break;
	case 0xa:
		o->type = TH_BPL_ARRAY;
		unit = b->ref_size;
		break;
	case 0xc:
		o->type = TH_BPL_SET;
		unit = b->ref_size;
		break;
	case 0xd:
		o->type = TH_BPL_DICT;
		unit = 2u * b->ref_size;
		break;
	default:
		return 0;
	}
	if (!fits(b, pos, o->n, unit))
		return 0;
	o->p = b->data + pos;
	return 1;
}

enum th_status th_bplist_get(const struct th_bplist *b, uint64_t index,
                             struct th_bpl_obj *out, struct th_err *err)
{
	uint64_t off;
	uint8_t m;
	int ok;

	memset(out, 0, sizeof(*out));
	if (index >= b->nobjects)
		return th_err_set(err, TH_ERR_FORMAT,
		                  "binary plist object %llu out of range",
		                  (unsigned long long)index);
	off = be_uint(b->data + b->table + index * b->offset_size,
	              b->offset_size);
	if (off < HEADER_SIZE || off >= b->end)
		return th_err_set(err, TH_ERR_FORMAT,
		                  "binary plist object %llu lies outside "
		                  "the file",
		                  (unsigned long long)index);
	m = b->data[off];
	if (m == 0x00 || m == 0x08 || m == 0x09) {
		out->type = m == 0x00 ? TH_BPL_NULL : TH_BPL_BOOL;
		out->i = m == 0x09;
		return TH_OK;
	}
	if (m >> 4 == 0x1 || m >> 4 == 0x2 || m >> 4 == 0x3 || m >> 4 == 0x8)
		ok = get_scalar(b, m, (size_t)off + 1, out);
	else
		ok = get_sized(b, m, (size_t)off + 1, out);
	if (!ok)
		return th_err_set(err, TH_ERR_FORMAT,
		                  "binary plist object %llu is malformed "
		                  "(marker 0x%02x)",
		                  (unsigned long long)index, m);
	return TH_OK;
}

int th_bplist_ref(const struct th_bplist *b, const struct th_bpl_obj *c,
                  uint64_t i, uint64_t *ref)
{
	uint64_t count = c->type == TH_BPL_DICT ? 2 * c->n : c->n;

	if ((c->type != TH_BPL_ARRAY && c->type != TH_BPL_SET &&
	     c->type != TH_BPL_DICT) ||
	    i >= count)
		return 0;
	*ref = be_uint(c->p + i * b->ref_size, b->ref_size);
	return *ref < b->nobjects;
}

int th_bplist_str_eq(const struct th_bpl_obj *o, const char *s)
{
	size_t len = strlen(s), i;

	if (o->n != len)
		return 0;
	if (o->type == TH_BPL_ASCII)
		return memcmp(o->p, s, len) == 0;
	if (o->type != TH_BPL_UTF16)
		return 0;
	for (i = 0; i < len; i++)
		if (o->p[2 * i] != 0 || o->p[2 * i + 1] != (uint8_t)s[i])
			return 0;
	return 1;
}

int th_bplist_dict_get(const struct th_bplist *b, const struct th_bpl_obj *d,
                       const char *key, struct th_bpl_obj *val)
{
	struct th_bpl_obj k;
	uint64_t i, ref;

	if (d->type != TH_BPL_DICT)
		return 0;
	for (i = 0; i < d->n; i++) {
		if (!th_bplist_ref(b, d, i, &ref) ||
		    th_bplist_get(b, ref, &k, NULL) != TH_OK)
			return 0;
		if (!th_bplist_str_eq(&k, key))
			continue;
		return th_bplist_ref(b, d, d->n + i, &ref) &&
		       th_bplist_get(b, ref, val, NULL) == TH_OK;
	}
	return 0;
}

/* Appends code point c as UTF-8; 0 when it does not fit (with the NUL). */
static int put_utf8(char *out, size_t cap, size_t *pos, uint32_t c)
{
	uint8_t tmp[4];
	size_t n, i;

	if (c < 0x80) {
		tmp[0] = (uint8_t)c, n = 1;
	} else if (c < 0x800) {
		tmp[0] = (uint8_t)(0xc0 | c >> 6), n = 2;
	} else if (c < 0x10000) {
		tmp[0] = (uint8_t)(0xe0 | c >> 12), n = 3;
	} else {
		tmp[0] = (uint8_t)(0xf0 | c >> 18), n = 4;
	}
	for (i = 1; i < n; i++)
		tmp[i] = (uint8_t)(0x80 | ((c >> (6 * (n - 1 - i))) & 0x3f));
	if (n >= cap - *pos)
		return 0;
	memcpy(out + *pos, tmp, n);
	*pos += n;
	return 1;
}

static int utf16_to_utf8(const uint8_t *p, uint64_t units, char *out,
                         size_t cap)
{
	size_t pos = 0;
	uint64_t i;
	uint32_t c, lo;

	for (i = 0; i < units; i++) {
		c = (uint32_t)p[2 * i] << 8 | p[2 * i + 1];
		if (c >= 0xd800 && c < 0xdc00 && i + 1 < units) {
			lo = (uint32_t)p[2 * i + 2] << 8 | p[2 * i + 3];
			if (lo >= 0xdc00 && lo < 0xe000) {
				c = 0x10000 + ((c - 0xd800) << 10) +
				    (lo - 0xdc00);
				i++;
			}
		}
		if ((c >= 0xd800 && c < 0xe000) || c == 0)
			c = 0xfffd;
		if (!put_utf8(out, cap, &pos, c))
			return 0;
	}
	out[pos] = '\0';
	return 1;
}

/* Plist "ASCII" strings are bytes: anything outside 1..127 (a NUL would
 * cut the C string, a high byte would be invalid UTF-8) becomes U+FFFD. */
static int ascii_to_utf8(const uint8_t *p, uint64_t n, char *out, size_t cap)
{
	size_t pos = 0;
	uint64_t i;

	for (i = 0; i < n; i++) {
		if (p[i] != 0 && p[i] < 0x80 && pos + 1 < cap)
			out[pos++] = (char)p[i];
		else if (!put_utf8(out, cap, &pos,
		                   (p[i] == 0 || p[i] >= 0x80) ? 0xfffd : p[i]))
			return 0;
	}
	out[pos] = '\0';
	return 1;
}

int th_bplist_str_utf8(const struct th_bpl_obj *o, char *out, size_t cap)
{
	if (cap == 0)
		return 0;
	out[0] = '\0';
	if (o->type == TH_BPL_UTF16)
		return utf16_to_utf8(o->p, o->n, out, cap);
	if (o->type == TH_BPL_ASCII)
		return ascii_to_utf8(o->p, o->n, out, cap);
	return 0;
}

/* --- the pre-scan ---------------------------------------------------- */

/*
 * libplist expands shared references into copies and recurses without a
 * depth limit, so a small hostile file (a reference cycle, a chain of
 * 100,000 nested arrays, or 30 levels of arrays holding the same array
 * twice) would loop, overflow the stack or expand to billions of nodes.
 * We walk the object graph first, once per object (memoised), and refuse
 * such files.
 */
struct scan {
	const struct th_bplist *b;
	unsigned max_depth;
	uint64_t max_nodes, max_bytes;
	uint8_t *state;  /* 0 unseen, 1 on the current path, 2 done */
	uint8_t *height; /* container nesting below and including it */
	uint64_t *nodes; /* expanded node count */
	uint64_t *bytes; /* expanded payload bytes */
	struct th_err *err;
};

static uint64_t sat_add(uint64_t a, uint64_t b)
{
	return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

static uint64_t payload_bytes(const struct th_bpl_obj *o)
{
	if (o->type == TH_BPL_DATA || o->type == TH_BPL_ASCII)
		return o->n;
	return o->type == TH_BPL_UTF16 ? 2 * o->n : 0;
}

/*
 * libplist trusts a string's declared length to match strlen() of what it
 * builds, and aborts on an assertion when it does not (a dictionary key
 * with a NUL or a byte above 0x7f in an "ASCII" string). Apple writes
 * such text as UTF-16, so we refuse these strings outright.
 */
static int string_ok(const struct th_bpl_obj *o)
{
	uint64_t i;

	if (o->type == TH_BPL_ASCII) {
		for (i = 0; i < o->n; i++)
			if (o->p[i] == 0 || o->p[i] >= 0x80)
				return 0;
	} else if (o->type == TH_BPL_UTF16) {
		for (i = 0; i < o->n; i++)
			if (o->p[2 * i] == 0 && o->p[2 * i + 1] == 0)
				return 0;
	}
	return 1;
}

static int is_container(const struct th_bpl_obj *o)
{
	return o->type == TH_BPL_ARRAY || o->type == TH_BPL_SET ||
	       o->type == TH_BPL_DICT;
}

static enum th_status visit(struct scan *s, uint64_t idx, unsigned above);

static enum th_status visit_children(struct scan *s, uint64_t idx,
                                     const struct th_bpl_obj *o, unsigned above)
{
	uint64_t i, ref, count = o->type == TH_BPL_DICT ? 2 * o->n : o->n;
	struct th_bpl_obj key;
	enum th_status st;
	unsigned h;

	for (i = 0; i < count; i++) {
		if (!th_bplist_ref(s->b, o, i, &ref))
			return th_err_set(s->err, TH_ERR_FORMAT,
			                  "object %llu refers outside the "
			                  "object table",
			                  (unsigned long long)idx);
		if (o->type == TH_BPL_DICT && i < o->n &&
		    (th_bplist_get(s->b, ref, &key, s->err) != TH_OK ||
		     (key.type != TH_BPL_ASCII && key.type != TH_BPL_UTF16)))
			return th_err_set(s->err, TH_ERR_FORMAT,
			                  "dictionary %llu has a key that is "
			                  "not a string",
			                  (unsigned long long)idx);
		st = visit(s, ref, above + 1);
		if (st != TH_OK)
			return st;
		s->nodes[idx] = sat_add(s->nodes[idx], s->nodes[ref]);
		s->bytes[idx] = sat_add(s->bytes[idx], s->bytes[ref]);
		h = s->height[ref] + 1u;
		if (h > s->height[idx])
			s->height[idx] = (uint8_t)h;
	}
	return TH_OK;
}

static enum th_status visit(struct scan *s, uint64_t idx, unsigned above)
{
	struct th_bpl_obj o;
	enum th_status st;

	if (s->state[idx] == 1)
		return th_err_set(s->err, TH_ERR_FORMAT,
		                  "object %llu contains itself",
		                  (unsigned long long)idx);
	if (s->state[idx] == 0) {
		st = th_bplist_get(s->b, idx, &o, s->err);
		if (st != TH_OK)
			return st;
		if (!string_ok(&o))
			return th_err_set(s->err, TH_ERR_FORMAT,
			                  "string object %llu holds a NUL or "
			                  "a non-ASCII byte",
			                  (unsigned long long)idx);
		s->state[idx] = 1;
		s->nodes[idx] = 1;
		s->bytes[idx] = payload_bytes(&o);
		s->height[idx] = is_container(&o);
		if (is_container(&o) && above + 1 > s->max_depth)
			goto too_deep;
		st = is_container(&o) ? visit_children(s, idx, &o, above)
		                      : TH_OK;
		if (st != TH_OK)
			return st;
		s->state[idx] = 2;
	}
	if (above + s->height[idx] > s->max_depth)
		goto too_deep;
	if (s->nodes[idx] > s->max_nodes || s->bytes[idx] > s->max_bytes)
		return th_err_set(s->err, TH_ERR_LIMIT,
		                  "expands to more than %llu nodes or %llu "
		                  "bytes",
		                  (unsigned long long)s->max_nodes,
		                  (unsigned long long)s->max_bytes);
	return TH_OK;
too_deep:
	return th_err_set(s->err, TH_ERR_LIMIT, "nested deeper than %u levels",
	                  s->max_depth);
}

enum th_status th_bplist_check(const void *data, size_t len, unsigned max_depth,
                               uint64_t max_nodes, uint64_t max_bytes,
                               struct th_err *err)
{
	struct scan s = {.max_depth = max_depth,
	                 .max_nodes = max_nodes,
	                 .max_bytes = max_bytes,
	                 .err = err};
	struct th_bplist b;
	enum th_status st;
	size_t n;

	/* Heights are kept in a byte. */
	if (s.max_depth > 200)
		s.max_depth = 200;
	st = th_bplist_open(&b, data, len, err);
	if (st != TH_OK)
		return st;
	if (b.nobjects > max_nodes)
		return th_err_set(err, TH_ERR_LIMIT, "more than %llu objects",
		                  (unsigned long long)max_nodes);
	n = (size_t)b.nobjects;
	s.b = &b;
	s.state = calloc(n, 2);
	s.nodes = calloc(n, sizeof(*s.nodes));
	s.bytes = calloc(n, sizeof(*s.bytes));
	if (!s.state || !s.nodes || !s.bytes) {
		st = th_err_set(err, TH_ERR_NOMEM, "out of memory");
		goto out;
	}
	s.height = s.state + n;
	st = visit(&s, b.top, 0);
out:
	free(s.state);
	free(s.nodes);
	free(s.bytes);
	return st;
}
