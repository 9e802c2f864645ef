/*
 * NSKeyedArchiver archives ({$archiver, $version, $top, $objects}) turned
 * into plain plist trees: every UID is replaced by the object it points
 * at, and Foundation containers are unwrapped (libplist has no resolver).
 */
#ifndef TH_FORMATS_NSKEYED_H
#define TH_FORMATS_NSKEYED_H

#include <plist/plist.h>
#include "core/err.h"

#define TH_NSKEYED_MAX_DEPTH 64     /* objects and containers nested */
#define TH_NSKEYED_MAX_NODES 500000 /* nodes in the resolved tree */

/*
 * Resolves $top[top_key] (NULL: "root") of `archive` into a new tree the
 * caller frees with plist_free(). Objects with NS.keys + NS.objects
 * become dictionaries, NS.objects alone an array, NS.string / NS.data /
 * NS.time their value (NS.time as a date); any other object a dictionary
 * of its resolved members with "$class" set to its class name. Members
 * that are $null are left out. A UID that points back into one of its own
 * ancestors is kept as a UID (never followed); a UID outside $objects is
 * an error.
 * TH_ERR_FORMAT (not an archive, bad UID), TH_ERR_LIMIT (deeper than
 * TH_NSKEYED_MAX_DEPTH or more than TH_NSKEYED_MAX_NODES nodes),
 * TH_ERR_NOTFOUND (no such top key, or it is $null), TH_ERR_NOMEM.
 */
enum th_status th_nskeyed_resolve(plist_t archive, const char *top_key,
                                  plist_t *out, struct th_err *err);

#endif
