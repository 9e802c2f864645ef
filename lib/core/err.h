/*
 * An error slot that handles carry: the status and a one-line message in
 * git's style ("cannot open 'Manifest.db': not a SQLite database").
 */
#ifndef TH_CORE_ERR_H
#define TH_CORE_ERR_H

#include <tracehound/th_status.h>

#define TH_ERR_MSG_MAX 512

struct th_err {
	enum th_status status;
	char msg[TH_ERR_MSG_MAX];
};

/* Sets the status and message; returns `status`, for `return th_err_set(..)`.
 */
enum th_status th_err_set(struct th_err *err, enum th_status status,
                          const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

/*
 * For a failed system or C library call: the status is TH_ERR_NOMEM
 * when `errnum` is ENOMEM (fopen, opendir and friends allocate, and a
 * run short of memory must say so, not "input/output error"), else
 * TH_ERR_IO. The message gets ": <strerror(errnum)>" appended.
 */
enum th_status th_err_errno(struct th_err *err, int errnum, const char *fmt,
                            ...) __attribute__((format(printf, 3, 4)));

void th_err_clear(struct th_err *err);

/* Copies src into dst (both may be NULL-safe); returns src's status. */
enum th_status th_err_copy(struct th_err *dst, const struct th_err *src);

#endif
