/*
 * A parallel for: runs fn(ctx, i) for i in [0, n) on `threads` threads
 * (0: one per core). Jobs are taken in order from a shared counter.
 */
#ifndef TH_CORE_POOL_H
#define TH_CORE_POOL_H

#include <pthread.h>
#include <stddef.h>
#include <tracehound/th_status.h>

typedef void (*th_pool_fn)(void *ctx, size_t i);

/* Returns TH_ERR_NOMEM only if no thread could start; it then runs the
 * jobs on the calling thread, so every job always runs. */
enum th_status th_pool_for(int threads, size_t n, th_pool_fn fn, void *ctx);

/* One function run on a background thread, so the caller can do other
 * work meanwhile (e.g. emit one batch while the next is read and parsed
 * with th_pool_for). Start it, then always wait for it; if no thread
 * can start, th_pool_start runs fn itself before returning. */
struct th_pool_task {
	pthread_t tid;
	int started;
	void (*fn)(void *ctx);
	void *ctx;
};

void th_pool_start(struct th_pool_task *task, void (*fn)(void *ctx), void *ctx);
void th_pool_wait(struct th_pool_task *task);

/* The number of online cores (at least 1). */
int th_pool_cores(void);

#endif
