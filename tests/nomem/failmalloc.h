/*
 * A malloc that fails on request, for the malloc-failure pass. It
 * interposes malloc, calloc, realloc, free, strdup, strndup and realpath
 * for the whole process (our library and the shared libraries it uses:
 * SQLite, jansson, libplist, libarchive, OpenSSL), counting the
 * allocations made while armed and failing the Nth one.
 *
 * Linked only into th-nomem; nothing else in the tree sees it.
 */
#ifndef TH_FAILMALLOC_H
#define TH_FAILMALLOC_H

#include <stdint.h>

/* Starts counting allocations from 0. With fail_at > 0 the fail_at-th
 * allocation returns NULL (errno ENOMEM); with `sticky` every one after
 * it fails too. fail_at 0 only counts. */
void th_failmalloc_arm(uint64_t fail_at, int sticky);

/* Spares the loaded shared objects whose path contains `name`: their
 * own allocations are neither counted nor failed (for libraries that
 * crash or exit when malloc fails, which we cannot fix). The name
 * "json-parse" spares what jansson allocates inside its loaders.
 * Returns whether one was found. */
int th_failmalloc_spare(const char *name);

/* While `on`, this thread's allocations are neither counted nor failed:
 * for what a case does only to compute its digest. */
void th_failmalloc_hold(int on);

/* Stops counting and failing; returns how many allocations were made
 * while armed. */
uint64_t th_failmalloc_disarm(void);

/* Whether an allocation has been failed since the last arm. */
int th_failmalloc_fired(void);

#endif
