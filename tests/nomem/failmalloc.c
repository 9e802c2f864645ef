/*
 * The interposed allocator. The executable's own malloc wins symbol
 * lookup over every shared library's, so SQLite, jansson, libplist,
 * libarchive, OpenSSL and glibc's internal allocations come here too;
 * the real allocator (AddressSanitizer's under TH_SANITIZE, else
 * glibc's) is the next definition, found with dlsym(RTLD_NEXT).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "failmalloc.h"

#include <dlfcn.h>
#include <jansson.h>
#include <errno.h>
#include <limits.h>
#include <link.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

static void *(*real_malloc)(size_t);
static void *(*real_calloc)(size_t, size_t);
static void *(*real_realloc)(void *, size_t);
static void (*real_free)(void *);
static char *(*real_realpath)(const char *, char *);
static int (*real_pthread_create)(pthread_t *, const pthread_attr_t *,
                                  void *(*)(void *), void *);

/* Whether this thread runs code we test: the arming thread, and a new
 * thread once its start routine is entered. What AddressSanitizer
 * allocates before that, through glibc (pthread_getattr_np), is no part
 * of the pass. */
static _Thread_local int user_thread;

/* Inside jansson's parser: spared, as jansson 2.14's lexer drops the
 * failure of lex_save() and then walks past its buffer or asserts
 * (akheron/jansson#362), which we cannot fix. */
static _Thread_local int in_json_parse;
static int spare_json_parse;
static _Thread_local int held; /* th_failmalloc_hold */

static atomic_int armed;
static atomic_int sticky_mode;
static atomic_int fired;
static _Atomic uint64_t count;
static _Atomic uint64_t fail_at_n;

/* Allocations made before main's constructors ran (the dynamic loader,
 * AddressSanitizer's own start, other libraries' constructors) come from
 * this arena and are never given back: asking dlsym for the real
 * allocator that early is not safe. Each block has a size header. */
#define BOOT_SIZE (4u << 20)
static _Alignas(16) unsigned char boot[BOOT_SIZE];
static size_t boot_used;
static int ready;
static int trace; /* NOMEM_TRACE: print where the failure was injected */

/* AddressSanitizer's, when it is linked in. */
extern void __sanitizer_print_stack_trace(void) __attribute__((weak));

static void *boot_alloc(size_t n)
{
	size_t need = ((n + 15) & ~(size_t)15) + 16;

	if (n > BOOT_SIZE || need > BOOT_SIZE - boot_used)
		return NULL;
	memcpy(boot + boot_used, &n, sizeof(n));
	boot_used += need;
	return boot + boot_used - need + 16;
}

static size_t boot_size(const void *p)
{
	size_t n;

	memcpy(&n, (const unsigned char *)p - 16, sizeof(n));
	return n;
}

static int in_boot(const void *p)
{
	return (const unsigned char *)p >= boot &&
	       (const unsigned char *)p < boot + BOOT_SIZE;
}

__attribute__((constructor(101))) static void resolve(void)
{
	real_malloc = (void *(*)(size_t))dlsym(RTLD_NEXT, "malloc");
	real_calloc = (void *(*)(size_t, size_t))dlsym(RTLD_NEXT, "calloc");
	real_realloc = (void *(*)(void *, size_t))dlsym(RTLD_NEXT, "realloc");
	real_realpath =
	        (char *(*)(const char *, char *))dlsym(RTLD_NEXT, "realpath");
	real_free = (void (*)(void *))dlsym(RTLD_NEXT, "free");
	real_pthread_create =
	        (int (*)(pthread_t *, const pthread_attr_t *, void *(*)(void *),
	                 void *))dlsym(RTLD_NEXT, "pthread_create");
	trace = getenv("NOMEM_TRACE") != NULL;
	ready = real_malloc && real_calloc && real_realloc && real_free &&
	        real_realpath;
}

/* Code ranges of the spared libraries (th_failmalloc_spare). */
#define MAX_SPARED 32
static struct {
	uintptr_t lo, hi;
} spared[MAX_SPARED];
static unsigned nspared;

static int spare_cb(struct dl_phdr_info *info, size_t size, void *name)
{
	int i;

	if (!info->dlpi_name || !strstr(info->dlpi_name, name))
		return 0;
	for (i = 0; i < info->dlpi_phnum && nspared < MAX_SPARED; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];

		if (ph->p_type != PT_LOAD)
			continue;
		spared[nspared].lo = info->dlpi_addr + ph->p_vaddr;
		spared[nspared].hi = spared[nspared].lo + ph->p_memsz;
		nspared++;
	}
	return 0;
}

int th_failmalloc_spare(const char *name)
{
	unsigned before = nspared;

	if (!strcmp(name, "json-parse"))
		return spare_json_parse = 1;
	dl_iterate_phdr(spare_cb, (void *)name);
	return nspared > before;
}

static int is_spared(const void *caller)
{
	uintptr_t a = (uintptr_t)caller;
	unsigned i;

	for (i = 0; i < nspared; i++)
		if (a >= spared[i].lo && a < spared[i].hi)
			return 1;
	return 0;
}

/* Counts one allocation made from `caller`; nonzero when it must
 * fail. Allocations from spared libraries are neither. */
