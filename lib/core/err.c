#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/err.h"

static const char *const status_names[] = {
        [TH_OK] = "ok",
        [TH_ERR_NOMEM] = "out of memory",
        [TH_ERR_IO] = "input/output error",
        [TH_ERR_FORMAT] = "format error",
        [TH_ERR_LIMIT] = "limit exceeded",
        [TH_ERR_CRYPTO] = "cryptographic error",
        [TH_ERR_PASSWORD] = "wrong password or key",
        [TH_ERR_NOTFOUND] = "not found",
        [TH_ERR_USAGE] = "usage error",
        [TH_ERR_UNSUPPORTED] = "unsupported",
        [TH_ERR_INTERNAL] = "internal error",
};

const char *th_status_str(enum th_status status)
{
	if ((unsigned)status >= sizeof(status_names) / sizeof(status_names[0]))
		return "unknown status";
	return status_names[status];
}

enum th_status th_err_set(struct th_err *err, enum th_status status,
                          const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return status;
	err->status = status;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return status;
}

enum th_status th_err_errno(struct th_err *err, int errnum, const char *fmt,
                            ...)
{
	enum th_status status = errnum == ENOMEM ? TH_ERR_NOMEM : TH_ERR_IO;
	va_list ap;
	int n;

	if (!err)
		return status;
	err->status = status;
	va_start(ap, fmt);
	n = vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	if (n >= 0 && (size_t)n < sizeof(err->msg))
		snprintf(err->msg + n, sizeof(err->msg) - (size_t)n, ": %s",
		         strerror(errnum));
	return status;
}

void th_err_clear(struct th_err *err)
{
	if (!err)
		return;
	err->status = TH_OK;
	err->msg[0] = '\0';
}

enum th_status th_err_copy(struct th_err *dst, const struct th_err *src)
{
	if (dst && src && dst != src)
		memcpy(dst, src, sizeof(*dst));
	return src ? src->status : TH_OK;
}
