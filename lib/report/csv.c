/* CSV fields as MVT's timelines write them: every field quoted. */
#include <string.h>

#include "report/report.h"

enum th_status th_csv_field(struct th_buf *b, const char *s)
{
	const char *q;
	enum th_status st = th_buf_addc(b, '"');

	/* Copy runs between quotes in one go; double each quote. */
	while (st == TH_OK && (q = strchr(s, '"')) != NULL) {
		st = th_buf_add(b, s, (size_t)(q - s) + 1);
		if (st == TH_OK)
			st = th_buf_addc(b, '"');
		s = q + 1;
	}
	if (st == TH_OK)
		st = th_buf_adds(b, s);
	if (st == TH_OK)
		st = th_buf_addc(b, '"');
	return st;
}

enum th_status th_csv_line(struct th_buf *b, const char *const *fields,
                           size_t n)
{
	enum th_status st = TH_OK;
	size_t i;

	for (i = 0; i < n && st == TH_OK; i++) {
		if (i)
			st = th_buf_addc(b, ',');
		if (st == TH_OK)
			st = th_csv_field(b, fields[i]);
	}
	return st == TH_OK ? th_buf_addc(b, '\n') : st;
}
