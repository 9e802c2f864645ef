#include <string.h>

#include "core/timeconv.h"
#include "formats/bplist.h"
#include "formats/mbfile.h"

/*
 * Decoded with the direct binary plist reader rather than libplist: a
 * backup has hundreds of thousands of these blobs, and building then
 * freeing a libplist tree costs several microseconds each (3.8 µs
 * measured on the fixture's blobs, before any NSKeyedArchiver resolving);
 * this path reads the dozen fields it needs in place, in well under one.
 */

enum field {
	F_BIRTH,
	F_MODIFIED,
	F_CHANGED,
	F_MODE,
	F_UID,
	F_GID,
	F_INODE,
	F_SIZE,
	F_PCLASS,
	F_FLAGS,
	F_PATH,
	F_KEY,
	F_NONE
};

static const char *const field_names[F_NONE] = {
        [F_BIRTH] = "Birth",
        [F_MODIFIED] = "LastModified",
        [F_CHANGED] = "LastStatusChange",
        [F_MODE] = "Mode",
        [F_UID] = "UserID",
        [F_GID] = "GroupID",
        [F_INODE] = "InodeNumber",
        [F_SIZE] = "Size",
        [F_PCLASS] = "ProtectionClass",
        [F_FLAGS] = "Flags",
        [F_PATH] = "RelativePath",
        [F_KEY] = "EncryptionKey",
};

#define L(s) (sizeof(s) - 1)
static const uint64_t field_lens[F_NONE] = {
        L("Birth"),       L("LastModified"), L("LastStatusChange"),
        L("Mode"),        L("UserID"),       L("GroupID"),
        L("InodeNumber"), L("Size"),         L("ProtectionClass"),
        L("Flags"),       L("RelativePath"), L("EncryptionKey"),
};
#undef L

static enum field field_of(const struct th_bpl_obj *key)
{
	int f;

	/* Lengths first: most keys are rejected without a byte compare. */
	for (f = 0; f < F_NONE; f++)
		if (key->n == field_lens[f] &&
		    th_bplist_str_eq(key, field_names[f]))
			return (enum field)f;
	return F_NONE;
}

static void mbfile_init(struct th_mbfile *m)
{
	memset(m, 0, sizeof(*m));
	m->birth = m->last_modified = m->last_status_change = TH_TIME_NONE;
	m->mode = m->user_id = m->group_id = m->inode = m->size = -1;
	m->protection_class = m->flags = -1;
}

/* Unix seconds (an integer on current iOS, a real or a date on some
 * older archives) to µs; out-of-range values are "no time". */
static int64_t time_of(const struct th_bpl_obj *v)
{
	const int64_t lo = INT64_C(-62135596800), hi = INT64_C(253402300799);

	if (v->type == TH_BPL_INT)
		return (v->i < lo || v->i > hi) ? TH_TIME_NONE
		                                : v->i * INT64_C(1000000);
	if (v->type == TH_BPL_REAL)
		return th_time_from_unix(v->r);
	if (v->type == TH_BPL_DATE)
		return th_time_from_cocoa(v->r);
	return TH_TIME_NONE;
}

/* Follows a UID into $objects; other values are returned as they are. */
static enum th_status deref(const struct th_bplist *b,
                            const struct th_bpl_obj *objects,
                            const struct th_bpl_obj *v, const char *what,
                            struct th_bpl_obj *out, struct th_err *err)
{
	uint64_t ref;

	if (v->type != TH_BPL_UID) {
		*out = *v;
		return TH_OK;
	}
	if ((uint64_t)v->i >= objects->n ||
	    !th_bplist_ref(b, objects, (uint64_t)v->i, &ref))
		return th_err_set(
		        err, TH_ERR_FORMAT,
		        "bad MBFile: %s refers to object %lld of %llu", what,
		        (long long)v->i, (unsigned long long)objects->n);
	return th_bplist_get(b, ref, out, err);
}

static enum th_status read_key(const struct th_bplist *b,
                               const struct th_bpl_obj *objects,
                               const struct th_bpl_obj *v, struct th_mbfile *m,
                               struct th_err *err)
{
	struct th_bpl_obj o, data;
	enum th_status st;

	st = deref(b, objects, v, "EncryptionKey", &o, err);
	if (st != TH_OK)
		return st;
	if (o.type == TH_BPL_DICT) {
		if (!th_bplist_dict_get(b, &o, "NS.data", &data))
			return th_err_set(err, TH_ERR_FORMAT, "%s",
			                  "bad MBFile: EncryptionKey has no "
			                  "NS.data");
		st = deref(b, objects, &data, "EncryptionKey", &o, err);
		if (st != TH_OK)
			return st;
	}
	if (o.type != TH_BPL_DATA || o.n > TH_MBFILE_KEY_MAX)
		return th_err_set(
		        err, TH_ERR_FORMAT,
		        "bad MBFile: EncryptionKey is not a key of at "
		        "most %d bytes",
		        TH_MBFILE_KEY_MAX);
	memcpy(m->encryption_key, o.p, (size_t)o.n);
	m->encryption_key_len = (size_t)o.n;
	return TH_OK;
}

