/* The Android sources (shared reference/android.md): androidqf
 * acquisitions, bugreports, .ab backups and intrusion logs. */
#ifndef TH_SOURCES_ANDROID_SOURCES_H
#define TH_SOURCES_ANDROID_SOURCES_H

#include "sources/source.h"

extern const struct th_source_ops th_source_androidqf;
extern const struct th_source_ops th_source_bugreport;
extern const struct th_source_ops th_source_android_backup;
extern const struct th_source_ops th_source_intrusion_logs;

#endif
