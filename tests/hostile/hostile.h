/*
 * Crafted hostile evidence for tests/test_hostile.c, written by
 * tests/gen/gen_hostile.c at test time (no binary blob is committed).
 * Each writer creates `path` (it must not exist) or fills `out`; on an
 * error it returns TH_ERR_IO / TH_ERR_NOMEM with a message in err.
 */
#ifndef TH_TESTS_HOSTILE_H
#define TH_TESTS_HOSTILE_H

#include <stddef.h>
#include <stdint.h>
#include "core/buf.h"
#include "core/err.h"

enum th_hostile_bplist {
	TH_HOSTILE_BPLIST_DEEP,     /* arrays nested `depth` deep */
	TH_HOSTILE_BPLIST_CYCLE,    /* an array that contains itself */
	TH_HOSTILE_BPLIST_OFFTABLE, /* offset table far past the end */
};

/* A binary plist of the given kind (depth: for DEEP, at most 2^24). */
enum th_status th_hostile_bplist(const char *path, enum th_hostile_bplist kind,
                                 size_t depth, struct th_err *err);

/* An MBFile-like NSKeyedArchiver plist whose UIDs refer to each other
 * in a loop (root -> 1 -> 3 -> 4 -> 3 ...) and to themselves. */
enum th_status th_hostile_nskeyed_loop(struct th_buf *out, struct th_err *err);

/* An SQLite image of an sms.db whose one message row's cell claims a
 * payload of 1 GiB in a file of a few pages. */
enum th_status th_hostile_sqlite_bigrow(struct th_buf *out, struct th_err *err);

/* A zip being written by hand (stored members, and deflate bombs). */
struct th_hostile_zip;

enum th_status th_hostile_zip_open(const char *path,
                                   struct th_hostile_zip **out,
                                   struct th_err *err);
/* A stored member named `name` as is (may be "../x" or "/x"). */
enum th_status th_hostile_zip_add(struct th_hostile_zip *z, const char *name,
                                  const void *data, size_t len,
                                  struct th_err *err);
/* A deflated member of `mib` MiB of zeros (streamed: one compressed
 * MiB written `mib` times) whose headers claim `claimed` bytes (zip64
 * sizes; the claim may be a lie either way). */
enum th_status th_hostile_zip_bomb(struct th_hostile_zip *z, const char *name,
                                   size_t mib, uint64_t claimed,
                                   struct th_err *err);
/* Writes the central directory, closes and frees (NULL is fine). */
enum th_status th_hostile_zip_close(struct th_hostile_zip *z,
                                    struct th_err *err);

/* A .tar dump (private/var/... files) with a character device, a FIFO,
 * a hard link to a member, hard links to "/etc/passwd" and
 * "../../etc/passwd", and "../" and absolute member names. */
enum th_status th_hostile_tar_nodes(const char *path, struct th_err *err);

/* A STIX2 bundle with `n` domain indicators, written streamed. */
enum th_status th_hostile_stix_many(const char *path, size_t n,
                                    struct th_err *err);

/* A STIX2 bundle whose one indicator's pattern holds a string of
 * `mib` MiB. */
enum th_status th_hostile_stix_long(const char *path, size_t mib,
                                    struct th_err *err);

/* A dumpsys.txt opening one section and then `lines` lines that never
 * end it. */
enum th_status th_hostile_dumpsys_endless(const char *path, size_t lines,
                                          struct th_err *err);

#endif