static int should_fail(const void *caller)
{
	uint64_t n, at;

	if (!atomic_load(&armed) || !user_thread || held ||
	    (in_json_parse && spare_json_parse) || is_spared(caller))
		return 0;
	n = atomic_fetch_add(&count, 1) + 1;
	at = atomic_load(&fail_at_n);
	if (at == 0 || n < at || (n > at && !atomic_load(&sticky_mode)))
		return 0;
	atomic_store(&fired, 1);
	if (trace && n == at && __sanitizer_print_stack_trace)
		__sanitizer_print_stack_trace();
	errno = ENOMEM;
	return 1;
}

void th_failmalloc_arm(uint64_t fail_at, int sticky)
{
	user_thread = 1;
	atomic_store(&count, 0);
	atomic_store(&fired, 0);
	atomic_store(&fail_at_n, fail_at);
	atomic_store(&sticky_mode, sticky);
	atomic_store(&armed, 1);
}

void th_failmalloc_hold(int on)
{
	held = on;
}

uint64_t th_failmalloc_disarm(void)
{
	atomic_store(&armed, 0);
	return atomic_load(&count);
}

int th_failmalloc_fired(void)
{
	return atomic_load(&fired);
}

static void *alloc_from(size_t n, const void *caller)
{
	if (!ready)
		return boot_alloc(n);
	if (should_fail(caller))
		return NULL;
	return real_malloc(n);
}

void *malloc(size_t n)
{
	return alloc_from(n, __builtin_return_address(0));
}

void *calloc(size_t n, size_t size)
{
	if (!ready) {
		void *p;

		if (size && n > SIZE_MAX / size)
			return NULL;
		p = boot_alloc(n * size);
		return p; /* the arena is static, hence zeroed */
	}
	if (should_fail(__builtin_return_address(0)))
		return NULL;
	return real_calloc(n, size);
}

void *realloc(void *p, size_t n)
{
	if (p && in_boot(p)) {
		/* An early block grows into a real (or arena) one. */
		void *q = malloc(n);
		size_t old = boot_size(p);

		if (q)
			memcpy(q, p, n < old ? n : old);
		return q;
	}
	if (!ready)
		return boot_alloc(n);
	if (n > 0 && should_fail(__builtin_return_address(0)))
		return NULL;
	return real_realloc(p, n);
}

void free(void *p)
{
	if (!p || in_boot(p))
		return;
	if (ready)
		real_free(p);
}

char *strdup(const char *s)
{
	size_t len = strlen(s);
	char *p = alloc_from(len + 1, __builtin_return_address(0));

	if (p)
		memcpy(p, s, len + 1);
	return p;
}

char *strndup(const char *s, size_t max)
{
	size_t len = strnlen(s, max);
	char *p = alloc_from(len + 1, __builtin_return_address(0));

	if (p) {
		memcpy(p, s, len);
		p[len] = '\0';
	}
	return p;
}

char *realpath(const char *path, char *resolved)
{
	if (!ready) {
		errno = ENOMEM;
		return NULL;
	}
	if (!resolved && should_fail(__builtin_return_address(0)))
		return NULL;
	return real_realpath(path, resolved);
}

struct start {
	void *(*fn)(void *);
	void *arg;
};

static void *trampoline(void *p)
{
	struct start st = *(struct start *)p;

	real_free(p);
	user_thread = 1;
	return st.fn(st.arg);
}

int pthread_create(pthread_t *t, const pthread_attr_t *attr,
                   void *(*fn)(void *), void *arg)
{
	struct start *st;
	int rc;

	if (!ready || !real_pthread_create)
		return EAGAIN;
	st = real_malloc(sizeof(*st));
	if (!st)
		return EAGAIN;
	st->fn = fn;
	st->arg = arg;
	rc = real_pthread_create(t, attr, trampoline, st);
	if (rc != 0)
		real_free(st);
	return rc;
}

/* jansson's loaders, with their allocations spared (see in_json_parse). */
json_t *json_loadb(const char *buf, size_t len, size_t flags,
                   json_error_t *error)
{
	static json_t *(*real)(const char *, size_t, size_t, json_error_t *);
	json_t *j;

	if (!real)
		real = (json_t *
		        (*)(const char *, size_t, size_t, json_error_t *))
		        dlsym(RTLD_NEXT, "json_loadb");
	in_json_parse++;
	j = real(buf, len, flags, error);
	in_json_parse--;
	return j;
}

json_t *json_loads(const char *input, size_t flags, json_error_t *error)
{
	static json_t *(*real)(const char *, size_t, json_error_t *);
	json_t *j;

	if (!real)
		real = (json_t * (*)(const char *, size_t, json_error_t *))
		        dlsym(RTLD_NEXT, "json_loads");
	in_json_parse++;
	j = real(input, flags, error);
	in_json_parse--;
	return j;
}

json_t *json_load_file(const char *path, size_t flags, json_error_t *error)
{
	static json_t *(*real)(const char *, size_t, json_error_t *);
	json_t *j;

	if (!real)
		real = (json_t * (*)(const char *, size_t, json_error_t *))
		        dlsym(RTLD_NEXT, "json_load_file");
	in_json_parse++;
	j = real(path, flags, error);
	in_json_parse--;
	return j;
}

json_t *json_loadf(FILE *f, size_t flags, json_error_t *error)
{
	static json_t *(*real)(FILE *, size_t, json_error_t *);
	json_t *j;

	if (!real)
		real = (json_t * (*)(FILE *, size_t, json_error_t *))
		        dlsym(RTLD_NEXT, "json_loadf");
	in_json_parse++;
	j = real(f, flags, error);
	in_json_parse--;
	return j;
}
