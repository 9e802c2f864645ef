#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"

void th_buf_init(struct th_buf *b, size_t max)
{
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
	b->max = max;
}

void th_buf_free(struct th_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

void th_buf_reset(struct th_buf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = '\0';
}

static enum th_status grow(struct th_buf *b, size_t extra)
{
	size_t need, cap;
	char *p;

	if (extra > b->max || b->len > b->max - extra)
		return TH_ERR_LIMIT;
	need = b->len + extra + 1;
	if (need <= b->cap)
		return TH_OK;
	cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap = cap > SIZE_MAX / 2 ? need : cap * 2;
	p = realloc(b->data, cap);
	if (!p)
		return TH_ERR_NOMEM;
	b->data = p;
	b->cap = cap;
	return TH_OK;
}

enum th_status th_buf_add(struct th_buf *b, const void *data, size_t len)
{
	enum th_status st = grow(b, len);

	if (st != TH_OK)
		return st;
	if (len)
		memcpy(b->data + b->len, data, len);
	b->len += len;
	b->data[b->len] = '\0';
	return TH_OK;
}

enum th_status th_buf_adds(struct th_buf *b, const char *s)
{
	return th_buf_add(b, s, strlen(s));
}

enum th_status th_buf_addc(struct th_buf *b, char c)
{
	return th_buf_add(b, &c, 1);
}

enum th_status th_buf_printf(struct th_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;
	enum th_status st;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return TH_ERR_FORMAT;
	st = grow(b, (size_t)n);
	if (st != TH_OK)
		return st;
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return TH_OK;
}

char *th_buf_take(struct th_buf *b, size_t *len)
{
	char *p = b->data;

	if (len)
		*len = b->len;
	if (!p)
		p = calloc(1, 1);
	b->data = NULL;
	b->len = b->cap = 0;
	return p;
}

const char *th_buf_str(const struct th_buf *b)
{
	return b->data ? b->data : "";
}
