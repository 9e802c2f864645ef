/*
 * Protobuf tombstones (debuggerd's tombstone.proto), read with our own
 * wire-format reader: varints of at most 10 bytes, every length checked
 * against what is left, no groups, and no recursion (the three message
 * levels we need, Tombstone -> threads map entry -> Thread, and Tombstone
 * -> Signal / Cause, are read by separate loops).
 *
 * Field numbers (tombstone.proto): Tombstone arch 1, build_fingerprint 2,
 * revision 3, timestamp 4, pid 5, tid 6, uid 7, selinux_label 8,
 * command_line 9 (repeated), signal_info 10, abort_message 14, causes 15
 * (repeated), threads 16 (map<uint32, Thread>), process_uptime 20.
 * Signal: number 1, name 2, code 3, code_name 4. Cause: human_readable 1.
 * Thread: id 1, name 2.
 */
#include <string.h>

#include "formats/tombstone.h"
#include "core/jsonutil.h"
#include "core/timeconv.h"

#define CMDLINE_MAX 1024
#define THREADS_MAX 65536
#define FIELDS_MAX  (1u << 24)

enum wire { W_VARINT = 0, W_I64 = 1, W_LEN = 2, W_I32 = 5 };

struct pb {
	const unsigned char *p, *end;
};

struct field {
	unsigned num;
	enum wire type;
	uint64_t v;                /* W_VARINT, W_I64, W_I32 */
	const unsigned char *data; /* W_LEN */
	size_t len;
};

static int varint(struct pb *b, uint64_t *out)
{
	uint64_t v = 0;
	unsigned i;

	for (i = 0; i < 10; i++) {
		if (b->p >= b->end)
			return 0;
		v |= (uint64_t)(*b->p & 0x7f) << (7 * i);
		if (!(*b->p++ & 0x80)) {
			*out = v;
			return 1;
		}
	}
	return 0; /* more than 10 bytes */
}

static uint64_t le(const unsigned char *p, unsigned n)
{
	uint64_t v = 0;

	while (n--)
		v = (v << 8) | p[n];
	return v;
}

/* The next field; 0 at the end, -1 when malformed. */
static int next_field(struct pb *b, struct field *f)
{
	uint64_t key, len;

	if (b->p >= b->end)
		return 0;
	if (!varint(b, &key) || (key >> 3) == 0 || (key >> 3) > 536870911u)
		return -1;
	f->num = (unsigned)(key >> 3);
	f->type = (enum wire)(key & 7);
	switch (f->type) {
	case W_VARINT:
		return varint(b, &f->v) ? 1 : -1;
	case W_I64:
	case W_I32:
		len = f->type == W_I64 ? 8 : 4;
		if ((uint64_t)(b->end - b->p) < len)
			return -1;
		f->v = le(b->p, (unsigned)len);
		b->p += len;
		return 1;
	case W_LEN:
		if (!varint(b, &len) || len > (uint64_t)(b->end - b->p))
			return -1;
		f->data = b->p;
		f->len = (size_t)len;
		b->p += len;
		return 1;
	default:
		return -1; /* groups (3, 4) and reserved types */
	}
}

static int put(json_t *rec, const char *key, json_t *v)
{
	return v && json_object_set_new(rec, key, v) == 0;
}

/* Strings as written, less the NULs debuggerd leaves at the end of
 * some (the SELinux label). */
static json_t *str_of(const struct field *f)
{
	size_t n = f->len;

	if (f->type != W_LEN)
		return NULL;
	while (n && f->data[n - 1] == '\0')
		n--;
	return th_json_stringn((const char *)f->data, n);
}

/* int32 values travel sign-extended to 64 bits. */
static json_t *int32_of(const struct field *f)
{
	return f->type == W_VARINT ? json_integer((int32_t)(uint32_t)f->v)
	                           : NULL;
}

static json_t *uint32_of(const struct field *f)
{
	return f->type == W_VARINT ? json_integer((uint32_t)f->v) : NULL;
}

static enum th_status signal_msg(json_t *rec, const struct field *f)
{
	struct pb b = {f->data, f->data + f->len};
	struct field g;
	json_t *sig = json_object();
	int r;

