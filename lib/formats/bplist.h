/*
 * A direct, bounded reader of binary plists ("bplist00"): no allocation,
 * no recursion, every offset and length checked against the buffer. It
 * serves the fast paths (MBFile blobs, 200,000 of them per backup) and the
 * pre-scan that runs before libplist sees a binary plist.
 *
 * Layout: "bplist00", objects, an offset table, a 32-byte trailer giving
 * the offset size, the reference size, the object count, the top object
 * and the offset table's position. Integers are big-endian.
 */
#ifndef TH_FORMATS_BPLIST_H
#define TH_FORMATS_BPLIST_H

#include <stddef.h>
#include <stdint.h>
#include "core/err.h"

enum th_bpl_type {
	TH_BPL_NULL,
	TH_BPL_BOOL,
	TH_BPL_INT,
	TH_BPL_REAL,
	TH_BPL_DATE, /* Cocoa seconds in `r` */
	TH_BPL_DATA,
	TH_BPL_ASCII,
	TH_BPL_UTF16, /* big-endian UTF-16; `n` counts code units */
	TH_BPL_UID,
	TH_BPL_ARRAY,
	TH_BPL_SET,
	TH_BPL_DICT /* `n` pairs: n key refs, then n value refs */
};

/* An opened plist: views into the caller's buffer, which must outlive it. */
struct th_bplist {
	const uint8_t *data;
	size_t len;
	size_t end; /* start of the trailer: objects lie in [8, end) */
	unsigned offset_size;
	unsigned ref_size;
	uint64_t nobjects;
	uint64_t top;
	uint64_t table; /* offset of the offset table */
};

/* One decoded object header. Payload pointers point into the buffer. */
struct th_bpl_obj {
	enum th_bpl_type type;
	int64_t i;        /* BOOL (0/1), INT (low 64 bits, signed), UID */
	double r;         /* REAL, DATE */
	const uint8_t *p; /* DATA, strings: bytes; containers: the refs */
	uint64_t n;       /* DATA/ASCII: bytes; UTF16: units; containers:
	                     elements (pairs for a dict) */
};

/* Checks the magic and the trailer; the offset table must lie inside the
 * buffer. TH_ERR_FORMAT with a message. */
enum th_status th_bplist_open(struct th_bplist *b, const void *data, size_t len,
                              struct th_err *err);

/* Decodes object `index`: header and payload bounds are checked, so the
 * payload may be read as the header says. TH_ERR_FORMAT with a message. */
enum th_status th_bplist_get(const struct th_bplist *b, uint64_t index,
                             struct th_bpl_obj *out, struct th_err *err);

/* The i-th reference of a container (for a dict, keys are 0..n-1 and
 * values n..2n-1). Returns 0 when i or the reference is out of range. */
int th_bplist_ref(const struct th_bplist *b, const struct th_bpl_obj *c,
                  uint64_t i, uint64_t *ref);

/* Whether a string object equals the ASCII string `s`. */
int th_bplist_str_eq(const struct th_bpl_obj *o, const char *s);

/* Looks `key` up in a dict object; fills *val. Returns 1 when found, 0
 * when absent or the plist is malformed there. */
int th_bplist_dict_get(const struct th_bplist *b, const struct th_bpl_obj *d,
                       const char *key, struct th_bpl_obj *val);

/* Writes an ASCII or UTF-16 string object as NUL-terminated UTF-8 into
 * out[cap] (bad surrogates become U+FFFD). Returns 0 when `o` is not a
 * string or it does not fit. */
int th_bplist_str_utf8(const struct th_bpl_obj *o, char *out, size_t cap);

/*
 * Walks the whole object graph from the top object once (memoised) and
 * refuses what libplist would loop on, overflow its stack on, expand
 * without bound or abort on: a reference out of range, a dictionary key
 * that is not a string, a string with a NUL or a non-ASCII byte in its
 * ASCII form, a container that contains itself, nesting deeper than
 * max_depth, more than max_nodes nodes or max_bytes string and data bytes
 * once shared references are expanded. TH_ERR_FORMAT, TH_ERR_LIMIT,
 * TH_ERR_NOMEM with a message.
 */
enum th_status th_bplist_check(const void *data, size_t len, unsigned max_depth,
                               uint64_t max_nodes, uint64_t max_bytes,
                               struct th_err *err);

#endif
