/*
 * dumpsys output (androidqf dumpsys.txt, a bugreport's dumpstate): an
 * index of its "DUMP OF SERVICE <name>:" sections over the text, built
 * once in one pass and shared by every module. The text is not copied.
 */
#ifndef TH_FORMATS_DUMPSYS_H
#define TH_FORMATS_DUMPSYS_H

#include <stddef.h>
#include "core/err.h"

struct th_dumpsys;

/* Indexes text[0..len). The text must outlive the index. */
enum th_status th_dumpsys_index(const char *text, size_t len,
                                struct th_dumpsys **out, struct th_err *err);
void th_dumpsys_free(struct th_dumpsys *d);

/* The body of section `service` (after its header line, up to the next
 * section), or TH_ERR_NOTFOUND. */
enum th_status th_dumpsys_section(const struct th_dumpsys *d,
                                  const char *service, const char **text,
                                  size_t *len);

#endif