	if (!sig || json_object_set_new(rec, "signal_info", sig))
		return TH_ERR_NOMEM;
	th_json_set_new(sig, "code", json_integer(0));
	th_json_set_new(sig, "code_name", json_string(""));
	th_json_set_new(sig, "name", json_string(""));
	th_json_set_new(sig, "number", json_integer(0));
	while ((r = next_field(&b, &g)) > 0) {
		if (g.num == 1 && g.type == W_VARINT)
			put(sig, "number", int32_of(&g));
		else if (g.num == 2 && g.type == W_LEN)
			put(sig, "name", str_of(&g));
		else if (g.num == 3 && g.type == W_VARINT)
			put(sig, "code", int32_of(&g));
		else if (g.num == 4 && g.type == W_LEN)
			put(sig, "code_name", str_of(&g));
	}
	return r < 0 ? TH_ERR_FORMAT : TH_OK;
}

/* The first Cause's human_readable, as the text form's "Cause:". */
static enum th_status cause_msg(json_t *rec, const struct field *f)
{
	struct pb b = {f->data, f->data + f->len};
	struct field g;
	int r;

	if (!json_is_null(json_object_get(rec, "cause")))
		return TH_OK;
	while ((r = next_field(&b, &g)) > 0)
		if (g.num == 1 && g.type == W_LEN)
			return put(rec, "cause", str_of(&g)) ? TH_OK
			                                     : TH_ERR_NOMEM;
	return r < 0 ? TH_ERR_FORMAT : TH_OK;
}

/* A threads map entry {1: tid, 2: Thread {1: id, 2: name}}: the name of
 * thread `tid`, when this entry is it. */
static int thread_name(const struct field *f, uint64_t tid,
                       const unsigned char **name, size_t *name_len)
{
	struct pb b = {f->data, f->data + f->len}, t;
	struct field g, h;
	int r, found = 0;

	while ((r = next_field(&b, &g)) > 0) {
		if (g.num == 1 && g.type == W_VARINT && g.v != tid)
			return 0;
		if (g.num != 2 || g.type != W_LEN)
			continue;
		t.p = g.data;
		t.end = g.data + g.len;
		while (next_field(&t, &h) > 0)
			if (h.num == 2 && h.type == W_LEN) {
				*name = h.data;
				*name_len = h.len;
				found = 1;
			}
	}
	return r == 0 && found;
}

struct ctx {
	json_t *rec, *cmdline;
	size_t ncmd, nthreads, nfields;
	uint64_t tid;
	int have_tid;
	int known; /* fields seen that a tombstone always has */
};

/* proto3 leaves zero values out: uid 0 (root) is an absent field. */
static enum th_status defaults(json_t *rec)
{
	static const char *const strs[] = {"build_fingerprint", "revision",
	                                   "timestamp", "selinux_label",
	                                   "abort_message"};
	static const char *const ints[] = {"pid", "tid", "uid",
	                                   "process_uptime"};
	size_t i;

	for (i = 0; i < sizeof(strs) / sizeof(strs[0]); i++)
		if (json_is_null(json_object_get(rec, strs[i])) &&
		    !put(rec, strs[i], json_string("")))
			return TH_ERR_NOMEM;
	for (i = 0; i < sizeof(ints) / sizeof(ints[0]); i++)
		if (json_is_null(json_object_get(rec, ints[i])) &&
		    !put(rec, ints[i], json_integer(0)))
			return TH_ERR_NOMEM;
	if (json_is_null(json_object_get(rec, "arch")) &&
	    !put(rec, "arch", json_string("ARM32")))
		return TH_ERR_NOMEM;
	return TH_OK;
}

static const char *const arch_names[] = {"ARM32",  "ARM64",   "X86",
                                         "X86_64", "RISCV64", "NONE"};

static enum th_status ok_if(int ok)
{
	return ok ? TH_OK : TH_ERR_NOMEM;
}

/* "2023-04-12 12:32:40.518290770+0200": as UTC, or as written. */
static enum th_status time_field(struct ctx *c, const struct field *f)
{
	char buf[64], out[TH_TIME_STR_MAX];
	int64_t t = TH_TIME_NONE;

	if (f->len < sizeof(buf)) {
		memcpy(buf, f->data, f->len);
		buf[f->len] = '\0';
		t = th_tombstone_time(buf);
	}
	th_time_format(t, out);
	return ok_if(put(c->rec, "timestamp",
	                 t == TH_TIME_NONE ? str_of(f) : json_string(out)));
}

/* The varint fields: arch 1, pid 5, tid 6, uid 7, process_uptime 20. */
static enum th_status int_field(struct ctx *c, const struct field *f)
{
	static const char *const ints[] = {
	        [5] = "pid", [6] = "tid", [7] = "uid"};

