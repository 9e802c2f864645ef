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

/*
 * Section bounds: a section ends at the next "DUMP OF SERVICE" line, at
 * a line starting with 78 dashes, or at dumpsys's "--------- 0.01s was the
 * duration of dumpsys X" footer. The first section of a name wins; a
 * dumpstate's "DUMP OF SERVICE CRITICAL x:" / "HIGH x:" answer for "x"
 * when no plain "x" exists.
 *
 * A name holding a blank ("SYSTEM PROPERTIES") is looked up as a block
 * title (th_dumpsys_block), so a source's dumpsys op serves both.
 */

/* The body of dumpstate block "------ <title> (<command>) ------" (or
 * "------ <title> ------"), up to the next line starting "------ " (the
 * next block or the "was the duration" line). TH_ERR_NOTFOUND. */
enum th_status th_dumpsys_block(const struct th_dumpsys *d, const char *title,
                                const char **text, size_t *len);

/*
 * Whether the text ended inside a "DUMP OF SERVICE" section that nothing
 * closed (no next header, ruler, footer or dumpstate block line), as
 * when dumpsys was cut off: every section of a whole dumpsys ends with
 * its footer. The section's body then runs to the end of the text. Sets
 * its name (not NUL-terminated, inside the text).
 */
int th_dumpsys_cut_off(const struct th_dumpsys *d, const char **name,
                       size_t *name_len);

/* When th_dumpsys_cut_off, writes the warning to give the user into msg
 * ("'FILE': section 'X' has no end marker (cut off?): read to the end
 * of the file") and returns 1; else 0. */
int th_dumpsys_cut_warning(const struct th_dumpsys *d, const char *file,
                           char *msg, size_t size);

/* Sections and blocks indexed, in text order, for listing and tests:
 * th_dumpsys_at gives the i-th name (not NUL-terminated) and whether it
 * is a block; returns 0 past the end. */
size_t th_dumpsys_count(const struct th_dumpsys *d);
int th_dumpsys_at(const struct th_dumpsys *d, size_t i, const char **name,
                  size_t *name_len, int *is_block);

#endif
