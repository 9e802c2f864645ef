/*
 * Readers for the plists that iOS stores inside database cells: Safari's
 * tab session state and the actions of a Shortcuts shortcut. Both are
 * evidence: bounded by the plist limits, and a malformed blob is
 * TH_ERR_FORMAT with a message, never a crash.
 */
#ifndef TH_MODULES_IOS_BLOBS_H
#define TH_MODULES_IOS_BLOBS_H

#include <stddef.h>
#include <jansson.h>
#include "core/err.h"

/*
 * Safari's tabs.session_data / tab_sessions.session_data: a 4-byte
 * header, then a plist whose SessionHistory.SessionHistoryEntries[] hold
 * SessionHistoryEntryURL, SessionHistoryEntryOriginalURL and
 * SessionHistoryEntryData. Appends to the array `entries` one object per
 * entry, as MVT writes them: {"entry_title" (the original URL),
 * "entry_url", "data_length"}. TH_ERR_FORMAT, TH_ERR_LIMIT, TH_ERR_NOMEM.
 */
enum th_status th_safari_session_parse(const void *data, size_t len,
                                       json_t *entries, struct th_err *err);

/*
 * A shortcut's ZSHORTCUTACTIONS.ZDATA: a plist array of actions
 * {WFWorkflowActionIdentifier, WFWorkflowActionParameters}. Appends the
 * links found in every string of every action's parameters to the array
 * `urls` (once each) and sets *nactions. TH_ERR_FORMAT, TH_ERR_LIMIT,
 * TH_ERR_NOMEM.
 */
enum th_status th_shortcut_actions_parse(const void *data, size_t len,
                                         json_t *urls, size_t *nactions,
                                         struct th_err *err);

#endif
