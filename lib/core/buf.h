/*
 * A growable byte buffer with a ceiling (curl's dynbuf): appends fail with
 * TH_ERR_LIMIT rather than grow past `max`. Always NUL-terminated.
 */
#ifndef TH_CORE_BUF_H
#define TH_CORE_BUF_H

#include <stddef.h>
#include <tracehound/th_status.h>

struct th_buf {
	char *data; /* NULL until the first append */
	size_t len;
	size_t cap;
	size_t max; /* largest len allowed */
};

void th_buf_init(struct th_buf *b, size_t max);
void th_buf_free(struct th_buf *b);
void th_buf_reset(struct th_buf *b); /* len = 0, keeps memory */
enum th_status th_buf_add(struct th_buf *b, const void *data, size_t len);
enum th_status th_buf_adds(struct th_buf *b, const char *s);
enum th_status th_buf_addc(struct th_buf *b, char c);
enum th_status th_buf_printf(struct th_buf *b, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));
/* Hands the data to the caller (free() it); the buffer is emptied.
 * Never NULL unless out of memory: an empty buffer gives "". */
char *th_buf_take(struct th_buf *b, size_t *len);
/* The contents as a string ("" when empty). Valid until the next change. */
const char *th_buf_str(const struct th_buf *b);

#endif
