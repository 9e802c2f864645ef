/* What the dumpsys_* modules share: pulling a section from the source,
 * running a parser from formats/dumpsys_parse.h over it and emitting
 * each record, and the common app-id check. */
#ifndef TH_MODULES_ANDROID_DUMPSYS_GLUE_H
#define TH_MODULES_ANDROID_DUMPSYS_GLUE_H

#include "formats/dumpsys_parse.h"
#include "modules/module.h"

/* Runs `parse` over dumpsys section `service` (a block title such as
 * "SYSTEM PROPERTIES" works too) and emits every record; `event` (may
 * be NULL) is called on each record first, for timeline events.
 * TH_ERR_NOTFOUND (module skipped) when the source has no such section. */
enum th_status th_dsm_run(struct th_run *run, const char *service,
                          th_section_each parse,
                          void (*event)(struct th_run *run, const json_t *rec));

/* record[key] vs app ids: critical. Returns the hit or NULL. */
const struct th_ioc *th_dsm_check_app(struct th_run *run, const json_t *rec,
                                      const char *key, int64_t t);

/* Whether `name` is in the NULL-terminated `list`. */
int th_dsm_in_list(const char *const *list, const char *name);

#endif
