#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <unistd.h>

#include "core/pool.h"

struct pool_job {
	atomic_size_t next;
	size_t n;
	th_pool_fn fn;
	void *ctx;
};

static void *worker(void *arg)
{
	struct pool_job *job = arg;
	size_t i;

	while ((i = atomic_fetch_add(&job->next, 1)) < job->n)
		job->fn(job->ctx, i);
	return NULL;
}

int th_pool_cores(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n < 1 ? 1 : (n > 256 ? 256 : (int)n);
}

enum th_status th_pool_for(int threads, size_t n, th_pool_fn fn, void *ctx)
{
	struct pool_job job = {.n = n, .fn = fn, .ctx = ctx};
	pthread_t *tids;
	int i, started = 0;

	atomic_init(&job.next, 0);
	if (threads <= 0)
		threads = th_pool_cores();
	if ((size_t)threads > n)
		threads = n ? (int)n : 1;
	tids = threads > 1 ? calloc((size_t)threads - 1, sizeof(*tids)) : NULL;
	for (i = 0; tids && i < threads - 1; i++) {
		if (pthread_create(&tids[i], NULL, worker, &job) != 0)
			break;
		started++;
	}
	worker(&job);
	for (i = 0; i < started; i++)
		pthread_join(tids[i], NULL);
	free(tids);
	return (threads > 1 && !tids) ? TH_ERR_NOMEM : TH_OK;
}

static void *background(void *arg)
{
	struct th_pool_task *t = arg;

	t->fn(t->ctx);
	return NULL;
}

void th_pool_start(struct th_pool_task *task, void (*fn)(void *ctx), void *ctx)
{
	task->fn = fn;
	task->ctx = ctx;
	task->started = pthread_create(&task->tid, NULL, background, task) == 0;
	if (!task->started)
		fn(ctx);
}

void th_pool_wait(struct th_pool_task *task)
{
	if (task->started)
		pthread_join(task->tid, NULL);
	task->started = 0;
}