static enum th_status read_path(const struct th_bplist *b,
                                const struct th_bpl_obj *objects,
                                const struct th_bpl_obj *v, struct th_mbfile *m,
                                struct th_err *err)
{
	struct th_bpl_obj o;
	enum th_status st;

	st = deref(b, objects, v, "RelativePath", &o, err);
	if (st != TH_OK)
		return st;
	if (!th_bplist_str_utf8(&o, m->relative_path, sizeof(m->relative_path)))
		return th_err_set(err, TH_ERR_FORMAT, "%s",
		                  "bad MBFile: RelativePath is not a string "
		                  "of at most 1023 bytes");
	return TH_OK;
}

static int64_t int_of(const struct th_bpl_obj *v)
{
	return v->type == TH_BPL_INT ? v->i : -1;
}

static enum th_status read_field(const struct th_bplist *b,
                                 const struct th_bpl_obj *objects, enum field f,
                                 const struct th_bpl_obj *v,
                                 struct th_mbfile *m, struct th_err *err)
{
	switch (f) {
	case F_BIRTH:
		m->birth = time_of(v);
		break;
	case F_MODIFIED:
		m->last_modified = time_of(v);
		break;
	case F_CHANGED:
		m->last_status_change = time_of(v);
		break;
	case F_MODE:
		m->mode = int_of(v);
		break;
	case F_UID:
		m->user_id = int_of(v);
		break;
	case F_GID:
		m->group_id = int_of(v);
		break;
	case F_INODE:
		m->inode = int_of(v);
		break;
	case F_SIZE:
		m->size = int_of(v);
		break;
	case F_PCLASS:
		m->protection_class = int_of(v);
		break;
	case F_FLAGS:
		m->flags = int_of(v);
		break;
	case F_PATH:
		return read_path(b, objects, v, m, err);
	case F_KEY:
		return read_key(b, objects, v, m, err);
	case F_NONE:
		break;
	}
	return TH_OK;
}

/* Finds $objects and the root object ($objects[$top.root]). */
static enum th_status find_root(const struct th_bplist *b,
                                struct th_bpl_obj *objects,
                                struct th_bpl_obj *root, struct th_err *err)
{
	struct th_bpl_obj top, t, uid;

	if (th_bplist_get(b, b->top, &top, err) != TH_OK)
		return TH_ERR_FORMAT;
	if (!th_bplist_dict_get(b, &top, "$objects", objects) ||
	    objects->type != TH_BPL_ARRAY ||
	    !th_bplist_dict_get(b, &top, "$top", &t) ||
	    !th_bplist_dict_get(b, &t, "root", &uid) || uid.type != TH_BPL_UID)
		return th_err_set(err, TH_ERR_FORMAT, "%s",
		                  "bad MBFile: not a keyed archive with "
		                  "$objects and $top.root");
	if (deref(b, objects, &uid, "$top.root", root, err) != TH_OK)
		return TH_ERR_FORMAT;
	if (root->type != TH_BPL_DICT)
		return th_err_set(err, TH_ERR_FORMAT, "%s",
		                  "bad MBFile: the root object is not a "
		                  "dictionary");
	return TH_OK;
}

enum th_status th_mbfile_decode(const void *blob, size_t len,
                                struct th_mbfile *out, struct th_err *err)
{
	struct th_bpl_obj objects, root, k, v;
	struct th_bplist b;
	struct th_err e;
	enum th_status st;
	enum field f;
	uint64_t i, ref;

	mbfile_init(out);
	st = th_bplist_open(&b, blob, len, &e);
	if (st != TH_OK) {
		th_err_set(err, st, "bad MBFile: %s", e.msg);
		goto out;
	}
	st = find_root(&b, &objects, &root, err);
	for (i = 0; st == TH_OK && i < root.n; i++) {
		if (!th_bplist_ref(&b, &root, i, &ref) ||
		    th_bplist_get(&b, ref, &k, NULL) != TH_OK ||
		    (f = field_of(&k)) == F_NONE)
			continue;
		if (!th_bplist_ref(&b, &root, root.n + i, &ref) ||
		    th_bplist_get(&b, ref, &v, NULL) != TH_OK)
			continue;
		st = read_field(&b, &objects, f, &v, out, err);
	}
out:
	if (st != TH_OK)
		mbfile_init(out);
	return st;
}
