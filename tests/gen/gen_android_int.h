/* The generator's Android helpers shared between its files. */
#ifndef TH_GEN_ANDROID_INT_H
#define TH_GEN_ANDROID_INT_H

#include <stddef.h>
#include <stdint.h>
#include "core/buf.h"

struct th_gen_member {
	const char *name;
	const char *data;
	size_t len;
	int64_t mtime; /* Unix seconds */
};

/* A tar (zip = 0) or zip (zip = 1) of the members, appended to out. */
enum th_status th_gen_archive(struct th_buf *out, int zip,
                              const struct th_gen_member *m, size_t n);
/* zlib-compresses in, appended to out. */
enum th_status th_gen_deflate(const char *in, size_t len, struct th_buf *out);
/* An .ab of the members (version 1-5, zlib-compressed or not, AES-256
 * when password is not NULL). */
enum th_status th_gen_ab_write(const char *path, const char *password,
                               int version, int compressed,
                               const struct th_gen_member *m, size_t n);
enum th_status th_gen_write_file(const char *path, const void *data,
                                 size_t len);

#endif