	if (f->num == 1)
		return ok_if(put(
		        c->rec, "arch",
		        f->v < 6 ? json_string(arch_names[f->v])
		                 : json_integer((json_int_t)(f->v & 0xffff))));
	if (f->num == 6) {
		c->tid = (uint32_t)f->v;
		c->have_tid = 1;
	}
	if (f->num == 20)
		return ok_if(put(c->rec, "process_uptime", uint32_of(f)));
	if (f->num >= 5 && f->num <= 7)
		return ok_if(put(c->rec, ints[f->num], uint32_of(f)));
	return TH_OK;
}

static enum th_status top_field(struct ctx *c, const struct field *f)
{
	static const char *const strs[] = {
	        [2] = "build_fingerprint",
	        [3] = "revision",
	        [8] = "selinux_label",
	        [14] = "abort_message",
	};

	if (((f->num == 2 || f->num == 4 || f->num == 10) &&
	     f->type == W_LEN) ||
	    ((f->num == 5 || f->num == 6) && f->type == W_VARINT))
		c->known++;
	if (f->type == W_VARINT)
		return int_field(c, f);
	if (f->type != W_LEN)
		return TH_OK;
	if (f->num < sizeof(strs) / sizeof(strs[0]) && strs[f->num])
		return ok_if(put(c->rec, strs[f->num], str_of(f)));
	if (f->num == 4)
		return time_field(c, f);
	if (f->num == 9) {
		if (++c->ncmd > CMDLINE_MAX)
			return TH_ERR_LIMIT;
		return ok_if(!json_array_append_new(c->cmdline, str_of(f)));
	}
	if (f->num == 10)
		return signal_msg(c->rec, f);
	if (f->num == 15)
		return cause_msg(c->rec, f);
	return TH_OK;
}

/* Pass two: the crashing thread's name (the map may come before tid). */
static enum th_status find_process_name(struct ctx *c,
                                        const unsigned char *data, size_t len)
{
	struct pb b = {data, data + len};
	struct field f;
	const unsigned char *name = NULL;
	size_t name_len = 0;

	while (c->have_tid && next_field(&b, &f) > 0) {
		if (f.num != 16 || f.type != W_LEN)
			continue;
		if (++c->nthreads > THREADS_MAX)
			return TH_ERR_LIMIT;
		if (thread_name(&f, c->tid, &name, &name_len))
			return put(c->rec, "process_name",
			           th_json_stringn((const char *)name,
			                           name_len))
			               ? TH_OK
			               : TH_ERR_NOMEM;
	}
	return put(c->rec, "process_name", json_string("Unknown"))
	               ? TH_OK
	               : TH_ERR_NOMEM;
}

static enum th_status fail(struct ctx *c, enum th_status st, struct th_err *err)
{
	json_decref(c->rec);
	json_decref(c->cmdline);
	if (st == TH_ERR_NOMEM)
		return th_err_set(err, st, "out of memory");
	if (st == TH_ERR_LIMIT)
		return th_err_set(err, st, "tombstone: too many fields");
	return th_err_set(err, TH_ERR_FORMAT,
	                  "not a tombstone (neither text nor a valid "
	                  "protobuf)");
}

enum th_status th_tombstone_parse_proto(const unsigned char *data, size_t len,
                                        json_t **out, struct th_err *err)
{
	struct ctx c = {0};
	struct pb b = {data, data + len};
	struct field f;
	enum th_status st = TH_OK;
	int r;

	*out = NULL;
	c.rec = th_tombstone_empty();
	c.cmdline = json_array();
	if (!c.rec || !c.cmdline)
		return fail(&c, TH_ERR_NOMEM, err);
	while (st == TH_OK && (r = next_field(&b, &f)) != 0) {
		if (r < 0 || ++c.nfields > FIELDS_MAX)
			return fail(&c, r < 0 ? TH_ERR_FORMAT : TH_ERR_LIMIT,
			            err);
		st = top_field(&c, &f);
	}
	if (st == TH_OK && !c.known)
		st = TH_ERR_FORMAT;
	if (st == TH_OK)
		st = find_process_name(&c, data, len);
	if (st == TH_OK)
		st = defaults(c.rec);
	if (st != TH_OK)
		return fail(&c, st, err);
	th_json_set_new(c.rec, "command_line", c.cmdline);
	*out = c.rec;
	return TH_OK;
}
