/* The registry of live private temporary folders (th_cleanup.h). */
#ifndef TH_CORE_TMPREG_H
#define TH_CORE_TMPREG_H

#include <tracehound/th_status.h>

/* mkdtemp(tmpl) and registers the folder, atomically with respect to
 * th_cleanup_temp. TH_ERR_IO (errno set) when mkdtemp fails,
 * TH_ERR_UNSUPPORTED once th_cleanup_temp ran. A full table is not an
 * error: the folder is still removed by its owner. */
enum th_status th_tmpreg_mkdtemp(char *tmpl);
void th_tmpreg_remove(const char *path);

#endif
