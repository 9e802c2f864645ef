/*
 * A parallel for: runs fn(ctx, i) for i in [0, n) on `threads` threads
 * (0: one per core). Jobs are taken in order from a shared counter.
 */
#ifndef TH_CORE_POOL_H
#define TH_CORE_POOL_H

#include <stddef.h>
#include <tracehound/th_status.h>

typedef void (*th_pool_fn)(void *ctx, size_t i);

/* Returns TH_ERR_NOMEM only if no thread could start; it then runs the
 * jobs on the calling thread, so every job always runs. */
enum th_status th_pool_for(int threads, size_t n, th_pool_fn fn, void *ctx);

/* The number of online cores (at least 1). */
int th_pool_cores(void);

#endif
