/*
 * Live temporary folders, so an interrupted program can remove them. A
 * small fixed table under a mutex: a run holds a handful at a time.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <tracehound/th_cleanup.h>
#include "core/fsutil.h"
#include "core/tmpreg.h"

#define SLOTS 256

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static char *slots[SLOTS];
static int closed;

enum th_status th_tmpreg_mkdtemp(char *tmpl)
{
	enum th_status st = TH_OK;
	size_t i;

	/* Created under the lock, so an interrupt never finds a folder that
	 * exists but is not listed yet. */
	pthread_mutex_lock(&lock);
	if (closed)
		st = TH_ERR_UNSUPPORTED;
	else if (!mkdtemp(tmpl))
		st = TH_ERR_IO;
	for (i = 0; st == TH_OK && i < SLOTS; i++)
		if (!slots[i]) {
			slots[i] = strdup(tmpl);
			break;
		}
	pthread_mutex_unlock(&lock);
	return st;
}

void th_tmpreg_remove(const char *path)
{
	size_t i;

	pthread_mutex_lock(&lock);
	for (i = 0; i < SLOTS; i++)
		if (slots[i] && strcmp(slots[i], path) == 0) {
			free(slots[i]);
			slots[i] = NULL;
			break;
		}
	pthread_mutex_unlock(&lock);
}

int th_cleanup_temp(void)
{
	size_t i;
	int n = 0, tries;

	pthread_mutex_lock(&lock);
	closed = 1;
	for (i = 0; i < SLOTS; i++) {
		if (!slots[i])
			continue;
		/* Again while it is there: a worker may still be writing a
		 * file into it. */
		for (tries = 0; tries < 100 && th_is_dir(slots[i]); tries++)
			th_remove_tree(slots[i]);
		free(slots[i]);
		slots[i] = NULL;
		n++;
	}
	pthread_mutex_unlock(&lock);
	return n;
}
